"""The transcript pane: times and lines; clicking a line asks to seek there. With the
keyboard (Tab to it): Up/Down move a marked line, Return seeks there, Escape leaves.

The lines come from TranscriptModel and are shown in one text document (one block
per line): a document lays out thousands of wrapped lines far faster than a table
sizing every row, and it allows selecting and copying text.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QKeyEvent,
    QMouseEvent,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QTextBrowser,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from clipdesk.ui.common.theme import CURRENT_BACKGROUND, KEY_LINE_BACKGROUND, TIME_TEXT
from clipdesk.ui.review.transcript_model import START_MS_ROLE, TranscriptModel

KEY_STEPS = {
    Qt.Key.Key_Up: -1,
    Qt.Key.Key_Down: 1,
    Qt.Key.Key_PageUp: -10,
    Qt.Key.Key_PageDown: 10,
}


class _TranscriptText(QTextBrowser):
    line_clicked = Signal(int)  # row
    key_moved = Signal(int)  # lines to move the keyboard line by
    key_activated = Signal()  # Return: seek to the keyboard line
    key_left = Signal()  # Escape: give the keyboard back

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("transcriptText")
        self.setOpenLinks(False)
        self.setUndoRedoEnabled(False)
        self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
        self._press: QPoint | None = None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            super().keyPressEvent(event)
        elif event.key() in KEY_STEPS:
            self.key_moved.emit(KEY_STEPS[Qt.Key(event.key())])
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.key_activated.emit()
        elif event.key() == Qt.Key.Key_Escape:
            self.key_left.emit()
        else:
            super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        pos = event.position().toPoint()
        moved = self._press is not None and (pos - self._press).manhattanLength() > 4
        if event.button() == Qt.MouseButton.LeftButton and not moved:
            self.line_clicked.emit(self.cursorForPosition(pos).blockNumber())
        self._press = None


class TranscriptView(QWidget):
    seek_requested = Signal(int)  # ms
    keys_left = Signal()  # Escape in the transcript: the keyboard goes back

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = TranscriptModel(parent=self)
        self.text = _TranscriptText(self)
        self.text.line_clicked.connect(self._on_line_clicked)
        self.text.key_moved.connect(self.move_key_line)
        self.text.key_activated.connect(self._on_key_activated)
        self.text.key_left.connect(self.keys_left)
        self.key_row = -1  # the line the keyboard moves; -1 until Up/Down are used
        self._built: QTextDocument | None = None
        self.model.modelReset.connect(self._rebuild)

        self.follow = QCheckBox("Follow playback", self)
        self.follow.setChecked(True)
        self.follow.setToolTip("Scroll to the line being spoken")
        self.title = QLabel("Transcript", self)
        self.title.setObjectName("paneTitle")
        self.empty = QLabel("This document has no transcript.", self)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.follow)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.empty, 1)
        self.empty.hide()

    def set_lines(self, lines: list) -> None:
        self.model.set_lines(lines)

    def _rebuild(self) -> None:
        # Built detached and then handed to the view: the view lays out only what it
        # shows and the rest a chunk at a time, instead of all of it during the inserts.
        old_doc = self.text.document()
        doc = QTextDocument(self.text)
        doc.setDefaultFont(old_doc.defaultFont())
        doc.setDocumentMargin(old_doc.documentMargin())
        rows = self.model.rowCount()
        self.text.setVisible(rows > 0)
        self.empty.setVisible(rows == 0)
        time_fmt = QTextCharFormat()
        time_fmt.setForeground(TIME_TEXT)
        time_fmt.setFontWeight(QFont.Weight.DemiBold)
        text_fmt = QTextCharFormat()
        width = self.text.fontMetrics().horizontalAdvance("0:00:00   ")
        option = doc.defaultTextOption()
        option.setTabStopDistance(width)  # the text after the time starts at the indent
        doc.setDefaultTextOption(option)
        block_fmt = QTextBlockFormat()
        block_fmt.setBottomMargin(4)
        block_fmt.setLeftMargin(width)  # hanging indent: wrapped text clears the time
        block_fmt.setTextIndent(-width)
        cursor = QTextCursor(doc)
        cursor.beginEditBlock()
        for row in range(rows):
            if row:
                cursor.insertBlock(block_fmt)
            else:
                cursor.setBlockFormat(block_fmt)
            stamp = self.model.index(row, 0).data()
            words = str(self.model.index(row, 1).data()).replace("\n", " ")
            cursor.insertText(f"{stamp}\t", time_fmt)
            cursor.insertText(words, text_fmt)
        cursor.endEditBlock()
        # The view deletes the document it started with; the ones made here are ours.
        previous, self._built = self._built, doc
        self.text.setDocument(doc)
        if previous is not None:
            previous.deleteLater()
        self.key_row = -1
        self._mark_lines()
        self.text.verticalScrollBar().setValue(0)

    def _on_line_clicked(self, row: int) -> None:
        ms = self.model.index(row, 0).data(START_MS_ROLE)
        if ms is not None:
            self.seek_requested.emit(int(ms))

    def move_key_line(self, delta: int) -> None:
        """Move the keyboard's line (from the line being spoken the first time)."""
        rows = self.model.rowCount()
        if not rows:
            return
        if self.key_row < 0:  # the first press marks the line being spoken
            self.key_row = max(0, self.model.current_row)
        else:
            self.key_row = min(max(0, self.key_row + delta), rows - 1)
        self._mark_lines()
        self.scroll_to_line(self.key_row)

    def _on_key_activated(self) -> None:
        row = self.key_row if self.key_row >= 0 else self.model.current_row
        if row >= 0:
            self._on_line_clicked(row)

    def _line_selection(self, row: int, colour: QColor) -> QTextEdit.ExtraSelection:
        sel = QTextEdit.ExtraSelection()
        sel.cursor = QTextCursor(self.text.document().findBlockByNumber(row))
        sel.format.setBackground(colour)
        sel.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
        return sel

    def _mark_lines(self) -> None:
        """The line being spoken, and the keyboard's line on top of it."""
        marks = []
        if self.model.current_row >= 0:
            marks.append(self._line_selection(self.model.current_row, CURRENT_BACKGROUND))
        if self.key_row >= 0:
            marks.append(self._line_selection(self.key_row, KEY_LINE_BACKGROUND))
        self.text.setExtraSelections(marks)

    def line_rect(self, row: int) -> QRect:
        """Where a line is drawn, in viewport coordinates."""
        block = self.text.document().findBlockByNumber(row)
        rect = self.text.document().documentLayout().blockBoundingRect(block).toRect()
        return rect.translated(0, -self.text.verticalScrollBar().value())

    def scroll_to_line(self, row: int) -> None:
        block = self.text.document().findBlockByNumber(row)
        rect = self.text.document().documentLayout().blockBoundingRect(block)
        bar = self.text.verticalScrollBar()
        bar.setValue(int(rect.center().y() - self.text.viewport().height() / 2))

    def set_current_row(self, row: int) -> None:
        if row == self.model.current_row:
            return
        self.model.set_current_row(row)
        self._mark_lines()
        if row < 0:
            return
        if self.follow.isChecked() and not self.text.underMouse() and not self.text.hasFocus():
            # Do not pull the text from under a reader's pointer.
            self.scroll_to_line(row)

    def current_line_text(self) -> str:
        row = self.model.current_row
        return self.text.document().findBlockByNumber(row).text() if row >= 0 else ""
