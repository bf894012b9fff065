"""Smooth playhead from coarse clock reports.

libvlc reports the time about every 250 ms. Between reports the position is
extrapolated from the last report and the playback rate. Extrapolation starts with
the first report after playback starts (libvlc needs a moment to start its clock),
and a report slightly behind the shown time holds the playhead still instead of
moving it backwards.
"""

from __future__ import annotations

import time
from collections.abc import Callable

JITTER_MS = 300  # reports this far behind the shown time count as jitter, not a seek


class PlayheadClock:
    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self._now = now
        self._base_ms = 0
        self._base_at = now()
        self._running = False
        self._awaiting_report = False
        self._rate = 1.0
        self._shown = 0
        self._floor = 0  # while running, never show less than this
        self.length_ms = 0

    @property
    def running(self) -> bool:
        return self._running

    def _extrapolated(self) -> float:
        if not self._running or self._awaiting_report:
            return float(self._base_ms)
        return self._base_ms + (self._now() - self._base_at) * 1000.0 * self._rate

    def report(self, ms: int) -> None:
        """A time reported by the player."""
        if self._running and 0 <= self._shown - ms <= JITTER_MS:
            self._floor = self._shown  # jitter: hold still until the clock catches up
        else:
            self._floor = ms
        self._base_ms, self._base_at = ms, self._now()
        self._awaiting_report = False

    def jump(self, ms: int) -> None:
        """A seek: the position changes at once, backwards included."""
        self._base_ms, self._base_at = ms, self._now()
        self._shown = self._floor = ms
        self._awaiting_report = self._running

    def set_running(self, running: bool) -> None:
        if running == self._running:
            return
        self._base_ms, self._base_at = self.position(), self._now()
        self._floor = self._base_ms
        self._running = running
        self._awaiting_report = running

    def set_rate(self, rate: float) -> None:
        self._base_ms, self._base_at = round(self._extrapolated()), self._now()
        self._rate = rate

    def position(self) -> int:
        ms = round(self._extrapolated())
        if self._running:
            ms = max(ms, self._floor)
        if self.length_ms:
            ms = min(ms, self.length_ms)
        self._shown = max(0, ms)
        return self._shown
