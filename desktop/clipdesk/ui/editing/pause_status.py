"""What the details panel says about a clip's bounds and the pauses in speech: whether
each bound lies in a pause, and how far the snap command would move it."""

from __future__ import annotations

from collections.abc import Sequence

from clipdesk.core.bounds import Timebase
from clipdesk.core.episode import Clip
from clipdesk.core.pauses import (
    DEFAULT_SNAP_DISTANCE_MS,
    DEFAULT_SNAP_MARGIN_MS,
    Pause,
    Snap,
    snap_clip,
)


def _line(label: str, snap: Snap | None, timebase: Timebase) -> str:
    if snap is None:
        return f"{label}: no out point"
    where = "in a pause" if snap.in_pause else "in speech"
    if snap.target_ms is None:
        return f"{label}: {where}, no pause near enough to snap to"
    move = timebase.to_media(timebase.on_grid(timebase.to_document(snap.target_ms)))
    delta = move - snap.time_ms
    if delta == 0:
        return f"{label}: {where}, on its cut point"
    return f"{label}: {where}, a snap would move it {delta:+d} ms"


def bound_status(
    clip: Clip,
    pauses: Sequence[Pause],
    timebase: Timebase,
    max_distance_ms: int = DEFAULT_SNAP_DISTANCE_MS,
    margin_ms: int = DEFAULT_SNAP_MARGIN_MS,
) -> str:
    """Two lines (in, out); pauses are in media time, the clip in document time."""
    end = timebase.to_media(clip.end_ms) if clip.end_ms is not None else None
    first, last = snap_clip(
        pauses, timebase.to_media(clip.start_ms), end, max_distance_ms, margin_ms
    )
    return "\n".join((_line("In", first, timebase), _line("Out", last, timebase)))
