"""Run one export job: a child process in its own process group, never a
shell; progress from ffmpeg; cancel by SIGINT then SIGKILL to the group;
output written under a private temporary folder inside the output folder and
moved into place only once ffprobe has checked it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

from clipdesk.core.export_plan import ExportMode, JobSpec, SourceKind
from clipdesk.core.identifiers import check_job_id
from clipdesk.media.child_guard import group_cpu_ticks, guarded_argv, preexec_for
from clipdesk.media.cut_commands import YTDLP_OUTPUT, cut_argv, ytdlp_info_argv
from clipdesk.media.part_folders import (
    PREFIX,
    clear_part_folder,
    part_folder,
    remove_stale_parts,
)
from clipdesk.media.probe import ProbeError, check_clip, past_the_end, preroll_s, probe_media
from clipdesk.media.progress import STALL_S, Progress, ProgressParser
from clipdesk.media.redact import loggable_command
from clipdesk.media.run_result import Outcome, RunResult, move_into_place
from clipdesk.media.source_info import SourceInfoCache, SourceStalled
from clipdesk.media.sparse_source import BatchSources
from clipdesk.media.tools import ToolMissing, Tools

TEMP_PREFIX = PREFIX
CANCEL_GRACE_S = 1.5  # SIGINT first (ffmpeg stops cleanly), SIGKILL after this
_SIDE_SUFFIXES = (".part", ".ytdl", ".temp", ".tmp")
logger = logging.getLogger(__name__)


class JobRunner:
    """One run of one job. run() blocks (call it on a worker thread);
    cancel() may be called from any thread and never blocks."""

    def __init__(
        self,
        spec: JobSpec,
        tools: Tools,
        on_progress: Callable[[Progress], None] | None = None,
        on_log: Callable[[str], None] | None = None,
        grace_s: float = CANCEL_GRACE_S,
        source_info: SourceInfoCache | None = None,
        stall_s: float = STALL_S,
        batch: BatchSources | None = None,
    ) -> None:
        self.spec = spec
        self.tools = tools
        self.on_progress = on_progress or (lambda p: None)
        self.on_log = on_log or (lambda line: None)
        self.grace_s = grace_s
        self.source_info = source_info  # shared by the jobs of a queue; None: no sharing
        self.batch = batch  # the batch's one read of each remote source
        self._lock = threading.Lock()
        self._cancelled = False
        self._proc: subprocess.Popen[bytes] | None = None
        self._exited = threading.Event()
        self.pgid: int | None = None
        self.stall_s = stall_s
        self._active_at = time.monotonic()  # the last sign of progress of the child
        self._guarded = False  # the child is the guard (child_guard), not the tool
        self._stalled = False

    # -- control -------------------------------------------------------------
    def cancel(self) -> None:
        with self._lock:
            self._cancelled = True
            proc = self._proc
            exited = self._exited
        if proc is None or exited.is_set():
            return
        self._signal_group(signal.SIGINT)
        threading.Thread(target=self._kill_after_grace, args=(exited,), daemon=True).start()

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def _kill_after_grace(self, exited: threading.Event) -> None:
        if not exited.wait(self.grace_s):
            self.on_log(f"[clipdesk] no exit {self.grace_s:g} s after SIGINT: killing the job")
            self._kill_now(exited)

    def _kill_now(self, exited: threading.Event) -> None:
        if self._guarded and self.pgid is not None:
            # The guard kills and reaps the tool itself (no orphan left for init).
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(self.pgid, signal.SIGTERM)
            if exited.wait(0.5):
                return
        self._signal_group(signal.SIGKILL)

    def _touch(self) -> None:
        self._active_at = time.monotonic()

    def _watch_stall(self, exited: threading.Event) -> None:
        """Stop the child when it shows no progress for stall_s: no output, no media time
        gained, and no CPU used (yt-dlp -J says nothing until it is done, and a loaded
        machine can take seconds to start it; a wait on a stalled server uses no CPU)."""
        step = min(0.25, self.stall_s / 4)
        cpu: int | None = None
        while not exited.wait(step):
            idle = time.monotonic() - self._active_at
            if idle > step and self.pgid is not None:
                now = group_cpu_ticks(self.pgid)
                if now is not None and cpu is not None and now > cpu:
                    self._touch()
                cpu = now
            if time.monotonic() - self._active_at > self.stall_s:
                self._stalled = True
                self.on_log(f"[clipdesk] no progress for {self.stall_s:g} s: stopping the job")
                self._kill_now(exited)
                return

    def _stall_error(self) -> str:
        return (
            f"no progress for {self.stall_s:g} s: the source stopped sending data "
            "(the job was stopped)"
        )

    def _signal_group(self, sig: signal.Signals) -> None:
        if self.pgid is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pgid, sig)

    def _child(
        self,
        argv: list[str],
        cwd: Path,
        on_line: Callable[[str], None],
        stdout: IO[bytes] | None = None,
    ) -> int | None:
        """Run one child process in its own group and hand each output line to
        on_line; its exit status, or None when cancelled before it started.
        With stdout given, that gets the standard output and lines are stderr's."""
        env = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONIOENCODING="utf-8")
        with self._lock:
            if self._cancelled:
                return None
            exited = threading.Event()
            # The guard kills the group when this process dies, however it dies: it
            # sees end of file on this pipe, whose write end only we hold.
            watch_r, watch_w = os.pipe()
            guarded = guarded_argv(argv, watch_r)
            try:
                proc = subprocess.Popen(
                    guarded or argv,
                    cwd=cwd,
                    stdin=subprocess.DEVNULL,
                    stdout=stdout if stdout is not None else subprocess.PIPE,
                    stderr=subprocess.PIPE if stdout is not None else subprocess.STDOUT,
                    start_new_session=True,  # own process group: cancel reaches ffmpeg too
                    env=env,
                    pass_fds=(watch_r,) if guarded else (),
                    preexec_fn=preexec_for(guarded is not None),
                )
            except BaseException:
                os.close(watch_w)
                raise
            finally:
                os.close(watch_r)
            self._proc, self._exited, self.pgid = proc, exited, proc.pid
            self._guarded = guarded is not None
            self._touch()
        logger.info("run [pid %d] %s", proc.pid, loggable_command(argv))
        threading.Thread(target=self._watch_stall, args=(exited,), daemon=True).start()
        stream = proc.stderr if stdout is not None else proc.stdout
        assert stream is not None
        try:
            for raw in stream:
                on_line(raw.decode("utf-8", "replace").rstrip("\r\n"))
            rc = proc.wait()
            logger.info("exit [pid %d] status %s", proc.pid, rc)
        finally:
            exited.set()
            # yt-dlp may be gone while its ffmpeg lives on: sweep the whole group.
            self._signal_group(signal.SIGKILL)
            os.close(watch_w)
            self._wait_group_gone()
        return rc

    def _wait_group_gone(self, timeout_s: float = 3.0) -> None:
        """Orphans of the guard (the tool, yt-dlp's ffmpeg) are reaped by init a moment
        after the kill: the job ends only once none of its processes is left."""
        deadline = time.monotonic() + timeout_s
        while self.pgid is not None and time.monotonic() < deadline:
            try:
                os.killpg(self.pgid, 0)
            except (ProcessLookupError, PermissionError):
                return
            time.sleep(0.01)

    # -- the run -------------------------------------------------------------
    def run(self) -> RunResult:
        spec = self.spec
        final = Path(spec.output)
        out_dir = final.parent
        try:
            self.tools.need("ffprobe", *self._tools_needed())
        except ToolMissing as exc:
            return self._fail(str(exc))
        try:
            check_job_id(spec.job_id)  # it becomes part of a folder name
        except ValueError as exc:
            return self._fail(str(exc))
        with contextlib.ExitStack() as stack:
            try:
                out_dir.mkdir(parents=True, exist_ok=True)
                removed = remove_stale_parts(out_dir, spec.job_id)
                if removed:
                    self.on_log(
                        f"[clipdesk] removed {len(removed)} temporary folder(s) of interrupted "
                        f"runs: {', '.join(removed)}"
                    )
                work = stack.enter_context(part_folder(out_dir, spec.job_id))
            except OSError as exc:
                reason = _os_reason(exc)
                return self._fail(f"cannot write to the output folder {out_dir}: {reason}")
            return self._run_in(work, final)
        raise AssertionError("unreachable")

    def _tools_needed(self) -> tuple[str, ...]:
        if self.spec.source_kind is SourceKind.REMOTE:
            return ("ytdlp", "ffmpeg")
        return ("ffmpeg",)

    def _run_in(self, work: Path, final: Path) -> RunResult:
        from clipdesk.media.batch_export import export_fast_path

        done = export_fast_path(self, work, final)
        if done is not None:
            return done
        spec = self.spec
        if spec.source_kind is SourceKind.LOCAL:
            why = self._check_local_source()
            if why:
                return self._fail(why)
            return self._cut(work, final, None)[0]
        info: Path | None = None
        if self.source_info is not None:
            try:
                info = self.source_info.get(
                    spec.source, self._read_source_info, lambda: self._cancelled
                )
            except SourceStalled:
                return self._fail(
                    f"the source sent nothing for {self.stall_s:g} s; the batch does not "
                    "try it again"
                )
            if self._cancelled:
                return RunResult(Outcome.CANCELLED, "cancelled")
        result, tool_failed = self._cut(work, final, info)
        if info is not None and tool_failed and self.source_info is not None:
            # Stream URLs in the shared information may have expired: ask afresh.
            self.source_info.forget(spec.source, info)
            self.on_log("[clipdesk] trying again with the URL instead of the shared information")
            clear_part_folder(work)
            result, _ = self._cut(work, final, None)
        return result

    def _read_source_info(self, path: Path) -> str:
        """Write yt-dlp's JSON for the source to path: "ok", "failed" or "cancelled"."""
        argv = ytdlp_info_argv(self.tools, self.spec.source)
        self.on_log(
            f"[clipdesk] yt-dlp, reading the source once for the batch: {loggable_command(argv)}"
        )
        tail: list[str] = []

        def line(text: str) -> None:
            if text:
                self._touch()
                self.on_log(text)
                tail.append(text)

        try:
            with open(path, "wb") as out:
                rc = self._child(argv, path.parent, line, stdout=out)
        except OSError as exc:
            self.on_log(f"[clipdesk] could not read the source information: {_os_reason(exc)}")
            return "failed"
        if rc is None or self._cancelled:
            return "cancelled"
        if self._stalled:
            return "stalled"
        if rc != 0:
            self.on_log(f"[clipdesk] could not read the source information: {_reason(tail)}")
            return "failed"
        return "ok"

    def _cut(self, work: Path, final: Path, info: Path | None) -> tuple[RunResult, bool]:
        """Cut, check and move into place. The flag: the tool itself exited with an error."""
        spec = self.spec
        tmp_out = work / "clip.mp4"
        try:
            argv = cut_argv(self.tools, spec, str(tmp_out), str(info) if info else None)
        except (ToolMissing, ValueError) as exc:
            return self._fail(str(exc)), False
        tool = "yt-dlp" if spec.source_kind is SourceKind.REMOTE else "ffmpeg"
        self.on_log(f"[clipdesk] {tool}: {loggable_command(argv)}")
        parser = ProgressParser(spec.duration_ms, self.on_progress)
        tail: list[str] = []
        damage = ""
        gained = [-1]  # the furthest media time the tool reported

        def line(text: str) -> None:
            nonlocal damage
            if not text:
                return
            if parser.feed(text):
                last = parser.last
                if last is not None and last.out_ms > gained[0]:
                    gained[0] = last.out_ms
                    self._touch()  # progress: media time went on
                return
            self._touch()
            self.on_log(text)
            if not damage and any(m in text.lower() for m in _DAMAGE_MARKERS):
                damage = text.strip()
            tail.append(text)
            del tail[:-40]

        try:
            rc = self._child(argv, work, line)
        except OSError as exc:
            return self._fail(f"{tool} could not start: {_os_reason(exc)}"), False
        if rc is None or self._cancelled:
            return RunResult(Outcome.CANCELLED, "cancelled"), False
        if self._stalled:
            return self._fail(self._stall_error()), False
        if rc != 0:
            return self._fail(f"{tool} failed (exit {rc}): {_reason(tail)}"), True
        if damage:
            # ffmpeg goes on after a broken transfer and writes a damaged clip.
            return self._fail(f"the source broke off or arrived damaged: {damage}"), False
        produced = tmp_out if spec.source_kind is SourceKind.LOCAL else _find_output(work)
        if produced is None or not produced.is_file():
            return self._fail(f"{tool} finished but wrote no file: {_reason(tail)}"), False
        assert self.tools.ffprobe is not None
        try:
            probed = probe_media(self.tools.ffprobe, produced)
        except ProbeError as exc:
            return self._fail(str(exc)), False
        preroll = None
        if spec.mode is ExportMode.FAST:
            try:
                preroll = preroll_s(self.tools.ffprobe, produced)
            except ProbeError as exc:
                return self._fail(str(exc)), False
        why = check_clip(probed, spec.duration_ms, preroll)
        if why:
            return self._fail(f"{why}: {_reason(tail)}" if _has_error(tail) else why), False
        try:
            written = move_into_place(produced, final, spec.conflict)
        except OSError as exc:
            return self._fail(f"cannot write {final}: {_os_reason(exc)}"), False
        if written is None:
            message = f"{final.name} appeared in the output folder meanwhile; not replaced"
            return self._fail(message), False
        speed = parser.last.speed if parser.last else None
        self.on_progress(Progress(1.0, spec.duration_ms, speed, 0.0, True))
        self.on_log(f"[clipdesk] wrote {written}")
        return RunResult(Outcome.DONE, output=str(written)), False

    def _cut_from(self, local: Path, work: Path, final: Path) -> RunResult:
        """The plain ffmpeg cut of this job's range (a whole re-encode, or a stream copy
        in fast mode) from a local copy of the source."""
        spec = self.spec
        self.spec = dataclasses.replace(spec, source_kind=SourceKind.LOCAL, source=str(local))
        try:
            return self._cut(work, final, None)[0]
        finally:
            self.spec = spec

    def _check_local_source(self) -> str | None:
        """A clip past the end of a local file: say so instead of 'no video'."""
        spec = self.spec
        assert self.tools.ffprobe is not None
        if not Path(spec.source).is_file():
            return f"media file not found: {spec.source}"
        try:
            info = probe_media(self.tools.ffprobe, spec.source)
        except ProbeError as exc:
            return str(exc)
        return past_the_end(spec, info.duration_s, info.fps)

    def _fail(self, message: str) -> RunResult:
        if self._cancelled:
            return RunResult(Outcome.CANCELLED, "cancelled")
        self.on_log(f"[clipdesk] failed: {message}")
        return RunResult(Outcome.FAILED, message)


