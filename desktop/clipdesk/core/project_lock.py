"""One writer per project file: a lock file beside it (DOC.clipdesk.yaml.lock).

The lock is an exclusive flock on the lock file, held for as long as the document is
open. The kernel drops it when the holder dies in any way, so a lock left by a crashed
or killed Clipdesk is stale by construction and the next opener simply takes it; two
windows of one process conflict too (each holds its own open file). The file records
the holder's pid and host, for the message a second opener shows. Pure file
operations: no Qt.
"""

from __future__ import annotations

import contextlib
import os
import socket
from dataclasses import dataclass
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Linux/macOS: no locking
    fcntl = None  # type: ignore[assignment]

SUFFIX = ".lock"
MAX_LOCK_BYTES = 4096


@dataclass(frozen=True)
class LockHolder:
    """Who holds a lock, as its file says."""

    pid: int | None
    host: str

    def describe(self) -> str:
        if self.pid is None:
            return "another Clipdesk"
        return f"Clipdesk (process {self.pid} on {self.host or 'an unknown host'})"


class ProjectLock:
    """A held lock; release() lets go of it (also on garbage collection)."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd = fd

    @property
    def held(self) -> bool:
        return self._fd >= 0

    def release(self) -> None:
        if self._fd < 0:
            return
        fd, self._fd = self._fd, -1
        # Unlink while still holding it: an opener that races us re-checks the inode.
        with contextlib.suppress(OSError):
            os.unlink(self.path)
        os.close(fd)

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.release()


def lock_path(project_file: Path) -> Path:
    return project_file.with_name(project_file.name + SUFFIX)


def acquire(project_file: Path) -> ProjectLock | LockHolder:
    """Take the lock of project_file, or say who holds it. An OSError (a read-only
    folder, say) propagates: the caller decides what no lock means there."""
    path = lock_path(project_file)
    if fcntl is None:
        return ProjectLock(path, -1)
    for _ in range(5):
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            return holder
        except OSError:
            os.close(fd)
            raise
        try:
            same = os.fstat(fd).st_ino == os.stat(path, follow_symlinks=False).st_ino
        except FileNotFoundError:
            same = False
        if not same:  # the holder released (and unlinked) it meanwhile: try afresh
            os.close(fd)
            continue
        os.ftruncate(fd, 0)
        os.write(fd, f"pid: {os.getpid()}\nhost: {socket.gethostname()}\n".encode())
        return ProjectLock(path, fd)
    raise OSError(f"{path}: the lock file keeps changing")


def _read_holder(fd: int) -> LockHolder:
    try:
        text = os.pread(fd, MAX_LOCK_BYTES, 0).decode("utf-8", "replace")
    except OSError:
        text = ""
    fields = dict(line.partition(": ")[::2] for line in text.splitlines() if ": " in line)
    pid = fields.get("pid", "")
    return LockHolder(int(pid) if pid.isdigit() else None, fields.get("host", "")[:255])
