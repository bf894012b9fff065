"""The status bar's one progress indicator: what runs in the background (opening a
document, resolving a URL) with a busy bar, hidden when nothing does."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget


class BusyIndicator(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("busyIndicator")
        self.label = QLabel(self)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 0)  # no known end: Qt animates it as busy
        self.bar.setTextVisible(False)
        self.bar.setFixedSize(110, 12)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 6, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        self.hide()

    def set_text(self, text: str) -> None:
        """What runs ("" = nothing: hidden)."""
        self.label.setText(text)
        self.setVisible(bool(text))
