"""The status bar's message count and the panel that lists every message kept."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from clipdesk.ui.common.messages import Level
from clipdesk.ui.common.notifications import Notifications
from clipdesk.ui.common.theme import MUTED, REJECTED

_MARK = {Level.ERROR: "✖", Level.WARNING: "⚠", Level.INFO: "ℹ"}


class NotificationButton(QToolButton):
    """ "⚠ 2 messages" in the status bar: the count of messages not yet dismissed."""

    def __init__(self, notifications: Notifications, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageCount")
        self.setAutoRaise(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.notifications = notifications
        notifications.changed.connect(self._update)
        self._update()

    def _update(self) -> None:
        pending = self.notifications.pending()
        errors = sum(1 for n in pending if n.level is Level.ERROR)
        warnings = sum(1 for n in pending if n.level is Level.WARNING)
        mark = _MARK[Level.ERROR] if errors else _MARK[Level.WARNING] if warnings else ""
        count = len(pending)
        self.setText(f"{mark} {count} message{'s' if count != 1 else ''}".strip())
        self.setToolTip(
            f"{errors} errors, {warnings} warnings, {count - errors - warnings} other "
            "messages not dismissed; click for all messages of this document"
        )
        self.setVisible(bool(self.notifications.notices))


class NotificationPanel(QDialog):
    """Every message of the document, newest first; dismissed ones greyed."""

    def __init__(self, notifications: Notifications, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messagesPanel")
        self.setWindowTitle("Messages")
        self.notifications = notifications
        self.list = QListWidget(self)
        self.list.setWordWrap(True)
        self.list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.dismiss_button = QPushButton("&Dismiss", self)
        self.dismiss_all_button = QPushButton("Dismiss &all", self)
        buttons.addButton(self.dismiss_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.dismiss_all_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.close)
        self.dismiss_button.clicked.connect(self._dismiss_selected)
        self.dismiss_all_button.clicked.connect(notifications.dismiss_all)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.resize(620, 360)
        notifications.changed.connect(self._fill)
        self._fill()

    def rows(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def _fill(self) -> None:
        self.list.clear()
        for notice in reversed(self.notifications.notices):
            item = QListWidgetItem(f"{_MARK[notice.level]} {notice.line()}")
            detail = notice.message.detail or notice.message.text
            item.setToolTip(detail[-4000:])
            item.setData(Qt.ItemDataRole.UserRole, notice)
            if notice.dismissed:
                item.setForeground(QBrush(MUTED))
            elif notice.level is Level.ERROR:
                item.setForeground(QBrush(REJECTED))
            self.list.addItem(item)

    def _dismiss_selected(self) -> None:
        for item in self.list.selectedItems():
            self.notifications.dismiss(item.data(Qt.ItemDataRole.UserRole))
