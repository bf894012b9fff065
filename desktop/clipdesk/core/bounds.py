"""Pure edit logic for clip bounds: validation, nudges, split, duplicate, new clips,
the document-to-media offset and snapping.

Clip times (Clip.start_ms / end_ms, transcript starts) are in *document* time, as the
document wrote them. The player works in *media* time. The two differ by one offset for
the whole document (format B timelines often start before the video's): media time =
document time + offset. Functions here take the playhead in media time and return clip
bounds in document time; every refusal is an EditRefused with a message for the user.
"""

from __future__ import annotations

import dataclasses
import enum
import math
from collections.abc import Callable, Iterable

from clipdesk.core.episode import Clip, ClipKind, Episode, ReviewStatus
from clipdesk.core.frame_grid import on_grid
from clipdesk.core.timecode import TimecodeError, format_clock, parse_timecode

DEFAULT_FPS = 25.0  # frame nudges before the player knows the media's frame rate
NEW_CLIP_MS = 10_000
PREVIEW_MS = 2_000
TITLE_CHARS = 80
DEFAULT_OPEN_END_MS = 15_000
# How long a clip without an end is taken to last where one is needed (the seek bar, the
# timeline, the clip under the playhead). One value for the process: the desktop app
# sets it from its settings; everything reads it through open_end_ms().
_open_end_ms = DEFAULT_OPEN_END_MS


def open_end_ms() -> int:
    return _open_end_ms


def set_open_end_ms(ms: int) -> None:
    global _open_end_ms
    if ms <= 0:
        raise ValueError(f"the length of a clip without an end must be positive, not {ms}")
    _open_end_ms = int(ms)


def open_end(clip: Clip) -> int:
    """A clip's end, or where a clip without one is drawn to."""
    return clip.end_ms if clip.end_ms is not None else clip.start_ms + _open_end_ms


class EditRefused(ValueError):
    """An edit that would store an invalid clip; the message is for the user."""


class Bound(str, enum.Enum):
    START = "start"
    END = "end"

    @property
    def label(self) -> str:
        return "in point" if self is Bound.START else "out point"


class NudgeUnit(str, enum.Enum):
    FRAME = "frame"
    TENTH = "100 ms"
    SECOND = "1 s"


TimebaseListener = Callable[[str], None]


