"""Is an output folder fit for an export, before any job is queued: it exists or can be
made, files can be written in it, and it has room for what the jobs will write."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

# An exported clip is at most about this many bytes a second (8 Mbit/s: 1080p H.264 at a
# high quality), unless the source says better; a little room is kept on top.
DEFAULT_BYTES_PER_S = 1_000_000
MARGIN_BYTES = 50_000_000


def estimate_bytes(
    durations_ms: Iterable[int], source: Path | None = None, source_duration_ms: int | None = None
) -> int:
    """What the clips will take: their length at the source's own rate (a local file
    of known length) or at DEFAULT_BYTES_PER_S."""
    rate = DEFAULT_BYTES_PER_S
    if source is not None and source_duration_ms:
        with contextlib.suppress(OSError):  # a file gone since: the default rate
            rate = max(1, int(source.stat().st_size * 1000 / source_duration_ms))
    return sum(max(0, d) for d in durations_ms) * rate // 1000


def check_output_folder(folder: Path | str, needed_bytes: int = 0) -> str | None:
    """None when the folder will do (it is made if missing), else why not, naming it."""
    path = Path(folder).expanduser()
    if path.exists() and not path.is_dir():
        return f"{path} is not a folder"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return f"the folder {path} cannot be made: {exc.strerror or exc}"
    try:
        # Writing a file says more than os.access (read-only mounts, ACLs, quotas).
        fd, probe = tempfile.mkstemp(prefix=".clipdesk-write-test-", dir=path)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        return f"files cannot be written in {path}: {exc.strerror or exc}"
    try:
        free = shutil.disk_usage(path).free
    except OSError:
        return None  # no figure: the jobs will tell
    if needed_bytes and free < needed_bytes + MARGIN_BYTES:
        return (
            f"{path} has {_mb(free)} free, and these clips need about "
            f"{_mb(needed_bytes + MARGIN_BYTES)}"
        )
    return None


def _mb(n: int) -> str:
    return f"{n / 1_000_000:,.0f} MB" if n >= 10_000_000 else f"{n / 1_000_000:.1f} MB"
