"""The interface every player backend offers. Signals arrive on the GUI thread."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget


class PlayerState(str, enum.Enum):
    EMPTY = "empty"  # nothing opened
    OPENING = "opening"
    PLAYING = "playing"
    PAUSED = "paused"
    STOPPED = "stopped"
    ENDED = "ended"
    ERROR = "error"


class PlayerUnavailable(Exception):
    """The player cannot start; str() says what is missing and how to install it."""


@dataclass(frozen=True)
class PlaybackSource:
    """What to play: a local path or URL, optionally with a separate audio stream."""

    location: str
    audio: str | None = None
    label: str = ""  # what the user chose (a page URL, a file), for messages
    http_headers: tuple[tuple[str, str], ...] = ()


class PlayerBackend(QObject):
    """Base class: subclasses implement the methods and emit the signals below.

    time_reported is libvlc's own clock (coarse, ~250 ms apart); the Player
    interpolates between reports for a smooth playhead.
    """

    time_reported = Signal(int)  # ms
    length_changed = Signal(int)  # ms
    state_changed = Signal(object)  # PlayerState
    video_size_changed = Signal(int, int)
    error = Signal(str)

    name = "abstract"
    # Its paused picture may not be the frame asked for: the Player shows exact stills
    # decoded by ffmpeg instead (ui/player/still_frames.py).
    paused_stills = False

    def attach_video(self, surface: QWidget) -> None:
        raise NotImplementedError

    def open(self, source: PlaybackSource, start_paused: bool = True) -> None:
        raise NotImplementedError

    def play(self) -> None:
        raise NotImplementedError

    def pause(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def set_time(self, ms: int) -> None:
        raise NotImplementedError

    def time(self) -> int:
        raise NotImplementedError

    def length(self) -> int:
        raise NotImplementedError

    def state(self) -> PlayerState:
        raise NotImplementedError

    def set_rate(self, rate: float) -> None:
        raise NotImplementedError

    def set_volume(self, volume: int) -> None:
        raise NotImplementedError

    def set_mute(self, mute: bool) -> None:
        raise NotImplementedError

    def next_frame(self) -> None:
        raise NotImplementedError

    def fps(self) -> float | None:
        """Frame rate of the open media, unrounded (29.97 is 30000/1001); None until known."""
        raise NotImplementedError

    def frame_ms(self) -> float:
        """Duration of one frame of the open media (40 ms when unknown)."""
        fps = self.fps()
        return 1000.0 / fps if fps else 40.0

    def release(self) -> None:
        raise NotImplementedError
