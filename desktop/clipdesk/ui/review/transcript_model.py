"""List model over the episode's transcript lines, with the line being spoken marked."""

from __future__ import annotations

import enum

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QFont

from clipdesk.core.episode import TranscriptLine
from clipdesk.core.timecode import format_clock
from clipdesk.ui.common.theme import CURRENT_BACKGROUND

Index = QModelIndex | QPersistentModelIndex
START_MS_ROLE = Qt.ItemDataRole.UserRole + 1


class TranscriptColumn(enum.IntEnum):
    TIME = 0
    TEXT = 1


class TranscriptModel(QAbstractTableModel):
    def __init__(self, lines: list[TranscriptLine] | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self._lines: list[TranscriptLine] = list(lines or [])
        self._current = -1
        self._bold = QFont()
        self._bold.setBold(True)

    def set_lines(self, lines: list[TranscriptLine]) -> None:
        self.beginResetModel()
        self._lines = list(lines)
        self._current = -1
        self.endResetModel()

    def line(self, row: int) -> TranscriptLine | None:
        return self._lines[row] if 0 <= row < len(self._lines) else None

    @property
    def current_row(self) -> int:
        return self._current

    def set_current_row(self, row: int) -> None:
        if row == self._current:
            return
        old, self._current = self._current, row
        for r in (old, row):
            if 0 <= r < len(self._lines):
                self.dataChanged.emit(self.index(r, 0), self.index(r, 1))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(TranscriptColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(TranscriptColumn)
        ):
            return ("Time", "Text")[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not (0 <= index.row() < len(self._lines)):
            return None
        line = self._lines[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == TranscriptColumn.TIME:
                return format_clock(line.start_ms).removesuffix(".000")
            if line.speaker and not line.text.startswith(line.speaker):
                return f"{line.speaker}: {line.text}"
            return line.text
        if role == START_MS_ROLE:
            return line.start_ms
        if role == Qt.ItemDataRole.ToolTipRole and col == TranscriptColumn.TIME:
            return "Click to play from here"
        if role == Qt.ItemDataRole.FontRole and index.row() == self._current:
            return self._bold
        if role == Qt.ItemDataRole.BackgroundRole and index.row() == self._current:
            return QBrush(CURRENT_BACKGROUND)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == TranscriptColumn.TIME:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        return None
