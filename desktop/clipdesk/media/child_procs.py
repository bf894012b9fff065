"""Child processes that a cancel can stop: each in its own process group (so ffmpeg's
own children go too), SIGINT first, SIGKILL after a grace period. Several may run at
once (a clip's head and tail encodes); the cancel check is a callable polled while
they run."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass


class Cancelled(Exception):
    pass


@dataclass(frozen=True)
class Finished:
    rc: int
    stdout: bytes
    stderr: str


@dataclass(frozen=True)
class Children:
    """How a job runs its children: its cancel flag, the grace between SIGINT and
    SIGKILL, who hears of each new process group and of a kill."""

    cancelled: Callable[[], bool]
    grace_s: float = 1.5
    on_start: Callable[[int], None] = lambda pgid: None
    on_log: Callable[[str], None] = lambda line: None

    def run(self, argv: list[str], on_line: Callable[[str], None] | None = None) -> Finished:
        return run_child(argv, self, on_line)


def run_child(
    argv: list[str],
    children: Children,
    on_line: Callable[[str], None] | None = None,
    timeout_s: float = 600.0,
) -> Finished:
    """Run argv to the end and return its exit status and output; raise Cancelled
    when children.cancelled() turns true meanwhile (the process group is stopped
    first). on_line gets standard output line by line (ffmpeg's -progress pipe:1)."""
    cancelled = children.cancelled
    if cancelled():
        raise Cancelled
    proc = subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    out: list[bytes] = []
    err: list[bytes] = []

    def pump_out() -> None:
        assert proc.stdout is not None
        for raw in proc.stdout:
            if on_line is None:
                out.append(raw)
            else:
                on_line(raw.decode("utf-8", "replace").rstrip("\r\n"))

    def pump_err() -> None:
        assert proc.stderr is not None
        for raw in proc.stderr:
            err.append(raw)
            del err[:-60]

    children.on_start(proc.pid)
    threads = [threading.Thread(target=f, daemon=True) for f in (pump_out, pump_err)]
    for t in threads:
        t.start()
    waited = 0.0
    try:
        while True:
            try:
                rc = proc.wait(0.05)
                break
            except subprocess.TimeoutExpired:
                waited += 0.05
                if cancelled() or waited > timeout_s:
                    _stop(proc, children)
                    if cancelled():
                        raise Cancelled from None
                    rc = proc.wait()
                    break
    finally:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
    for t in threads:
        t.join(5)
    return Finished(rc, b"".join(out), b"".join(err).decode("utf-8", "replace"))


def _stop(proc: subprocess.Popen[bytes], children: Children) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGINT)
    try:
        proc.wait(children.grace_s)
    except subprocess.TimeoutExpired:
        children.on_log(f"[clipdesk] no exit {children.grace_s:g} s after SIGINT: killing the job")
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
