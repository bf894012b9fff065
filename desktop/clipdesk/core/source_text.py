"""The document as read: its exact text, its lines, and where clip times stand in it.

Readers record a Span for every place a clip's start or end is written, so the
writer can change just those characters and leave the rest byte-identical.

Opening is defensive: documents come from anywhere (a FIFO, a device, a huge file
dropped on the window), so a path is opened without blocking, checked with fstat,
and read with a bound, before a single byte is decoded.
"""

from __future__ import annotations

import codecs
import errno
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from clipdesk.core.bounded_read import read_at_most
from clipdesk.core.errors import DocumentError
from clipdesk.core.timecode import TimeStyle

BOM = "\ufeff"
MAX_BYTES = 20 * 1024 * 1024  # show notes of a 10-hour episode are under 2 MB
# Controls that never occur in text (tab, line feed, form feed, carriage return,
# vertical tab and escape do).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\x0b\x0c\r\x1b")
_BINARY_SHARE = 0.02  # more than 2 % control bytes in the first 64 KiB: not text
_SURROGATE = re.compile("[\udc80-\udcff]")
_OTHER_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # what splitlines splits on too
_CR_LINE = re.compile(r"[^\r]*\r|[^\r]+$")


class Span(NamedTuple):  # a tuple: documents hold thousands, and tuples are cheap to make
    """Characters [start, end) of line `line` (0-based) hold a time of clip `clip_id`.

    role: "start" or "end" (the clip's exact bound, written in `style` with more
    decimals if the new value needs them), "label" (a display label of the start,
    written to the style's precision), or "t_start" / "t_end" (the whole-seconds
    value of a t= link or an embedded player's start= / end=, without its unit).
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
    encoding: str = "utf-8"  # "utf-16-le" / "utf-16-be" when the BOM said so
    # Warnings from decoding, as (1-based line, message), for the reader to report.
    notices: list[tuple[int, str]] = field(default_factory=list)
    # Undecodable bytes are kept as surrogate escapes (so an unedited write is
    # identical); readers see them as U+FFFD.
    has_bad_bytes: bool = False

    @property
    def text(self) -> str:
        return (BOM if self.bom else "") + "".join(self.lines)

    def stripped(self, index: int) -> str:
        """Line `index` without its line ending or trailing white space, as readers see
        it (U+FFFD for an undecodable byte)."""
        line = self.lines[index].rstrip()
        return _SURROGATE.sub("\ufffd", line) if self.has_bad_bytes else line

    def parsed_lines(self) -> list[str]:
        """The lines as readers parse them: no ending, no trailing space, and U+FFFD
        for each undecodable byte (one for one, so columns stay those of `lines`)."""
        out = [ln.rstrip() for ln in self.lines]
        if self.has_bad_bytes:
            out = [_SURROGATE.sub("\ufffd", ln) for ln in out]
        return out

    def encode(self, text: str | None = None) -> bytes:
        text = self.text if text is None else text
        if self.encoding == "utf-8":
            return text.encode("utf-8", "surrogateescape")
        return text.encode(self.encoding)


def decode_document(data: bytes, path: Path | None) -> SourceText:
    """Decode text, keeping every byte so an unedited write is identical.

    UTF-8 (with or without BOM) and UTF-16 with a BOM are read; other bytes are
    decoded as UTF-8, each bad byte kept (and shown as U+FFFD) with one warning
    naming the first line that holds one. Binary data is refused.
    """
    encoding = "utf-8"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not data.startswith(
        codecs.BOM_UTF32_LE
    ):
        encoding = "utf-16-le" if data.startswith(codecs.BOM_UTF16_LE) else "utf-16-be"
        try:
            text = data[2:].decode(encoding)
        except UnicodeDecodeError:
            raise DocumentError(path, 1, "not a text document (broken UTF-16)") from None
        if "\x00" in text:
            line = text.count("\n", 0, text.index("\x00")) + 1
            raise DocumentError(path, line, "not a text document (binary data)")
        bom = True
    else:
        _refuse_binary(data, path)
        bad_line = 0
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad_line = data.count(b"\n", 0, exc.start) + 1
            bad_byte = data[exc.start]
            text = data.decode("utf-8", "surrogateescape")
        bom = text.startswith(BOM)
        if bom:
            text = text[1:]
    if not text or text.isspace():
        raise DocumentError(path, 1, "the document is empty")
    src = SourceText(path=path, bom=bom, lines=split_lines(text), encoding=encoding)
    if encoding == "utf-8" and bad_line:
        src.has_bad_bytes = True
        src.notices.append(
            (
                bad_line,
                f"not valid UTF-8 (first bad byte 0x{bad_byte:02x} on this line): "
                "bad bytes are shown as \ufffd",
            )
        )
    return src


def _refuse_binary(data: bytes, path: Path | None) -> None:
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise DocumentError(path, line, "not a text document (binary data)")
    head = data[:65536]
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if head and controls > len(head) * _BINARY_SHARE:
        raise DocumentError(path, 1, "not a text document (binary data)")


def split_lines(text: str) -> list[str]:
    """Split after each line ending, keeping it: \\n or \\r\\n, or \\r in a file that
    has no \\n at all (old Mac files). A stray \\r inside a line of a \\n file stays in
    its line, as editors show it. str.splitlines is the fastest, but also splits on
    form feeds, U+2028 and a few more: it is used only when it splits the same."""
    lone_cr = "\r" in text and text.count("\r") != text.count("\r\n")
    has_lf = "\n" in text
    if (not lone_cr or not has_lf) and not any(c in text for c in _OTHER_BREAKS):
        return text.splitlines(True)
    if lone_cr and not has_lf:
        return _CR_LINE.findall(text)
    parts = text.split("\n")
    lines = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


_KINDS = (
    (stat.S_ISDIR, "is a folder, not a document"),
    (stat.S_ISFIFO, "is a named pipe (FIFO), not a document"),
    (stat.S_ISCHR, "is a device, not a document"),
    (stat.S_ISBLK, "is a device, not a document"),
    (stat.S_ISSOCK, "is a socket, not a document"),
)


def check_kind(path: Path, mode: int, size: int) -> None:
    """Refuse what is not a regular file of a plausible size."""
    for test, message in _KINDS:
        if test(mode):
            raise DocumentError(path, 0, message)
    if not stat.S_ISREG(mode):
        raise DocumentError(path, 0, "is not a regular file")
    if size > MAX_BYTES:
        raise DocumentError(
            path,
            0,
            f"too large for a show-notes document ({size / 1048576:.0f} MB; "
            f"the limit is {MAX_BYTES // 1048576} MB)",
        )


def read_bytes_checked(path: Path | str) -> bytes:
    """The bytes of a regular file of at most MAX_BYTES; anything else is refused at
    once. Opened with O_NONBLOCK (a FIFO without a writer would block open() itself)
    and checked with fstat on the open descriptor before anything is read."""
    path = Path(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    flags |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise DocumentError(path, 0, "no such file") from None
    except PermissionError:
        raise DocumentError(path, 0, "permission denied") from None
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # a socket, or a FIFO opened for writing only
            try:
                st = os.stat(path)
                check_kind(path, st.st_mode, st.st_size)
            except OSError:
                pass
        raise DocumentError(path, 0, f"cannot be read: {exc.strerror or exc}") from None
    try:
        st = os.fstat(fd)
        check_kind(path, st.st_mode, st.st_size)
        data = read_at_most(fd, MAX_BYTES)  # one byte more than allowed: it grew
    except BlockingIOError:
        raise DocumentError(path, 0, "cannot be read without waiting") from None
    except IsADirectoryError:
        raise DocumentError(path, 0, "is a folder, not a document") from None
    except OSError as exc:
        raise DocumentError(path, 0, f"cannot be read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if len(data) > MAX_BYTES:
        raise DocumentError(path, 0, "too large for a show-notes document (it grew while read)")
    return data


def read_source(path: Path | str) -> SourceText:
    path = Path(path)
    return decode_document(read_bytes_checked(path), path)
