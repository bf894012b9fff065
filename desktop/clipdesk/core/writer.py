"""Write a document back in its own format after its clip bounds were edited.

Only the characters of changed times (labels, t= links, clip-command sections)
are replaced; every other byte stays as it was read.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from clipdesk.core.atomic_file import write_atomic
from clipdesk.core.episode import Episode
from clipdesk.core.source_text import SourceText, Span
from clipdesk.core.timecode import TimeStyle, format_t_param, format_timecode


class WriteError(Exception):
    pass


def render_document(ep: Episode) -> bytes:
    src = ep.source
    if not isinstance(src, SourceText):
        raise WriteError("this episode was not read from a document, so it cannot be written back")
    clips = {c.id: c for c in ep.clips}
    edits: dict[int, list[tuple[Span, str]]] = {}
    for span in src.spans:
        clip = clips.get(span.clip_id)
        if clip is None:
            continue  # deleted in the editor: the document keeps its text
        is_end = span.role in ("end", "t_end")
        value = clip.end_ms if is_end else clip.start_ms
        orig = clip.orig_end_ms if is_end else clip.orig_start_ms
        if value is None or value == orig:
            continue
        if span.role == "t_end":
            new = str(-(-value // 1000))  # whole seconds, rounded up: never cut early
        elif span.role == "t_start":
            new = format_t_param(value)[:-1]  # the span holds the number; the "s" stays
        elif span.role == "label":
            assert span.style is not None
            step = 10 ** (3 - span.style.frac)
            new = format_timecode(value - value % step, span.style)  # labels never run late
        else:
            assert span.style is not None
            new = format_timecode(value, _precise(span.style, value))
        edits.setdefault(span.line, []).append((span, new))
    lines = list(src.lines)
    for index, changes in edits.items():
        line = lines[index]
        for span, new in sorted(changes, key=lambda c: c[0].start, reverse=True):
            line = line[: span.start] + new + line[span.end :]
        lines[index] = line
    return src.encode(("\ufeff" if src.bom else "") + "".join(lines))


def _precise(style: TimeStyle, ms: int) -> TimeStyle:
    """The style with as many decimals as the value needs, so no bound is rounded."""
    frac = style.frac
    while frac < 3 and ms % 10 ** (3 - frac):
        frac += 1
    return replace(style, frac=frac)


def write_document(ep: Episode, path: Path | str) -> None:
    """Write atomically: a temporary file beside the target, fsync, rename."""
    data = render_document(ep)
    write_atomic(path, data)
