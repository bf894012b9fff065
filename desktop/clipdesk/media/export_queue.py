"""The export queue: jobs, their states, and a pool of worker threads that
runs them (each job's tool in its own child process).

Listeners are plain callables called as listener(event, job) from whichever
thread made the change (often a worker thread): a GUI must hop to its own
thread before touching widgets. Events: "added", "removed", "moved",
"changed" and "batch-finished" (job is None).
"""

from __future__ import annotations

import contextlib
import enum
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from clipdesk.core.export_plan import JobSpec, check_output
from clipdesk.core.restore_scope import RestoreScope
from clipdesk.media.job_runner import CANCEL_GRACE_S, STALL_S, JobRunner, Outcome
from clipdesk.media.progress import Progress
from clipdesk.media.redact import redact_text
from clipdesk.media.source_info import SourceInfoCache
from clipdesk.media.sparse_source import BatchSources
from clipdesk.media.tools import Tools, find_tools

MAX_LOG_LINES = 5000
logger = logging.getLogger(__name__)


class JobState(str, enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (JobState.DONE, JobState.FAILED, JobState.CANCELLED)


@dataclass
class ExportJob:
    spec: JobSpec
    state: JobState = JobState.QUEUED
    progress: float = 0.0
    speed: float | None = None
    eta_s: float | None = None
    error: str = ""
    output: str = ""  # the file actually written (may differ from spec.output on rename)
    log: list[str] = field(default_factory=list)
    started_at: float | None = None
    finished_at: float | None = None

    @property
    def id(self) -> str:
        return self.spec.job_id

    def log_text(self) -> str:
        return "\n".join(self.log)

    def to_record(self) -> dict[str, Any]:
        # A job that was running when saved runs again from the start next time.
        state = JobState.QUEUED if self.state is JobState.RUNNING else self.state
        return {
            "spec": self.spec.to_dict(),
            "state": state.value,
            "error": self.error,
            "output": self.output,
        }

    def snapshot(self) -> dict[str, Any]:
        """Plain data for reports (the CLI's JSON)."""
        return {
            "id": self.id,
            "clip_id": self.spec.clip_id,
            "title": self.spec.title,
            "file": self.output or self.spec.output,
            "state": self.state.value,
            "progress": round(self.progress, 4),
            "speed": round(self.speed, 3) if self.speed else None,
            "eta_s": round(self.eta_s, 1) if self.eta_s is not None else None,
            "error": self.error,
            "start_ms": self.spec.start_ms,
            "end_ms": self.spec.end_ms,
        }


Listener = Callable[[str, "ExportJob | None"], None]


class ExportQueue:
    def __init__(
        self,
        tools: Tools | None = None,
        max_workers: int = 2,
        grace_s: float = CANCEL_GRACE_S,
        share_source_info: bool = True,
        stall_s: float = STALL_S,
    ) -> None:
        self._tools = tools
        self.stall_s = stall_s  # a job without progress this long fails
        # One yt-dlp extraction per remote source instead of one per clip.
        self.source_info = SourceInfoCache() if share_source_info else None
        # One read of each remote source's bytes per batch, cut locally by every job.
        self.batch = BatchSources(self._batch_clips, stall_s) if share_source_info else None
        self._max = max(1, int(max_workers))
        self.grace_s = grace_s
        self._jobs: list[ExportJob] = []
        self._runners: dict[str, JobRunner] = {}
        self._threads: dict[str, threading.Thread] = {}
        self._listeners: list[Listener] = []
        self._cond = threading.Condition()
        self._started = False
        self._batch_active = False
        # Finished jobs (and batch ends) whose final event listeners are still hearing:
        # wait() returns only after they have heard it.
        self._settling = 0
        self.restore_problems: list[str] = []  # records from_records left out, and why

    # -- listeners -------------------------------------------------------------
    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _emit(self, event: str, job: ExportJob | None) -> None:
        for listener in list(self._listeners):
            try:
                listener(event, job)
            except Exception:  # a broken listener must not stop the jobs
                logger.exception("export queue listener failed on %r", event)

    # -- reading ---------------------------------------------------------------
    @property
    def jobs(self) -> list[ExportJob]:
        with self._cond:
            return list(self._jobs)

    def job(self, job_id: str) -> ExportJob | None:
        with self._cond:
            return next((j for j in self._jobs if j.id == job_id), None)

    def index_of(self, job_id: str) -> int:
        with self._cond:
            return next((i for i, j in enumerate(self._jobs) if j.id == job_id), -1)

    @property
    def max_workers(self) -> int:
        return self._max

    @max_workers.setter
    def max_workers(self, n: int) -> None:
        self._max = max(1, int(n))
        self._dispatch()

    @property
    def started(self) -> bool:
        return self._started

    def counts(self) -> dict[str, int]:
        with self._cond:
            out = {s.value: 0 for s in JobState}
            for j in self._jobs:
                out[j.state.value] += 1
            return out

    def is_idle(self) -> bool:
        with self._cond:
            return not any(j.state in (JobState.QUEUED, JobState.RUNNING) for j in self._jobs)

    def is_busy(self) -> bool:
        with self._cond:
            return bool(self._runners)

    # -- editing ---------------------------------------------------------------
    def add(self, specs: Iterable[JobSpec]) -> list[ExportJob]:
        added = []
        for spec in specs:
            job = ExportJob(spec)
            with self._cond:
                if any(j.id == spec.job_id for j in self._jobs):
                    raise ValueError(f"job {spec.job_id} is already queued")
                self._jobs.append(job)
            added.append(job)
            self._emit("added", job)
        self._dispatch()
        return added

    def remove(self, job_id: str) -> bool:
        """Remove a job that is not running."""
        with self._cond:
            job = next((j for j in self._jobs if j.id == job_id), None)
            if job is None or job.state is JobState.RUNNING:
                return False
            self._jobs.remove(job)
        self._emit("removed", job)
        return True

    def clear_finished(self) -> int:
        gone = [j.id for j in self.jobs if j.state.finished]
        return sum(self.remove(i) for i in gone)

    def move(self, job_id: str, new_index: int) -> bool:
        """Reorder a queued job; the queue runs queued jobs top to bottom."""
        with self._cond:
            job = next((j for j in self._jobs if j.id == job_id), None)
            if job is None or job.state is not JobState.QUEUED:
                return False
            new_index = max(0, min(new_index, len(self._jobs) - 1))
            if self._jobs.index(job) == new_index:
                return False
            self._jobs.remove(job)
            self._jobs.insert(new_index, job)
        self._emit("moved", job)
        return True

    def move_by(self, job_id: str, delta: int) -> bool:
        i = self.index_of(job_id)
        return i >= 0 and self.move(job_id, i + delta)

    def retry(self, job_id: str) -> bool:
        with self._cond:
            job = next((j for j in self._jobs if j.id == job_id), None)
            if job is None or job.state not in (JobState.FAILED, JobState.CANCELLED):
                return False
            self._reset(job)
        self._emit("changed", job)
        self._dispatch()
        return True

    def retry_failed(self) -> int:
        return sum(self.retry(j.id) for j in self.jobs if j.state is JobState.FAILED)

    def cancel(self, job_id: str) -> bool:
        """Cancel a queued or running job. Never waits for the process."""
        with self._cond:
            job = next((j for j in self._jobs if j.id == job_id), None)
            if job is None:
                return False
            runner = self._runners.get(job_id)
            if job.state is JobState.QUEUED:
                job.state = JobState.CANCELLED
                job.error = "cancelled before it started"
                job.finished_at = time.time()
            elif runner is None:
                return False
        if runner is not None:
            runner.cancel()
        else:
            self._emit("changed", job)
            self._check_batch_end()
        return True

    def cancel_all(self) -> None:
        # Queued ones first, so a freed worker does not pick one up.
        jobs = self.jobs
        for j in jobs:
            if j.state is JobState.QUEUED:
                self.cancel(j.id)
        for j in jobs:
            if j.state is JobState.RUNNING:
                self.cancel(j.id)

    # -- running ---------------------------------------------------------------
    def start(self) -> None:
        """Start running queued jobs (a queue loaded from a project waits for this)."""
        self._started = True
        self._dispatch()

    def pause(self) -> None:
        """Start no new jobs; running ones go on."""
        self._started = False

    def wait(self, timeout: float | None = None) -> bool:
        """Block until nothing is queued or running (not for GUI threads)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while self._busy():
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._cond.wait(left)
        return True

    def _tools_now(self) -> Tools:
        if self._tools is None:
            self._tools = find_tools()
        return self._tools

    def _dispatch(self) -> None:
        if not self._started:
            return
        starting: list[ExportJob] = []
        with self._cond:
            for job in self._jobs:
                if len(self._runners) >= self._max:
                    break
                if job.state is not JobState.QUEUED:
                    continue
                runner = JobRunner(
                    job.spec,
                    self._tools_now(),
                    on_progress=partial(self._on_progress, job),
                    on_log=partial(self._on_log, job),
                    grace_s=self.grace_s,
                    source_info=self.source_info,
                    stall_s=self.stall_s,
                    batch=self.batch,
                )
                self._reset(job)
                job.state = JobState.RUNNING
                job.started_at = time.time()
                self._runners[job.id] = runner
                self._batch_active = True
                starting.append(job)
        for job in starting:
            self._emit("changed", job)
            t = threading.Thread(
                target=self._work, args=(job,), name=f"export-{job.id}", daemon=True
            )
            with self._cond:
                self._threads[job.id] = t
            t.start()

    def _work(self, job: ExportJob) -> None:
        runner = self._runners[job.id]
        try:
            result = runner.run()
        except Exception as exc:  # a bug must not leave a job "running" forever
            from clipdesk.media.job_runner import RunResult

            result = RunResult(Outcome.FAILED, f"internal error: {exc!r}")
        with self._cond:
            job.state = JobState(result.outcome.value)
            job.error = result.error
            job.output = result.output
            job.finished_at = time.time()
            job.eta_s = None
            if job.state is JobState.DONE:
                job.progress = 1.0
            self._runners.pop(job.id, None)
            self._threads.pop(job.id, None)
            self._settling += 1
        try:
            self._emit("changed", job)
            self._dispatch()
        finally:
            self._settle(held=1)

    def _busy(self) -> bool:
        """Jobs to run or events to hear; the caller holds the lock."""
        return bool(
            self._runners
            or self._settling
            or (self._started and any(j.state is JobState.QUEUED for j in self._jobs))
        )

    def _check_batch_end(self) -> None:
        self._settle(held=0)

    def _settle(self, held: int) -> None:
        """Let go of this thread's hold on wait(). Whichever thread sees the queue settle
        first announces the batch end, once, and wait() waits for that too."""
        with self._cond:
            self._settling -= held
            ended = self._batch_active and not self._busy()
            if ended:
                self._batch_active = False
                self._settling += 1
                if self.batch is not None:
                    self.batch.close()
                if self.source_info is not None:
                    # Its temporary folder goes with the batch (a source is read once per
                    # batch). Under the lock: no job can start and use it meanwhile.
                    self.source_info.close()
            self._cond.notify_all()
        if not ended:
            return
        try:
            self._emit("batch-finished", None)
        finally:
            with self._cond:
                self._settling -= 1
                self._cond.notify_all()

    def _batch_clips(self, source: str) -> list[tuple[int, int]]:
        """The ranges of the batch's unfinished jobs on source, in queue order."""
        with self._cond:
            return [
                (j.spec.start_ms, j.spec.end_ms)
                for j in self._jobs
                if j.spec.source == source and j.state in (JobState.QUEUED, JobState.RUNNING)
            ]

    def _reset(self, job: ExportJob) -> None:
        job.state = JobState.QUEUED
        job.progress = 0.0
        job.speed = None
        job.eta_s = None
        job.error = ""
        job.output = ""
        job.log = []
        job.started_at = job.finished_at = None

    def _on_progress(self, job: ExportJob, p: Progress) -> None:
        job.progress = min(p.fraction, 1.0 if p.done else 0.999)
        job.speed = p.speed
        job.eta_s = p.eta_s
        self._emit("changed", job)

    def _on_log(self, job: ExportJob, line: str) -> None:
        # The job's log is shown in the window and copied into bug reports: no signed
        # URL's token or cookie may be in it, as none is in the log file.
        job.log.append(redact_text(line))
        if len(job.log) > MAX_LOG_LINES:
            del job.log[: len(job.log) - MAX_LOG_LINES]

    # -- saving ------------------------------------------------------------------
    def to_records(self) -> list[dict[str, Any]]:
        return [j.to_record() for j in self.jobs]

    @classmethod
    def from_records(
        cls,
        records: list[dict[str, Any]],
        tools: Tools | None = None,
        max_workers: int = 2,
        *,
        scope: RestoreScope,
    ) -> ExportQueue:
        """A queue rebuilt from saved records; it waits for start(). A record that does
        not pass JobSpec.from_dict, or would write or read outside scope, is left out and
        its reason kept in restore_problems."""
        if not isinstance(records, list):
            raise ValueError("the export queue must be a list of jobs")
        queue = cls(tools, max_workers)
        for n, rec in enumerate(records, start=1):
            if not isinstance(rec, dict) or "spec" not in rec:
                queue.restore_problems.append(f"export job {n}: not a job record")
                continue
            try:
                spec = JobSpec.from_dict(rec["spec"])
                scope.check(spec)
                state = JobState(rec.get("state", "queued"))
            except ValueError as exc:
                queue.restore_problems.append(f"export job {n}: {exc}")
                continue
            if any(j.id == spec.job_id for j in queue._jobs):
                queue.restore_problems.append(f"export job {n}: duplicate job id {spec.job_id}")
                continue
            if state is JobState.RUNNING:
                state = JobState.QUEUED
            job = ExportJob(spec, state=state, error=str(rec.get("error", "")))
            output = str(rec.get("output", ""))
            # Only a file the job itself could have written ("Open folder" goes there).
            if output and Path(output).parent == Path(spec.output).parent:
                with contextlib.suppress(ValueError):
                    job.output = check_output(output)
            if state is JobState.DONE:
                job.progress = 1.0
            queue._jobs.append(job)
        return queue

    def unfinished(self) -> list[ExportJob]:
        return [j for j in self.jobs if j.state in (JobState.QUEUED, JobState.RUNNING)]
