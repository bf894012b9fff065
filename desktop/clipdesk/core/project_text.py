"""The bytes of a project file: a bounded read of a regular file, and an end marker
with a checksum, so a file cut short or altered after it was written is refused whole
instead of giving a partial set of edits.

The last line is `# end of Clipdesk project file, sha256 <hex>`, the SHA-256 of every
byte before that line. Clipdesk writes it; nothing else needs to.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from pathlib import Path

from clipdesk.core.bounded_read import read_at_most

MAX_PROJECT_BYTES = 16 * 1024 * 1024  # thousands of clips fit in a fraction of this
END_MARKER = "# end of Clipdesk project file, sha256 "
_END = re.compile(rb"# end of Clipdesk project file, sha256 ([0-9a-f]{64})\n?\Z")
_SCHEMA = re.compile(rb"^schema:[ \t]*(\d{1,9})[ \t]*$", re.MULTILINE)


class ProjectTextError(ValueError):
    """Why the bytes cannot be used (the caller names the file)."""


def seal(text: str) -> bytes:
    """text (ending in a newline) with its end marker."""
    body = text.encode("utf-8")
    if not body.endswith(b"\n"):
        body += b"\n"
    return body + f"{END_MARKER}{hashlib.sha256(body).hexdigest()}\n".encode("ascii")


def read_bounded(path: Path, limit: int = MAX_PROJECT_BYTES) -> bytes:
    """The bytes of a regular file of at most limit bytes. A FIFO, a device (/dev/zero)
    or a larger file is refused without reading it; OSError propagates."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ProjectTextError("is not a regular file")
        if info.st_size > limit:
            raise ProjectTextError(f"is too large ({info.st_size} bytes; at most {limit})")
        data = read_at_most(fd, limit)
        if len(data) > limit:  # grew while being read
            raise ProjectTextError(f"is too large (over {limit} bytes)")
        return data
    finally:
        os.close(fd)


def declared_schema(raw: bytes) -> int | None:
    """The schema number a file declares at the top level, read without parsing it (a
    newer Clipdesk may seal its files differently)."""
    m = _SCHEMA.search(raw, 0, 64 * 1024)
    return int(m.group(1)) if m else None


def unseal(raw: bytes) -> str:
    """The text before the end marker, checked against its checksum."""
    cut = raw.rfind(END_MARKER.encode("ascii"))
    if cut < 0 or not _END.fullmatch(raw, cut):
        raise ProjectTextError(
            "is incomplete: its end marker is missing (cut short, or not written by Clipdesk)"
        )
    body = raw[:cut]
    m = _END.fullmatch(raw, cut)
    assert m is not None
    if hashlib.sha256(body).hexdigest() != m.group(1).decode("ascii"):
        raise ProjectTextError("does not match its checksum (damaged or changed after writing)")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProjectTextError(f"cannot be read: not UTF-8 text ({exc})") from None


def check_no_aliases(text: str, loader: type) -> None:
    """Refuse YAML anchors and aliases: Clipdesk never writes them, and a few hundred
    bytes of nested aliases expand to gigabytes once walked."""
    if "&" not in text and "*" not in text:
        return  # the common case: no token can be an anchor or an alias
    import yaml  # the caller has loaded it (its loader is given)

    for token in yaml.scan(text, Loader=loader):
        if isinstance(token, (yaml.AliasToken, yaml.AnchorToken)):
            line = token.start_mark.line + 1
            raise ProjectTextError(f"uses a YAML anchor or alias at line {line}")
