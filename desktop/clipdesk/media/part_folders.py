"""The private temporary folders of export jobs inside the output folder.

Each running job writes under `.clipdesk-part-<job id>-<6 hex>/` and holds an exclusive
flock on the `.owner` file inside it for as long as it runs. The kernel lets go of that
lock when the process dies in any way (SIGKILL included), so a folder whose lock can be
taken belongs to a dead run and may be removed. Only entries whose name matches the
exact scheme, that are real folders (not links) directly inside the output folder, are
ever removed; no glob is built from any text.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from clipdesk.core.identifiers import check_job_id

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Linux/macOS
    fcntl = None  # type: ignore[assignment]

PREFIX = ".clipdesk-part-"
OWNER = ".owner"
_NAME = re.compile(r"\.clipdesk-part-[0-9a-f]{12}-[0-9a-f]{6}")
STAGING_SUFFIX = ".new"  # a part folder not yet locked; removed once UNOWNED_AGE_S old
_STAGING = re.compile(r"\.clipdesk-part-[0-9a-f]{12}-[0-9a-f]{6}\.new")
# A folder without an owner file (a run killed between mkdir and the lock, or made by an
# older Clipdesk) counts as stale once it is this old.
UNOWNED_AGE_S = 30.0


def clear_part_folder(work: Path) -> None:
    """Remove what a run left in its folder before another try, all but the lock file
    that marks the folder as in use (without it, another job's clean-up would take the
    folder for a stale one and remove it under the next try)."""
    for leftover in work.iterdir():
        if leftover.name != OWNER:
            leftover.unlink(missing_ok=True)


def is_part_name(name: str) -> bool:
    return bool(_NAME.fullmatch(name) or _STAGING.fullmatch(name))


@contextlib.contextmanager
def part_folder(out_dir: Path, job_id: str) -> Iterator[Path]:
    """Make, lock, and on exit remove the temporary folder of one run of a job."""
    check_job_id(job_id)
    work = out_dir / f"{PREFIX}{job_id}-{uuid.uuid4().hex[:6]}"
    # Made and locked under a staging name, then renamed: a clean-up running in another
    # job or process never sees the folder before its lock is held.
    staging = work.with_name(work.name + STAGING_SUFFIX)
    staging.mkdir()
    fd = -1
    try:
        try:
            fd = os.open(staging / OWNER, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            os.write(fd, f"{os.getpid()} {socket.gethostname()}\n".encode())
            os.rename(staging, work)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        yield work
    finally:
        remove_part(out_dir, work)
        if fd >= 0:
            os.close(fd)


def remove_part(out_dir: Path, path: Path) -> bool:
    """rmtree, but only of a scheme-named real folder directly inside out_dir."""
    try:
        if not is_part_name(path.name) or path.is_symlink() or not path.is_dir():
            return False
        if path.parent.resolve() != out_dir.resolve():
            return False
    except OSError:
        return False
    shutil.rmtree(path, ignore_errors=True)
    return True


def _is_stale(path: Path, own_job: str | None) -> bool:
    if path.name.endswith(STAGING_SUFFIX):  # its run died before it was locked, if old
        try:
            return time.time() - path.stat().st_mtime > UNOWNED_AGE_S
        except OSError:
            return False
    try:
        fd = os.open(path / OWNER, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        if own_job is not None and path.name.startswith(f"{PREFIX}{own_job}-"):
            return True  # one job never runs twice at once
        try:
            return time.time() - path.stat().st_mtime > UNOWNED_AGE_S
        except OSError:
            return False
    except OSError:
        return False
    try:
        if fcntl is None:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False  # a live run holds it
        return True
    finally:
        os.close(fd)


def remove_stale_parts(out_dir: Path, own_job: str | None = None) -> list[str]:
    """Remove the temporary folders dead runs left in out_dir; their names. Unlocked
    folders of own_job (the job about to run) go whatever their age."""
    removed: list[str] = []
    try:
        entries = list(os.scandir(out_dir))
    except OSError:
        return removed
    for entry in entries:
        if not is_part_name(entry.name) or not entry.is_dir(follow_symlinks=False):
            continue
        path = out_dir / entry.name
        if _is_stale(path, own_job) and remove_part(out_dir, path):
            removed.append(entry.name)
    return sorted(removed)
