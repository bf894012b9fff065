"""The status bar's own text: a lasting text (what is open), with temporary messages
shown in its place for a while. It takes the room the permanent fields leave and elides
what does not fit, so nothing overprints and nothing beside it moves."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class StatusLine(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusLine")
        self.setTextFormat(Qt.TextFormat.PlainText)
        # Ignored: the text's length never widens the status bar or squeezes its fields.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(0)
        self._lasting = ""
        self._temporary = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.clear_temporary)

    def set_lasting(self, text: str) -> None:
        self._lasting = text
        self._render()

    def show_temporary(self, text: str, timeout_ms: int = 8000) -> None:
        self._temporary = text.splitlines()[0] if text else ""
        self._timer.start(timeout_ms)
        self._render()

    def clear_temporary(self) -> None:
        self._temporary = ""
        self._render()

    def full_text(self) -> str:
        """What is shown, before eliding."""
        return self._temporary or self._lasting

    def _render(self) -> None:
        full = self.full_text()
        room = max(0, self.contentsRect().width())
        shown = self.fontMetrics().elidedText(full, Qt.TextElideMode.ElideRight, room)
        super().setText(shown)
        self.setToolTip(full if shown != full else "")

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._render()
