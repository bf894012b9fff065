"""Table model over the ClipStore, and the proxy that filters it by kind and text.

The model keeps no rows of its own: it reads the store, and forwards the store's
before/after announcements to beginInsertRows/endInsertRows and friends, so views and
proxies always see counts that match what they were told.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QFont, QIcon
from PySide6.QtWidgets import QApplication, QStyle

from clipdesk.core.bounds import Timebase
from clipdesk.core.clip_store import ClipStore
from clipdesk.core.episode import Clip, ClipKind, kind_numbers
from clipdesk.core.timecode import format_clock
from clipdesk.ui.common.theme import CURRENT_BACKGROUND, KIND_COLOURS, PAST_END, REVIEW_COLOURS

Index = QModelIndex | QPersistentModelIndex

CLIP_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
CLIP_ROLE = Qt.ItemDataRole.UserRole + 3


class Column(enum.IntEnum):
    KIND = 0
    NUMBER = 1
    TITLE = 2
    START = 3
    END = 4
    DURATION = 5
    REVIEW = 6
    EXPORT = 7

    @property
    def header(self) -> str:
        return ("Kind", "#", "Title", "Start", "End", "Duration", "Review", "Export")[self]


EXPORTED = "Exported"
EDITED_SINCE = "Edited since export"  # exported, then its bounds changed: the file is stale

# Typed into the table; every edit goes through the ClipEditor (validated, undoable).
EDITABLE_COLUMNS = (Column.TITLE, Column.START, Column.END)


class ClipEditing(Protocol):
    """What the table needs of an editor (the ClipEditor): each call validates, records
    an undo step and returns False when it refuses (it says why itself)."""

    def set_title(self, clip_id: str | None, title: str) -> bool: ...
    def set_start(self, clip_id: str | None, start_ms: int) -> bool: ...
    def set_end(self, clip_id: str | None, end_ms: int | None) -> bool: ...


class ClipTableModel(QAbstractTableModel):
    def __init__(self, store: ClipStore, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._numbers: list[int] = []  # each clip's number within its kind, by row
        self._renumber()
        self._current_id: str | None = None
        self._export_status: dict[str, str] = {}
        self._exported_bounds: dict[str, tuple[int, int | None]] = {}
        self._bold = QFont()
        self._bold.setBold(True)
        self.editor: ClipEditing | None = None
        self.timebase: Timebase | None = None
        self._unwatch_timebase: Callable[[], None] | None = None
        self._unsubscribe = store.subscribe(self._on_store, before=True)

    def set_editor(self, editor: ClipEditing | None) -> None:
        """Make Title, Start and End editable through the editor (None: read-only)."""
        self.editor = editor

    def detach(self) -> None:
        self._unsubscribe()
        self.set_timebase(None)

    def set_timebase(self, timebase: Timebase | None) -> None:
        """The media the clips play against: once its length is known, clips past its end
        are marked (and again whenever the length or the offset changes)."""
        if self._unwatch_timebase is not None:
            self._unwatch_timebase()
            self._unwatch_timebase = None
        self.timebase = timebase
        if timebase is not None:
            self._unwatch_timebase = timebase.subscribe(self._on_timebase)
        self._on_timebase("duration_ms")

    def _on_timebase(self, name: str) -> None:
        if name in ("duration_ms", "offset_ms") and len(self.store):
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self.store) - 1, len(Column) - 1)
            )

    def past_end(self, clip: Clip) -> str:
        """Why the clip lies past the end of the attached media, or "" when it does not
        (or the media's length is not known yet)."""
        tb = self.timebase
        if tb is None or tb.duration_ms is None:
            return ""
        duration = tb.duration_ms
        last = clip.end_ms if clip.end_ms is not None else clip.start_ms
        if tb.to_media(clip.start_ms) >= duration:
            where = "starts"
        elif tb.to_media(last) > duration:
            where = "ends"
        else:
            return ""
        return (
            f"{where.capitalize()} past the end of the media ({format_clock(duration)}): "
            "an export stops at the media's end"
        )

    # -- store events: forwarded, the rows are the store's ---------------------------------
    def _renumber(self) -> None:
        numbers = kind_numbers(self.store.episode.clips)
        self._numbers = [numbers[c.id] for c in self.store]

    def _on_store(self, kind: str, index: int, clip: Clip | None, fields: tuple[str, ...]) -> None:
        if kind == "inserting":
            self.beginInsertRows(QModelIndex(), index, index)
        elif kind == "inserted":
            self._renumber()
            self.endInsertRows()
            self._numbers_changed(index + 1)
        elif kind == "removing":
            self.beginRemoveRows(QModelIndex(), index, index)
        elif kind == "removed":
            self._renumber()
            self.endRemoveRows()
            self._numbers_changed(index)
        elif kind == "changed":
            self.dataChanged.emit(self.index(index, 0), self.index(index, len(Column) - 1))
        elif kind == "resetting":
            self.beginResetModel()
        elif kind == "reset":
            self._renumber()
            self.endResetModel()

    def _numbers_changed(self, first: int) -> None:
        if first < len(self.store):
            col = Column.NUMBER
            self.dataChanged.emit(self.index(first, col), self.index(len(self.store) - 1, col))

    # -- highlight and export status ------------------------------------------------------
    @property
    def current_clip_id(self) -> str | None:
        return self._current_id

    def set_current_clip(self, clip_id: str | None) -> None:
        """The clip under the playhead: drawn highlighted (not the selection)."""
        if clip_id == self._current_id:
            return
        old, self._current_id = self._current_id, clip_id
        for cid in (old, clip_id):
            row = self.row_of(cid) if cid else -1
            if row >= 0:
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1))

    def set_export_status(
        self, clip_id: str, status: str, bounds: tuple[int, int | None] | None = None
    ) -> None:
        """The export column's text; with the bounds the clip was exported with, an
        EXPORTED clip whose bounds changed since reads EDITED_SINCE instead."""
        self._export_status[clip_id] = status
        if bounds is not None:
            self._exported_bounds[clip_id] = bounds
        else:
            self._exported_bounds.pop(clip_id, None)
        row = self.row_of(clip_id)
        if row >= 0:
            idx = self.index(row, Column.EXPORT)
            self.dataChanged.emit(idx, idx)

    def row_of(self, clip_id: str | None) -> int:
        if clip_id is None:
            return -1
        try:
            return self.store.index_of(clip_id)
        except KeyError:
            return -1

    def clip_at_row(self, row: int) -> Clip | None:
        return self.store[row] if 0 <= row < len(self.store) else None

    def clips(self) -> Iterable[Clip]:
        return iter(self.store)

    # -- Qt model -------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.store)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(Column):
            if role == Qt.ItemDataRole.DisplayRole:
                return Column(section).header
            if role == Qt.ItemDataRole.TextAlignmentRole and section != Column.TITLE:
                return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.editor is not None and index.column() in EDITABLE_COLUMNS:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Times in ms, titles as text; False when the editor refuses (it says why)."""
        if self.editor is None or role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        clip = self.clip_at_row(index.row())
        if clip is None:
            return False
        col = index.column()
        if col == Column.TITLE:
            return self.editor.set_title(clip.id, str(value))
        if col == Column.START and isinstance(value, int):
            return self.editor.set_start(clip.id, value)
        if col == Column.END and (value is None or isinstance(value, int)):
            return self.editor.set_end(clip.id, value)
        return False

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not (0 <= index.row() < len(self.store)):
            return None
        clip = self.store[index.row()]
        col = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(clip, index.row(), col)
        if role == Qt.ItemDataRole.EditRole:
            if col == Column.START:
                return clip.start_ms
            if col == Column.END:
                return clip.end_ms
            return self._display(clip, index.row(), col)
        if role == SORT_ROLE:
            return self._sort_key(clip, index.row(), col)
        if role == CLIP_ID_ROLE:
            return clip.id
        if role == CLIP_ROLE:
            return clip
        if role == Qt.ItemDataRole.ToolTipRole:
            past = self.past_end(clip)
            if col == Column.TITLE:
                return f"{clip.title}\n{past}" if past else clip.title
            if past and col in (Column.START, Column.END):
                return past
            if col == Column.END and clip.end_ms is None:
                return "The document gives no end time"
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if col in (Column.START, Column.END, Column.DURATION, Column.NUMBER):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if clip.id == self._current_id else None
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(CURRENT_BACKGROUND) if clip.id == self._current_id else None
        if role == Qt.ItemDataRole.DecorationRole:
            if col == Column.TITLE and self.past_end(clip):
                return self._past_end_icon()
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if col in (Column.START, Column.END) and self.past_end(clip):
                return QBrush(PAST_END)
            if col == Column.KIND:
                return QBrush(KIND_COLOURS[clip.kind])
            if col == Column.REVIEW and clip.review in REVIEW_COLOURS:
                return QBrush(REVIEW_COLOURS[clip.review])
            return None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{clip.kind.label} {self._numbers[index.row()]}: {clip.title}"
        return None

    def _past_end_icon(self) -> QIcon:
        return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)

    def _display(self, clip: Clip, row: int, col: Column) -> str:
        if col == Column.KIND:
            return clip.kind.label
        if col == Column.NUMBER:
            return str(self._numbers[row])
        if col == Column.TITLE:
            return clip.title
        if col == Column.START:
            return format_clock(clip.start_ms)
        if col == Column.END:
            return format_clock(clip.end_ms)
        if col == Column.DURATION:
            return format_clock(clip.duration_ms)
        if col == Column.REVIEW:
            return clip.review.value.capitalize()
        return self.export_status(clip)

    def export_status(self, clip: Clip) -> str:
        status = self._export_status.get(clip.id, "")
        bounds = self._exported_bounds.get(clip.id)
        if status == EXPORTED and bounds is not None and bounds != (clip.start_ms, clip.end_ms):
            return EDITED_SINCE
        return status

    def _sort_key(self, clip: Clip, row: int, col: Column) -> object:
        if col == Column.START:
            return clip.start_ms
        if col == Column.END:
            return clip.end_ms if clip.end_ms is not None else -1
        if col == Column.DURATION:
            return clip.duration_ms if clip.duration_ms is not None else -1
        if col == Column.NUMBER:
            return row
        return self._display(clip, row, col).casefold()


class ClipFilterProxy(QSortFilterProxyModel):
    """Shows the clips of the chosen kinds whose text contains the filter text."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._kinds: frozenset[ClipKind] = frozenset(ClipKind)
        self._needle = ""
        self.setSortRole(SORT_ROLE)

    @property
    def kinds(self) -> frozenset[ClipKind]:
        return self._kinds

    def set_kinds(self, kinds: Iterable[ClipKind]) -> None:
        kinds = frozenset(kinds)
        if kinds != self._kinds:
            self._refilter(lambda: setattr(self, "_kinds", kinds))

    def set_text(self, text: str) -> None:
        needle = text.strip().casefold()
        if needle != self._needle:
            self._refilter(lambda: setattr(self, "_needle", needle))

    def _refilter(self, change: Callable[[], None]) -> None:
        # The whole mapping is made again (a layout change), not Qt's row-by-row filter
        # update: after a clip was deleted and the delete undone, with a row current, the
        # row-by-row update (endFilterChange, invalidateRowsFilter) crashed in
        # QSortFilterProxyModel::parent on a stale index. The cost: a 6-hour episode's
        # 280 clips filter and re-sort in about 45 ms a keystroke (row by row: 1-20 ms).
        change()
        self.invalidate()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        if not isinstance(model, ClipTableModel):
            return True
        clip = model.clip_at_row(source_row)
        if clip is None or clip.kind not in self._kinds:
            return False
        if not self._needle:
            return True
        haystack = " ".join(
            (clip.title, clip.quote, clip.speaker, clip.summary, clip.takeaway, clip.note)
        )
        return self._needle in haystack.casefold()

    def clip_id_at(self, row: int) -> str | None:
        idx = self.index(row, 0)
        return idx.data(CLIP_ID_ROLE) if idx.isValid() else None

    def row_of(self, clip_id: str | None) -> int:
        model = self.sourceModel()
        if not isinstance(model, ClipTableModel) or clip_id is None:
            return -1
        src = model.row_of(clip_id)
        if src < 0:
            return -1
        return self.mapFromSource(model.index(src, 0)).row()
