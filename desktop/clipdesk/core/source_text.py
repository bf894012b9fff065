"""The document as read: its exact text, its lines, and where clip times stand in it.

Readers record a Span for every place a clip's start or end is written, so the
writer can change just those characters and leave the rest byte-identical.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from clipdesk.core.errors import DocumentError
from clipdesk.core.timecode import TimeStyle

BOM = "\ufeff"
MAX_BYTES = 64 * 1024 * 1024


class Span(NamedTuple):  # a tuple: documents hold thousands, and tuples are cheap to make
    """Characters [start, end) of line `line` (0-based) hold a time of clip `clip_id`.

    role: "start" or "end" (the clip's exact bound, written in `style` with more
    decimals if the new value needs them), "label" (a display label of the start,
    written to the style's precision), or "t_start" (the whole-seconds value of a
    t= link parameter, without its unit).
    """

    line: int
    start: int
    end: int
    clip_id: str
    role: str
    style: TimeStyle | None = None


@dataclass
class SourceText:
    path: Path | None
    bom: bool
    lines: list[str]  # with their line endings, BOM removed from the first
    spans: list[Span] = field(default_factory=list)

    @property
    def text(self) -> str:
        return (BOM if self.bom else "") + "".join(self.lines)

    def stripped(self, index: int) -> str:
        """Line `index` without its line ending or trailing white space."""
        return self.lines[index].rstrip()

    def encode(self, text: str | None = None) -> bytes:
        return (self.text if text is None else text).encode("utf-8", "surrogateescape")


def decode_document(data: bytes, path: Path | None) -> SourceText:
    """Decode UTF-8 text, keeping every byte so an unedited write is identical.

    Binary data and non-UTF-8 text are refused with the line they start on.
    """
    if not data.strip():
        raise DocumentError(path, 1, "the document is empty")
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise DocumentError(path, line, "not a text document (binary data)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DocumentError(
            path, line, f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None
    bom = text.startswith(BOM)
    if bom:
        text = text[1:]
    return SourceText(path=path, bom=bom, lines=split_lines(text))


def split_lines(text: str) -> list[str]:
    """Split on \\n only (str.splitlines also splits on form feeds and U+2028)."""
    parts = text.split("\n")
    lines = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def read_source(path: Path | str) -> SourceText:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise DocumentError(path, 1, f"too large for a show-notes document ({size} bytes)")
        data = path.read_bytes()
    except IsADirectoryError:
        raise DocumentError(path, 0, "is a folder, not a document") from None
    except FileNotFoundError:
        raise DocumentError(path, 0, "no such file") from None
    except PermissionError:
        raise DocumentError(path, 0, "permission denied") from None
    except OSError as exc:
        raise DocumentError(path, 0, f"cannot be read: {exc.strerror or exc}") from None
    return decode_document(data, path)