class Timebase:
    """The media a document is played against: its duration and frame rate (when the
    player knows them) and the document-to-media offset. Announces changes by name."""

    def __init__(
        self, offset_ms: int = 0, duration_ms: int | None = None, fps: float | None = None
    ) -> None:
        self._offset_ms = int(offset_ms)
        self._duration_ms = duration_ms
        self._fps = fps
        self._listeners: list[TimebaseListener] = []

    def subscribe(self, listener: TimebaseListener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _emit(self, name: str) -> None:
        for listener in list(self._listeners):
            listener(name)

    @property
    def offset_ms(self) -> int:
        return self._offset_ms

    @offset_ms.setter
    def offset_ms(self, value: int) -> None:
        if int(value) != self._offset_ms:
            self._offset_ms = int(value)
            self._emit("offset_ms")

    @property
    def duration_ms(self) -> int | None:
        return self._duration_ms

    @duration_ms.setter
    def duration_ms(self, value: int | None) -> None:
        value = int(value) if value is not None and value > 0 else None
        if value != self._duration_ms:
            self._duration_ms = value
            self._emit("duration_ms")

    @property
    def fps(self) -> float | None:
        return self._fps

    @fps.setter
    def fps(self, value: float | None) -> None:
        value = float(value) if value and value > 0 and math.isfinite(value) else None
        if value != self._fps:
            self._fps = value
            self._emit("fps")

    @property
    def frame_fps(self) -> float:
        return self._fps or DEFAULT_FPS

    def to_media(self, doc_ms: int) -> int:
        return doc_ms + self._offset_ms

    def on_grid(self, doc_ms: int) -> int:
        """A document time moved to the start of the media frame on screen there (the
        frame grid is the media's: with an offset, document times are shifted by it).
        Unchanged while the frame rate is unknown."""
        if self._fps is None:
            return doc_ms
        return self.to_document(on_grid(self.to_media(doc_ms), self._fps))

    def to_document(self, media_ms: int) -> int:
        return media_ms - self._offset_ms


# -- validation ----------------------------------------------------------------


def check_bounds(
    start_ms: int,
    end_ms: int | None,
    timebase: Timebase | None = None,
    edited: Bound | None = None,
) -> None:
    """Refuse bounds that cannot be stored: negative, end not after start, or outside
    the media (when its duration is known). edited names the bound the editor moved, so
    a refusal caused by the other one says so."""
    if start_ms < 0:
        raise EditRefused(f"The in point {_clock(start_ms)} is before the document's 0:00.")
    if end_ms is not None and end_ms <= start_ms:
        raise EditRefused(
            f"The out point {_clock(end_ms)} must be after the in point {_clock(start_ms)}."
        )
    if timebase is None:
        return
    if timebase.to_media(start_ms) < 0:
        raise EditRefused(
            f"The in point {_clock(start_ms)} lies before the start of the media "
            f"(offset {format_offset(timebase.offset_ms)})."
        )
    duration = timebase.duration_ms
    if duration is None:
        return
    last = end_ms if end_ms is not None else start_ms
    if (
        edited is Bound.START
        and end_ms is not None
        and timebase.to_media(start_ms) < duration < timebase.to_media(end_ms)
    ):
        raise EditRefused(
            f"The in point {_clock(start_ms)} was not stored: the clip's out point "
            f"{_clock(timebase.to_media(end_ms))} lies past the end of the media "
            f"({_clock(duration)}); move the out point first."
        )
    if timebase.to_media(last) > duration or timebase.to_media(start_ms) >= duration:
        which = "out point" if end_ms is not None else "in point"
        if edited is Bound.START and timebase.to_media(start_ms) >= duration:
            which, last = "in point", start_ms
        raise EditRefused(
            f"The {which} {_clock(timebase.to_media(last))} lies past the end of the media "
            f"({_clock(duration)})."
        )


def _clock(ms: int) -> str:
    return ("-" + format_clock(-ms)) if ms < 0 else format_clock(ms)


def parse_time(text: str) -> int:
    """A typed time (1:57, 1:57.250, 117.25, 00:01:57.250) in ms, or EditRefused."""
    try:
        return parse_timecode(text)
    except TimecodeError:
        raise EditRefused(
            f"{text.strip()!r} is not a time: type 1:57, 1:57.250, 117.25 or 00:01:57.250."
        ) from None


# -- bounds ----------------------------------------------------------------------


def with_bound(
    clip: Clip, bound: Bound, doc_ms: int, timebase: Timebase | None
) -> tuple[int, int | None]:
    """The clip's (start, end) with one bound moved to doc_ms (on the frame grid),
    validated."""
    if timebase is not None:
        doc_ms = timebase.on_grid(doc_ms)
    start, end = (doc_ms, clip.end_ms) if bound is Bound.START else (clip.start_ms, doc_ms)
    if bound is Bound.START and end is not None and doc_ms >= end:
        raise EditRefused(
            f"The in point {_clock(doc_ms)} must be before the out point {_clock(end)}."
        )
    check_bounds(start, end, timebase, edited=bound)
    return start, end


DEFAULT_LONG_NUDGE_MS = 1_000
_long_nudge_ms = DEFAULT_LONG_NUDGE_MS  # NudgeUnit.SECOND's length: a setting of the app


def set_long_nudge_ms(ms: int) -> None:
    global _long_nudge_ms
    if ms <= 0:
        raise ValueError(f"the nudge step must be positive, not {ms}")
    _long_nudge_ms = int(ms)


def long_nudge_ms() -> int:
    return _long_nudge_ms


def step_ms(unit: NudgeUnit, fps: float) -> float:
    long = float(_long_nudge_ms)
    return {NudgeUnit.FRAME: 1000.0 / fps, NudgeUnit.TENTH: 100.0, NudgeUnit.SECOND: long}[unit]


def nudge_frames(unit: NudgeUnit, fps: float) -> int:
    """Whole frames in one nudge: 100 ms is 3 frames at 25 fps (2.5, rounded up) and at
    29.97 fps; a second is round(fps) frames."""
    return max(1, math.floor(step_ms(unit, fps) * fps / 1000.0 + 0.5))


def nudge_time(
    ms: int, steps: int, unit: NudgeUnit, fps: float = DEFAULT_FPS, grid: bool = False
) -> int:
    """ms moved by whole steps. On the frame grid (always for frame steps), a step is
    whole frames and the result a frame start, so repeated nudges never drift (29.97
    fps frames are not whole milliseconds) and a nudge back undoes a nudge forward."""
    if unit is not NudgeUnit.FRAME and not grid:
        return ms + steps * int(step_ms(unit, fps))
    frame = round(ms * fps / 1000.0) + steps * nudge_frames(unit, fps)
    return round(frame * 1000.0 / fps)


def nudged_bound(
    clip: Clip, bound: Bound, steps: int, unit: NudgeUnit, timebase: Timebase
) -> tuple[int, int | None]:
    if bound is Bound.END and clip.end_ms is None:
        raise EditRefused(f"“{clip.title}” has no out point to nudge: set one first (O).")
    current = clip.start_ms if bound is Bound.START else clip.end_ms
    assert current is not None
    # Frames count in media time; 100 ms and 1 s steps are whole frames once the media's
    # frame rate is known.
    media = nudge_time(
        timebase.to_media(current), steps, unit, timebase.frame_fps, grid=bool(timebase.fps)
    )
    return with_bound(clip, bound, timebase.to_document(media), timebase)


# -- clips -----------------------------------------------------------------------


def split_clip(
    clip: Clip, doc_ms: int, new_id: str, timebase: Timebase | None
) -> tuple[tuple[int, int], Clip]:
    """Split at doc_ms (on the frame grid): the first part's new (start, end) and the
    second part, a new clip."""
    if timebase is not None:
        doc_ms = timebase.on_grid(doc_ms)
    if doc_ms <= clip.start_ms or (clip.end_ms is not None and doc_ms >= clip.end_ms):
        raise EditRefused(
            f"The playhead {_clock(doc_ms)} is not inside “{clip.title}” "
            f"({_clock(clip.start_ms)}–{format_clock(clip.end_ms)}): nothing to split."
        )
    check_bounds(clip.start_ms, doc_ms, timebase)
    second = editor_clip(clip, new_id, title=f"{clip.title} (part 2)", start_ms=doc_ms)
    return (clip.start_ms, doc_ms), second


def duplicate_clip(clip: Clip, new_id: str) -> Clip:
    return editor_clip(clip, new_id, title=f"{clip.title} (copy)")


def editor_clip(clip: Clip, new_id: str, **changes: object) -> Clip:
    """A copy made by the editor: kind CLIP, no document line, review reset."""
    fields: dict[str, object] = {
        "id": new_id,
        "kind": ClipKind.CLIP,
        "line": 0,
        "orig_start_ms": None,
        "orig_end_ms": None,
        "review": ReviewStatus.UNREVIEWED,
    }
    fields.update(changes)
    return dataclasses.replace(clip, **fields)  # type: ignore[arg-type]


def new_clip_at(
    episode: Episode,
    playhead_ms: int,
    new_id: str,
    timebase: Timebase,
    length_ms: int = NEW_CLIP_MS,
) -> Clip:
    """A new clip starting at the playhead, titled after the transcript line spoken there;
    both bounds on the frame grid."""
    start = timebase.on_grid(timebase.to_document(playhead_ms))
    end = start + length_ms
    if timebase.duration_ms is not None:
        end = min(end, timebase.to_document(timebase.duration_ms))
    end = timebase.on_grid(end)
    if end <= start:
        raise EditRefused(f"No room for a new clip at {_clock(playhead_ms)}: the media ends there.")
    check_bounds(start, end, timebase)
    return Clip(
        id=new_id, kind=ClipKind.CLIP, title=title_at(episode, start), start_ms=start, end_ms=end
    )


def title_at(episode: Episode, doc_ms: int) -> str:
    index = episode.transcript_index_at(doc_ms)
    text = " ".join(episode.transcript[index].text.split()) if index >= 0 else ""
    if not text:
        return f"Clip at {format_clock(doc_ms)}"
    if len(text) > TITLE_CHARS:
        cut = text[:TITLE_CHARS].rsplit(" ", 1)[0] or text[:TITLE_CHARS]
        text = cut.rstrip(" ,.;:") + "…"
    return text


# -- alignment -------------------------------------------------------------------


def align_offset(playhead_ms: int, clip: Clip) -> int:
    """The offset that puts the clip's document start at the playhead."""
    return playhead_ms - clip.start_ms


def format_offset(ms: int) -> str:
    sign = "-" if ms < 0 else "+"
    return sign + format_clock(abs(ms))


def parse_offset(text: str) -> int:
    """A signed offset as typed: -14:32, +1:57.250, -872.5."""
    s = text.strip()
    sign = -1 if s.startswith("-") else 1
    return sign * parse_time(s.lstrip("+-").strip() or s)


def preview_range(
    media_ms: int, timebase: Timebase, around_ms: int = PREVIEW_MS
) -> tuple[int, int]:
    """The range to play to preview a cut: around_ms either side, kept inside the media."""
    start = max(0, media_ms - around_ms)
    end = media_ms + around_ms
    if timebase.duration_ms is not None:
        end = min(end, timebase.duration_ms)
    return start, max(start, end)


# -- snapping --------------------------------------------------------------------


def snap_candidates(
    episode: Episode,
    timebase: Timebase,
    exclude_clip: str | None = None,
    transcript: bool = True,
    clips: bool = True,
) -> list[int]:
    """Sorted media times a dragged bound may snap to."""
    out: set[int] = set()
    if transcript:
        out.update(timebase.to_media(line.start_ms) for line in episode.transcript)
    if clips:
        for c in episode.clips:
            if c.id == exclude_clip:
                continue
            out.add(timebase.to_media(c.start_ms))
            if c.end_ms is not None:
                out.add(timebase.to_media(c.end_ms))
    return sorted(out)


def snap(ms: int, candidates: Iterable[int], tolerance_ms: int) -> int:
    """The nearest candidate within tolerance, else ms unchanged."""
    best, best_d = ms, tolerance_ms + 1
    for c in candidates:
        d = abs(c - ms)
        if d < best_d:
            best, best_d = c, d
    return best
