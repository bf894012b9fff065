"""A dismissible strip at the top of the window for warnings and errors: the newest one
not yet dismissed, with how many more there are (the window keeps them all)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from clipdesk.ui.common.messages import Message
from clipdesk.ui.common.theme import BANNER_STYLES


class Banner(QWidget):
    dismissed = Signal(object)  # the Message the user dismissed
    more_clicked = Signal()
    shown = Signal(object)  # a Message shown by show_message

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
        close.clicked.connect(self._dismiss)
        self.more = QToolButton(self)
        self.more.setObjectName("bannerMore")
        self.more.setAutoRaise(True)
        self.more.setToolTip("All messages of this document")
        self.more.clicked.connect(self.more_clicked)
        self.more.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.more)
        layout.addWidget(close)
        self.message: Message | None = None
        self.hide()

    def show_message(self, message: Message) -> None:
        """Show this message (an info one too) until it is dismissed or times out."""
        self.display(message)
        self.shown.emit(message)

    def display(self, message: Message) -> None:
        self.message = message
        self.label.setText(message.text)
        self.label.setToolTip(message.detail[-4000:] if message.detail else "")
        style = BANNER_STYLES[message.level.value]
        self.setStyleSheet(f"QLabel#bannerText {{ {style} padding: 6px; }}")
        self.show()

    def set_more(self, count: int) -> None:
        """How many other messages wait behind this one."""
        self.more.setText(f"{count} more…")
        self.more.setVisible(count > 0)

    def _dismiss(self) -> None:
        self.hide()
        if self.message is not None:
            self.dismissed.emit(self.message)

    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""
