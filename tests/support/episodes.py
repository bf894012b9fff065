"""The one way tests build episodes by hand: clips from short tuples, a transcript from
(ms, text) pairs, any other Episode field by keyword."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from clipdesk.core.episode import (
    Clip,
    ClipKind,
    Episode,
    SourceFormat,
    TranscriptLine,
)

KINDS = {k.value: k for k in ClipKind} | {"h": ClipKind.HIGHLIGHT, "k": ClipKind.KEY_POINT,
                                           "s": ClipKind.SEGMENT, "c": ClipKind.CLIP}  # fmt: skip


def clip(
    clip_id: str,
    start_ms: int,
    end_ms: int | None,
    title: str = "",
    kind: ClipKind | str | None = None,
    line: int = 1,
    **fields: Any,
) -> Clip:
    """A clip; its kind defaults to the id's first letter (h1 is a highlight)."""
    if kind is None:
        kind = KINDS.get(clip_id[:1], ClipKind.CLIP)
    elif isinstance(kind, str):
        kind = KINDS[kind]
    return Clip(clip_id, kind, title or clip_id, start_ms, end_ms, line=line, **fields)


def build_episode(
    clips: Iterable[Clip] = (),
    transcript: Iterable[tuple[int, str] | TranscriptLine] = (),
    path: Path | None = None,
    source_format: SourceFormat = SourceFormat.SHOW_NOTES,
    **fields: Any,
) -> Episode:
    lines = [t if isinstance(t, TranscriptLine) else TranscriptLine(*t) for t in transcript]
    return Episode(path, source_format, clips=list(clips), transcript=lines, **fields)


def make_episode(duration_ms: int = 60_000) -> Episode:
    """The review episode: two highlights back to back, one key point without an end, a
    segment, a transcript line every 2 s."""
    return build_episode(
        [
            clip(
                "h1",
                2_000,
                5_000,
                "First highlight",
                line=10,
                quote="Cut on the breath.",
                speaker="Ada",
            ),
            clip(
                "h2",
                5_000,
                9_000,
                "Second highlight",
                line=20,
                quote="Review with sound.",
                speaker="Bo",
                takeaway="Listen first",
            ),
            clip("k1", 20_000, None, "A key point", line=30, summary="Why notes drift"),
            clip("s1", 30_000, 40_000, "Later segment", line=40),
        ],
        [
            TranscriptLine(ms, f"Line at {ms // 1000} seconds", line=100 + i)
            for i, ms in enumerate(range(0, duration_ms, 2_000))
        ],
        title="Hand-made episode",
        channel="Tests",
        duration_ms=duration_ms,
        summary="An episode built in the test.",
    )
