"""`clipdesk export`: cut a document's clips to MP4 files without a window.

The project file beside the document (DOC.clipdesk.yaml) is applied first, as the window
does: review status, edited bounds, added and deleted clips, and the document-to-media
offset. A project file that cannot be read is reported and left alone.

Prints one line per job update (or, with --json, one JSON object per line,
ending with a summary object). Exit status: 0 when every job succeeded, 1 when
any job failed or a clip could not be exported, 2 for bad input.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from clipdesk.cli_snap import add_snap_arguments
from clipdesk.core.export_plan import ExportMode, PlanProblem, Selection
from clipdesk.core.naming import DEFAULT_TEMPLATE, ConflictPolicy
from clipdesk.media.progress import STALL_S

# Only what the parser needs is imported here (`export --help` and a bad option stop
# there); the reader, the project file and the export engine load once an export runs.
if TYPE_CHECKING:
    from clipdesk.core.episode import Episode
    from clipdesk.core.export_plan import ExportPlan, ExportSettings, MediaSource
    from clipdesk.core.project_file import Project
    from clipdesk.media.export_queue import ExportJob

ONLY_CHOICES = ("highlights", "key-points", "segments", "clips", "approved")


def add_export_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "export",
        help="cut clips to MP4 files (yt-dlp for URLs, ffmpeg for local files)",
        description="Cut the document's clips to MP4 files. Exit status: 0 when every clip "
        "was exported, 1 when any failed, 2 for bad input.",
    )
    p.add_argument("document", type=Path, help="show notes to export from")
    p.add_argument("--out", required=True, type=Path, metavar="DIR", help="output folder")
    p.add_argument(
        "--media",
        metavar="PATH_OR_URL",
        help="a local video file or an http(s) URL (default: the document's url)",
    )
    p.add_argument("--only", choices=ONLY_CHOICES, help="export only this kind, or approved clips")
    p.add_argument(
        "--mode",
        choices=[m.value for m in ExportMode],
        default=ExportMode.EXACT.value,
        help="exact: frame-exact cuts, only the frames at the cuts re-encoded (default); "
        "fast: keyframe cuts, no re-encode: the first frames may come from before the in point",
    )
    p.add_argument("--jobs", type=int, default=2, metavar="N", help="clips cut at once (2)")
    p.add_argument(
        "--on-conflict",
        choices=[c.value for c in ConflictPolicy],
        default=ConflictPolicy.SKIP.value,
        help="when a file exists: skip it (default), write under a new name, or overwrite",
    )
    p.add_argument(
        "--template",
        default=DEFAULT_TEMPLATE,
        help="file-name template; fields {video_id} {slug} {index} {kind} {start} {end}",
    )
    p.add_argument(
        "--stall-timeout",
        type=float,
        default=STALL_S,
        metavar="S",
        help=f"fail a clip whose cut shows no progress for S seconds ({STALL_S:g})",
    )
    p.add_argument(
        "--no-project",
        action="store_true",
        help="ignore the project file beside the document (DOC.clipdesk.yaml)",
    )
    p.add_argument(
        "--json", action="store_true", help="print JSON lines: job updates, then a summary"
    )
    add_snap_arguments(p)
    return p


def _fail(message: str) -> int:
    print(f"clipdesk export: {message}", file=sys.stderr)
    return 2


def run_export(args: argparse.Namespace) -> int:
    from clipdesk.app_dirs import fallback_projects_dir
    from clipdesk.cli_snap import snap_for_export
    from clipdesk.core.bounds import Timebase
    from clipdesk.core.clip_store import ClipStore
    from clipdesk.core.errors import DocumentError
    from clipdesk.core.export_plan import ExportSettings, PlanError, check_jobs
    from clipdesk.core.export_request import export_request
    from clipdesk.core.naming import TemplateError
    from clipdesk.core.project_file import Project
    from clipdesk.core.reader import read_document

    doc: Path = args.document
    try:
        check_jobs(args.jobs)
    except PlanError as exc:
        return _fail(f"--{exc}")
    if not 0 < args.stall_timeout <= 86_400:
        return _fail("--stall-timeout must be more than 0 and at most 86400 seconds")
    try:
        episode = read_document(doc)
    except DocumentError as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"{doc}: {exc.strerror or exc}")
    for notice in episode.warnings:  # as `clipdesk inspect` prints them
        print(notice.as_warning(doc), file=sys.stderr)
    project = Project(doc, ClipStore(episode), Timebase(), fallback_dir=fallback_projects_dir())
    if not args.no_project:
        apply_project(project)
    out_dir: Path = args.out
    if out_dir.exists() and not out_dir.is_dir():
        return _fail(f"--out {out_dir} is not a folder")
    settings = ExportSettings(
        out_dir=str(out_dir),
        template=args.template,
        mode=ExportMode(args.mode),
        jobs=args.jobs,
        only=Selection(args.only) if args.only else Selection.ALL,
        conflict=ConflictPolicy(args.on_conflict),
    )
    try:
        snap = None
        if args.snap_to_pauses is not None:

            def snap(episode: Episode, media: MediaSource) -> Episode:
                return snap_for_export(episode, media, args, sys.stdout)

        request = export_request(doc, project, settings, media=args.media, adjust=snap)
    except PlanError as exc:
        where = f"{doc}: " if args.media is None else ""
        return _fail(f"{where}{exc}")
    except TemplateError as exc:
        return _fail(str(exc))
    plan = request.plan
    plan.problems += unreadable_clips(episode, settings.only)
    return _run_plan(plan, settings, doc, args.json, sys.stdout, args.stall_timeout)


def unreadable_clips(episode: Episode, only: Selection) -> list[PlanProblem]:
    """Clips the document names but that could not be read (a time such as 99:99):
    each is a clip that cannot be exported, so the export fails rather than passing."""
    if only is Selection.APPROVED:
        return []  # a clip that could not be read was never approved
    kind = only.kind
    return [
        PlanProblem("", "", f"line {n.line}: {n.message}", error=True)
        for n in episode.warnings
        if n.dropped is not None and (kind is None or n.dropped is kind)
    ]


def apply_project(project: Project) -> None:
    """The clips as the window shows them: the project file's edits applied (its offset
    moves them into media time when the export is planned). Exporting only reads: a bad
    project file is reported on stderr and left where it is (the window moves it aside
    when it opens the document), and the document is exported alone."""
    from clipdesk.core.project_file import ProjectFileError

    try:
        messages = project.read_only_apply()
    except ProjectFileError as exc:
        _warn(f"{exc}; exporting the document without it")
        return
    for message in messages:
        _warn(message)


def _warn(message: str) -> None:
    print(f"clipdesk export: warning: {message}", file=sys.stderr)


class _Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP: stop as Ctrl-C does (cancel the jobs, remove temporaries)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_stopped(signum: int, _frame: object) -> None:
    raise _Stopped(signum)


def _announce_stale_parts(out_dir: Path) -> None:
    """Temporary folders of runs that were killed (their lock is free) go, loudly."""
    from clipdesk.media.part_folders import remove_stale_parts

    removed = remove_stale_parts(out_dir)
    if removed:
        n = len(removed)
        _warn(
            f"removed {n} temporary folder{'s' if n != 1 else ''} left in {out_dir} by an "
            f"interrupted run: {', '.join(removed)}"
        )


def _run_plan(
    plan: ExportPlan,
    settings: ExportSettings,
    doc: Path,
    as_json: bool,
    out: TextIO,
    stall_s: float = STALL_S,
) -> int:
    from clipdesk.media.export_queue import ExportQueue, JobState
    from clipdesk.media.tools import find_tools

    printer = _Printer(out, as_json, total=len(plan.jobs))
    for problem in plan.problems:
        printer.problem(problem.clip_id, problem.title, problem.reason, problem.error)
    for note in plan.notes:
        _warn(note)
    if not plan.jobs:
        code = 1 if plan.errors or not plan.problems else 0
        printer.summary([], plan, ok=code == 0, note="nothing to export")
        return code
    for folder in sorted({Path(j.output).parent for j in plan.jobs}):
        _announce_stale_parts(folder)
    queue = ExportQueue(find_tools(), max_workers=settings.jobs, stall_s=stall_s)
    order = {s.job_id: i for i, s in enumerate(plan.jobs, start=1)}
    queue.subscribe(lambda event, job: printer.update(event, job, order))
    queue.add(plan.jobs)
    started = time.monotonic()
    stops = (signal.SIGTERM, signal.SIGHUP)
    previous = {sig: signal.signal(sig, _raise_stopped) for sig in stops}
    try:
        queue.start()
        # Waiting in slices keeps Ctrl-C responsive on the main thread.
        while not queue.wait(timeout=0.2):
            pass
    except KeyboardInterrupt as exc:
        for sig in stops:  # a second signal must not cut the clean-up short
            signal.signal(sig, signal.SIG_IGN)
        queue.cancel_all()
        queue.wait(timeout=10)
        elapsed = time.monotonic() - started
        signum = exc.signum if isinstance(exc, _Stopped) else signal.SIGINT
        note = (
            "interrupted"
            if signum == signal.SIGINT
            else f"stopped by {signal.Signals(signum).name}"
        )
        printer.summary(queue.jobs, plan, ok=False, elapsed=elapsed, note=note)
        return 128 + signum
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    jobs = queue.jobs
    ok = all(j.state is JobState.DONE for j in jobs) and not plan.errors
    printer.summary(jobs, plan, ok=ok, elapsed=time.monotonic() - started)
    return 0 if ok else 1


class _Printer:
    """Job updates come from worker threads: one lock keeps lines whole."""

    def __init__(self, out: TextIO, as_json: bool, total: int) -> None:
        self.out = out
        self.as_json = as_json
        self.total = total
        self._lock = threading.Lock()

    def _write(self, text: str) -> None:
        with self._lock:
            self.out.write(text + "\n")
            self.out.flush()

    def problem(self, clip_id: str, title: str, reason: str, error: bool) -> None:
        if self.as_json:
            self._write(
                json.dumps(
                    {
                        "event": "skipped",
                        "clip_id": clip_id or None,  # None: a clip that could not be read
                        "title": title,
                        "reason": reason,
                        "error": error,
                    },
                    ensure_ascii=False,
                )
            )
        else:
            label = "error" if error else "skipped"
            what = (
                f"{clip_id} {title!r}: " if clip_id else "a clip of the document cannot be read: "
            )
            self._write(f"{label}: {what}{reason}")

    def update(self, event: str, job: ExportJob | None, order: dict[str, int]) -> None:
        if job is None or event not in ("changed", "added"):
            return
        from clipdesk.core.timecode import format_eta
        from clipdesk.media.export_queue import JobState

        n = order.get(job.id, 0)
        if self.as_json:
            self._write(json.dumps({"event": "job", "n": n, **job.snapshot()}, ensure_ascii=False))
            return
        parts = [f"[{n}/{self.total}]", f"{job.state.value:9}", f"{job.progress * 100:5.1f}%"]
        if job.state is JobState.RUNNING:
            parts.append(f"{job.speed:.1f}x" if job.speed else "  -  ")
            parts.append(f"ETA {format_eta(job.eta_s)}" if job.eta_s is not None else "ETA -")
        parts.append(Path(job.output or job.spec.output).name)
        if job.error:
            parts.append(f"- {job.error}")
        self._write(" ".join(parts))

    def summary(
        self,
        jobs: list[ExportJob],
        plan: ExportPlan,
        ok: bool,
        elapsed: float = 0.0,
        note: str = "",
    ) -> None:
        from clipdesk.media.export_queue import JobState

        counts = {s.value: sum(j.state is s for j in jobs) for s in JobState}
        if self.as_json:
            self._write(
                json.dumps(
                    {
                        "event": "summary",
                        "ok": ok,
                        "counts": counts,
                        "not_exported": len(plan.errors),
                        "skipped": len(plan.problems) - len(plan.errors),
                        "elapsed_s": round(elapsed, 2),
                        "note": note,
                        "jobs": [j.snapshot() for j in jobs],
                    },
                    ensure_ascii=False,
                )
            )
            return
        text = f"{counts['done']} done, {counts['failed']} failed, {counts['cancelled']} cancelled"
        if plan.problems:
            text += f", {len(plan.errors)} not exportable, "
            text += f"{len(plan.problems) - len(plan.errors)} skipped"
        if elapsed:
            text += f" in {elapsed:.1f} s"
        self._write(f"{note}: {text}" if note else text)
