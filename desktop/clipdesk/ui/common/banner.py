"""A dismissible strip at the top of the window for warnings and errors."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from clipdesk.ui.common.messages import Message
from clipdesk.ui.common.theme import BANNER_STYLES


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
        style = BANNER_STYLES[message.level.value]
        self.setStyleSheet(f"QLabel#bannerText {{ {style} padding: 6px; }}")
        self.show()

    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""
