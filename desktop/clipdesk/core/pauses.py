"""Pauses in speech and snapping clip bounds to them. Pure data: times in milliseconds.

Editors cut on the breath, not the word: a clip's in point belongs just before the
first word after a pause, its out point just after the last word before one. A bound
is moved into the nearest pause within a distance, leaving a margin of room before the
word that follows (in) or after the word that precedes (out), never past the pause.
"""

from __future__ import annotations

import bisect
import dataclasses
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from clipdesk.core.episode import Clip, Episode

DEFAULT_SNAP_DISTANCE_MS = 600
DEFAULT_SNAP_MARGIN_MS = 120

MIN_PAUSE_MS = 150  # shorter gaps are the stops inside words, not pauses


@dataclass(frozen=True)
class Pause:
    """A silent or near-silent stretch: [start_ms, end_ms), depth_db below the speech level."""

    start_ms: int
    end_ms: int
    depth_db: float

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms

    def contains(self, ms: int) -> bool:
        return self.start_ms <= ms <= self.end_ms

    def to_dict(self) -> dict[str, int | float]:
        return {"start_ms": self.start_ms, "end_ms": self.end_ms, "depth": self.depth_db}


class Bound(str, enum.Enum):
    START = "start"  # a clip's in point: cut before the word after the pause
    END = "end"  # a clip's out point: cut after the word before the pause


@dataclass(frozen=True)
class Snap:
    """Where a bound would go: target_ms is None when no pause lies within reach."""

    bound: Bound
    time_ms: int
    target_ms: int | None
    pause: Pause | None  # the pause it would snap into
    in_pause: bool  # the bound already lies inside a pause

    @property
    def move_ms(self) -> int:
        """Signed move (negative: earlier); 0 when it stays."""
        return 0 if self.target_ms is None else self.target_ms - self.time_ms

    @property
    def moves(self) -> bool:
        return self.move_ms != 0


def cut_point(pause: Pause, bound: Bound, margin_ms: int = DEFAULT_SNAP_MARGIN_MS) -> int:
    """Where to cut inside pause: margin_ms before the next word for an in point,
    after the last word for an out point; the middle of a pause shorter than twice that."""
    margin = max(0, min(margin_ms, pause.duration_ms // 2))
    return pause.end_ms - margin if bound is Bound.START else pause.start_ms + margin


def pause_at(pauses: Sequence[Pause], ms: int) -> Pause | None:
    """The pause containing ms (pauses sorted by start and not overlapping)."""
    i = bisect.bisect_right(_starts(pauses), ms) - 1
    if i >= 0 and pauses[i].contains(ms):
        return pauses[i]
    return None


def snap_bound(
    pauses: Sequence[Pause],
    ms: int,
    bound: Bound,
    max_distance_ms: int = DEFAULT_SNAP_DISTANCE_MS,
    margin_ms: int = DEFAULT_SNAP_MARGIN_MS,
) -> Snap:
    """Move a bound at ms to the cut point of the nearest pause whose cut point lies
    within max_distance_ms. On a tie an in point goes earlier and an out point later,
    so that the clip keeps the whole word."""
    inside = pause_at(pauses, ms)
    starts = _starts(pauses)
    # Cut points lie inside their pause, so only pauses overlapping the reach count.
    lo = max(0, bisect.bisect_left(starts, ms - max_distance_ms) - 1)
    hi = bisect.bisect_right(starts, ms + max_distance_ms)
    best: tuple[int, int, Pause] | None = None
    for pause in pauses[lo:hi]:
        target = cut_point(pause, bound, margin_ms)
        distance = abs(target - ms)
        if distance > max_distance_ms:
            continue
        # Tie-break: earlier for an in point, later for an out point.
        tie = target if bound is Bound.START else -target
        if best is None or (distance, tie) < (best[0], best[1]):
            best = (distance, tie, pause)
    if best is None:
        return Snap(bound, ms, None, None, inside is not None)
    pause = best[2]
    return Snap(bound, ms, cut_point(pause, bound, margin_ms), pause, inside is not None)


def snap_clip(
    pauses: Sequence[Pause],
    start_ms: int,
    end_ms: int | None,
    max_distance_ms: int = DEFAULT_SNAP_DISTANCE_MS,
    margin_ms: int = DEFAULT_SNAP_MARGIN_MS,
) -> tuple[Snap, Snap | None]:
    """Both bounds of a clip; a move that would leave the clip empty or reversed is
    dropped (that bound stays where it was)."""
    first = snap_bound(pauses, start_ms, Bound.START, max_distance_ms, margin_ms)
    if end_ms is None:
        return first, None
    last = snap_bound(pauses, end_ms, Bound.END, max_distance_ms, margin_ms)
    new_start = first.target_ms if first.target_ms is not None else start_ms
    new_end = last.target_ms if last.target_ms is not None else end_ms
    if new_end <= new_start:
        # Both moved into the same pause (a clip shorter than the reach): keep the
        # bound that moved further where it was; if that is not enough, keep both.
        if abs(first.move_ms) >= abs(last.move_ms):
            first = Snap(Bound.START, start_ms, None, None, first.in_pause)
            new_start = start_ms
        else:
            last = Snap(Bound.END, end_ms, None, None, last.in_pause)
            new_end = end_ms
        if new_end <= new_start:
            first = Snap(Bound.START, start_ms, None, None, first.in_pause)
            last = Snap(Bound.END, end_ms, None, None, last.in_pause)
    return first, last


def _starts(pauses: Sequence[Pause]) -> list[int]:
    return [p.start_ms for p in pauses]


@dataclass(frozen=True)
class BoundMove:
    """One bound of one clip moved into a pause."""

    clip_id: str
    bound: Bound
    snapped_from: int
    snapped_to: int
    pause: Pause

    def to_dict(self) -> dict[str, object]:
        return {
            "clip_id": self.clip_id,
            "bound": self.bound.value,
            "snapped_from": self.snapped_from,
            "snapped_to": self.snapped_to,
            "moved_ms": self.snapped_to - self.snapped_from,
            "pause": self.pause.to_dict(),
        }


def snap_episode(
    episode: Episode,
    pauses: Sequence[Pause],
    clip_ids: Iterable[str] | None = None,
    max_distance_ms: int = DEFAULT_SNAP_DISTANCE_MS,
    margin_ms: int = DEFAULT_SNAP_MARGIN_MS,
) -> tuple[Episode, list[BoundMove]]:
    """A copy of episode with the bounds of the clips in clip_ids (all by default) snapped
    to pauses, and every move made, in clip order (start before end)."""
    wanted = None if clip_ids is None else set(clip_ids)
    clips: list[Clip] = []
    moves: list[BoundMove] = []
    for clip in episode.clips:
        if wanted is not None and clip.id not in wanted:
            clips.append(clip)
            continue
        first, last = snap_clip(pauses, clip.start_ms, clip.end_ms, max_distance_ms, margin_ms)
        start, end = clip.start_ms, clip.end_ms
        for snap in (first, last):
            if snap is None or not snap.moves or snap.pause is None or snap.target_ms is None:
                continue
            moves.append(BoundMove(clip.id, snap.bound, snap.time_ms, snap.target_ms, snap.pause))
            if snap.bound is Bound.START:
                start = snap.target_ms
            else:
                end = snap.target_ms
        clips.append(dataclasses.replace(clip, start_ms=start, end_ms=end))
    return dataclasses.replace(episode, clips=clips), moves
