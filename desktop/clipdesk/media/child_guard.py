"""Children die with their parent: the guard between Clipdesk and each tool.

    python -m clipdesk.media.child_guard FD -- TOOL [ARGS...]

The job runner starts the guard as the leader of a new process group and keeps the
write end of a pipe whose read end is FD. The guard runs the tool in its group (the
tool's own children, such as the ffmpeg that yt-dlp runs, stay in it too) and waits.
When the tool exits, the guard exits with its status. When the pipe reports end of
file, Clipdesk is gone, however it died (SIGKILL included): the guard kills the whole
group, itself last. The tool also gets PR_SET_PDEATHSIG, so it dies if the guard does.
SIGINT (a cancel) reaches the tool directly through the group; the guard ignores it
and waits for the tool. SIGTERM to the guard (a cancel the tool ignored) kills the
tool, reaps it, then the rest of the group: the job's processes are gone at once
instead of waiting, orphaned, for init.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import select
import signal
import subprocess
import sys
from collections.abc import Callable

PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """In a child between fork and exec: SIGKILL when the parent thread dies (Linux)."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() == 1:  # the parent died before prctl took effect
            os._exit(137)


def guarded_argv(argv: list[str], fd: int) -> list[str] | None:
    """argv run under the guard watching fd; None where a guard cannot be started (a
    frozen build has no `python -m`): the tool then only gets PR_SET_PDEATHSIG."""
    if getattr(sys, "frozen", False) or not sys.executable:
        return None
    return [sys.executable, "-m", "clipdesk.media.child_guard", str(fd), "--", *argv]


def preexec_for(guarded: bool) -> Callable[[], None] | None:
    return None if guarded else die_with_parent


def group_cpu_ticks(pgid: int) -> int | None:
    """CPU time (clock ticks) the living processes of a group have used, from /proc;
    None where there is no /proc. A tool that waits on a stalled server uses none."""
    proc = "/proc"
    if not os.path.isdir(proc):
        return None
    total = 0
    for name in os.listdir(proc):
        if not name.isdigit():
            continue
        try:
            with open(f"{proc}/{name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2 :].split()
        # fields[2] is the process group, fields[11] and [12] user and system time.
        if len(fields) > 12 and int(fields[2]) == pgid:
            total += int(fields[11]) + int(fields[12])
    return total


def _kill_group() -> None:
    with contextlib.suppress(OSError):
        os.killpg(os.getpgrp(), signal.SIGKILL)
    os._exit(137)


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] != "--":
        print("usage: child_guard FD -- TOOL [ARGS...]", file=sys.stderr)
        return 2
    fd = int(argv[0])
    # A no-op handler, not SIG_IGN: the tool must not inherit an ignored SIGINT.
    signal.signal(signal.SIGINT, lambda *_: None)
    signal.signal(signal.SIGTERM, lambda *_: _kill_group())
    signal.signal(signal.SIGHUP, lambda *_: _kill_group())
    try:
        tool = subprocess.Popen(argv[2:], preexec_fn=die_with_parent)
    except OSError as exc:
        print(f"[clipdesk] cannot start {argv[2]}: {exc.strerror or exc}", file=sys.stderr)
        return 127

    def stop_tool(*_: object) -> None:
        tool.kill()
        tool.wait()
        _kill_group()

    signal.signal(signal.SIGTERM, stop_tool)
    watched = [fd]
    pidfd = -1
    with contextlib.suppress(AttributeError, OSError):
        pidfd = os.pidfd_open(tool.pid)
        watched.append(pidfd)
    while True:
        try:
            ready, _, _ = select.select(watched, [], [], None if pidfd >= 0 else 0.2)
        except InterruptedError:
            continue
        if fd in ready and not os.read(fd, 1):
            _kill_group()  # Clipdesk is gone: nothing of the job may outlive it
        rc = tool.poll()
        if rc is not None:
            return rc if rc >= 0 else 128 - rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
