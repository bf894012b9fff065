"""One channel for user-facing messages: anything may post, the main window shows them."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal


class Level(str, enum.Enum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class Message:
    level: Level
    text: str
    detail: str = ""


class MessageBus(QObject):
    posted = Signal(object)  # Message

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.history: list[Message] = []

    def post(self, level: Level, text: str, detail: str = "") -> Message:
        msg = Message(level, text, detail)
        self.history.append(msg)
        del self.history[:-200]  # a long session must not grow without bound
        self.posted.emit(msg)
        return msg

    def info(self, text: str, detail: str = "") -> Message:
        return self.post(Level.INFO, text, detail)

    def warning(self, text: str, detail: str = "") -> Message:
        return self.post(Level.WARNING, text, detail)

    def error(self, text: str, detail: str = "") -> Message:
        return self.post(Level.ERROR, text, detail)


_bus: MessageBus | None = None


def bus() -> MessageBus:
    """The application's message bus (created on first use, after the QApplication)."""
    global _bus
    if _bus is None:
        _bus = MessageBus()
    return _bus


def info(text: str, detail: str = "") -> Message:
    return bus().info(text, detail)


def warning(text: str, detail: str = "") -> Message:
    return bus().warning(text, detail)


def error(text: str, detail: str = "") -> Message:
    return bus().error(text, detail)
