"""Every message of the open document, kept: warnings and errors stay until dismissed,
an info message is dismissed by itself after a while. The banner shows the newest one
still pending, the status bar the count, and the messages panel all of them."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, QTimer, Signal

from clipdesk.ui.common.messages import Level, Message

INFO_TIMEOUT_MS = 10_000
MAX_KEPT = 500  # a long session must not grow without bound


@dataclass(eq=False)
class Notice:
    message: Message
    at: _dt.datetime = field(default_factory=lambda: _dt.datetime.now().astimezone())
    dismissed: bool = False

    @property
    def level(self) -> Level:
        return self.message.level

    def line(self) -> str:
        first = self.message.text.splitlines()[0] if self.message.text else ""
        return f"{self.at:%H:%M:%S}  {self.level.value}: {first}"


class Notifications(QObject):
    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.notices: list[Notice] = []  # oldest first

    def add(self, message: Message, info_timeout_ms: int = INFO_TIMEOUT_MS) -> Notice:
        notice = Notice(message)
        self.notices.append(notice)
        del self.notices[:-MAX_KEPT]
        if message.level is Level.INFO:
            QTimer.singleShot(info_timeout_ms, self, lambda: self.dismiss(notice))
        self.changed.emit()
        return notice

    def pending(self) -> list[Notice]:
        """The notices not yet dismissed, newest first."""
        return [n for n in reversed(self.notices) if not n.dismissed]

    def newest_pending(self, message: Message | None = None) -> Notice | None:
        """The newest pending notice (of that message, when given)."""
        return next((n for n in self.pending() if message is None or n.message == message), None)

    def dismiss(self, notice: Notice) -> None:
        if not notice.dismissed:
            notice.dismissed = True
            self.changed.emit()

    def dismiss_all(self) -> None:
        if any(not n.dismissed for n in self.notices):
            for n in self.notices:
                n.dismissed = True
            self.changed.emit()

    def clear(self) -> None:
        """A new document: the last one's messages go."""
        if self.notices:
            self.notices.clear()
            self.changed.emit()
