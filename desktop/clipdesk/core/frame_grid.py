"""Which video frame a time in whole milliseconds means.

Frame n is on screen from n * 1000 / fps ms until the next frame. Times are whole
milliseconds, so a frame start on a fractional grid (29.97 fps: frame 31 starts at
1034.37 ms) is written rounded, up to half a millisecond early: such a time still
means the frame it starts.
"""

from __future__ import annotations

import math


def frame_at(ms: int, fps: float) -> int:
    """The frame on screen at ms (a rounded frame start counts as that frame)."""
    return max(0, math.floor((ms + 0.5) * fps / 1000.0 + 1e-9))


def frame_middle_ms(frame: int, fps: float) -> int:
    """A time well inside the frame, away from both of its edges."""
    return round((frame + 0.5) * 1000.0 / fps)


def frame_start_ms(frame: int, fps: float) -> int:
    """Where frame starts, in whole milliseconds (rounded)."""
    return round(max(0, frame) * 1000.0 / fps)


def on_grid(ms: int, fps: float) -> int:
    """The start of the frame on screen at ms: a bound put there cuts at that frame."""
    return frame_start_ms(frame_at(ms, fps), fps)


def last_frame_before(end_ms: int, fps: float) -> int:
    """The last frame a range ending (exclusively) at end_ms shows."""
    frame = frame_at(end_ms, fps)
    return max(0, frame - 1) if frame_start_ms(frame, fps) == end_ms else frame
