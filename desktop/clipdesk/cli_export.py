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
import sys
import threading
import time
from pathlib import Path
from typing import Any, TextIO

from clipdesk.core.bounds import Timebase
from clipdesk.core.clip_store import ClipStore
from clipdesk.core.episode import Episode
from clipdesk.core.errors import DocumentError
from clipdesk.core.export_plan import (
    MAX_JOBS,
    ExportMode,
    ExportPlan,
    ExportSettings,
    PlanError,
    Selection,
    in_media_time,
    plan_export,
    resolve_media,
)
from clipdesk.core.naming import DEFAULT_TEMPLATE, ConflictPolicy, TemplateError
from clipdesk.core.project_file import Project, ProjectFileError
from clipdesk.core.timecode import format_eta
from clipdesk.media.export_queue import ExportJob, ExportQueue, JobState
from clipdesk.media.tools import find_tools

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
        "--no-project",
        action="store_true",
        help="ignore the project file beside the document (DOC.clipdesk.yaml)",
    )
    p.add_argument(
        "--json", action="store_true", help="print JSON lines: job updates, then a summary"
    )
    return p


def _fail(message: str) -> int:
    print(f"clipdesk export: {message}", file=sys.stderr)
    return 2


def run_export(args: argparse.Namespace) -> int:
    from clipdesk.core.reader import read_document

    doc: Path = args.document
    if not 1 <= args.jobs <= MAX_JOBS:
        return _fail(f"--jobs must be between 1 and {MAX_JOBS}")
    try:
        episode = read_document(doc)
    except DocumentError as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"{doc}: {exc.strerror or exc}")
    if not args.no_project:
        episode = with_project(episode, doc)
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
        media = resolve_media(args.media, episode)
        plan = plan_export(episode, settings, media)
    except PlanError as exc:
        where = f"{doc}: " if args.media is None else ""
        return _fail(f"{where}{exc}")
    except TemplateError as exc:
        return _fail(str(exc))
    return _run_plan(plan, settings, doc, args.json, sys.stdout)


def with_project(episode: Episode, doc: Path) -> Episode:
    """The episode as the window shows it: the project file's edits applied, clip bounds
    moved into media time by its offset. Exporting only reads: a bad project file is
    reported on stderr and left where it is (the window moves it aside when it opens the
    document), and the document is exported alone."""
    timebase = Timebase()
    project = Project(doc, ClipStore(episode), timebase)
    try:
        messages = project.read_only_apply()
    except ProjectFileError as exc:
        _warn(f"{exc}; exporting the document without it")
        return episode
    for message in messages:
        _warn(message)
    return in_media_time(episode, timebase)


def _warn(message: str) -> None:
    print(f"clipdesk export: warning: {message}", file=sys.stderr)


def _run_plan(
    plan: ExportPlan, settings: ExportSettings, doc: Path, as_json: bool, out: TextIO
) -> int:
    printer = _Printer(out, as_json, total=len(plan.jobs))
    for problem in plan.problems:
        printer.problem(problem.clip_id, problem.title, problem.reason, problem.error)
    if not plan.jobs:
        code = 1 if plan.errors or not plan.problems else 0
        printer.summary([], plan, ok=code == 0, note="nothing to export")
        return code
    queue = ExportQueue(find_tools(), max_workers=settings.jobs)
    order = {s.job_id: i for i, s in enumerate(plan.jobs, start=1)}
    queue.subscribe(lambda event, job: printer.update(event, job, order))
    queue.add(plan.jobs)
    started = time.monotonic()
    queue.start()
    try:
        # Waiting in slices keeps Ctrl-C responsive on the main thread.
        while not queue.wait(timeout=0.2):
            pass
    except KeyboardInterrupt:
        queue.cancel_all()
        queue.wait(timeout=10)
        elapsed = time.monotonic() - started
        printer.summary(queue.jobs, plan, ok=False, elapsed=elapsed, note="interrupted")
        return 130
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
                        "clip_id": clip_id,
                        "title": title,
                        "reason": reason,
                        "error": error,
                    },
                    ensure_ascii=False,
                )
            )
        else:
            label = "error" if error else "skipped"
            self._write(f"{label}: {clip_id} {title!r}: {reason}")

    def update(self, event: str, job: ExportJob | None, order: dict[str, int]) -> None:
        if job is None or event not in ("changed", "added"):
            return
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
