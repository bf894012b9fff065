"""The clip list: kind toggles, a text filter, the count, and the table."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QFontMetrics, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from clipdesk.core.episode import ClipKind
from clipdesk.ui.common.theme import KIND_COLOURS
from clipdesk.ui.review.clip_table_model import ClipFilterProxy, ClipTableModel, Column

FILTER_KINDS = (ClipKind.HIGHLIGHT, ClipKind.KEY_POINT, ClipKind.SEGMENT, ClipKind.CLIP)
KIND_PLURALS = {
    ClipKind.HIGHLIGHT: "Highlights",
    ClipKind.KEY_POINT: "Key points",
    ClipKind.SEGMENT: "Segments",
    ClipKind.CLIP: "Clips",
}


class ClipPanel(QWidget):
    kinds_changed = Signal(object)  # frozenset[ClipKind]

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.proxy = ClipFilterProxy(self)
        self.model: ClipTableModel | None = None

        self.kind_buttons: dict[ClipKind, QToolButton] = {}
        kinds_row = QHBoxLayout()
        kinds_row.setSpacing(4)
        for kind in FILTER_KINDS:
            b = QToolButton(self)
            b.setText(KIND_PLURALS[kind])
            b.setCheckable(True)
            b.setChecked(True)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.setStyleSheet(
                f"QToolButton:checked {{ border-bottom: 3px solid {KIND_COLOURS[kind].name()}; }}"
            )
            b.toggled.connect(self._on_kinds)
            self.kind_buttons[kind] = b
            kinds_row.addWidget(b)
        kinds_row.addStretch(1)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("clipCount")
        kinds_row.addWidget(self.count_label)

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("clipFilter")
        self.filter_edit.setPlaceholderText("Filter clips by text (Ctrl+F)")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._on_text)
        clear = QAction("Clear filter", self.filter_edit)
        clear.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        clear.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        clear.triggered.connect(self._leave_filter)
        self.filter_edit.addAction(clear)

        self.table = QTableView(self)
        self.table.setObjectName("clipTable")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # Title, Start and End are typed in (double-click or F2) while a document is edited.
        triggers = QAbstractItemView.EditTrigger
        self.table.setEditTriggers(triggers.DoubleClicked | triggers.EditKeyPressed)
        self.table.setSortingEnabled(True)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        # Export stays hidden until clips are exported; Duration is in the details panel
        # and would squeeze the titles (the header's menu shows it again).
        self._hidden_columns = {Column.EXPORT, Column.DURATION}
        self._narrow = False
        self._widths: dict[Column, int] = {}
        self.table.viewport().installEventFilter(self)
        self.table.sortByColumn(Column.START, Qt.SortOrder.AscendingOrder)
        self.proxy.rowsInserted.connect(self._update_count)
        self.proxy.rowsRemoved.connect(self._update_count)
        self.proxy.modelReset.connect(self._update_count)
        self.proxy.layoutChanged.connect(self._update_count)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(kinds_row)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.table, 1)
        self._update_count()

    def _apply_columns(self) -> None:
        # Widths from the font: ResizeToContents would measure every row on each change.
        header = self.table.horizontalHeader()
        bold = self.table.font()
        bold.setBold(True)  # the row under the playhead is drawn bold
        fm = QFontMetrics(bold)
        samples = {
            Column.KIND: "Key point",
            Column.NUMBER: "99",
            Column.START: "0:00:00.000",
            Column.END: "0:00:00.000",
            Column.DURATION: "0:00:00.000",
            Column.REVIEW: "Unreviewed",
            Column.EXPORT: "Exported",
        }
        header.setMinimumSectionSize(fm.horizontalAdvance("99") + 12)
        for col in Column:
            if col == Column.TITLE:
                header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
            else:
                header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
                self._widths[col] = fm.horizontalAdvance(samples[col]) + 14
                self.table.setColumnWidth(col, self._widths[col])
            self.table.setColumnHidden(col, self._column_hidden(col))

    # Columns a narrow list leaves out so the titles keep room; the header's menu still
    # shows the user's own choice, which comes back when the list is wide again.
    NARROW_HIDDEN = frozenset({Column.END, Column.REVIEW, Column.DURATION})
    TITLE_ROOM = 160

    def _column_hidden(self, col: Column) -> bool:
        return col in self._hidden_columns or (self._narrow and col in self.NARROW_HIDDEN)

    def set_column_visible(self, column: Column, visible: bool) -> None:
        if visible:
            self._hidden_columns.discard(column)
        else:
            self._hidden_columns.add(column)
        self.table.setColumnHidden(column, self._column_hidden(column))

    def hidden_columns(self) -> list[str]:
        """The columns hidden by choice, by name (for the settings)."""
        return sorted(c.name.lower() for c in self._hidden_columns)

    def restore_hidden_columns(self, names: list[str]) -> None:
        known = {c.name.lower(): c for c in Column if c != Column.TITLE}
        self._hidden_columns = {known[n] for n in names if n in known}
        for col in Column:
            self.table.setColumnHidden(col, self._column_hidden(col))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_columns()
        return super().eventFilter(watched, event)

    def _fit_columns(self) -> None:
        others = sum(
            self._widths.get(c, 0) for c in Column if c not in self._hidden_columns
        )  # the widths set, not the shown ones: a hidden column's is 0
        narrow = self.table.viewport().width() - others < self.TITLE_ROOM
        if narrow != self._narrow:
            self._narrow = narrow
            for col in self.NARROW_HIDDEN:
                self.table.setColumnHidden(col, self._column_hidden(col))

    def _column_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        for col in Column:
            if col == Column.TITLE:
                continue
            act = menu.addAction(col.header if col != Column.NUMBER else "Number")
            act.setCheckable(True)
            act.setChecked(col not in self._hidden_columns)
            act.toggled.connect(lambda on, c=col: self.set_column_visible(c, on))
        menu.exec(self.table.horizontalHeader().mapToGlobal(pos))

    def set_model(self, model: ClipTableModel | None) -> None:
        old = self.model
        self.model = model
        self.proxy.setSourceModel(model)  # type: ignore[arg-type]  # None detaches it
        if model is not None:
            # The proxy drops a row before the model has (it hears "about to be removed"):
            # counted then, the total still holds the deleted clip.
            model.rowsRemoved.connect(self._update_count)
            model.rowsInserted.connect(self._update_count)
        self._apply_columns()
        if old is not None:
            old.detach()
            old.deleteLater()
        present = {c.kind for c in model.clips()} if model else set()
        for kind, b in self.kind_buttons.items():
            b.setVisible(kind in present)
        self.table.sortByColumn(Column.START, Qt.SortOrder.AscendingOrder)
        self._update_count()

    def selected_kinds(self) -> frozenset[ClipKind]:
        return frozenset(k for k, b in self.kind_buttons.items() if b.isChecked())

    def _on_kinds(self) -> None:
        kinds = self.selected_kinds()
        self.proxy.set_kinds(kinds)
        self._update_count()
        self.kinds_changed.emit(kinds)

    def _on_text(self, text: str) -> None:
        self.proxy.set_text(text)
        self._update_count()

    def _leave_filter(self) -> None:
        """Escape in the filter box: clear it and go back to the list (and its keys)."""
        self.filter_edit.clear()
        self.table.setFocus()

    def _update_count(self) -> None:
        total = self.model.rowCount() if self.model else 0
        shown = self.proxy.rowCount()
        self.count_label.setText(f"{shown} of {total}" if shown != total else f"{total} clips")
