"""A dismissible strip at the top of the window for warnings and errors."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from clipdesk.ui.common.messages import Level, Message

STYLES = {
    Level.INFO: "background:#e6f0fb; color:#123; border:1px solid #9bbde0;",
    Level.WARNING: "background:#fff4d6; color:#432; border:1px solid #e0c070;",
    Level.ERROR: "background:#fde4e1; color:#511; border:1px solid #e09a90;",
}


class Banner(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.label = QLabel(self)
        self.label.setObjectName("bannerText")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        close = QToolButton(self)
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Dismiss")
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(close)
        self.message: Message | None = None
        self.hide()

    def show_message(self, message: Message) -> None:
        self.message = message
        self.label.setText(message.text)
        self.label.setToolTip(message.detail[-4000:] if message.detail else "")
        self.setStyleSheet(f"QLabel#bannerText {{ {STYLES[message.level]} padding: 6px; }}")
        self.show()

    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""
