"""The Qt face of the export queue: engine callbacks (often from worker
threads) turned into Qt signals delivered on the GUI thread.

The queue never waits for the GUI and the GUI never waits for a job: the
listener only posts a queued signal carrying the job's id. Progress of a running job
is passed on at most every PROGRESS_MS (ffmpeg reports many times a second, and every
report repaints the table, the clip list and the status bar); a change of state, a
change to the queue and the end of a batch are passed on at once, pending progress
first, so listeners always see a job's last state before the batch ends.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from clipdesk.media.export_queue import ExportJob, ExportQueue, JobState

PROGRESS_MS = 150


class ExportQueueBridge(QObject):
    """Signals, all delivered on the thread this object lives in (the GUI's)."""

    job_added = Signal(str)
    job_removed = Signal(str)
    job_moved = Signal(str)
    job_changed = Signal(str)
    structure_changed = Signal()  # added, removed or moved: the model re-reads the order
    batch_finished = Signal(str)  # a one-line summary for a notification

    _posted = Signal(str, str)  # event, job id (empty for batch events)

    def __init__(self, queue: ExportQueue, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.queue = queue
        # Queued even when posted from the GUI thread: listeners must not re-enter
        # views from inside a queue call.
        self._posted.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._states: dict[str, JobState] = {}  # as last passed on
        self._pending: dict[str, None] = {}  # jobs whose progress waits for the timer
        self._progress_timer = QTimer(self, singleShot=True, interval=PROGRESS_MS)
        self._progress_timer.timeout.connect(self._flush)
        queue.subscribe(self._listen)
        # Stop hearing from worker threads once this object is gone.
        self.destroyed.connect(partial(queue.unsubscribe, self._listen))

    def detach(self) -> None:
        self.queue.unsubscribe(self._listen)

    def _listen(self, event: str, job: ExportJob | None) -> None:
        # Any thread: only emit, never touch Qt objects' state here.
        self._posted.emit(event, job.id if job is not None else "")

    def _deliver(self, event: str, job_id: str) -> None:
        if event == "changed":
            job = self.queue.job(job_id)
            if job is not None and self._states.get(job_id) is job.state:
                self._pending[job_id] = None  # progress only: wait for the timer
                if not self._progress_timer.isActive():
                    self._progress_timer.start()
                return
            if job is not None:
                self._states[job_id] = job.state
            self._pending.pop(job_id, None)
            self.job_changed.emit(job_id)
            return
        self._flush()
        if event == "batch-finished":
            self.batch_finished.emit(summary_text(self.queue))
            return
        {"added": self.job_added, "removed": self.job_removed, "moved": self.job_moved}[event].emit(
            job_id
        )
        self.structure_changed.emit()

    def _flush(self) -> None:
        self._progress_timer.stop()
        pending, self._pending = self._pending, {}
        for job_id in pending:
            self.job_changed.emit(job_id)


def summary_text(queue: ExportQueue) -> str:
    c = queue.counts()
    parts = [f"{c['done']} done"]
    if c["failed"]:
        parts.append(f"{c['failed']} failed")
    if c["cancelled"]:
        parts.append(f"{c['cancelled']} cancelled")
    return "Export finished: " + ", ".join(parts)


def totals_text(queue: ExportQueue) -> str:
    """For the status bar: counts and the overall progress of the batch."""
    jobs = queue.jobs
    if not jobs:
        return ""
    c = queue.counts()
    active = [j for j in jobs if j.state is not JobState.CANCELLED]
    overall = sum(j.progress for j in active) / len(active) if active else 0.0
    parts = []
    for state in (JobState.RUNNING, JobState.QUEUED, JobState.DONE, JobState.FAILED):
        if c[state.value]:
            parts.append(f"{c[state.value]} {state.value}")
    if c["running"] or c["queued"]:
        parts.append(f"{overall * 100:.0f}%")
    return "Export: " + ", ".join(parts) if parts else "Export: cancelled"
