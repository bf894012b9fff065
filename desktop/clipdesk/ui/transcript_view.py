"""The transcript pane: times and lines; clicking a line asks to seek there."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from clipdesk.ui.transcript_model import START_MS_ROLE, TranscriptColumn, TranscriptModel


class TranscriptView(QWidget):
    seek_requested = Signal(int)  # ms

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = TranscriptModel(parent=self)
        self.table = QTableView(self)
        self.table.setObjectName("transcriptTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(TranscriptColumn.TIME, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(TranscriptColumn.TEXT, QHeaderView.ResizeMode.Stretch)
        self.table.clicked.connect(self._on_clicked)
        self.table.activated.connect(self._on_clicked)

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
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)
        self.empty.hide()

    def set_lines(self, lines: list) -> None:
        self.model.set_lines(lines)
        has = bool(lines)
        self.table.setVisible(has)
        self.empty.setVisible(not has)

    def _on_clicked(self, index: QModelIndex) -> None:
        ms = index.data(START_MS_ROLE)
        if ms is not None:
            self.seek_requested.emit(int(ms))

    def set_current_row(self, row: int) -> None:
        if row == self.model.current_row:
            return
        self.model.set_current_row(row)
        if row >= 0 and self.follow.isChecked() and not self.table.underMouse():
            # Do not yank the list from under a reader's pointer.
            self.table.scrollTo(
                self.model.index(row, TranscriptColumn.TEXT),
                QAbstractItemView.ScrollHint.PositionAtCenter,
            )