def _find_output(work: Path) -> Path | None:
    stem = YTDLP_OUTPUT.split(".", 1)[0] + "."
    found = [
        p for p in work.iterdir()
        if p.name.startswith(stem) and not p.name.endswith(_SIDE_SUFFIXES) and p.is_file()
    ]  # fmt: skip
    return found[0] if len(found) == 1 else None


_DAMAGE_MARKERS = ("stream ends prematurely", "corrupt input packet", "packet corrupt")
_OS_MARKERS = ("no space left", "permission denied", "read-only file system", "disk quota")
_ERROR_MARKERS = ("error", "no space left", "permission denied", "read-only", "invalid", "failed")


def _has_error(tail: list[str]) -> bool:
    return any(m in line.lower() for line in tail for m in _ERROR_MARKERS)


def _reason(tail: list[str]) -> str:
    """The most telling line of a tool's output."""
    for line in reversed(tail):
        if any(m in line.lower() for m in _OS_MARKERS):
            return line.strip()
    for line in reversed(tail):
        if line.startswith("ERROR:"):
            return line[len("ERROR:") :].strip()
    for line in reversed(tail):
        if (
            any(m in line.lower() for m in _ERROR_MARKERS)
            and "conversion failed" not in line.lower()
        ):
            return line.strip()
    return tail[-1].strip() if tail else "no output"


def _os_reason(exc: OSError) -> str:
    return exc.strerror or str(exc)
