"""Open a show-notes document of either format: detect, read, or refuse clearly."""

from __future__ import annotations

import gc
from pathlib import Path

from clipdesk.core.episode import Episode, Notice
from clipdesk.core.errors import DocumentError
from clipdesk.core.reader_segments import SegmentsReader, looks_like_segments
from clipdesk.core.reader_show_notes import ShowNotesReader, looks_like_show_notes
from clipdesk.core.source_text import SourceText, decode_document, read_source

NOT_SHOW_NOTES = (
    "not a show-notes document: expected Markdown with ## Highlights, ## Key Points or "
    "## Transcript sections, or a Key Takeaways / Segments export"
)


def read_document(path: Path | str) -> Episode:
    """Read a document from disk. Raises DocumentError (FILE:LINE: message)."""
    return parse_source(read_source(path))


def read_text(text: str | bytes, path: Path | str | None = None) -> Episode:
    """Read a document held in memory (tests, fuzzing, drag and drop of text)."""
    data = text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text
    return parse_source(decode_document(data, Path(path) if path else None))


def parse_source(src: SourceText) -> Episode:
    # A long document makes tens of thousands of small objects that all live on: the
    # cyclic collector, run in the middle of reading, would only walk them for nothing.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _parse_source(src)
    finally:
        if enabled:
            gc.enable()


def _parse_source(src: SourceText) -> Episode:
    if not _has_frontmatter(src) and looks_like_segments(src):
        ep = SegmentsReader(src).read()
        if ep.clips:
            return _with_decoding_notices(ep, src)
    if looks_like_show_notes(src):
        ep = ShowNotesReader(src).read()
        if ep.clips or ep.transcript:
            return _with_decoding_notices(ep, src)
        raise DocumentError(
            src.path, 1, "no highlights, key points, segments or transcript lines found"
        )
    raise DocumentError(src.path, 1, NOT_SHOW_NOTES)


def _with_decoding_notices(ep: Episode, src: SourceText) -> Episode:
    if src.notices:
        ep.warnings[:0] = [Notice(line, message) for line, message in src.notices]
        ep.warnings.sort(key=lambda n: n.line)
    return ep


def _has_frontmatter(src: SourceText) -> bool:
    first = next((src.stripped(i) for i in range(len(src.lines)) if src.stripped(i)), "")
    return first == "---"
