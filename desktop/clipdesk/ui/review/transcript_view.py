"""The transcript pane: times and lines; clicking a line asks to seek there.

The lines come from TranscriptModel and are shown in one text document (one block
per line): a document lays out thousands of wrapped lines far faster than a table
sizing every row, and it allows selecting and copying text.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt, Signal
from PySide6.QtGui import (
    QFont,
    QMouseEvent,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
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

from clipdesk.ui.common.theme import CURRENT_BACKGROUND, TIME_TEXT
from clipdesk.ui.review.transcript_model import START_MS_ROLE, TranscriptModel


class _TranscriptText(QTextBrowser):
    line_clicked = Signal(int)  # row

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("transcriptText")
        self.setOpenLinks(False)
        self.setUndoRedoEnabled(False)
        self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
        self._press: QPoint | None = None

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

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = TranscriptModel(parent=self)
        self.text = _TranscriptText(self)
        self.text.line_clicked.connect(self._on_line_clicked)
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
        doc = self.text.document()
        doc.clear()
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
        # The view's own cursor was pushed to the end by the inserts; a text edit keeps
        # its cursor in view, so put it back at the top.
        self.text.moveCursor(QTextCursor.MoveOperation.Start)
        self.text.setExtraSelections([])
        self.text.verticalScrollBar().setValue(0)

    def _on_line_clicked(self, row: int) -> None:
        ms = self.model.index(row, 0).data(START_MS_ROLE)
        if ms is not None:
            self.seek_requested.emit(int(ms))

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
        if row < 0:
            self.text.setExtraSelections([])
            return
        sel = QTextEdit.ExtraSelection()
        sel.cursor = QTextCursor(self.text.document().findBlockByNumber(row))
        sel.format.setBackground(CURRENT_BACKGROUND)
        sel.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
        self.text.setExtraSelections([sel])
        if self.follow.isChecked() and not self.text.underMouse():
            # Do not pull the text from under a reader's pointer.
            self.scroll_to_line(row)

    def current_line_text(self) -> str:
        row = self.model.current_row
        return self.text.document().findBlockByNumber(row).text() if row >= 0 else ""
