"""A player backend without video, for fast tests of UI logic.

It keeps a clock like a real player (monotonic time times rate), reports it every
250 ms as libvlc does, and ends at its length. Every call is recorded.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from clipdesk.ui.player.backend import PlaybackSource, PlayerBackend, PlayerState

REPORT_INTERVAL_MS = 250


class FakePlayerBackend(PlayerBackend):
    name = "fake"

    def __init__(self, length_ms: int = 60_000, fps: float = 25.0) -> None:
        super().__init__()
        self.calls: list[tuple[str, object]] = []
        self.source: PlaybackSource | None = None
        self.surface: QWidget | None = None
        self.volume = 100
        self.muted = False
        self.rate = 1.0
        self.released = False
        self._length = length_ms
        self._fps = fps
        self._state = PlayerState.EMPTY
        self._pos = 0.0
        self._since = time.monotonic()
        self._timer = QTimer(self)
        self._timer.setInterval(REPORT_INTERVAL_MS)
        self._timer.timeout.connect(self._tick)
        self.fail_next_open = ""  # an error message to raise on the next open

    def _now_ms(self) -> float:
        if self._state is PlayerState.PLAYING:
            return self._pos + (time.monotonic() - self._since) * 1000.0 * self.rate
        return self._pos

    def _freeze(self) -> None:
        self._pos = min(self._now_ms(), float(self._length))
        self._since = time.monotonic()

    def _set_state(self, state: PlayerState) -> None:
        if state is not self._state:
            self._state = state
            self.state_changed.emit(state)

    def _tick(self) -> None:
        now = self._now_ms()
        if now >= self._length:
            self._pos = float(self._length)
            self._timer.stop()
            self.time_reported.emit(self._length)
            self._set_state(PlayerState.ENDED)
            return
        self.time_reported.emit(int(now))

    # -- PlayerBackend ----------------------------------------------------------
    def attach_video(self, surface: QWidget) -> None:
        self.calls.append(("attach_video", surface))
        self.surface = surface

    def open(self, source: PlaybackSource, start_paused: bool = True) -> None:
        self.calls.append(("open", source))
        self._timer.stop()
        self.source = source
        self._pos = 0.0
        self._set_state(PlayerState.OPENING)
        if self.fail_next_open:
            message, self.fail_next_open = self.fail_next_open, ""
            QTimer.singleShot(0, lambda: self._fail(message))
            return
        QTimer.singleShot(0, lambda: self._opened(start_paused))

    def _fail(self, message: str) -> None:
        self._set_state(PlayerState.ERROR)
        self.error.emit(message)

    def _opened(self, start_paused: bool) -> None:
        self.length_changed.emit(self._length)
        self.video_size_changed.emit(640, 360)
        self.time_reported.emit(0)
        if start_paused:
            self._set_state(PlayerState.PAUSED)
        else:
            self.play()

    def play(self) -> None:
        self.calls.append(("play", None))
        if self.source is None:
            return
        if self._state is PlayerState.ENDED:
            self._pos = 0.0
        self._since = time.monotonic()
        self._set_state(PlayerState.PLAYING)
        self._timer.start()
        QTimer.singleShot(0, self._tick)  # libvlc reports soon after starting, too

    def pause(self) -> None:
        self.calls.append(("pause", None))
        if self._state is PlayerState.PLAYING:
            self._freeze()
            self._timer.stop()
            self._set_state(PlayerState.PAUSED)
            self.time_reported.emit(int(self._pos))

    def stop(self) -> None:
        self.calls.append(("stop", None))
        self._timer.stop()
        self._pos = 0.0
        self._set_state(PlayerState.STOPPED)

    def set_time(self, ms: int) -> None:
        self.calls.append(("set_time", ms))
        self._pos = float(max(0, min(ms, self._length)))
        self._since = time.monotonic()
        if self._state is PlayerState.ENDED:
            self._set_state(PlayerState.PAUSED)
        self.time_reported.emit(int(self._pos))

    def time(self) -> int:
        return int(self._now_ms())

    def length(self) -> int:
        return self._length

    def state(self) -> PlayerState:
        return self._state

    def set_rate(self, rate: float) -> None:
        self.calls.append(("set_rate", rate))
        self._freeze()
        self.rate = rate

    def set_volume(self, volume: int) -> None:
        self.calls.append(("set_volume", volume))
        self.volume = volume

    def set_mute(self, mute: bool) -> None:
        self.calls.append(("set_mute", mute))
        self.muted = mute

    def next_frame(self) -> None:
        self.calls.append(("next_frame", None))
        if self._state is PlayerState.PLAYING:
            self.pause()
        self.set_time(round(self._pos + self.frame_ms()))

    def fps(self) -> float | None:
        unknown = (PlayerState.EMPTY, PlayerState.OPENING, PlayerState.ERROR)
        return None if self._state in unknown else self._fps  # known once decoding

    def release(self) -> None:
        self.calls.append(("release", None))
        self._timer.stop()
        self.released = True
