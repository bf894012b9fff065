"""ffmpeg's `-progress` output (key=value lines, a block per update) turned
into progress, speed and ETA for one job."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

# A job whose tool shows no progress (no new output, no media time gained) for this long
# is stopped and fails: a stalled server would otherwise hold the batch forever. Here, not
# in job_runner, so that `clipdesk export --help` can show it without the engine.
STALL_S = 60.0

# Keys ffmpeg writes in a -progress block; lines with them are not log text.
PROGRESS_KEYS = frozenset(
    {
        "frame", "fps", "bitrate", "total_size", "out_time_us", "out_time_ms", "out_time",
        "dup_frames", "drop_frames", "speed", "progress",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Progress:
    fraction: float  # 0..1 of the clip's length written
    out_ms: int  # media time written so far
    speed: float | None  # media seconds per wall second ("2.5x")
    eta_s: float | None
    done: bool = False


class ProgressParser:
    """Feed it every output line; it reports each completed progress block."""

    def __init__(
        self,
        total_ms: int,
        on_progress: Callable[[Progress], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total_ms = max(1, total_ms)
        self.on_progress = on_progress
        self._clock = clock
        self._block: dict[str, str] = {}
        self._first: tuple[float, int] | None = None  # wall time and out_ms at first block
        self.last: Progress | None = None

    def feed(self, line: str) -> bool:
        """Take one line; True when it was progress output (not log text)."""
        key, sep, value = line.strip().partition("=")
        if not sep or (key not in PROGRESS_KEYS and not key.startswith("stream_")):
            return False
        self._block[key] = value.strip()
        if key == "progress":
            self._finish_block(value.strip() == "end")
        return True

    def _finish_block(self, end: bool) -> None:
        block, self._block = self._block, {}
        out_ms = _out_ms(block)
        if out_ms is None:
            return
        now = self._clock()
        if self._first is None:
            self._first = (now, out_ms)
        t0, ms0 = self._first
        speed: float | None = None
        if now - t0 > 0.2 and out_ms > ms0:
            speed = (out_ms - ms0) / 1000.0 / (now - t0)
        elif (reported := block.get("speed", "").rstrip("x")) not in ("", "N/A"):
            try:
                speed = float(reported) or None
            except ValueError:
                speed = None
        left_ms = max(0, self.total_ms - out_ms)
        eta = left_ms / 1000.0 / speed if speed else None
        fraction = min(1.0, out_ms / self.total_ms)
        self.last = Progress(fraction, out_ms, speed, 0.0 if end else eta, end)
        self.on_progress(self.last)


def _out_ms(block: dict[str, str]) -> int | None:
    # out_time_ms is microseconds too (an old ffmpeg naming slip); prefer out_time_us.
    for key in ("out_time_us", "out_time_ms"):
        raw = block.get(key, "")
        if raw and raw != "N/A":
            try:
                return max(0, int(raw) // 1000)
            except ValueError:
                continue
    return None
