"""Reading an open file with a bound: never more than one byte past what is allowed,
so a device, a growing file or a lie in fstat cannot make a read run on."""

from __future__ import annotations

import os


def read_at_most(fd: int, limit: int) -> bytes:
    """Up to limit + 1 bytes from fd: more than limit bytes means the file is too large."""
    chunks: list[bytes] = []
    left = limit + 1
    while left > 0:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
