"""Smooth playhead from coarse clock reports.

libvlc reports the time about every 250 ms. Between reports the position is
extrapolated from the last report and the playback rate. Extrapolation starts with
the first report after playback starts (libvlc needs a moment to start its clock),
and a report slightly behind the current position holds the playhead still instead of
moving it backwards. Extrapolation runs at most MAX_AHEAD_MS (times the rate) past the
last report: when libvlc stalls, the playhead waits for it instead of running on.
"""

from __future__ import annotations

import time
from collections.abc import Callable

JITTER_MS = 300  # reports this far behind the current position count as jitter, not a seek
MAX_AHEAD_MS = 400  # how far (at 1x) the playhead may run ahead of libvlc's last report


class PlayheadClock:
    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self._now = now
        self._base_ms = 0
        self._base_at = now()
        self._running = False
        self._awaiting_report = False
        self._rate = 1.0
        self._reported = 0  # libvlc's last report (or the last seek target)
        self._limit = 0.0  # extrapolation stops here until the next report
        self._floor = 0  # while running, never show less than this
        self.length_ms = 0

    @property
    def running(self) -> bool:
        return self._running

    @property
    def reported(self) -> int:
        """libvlc's own time: its last report, or the target of the last seek."""
        return self._reported

    def _extrapolated(self) -> float:
        if not self._running or self._awaiting_report:
            return float(self._base_ms)
        ahead = self._base_ms + (self._now() - self._base_at) * 1000.0 * self._rate
        return min(ahead, max(self._limit, float(self._base_ms)))

    def _rebase(self, ms: int) -> None:
        self._base_ms, self._base_at = ms, self._now()

    def report(self, ms: int) -> None:
        """A time reported by the player."""
        current = self.position()
        if self._running and 0 <= current - ms <= JITTER_MS:
            self._floor = current  # jitter: hold still until the clock catches up
        else:
            self._floor = ms
        self._rebase(ms)
        self._reported = ms
        self._limit = ms + MAX_AHEAD_MS * self._rate
        self._awaiting_report = False

    def jump(self, ms: int) -> None:
        """A seek: the position changes at once, backwards included."""
        self._rebase(ms)
        self._reported = self._floor = ms
        self._limit = float(ms)
        self._awaiting_report = self._running

    def set_running(self, running: bool) -> None:
        if running == self._running:
            return
        self._rebase(self.position())
        self._floor = self._base_ms
        self._running = running
        self._awaiting_report = running

    def set_rate(self, rate: float) -> None:
        self._rebase(round(self._extrapolated()))
        self._rate = rate
        self._limit = max(float(self._base_ms), self._reported + MAX_AHEAD_MS * rate)

    def position(self) -> int:
        """The playhead now; reading it changes nothing."""
        ms = round(self._extrapolated())
        if self._running:
            ms = max(ms, self._floor)
        if self.length_ms:
            ms = min(ms, self.length_ms)
        return max(0, ms)
