"""The queue's Qt bridge throttles progress repaints but passes states on at once.

A fast UI-logic test: a stand-in queue announces from a worker thread what the real
engine announces (test_export_queue_panel.py drives the real queue and ffmpeg)."""

from __future__ import annotations

import threading
from pathlib import Path

from tests.unit.media.export_frames import local_job

from clipdesk.media.export_queue import ExportJob, JobState
from clipdesk.ui.export.queue_bridge import PROGRESS_MS, ExportQueueBridge


class AnnouncingQueue:
    """What the bridge uses of an ExportQueue: listeners, jobs by id, counts."""

    def __init__(self, job: ExportJob) -> None:
        self.jobs = [job]
        self.listeners: list = []

    def subscribe(self, listener) -> None:
        self.listeners.append(listener)

    def unsubscribe(self, listener) -> None:
        if listener in self.listeners:
            self.listeners.remove(listener)

    def job(self, job_id: str) -> ExportJob | None:
        return next((j for j in self.jobs if j.id == job_id), None)

    def counts(self) -> dict[str, int]:
        return {s.value: sum(j.state is s for j in self.jobs) for s in JobState}

    def announce(self, event: str, job: ExportJob | None) -> None:
        for listener in list(self.listeners):
            listener(event, job)


def test_progress_is_coalesced_and_states_are_not(qtbot, tmp_path: Path) -> None:
    job = ExportJob(local_job(tmp_path / "in.mp4", tmp_path, 0, 4_000))
    queue = AnnouncingQueue(job)
    bridge = ExportQueueBridge(queue)  # type: ignore[arg-type]
    heard: list[tuple[str, JobState, float]] = []
    started = threading.Event()

    def on_changed(job_id: str) -> None:
        heard.append((job_id, job.state, job.progress))
        if job.state is JobState.RUNNING:
            started.set()

    bridge.job_changed.connect(on_changed)
    bridge.batch_finished.connect(lambda _text: heard.append(("batch", job.state, 1.0)))

    def run() -> None:  # the engine's worker thread
        job.state = JobState.RUNNING
        queue.announce("changed", job)
        assert started.wait(5)  # the GUI heard the start before any progress
        for i in range(1, 200):
            job.progress = i / 200
            queue.announce("changed", job)
        job.state, job.progress = JobState.DONE, 1.0
        queue.announce("changed", job)
        queue.announce("batch-finished", None)

    worker = threading.Thread(target=run)
    worker.start()
    qtbot.waitUntil(lambda: bool(heard) and heard[-1][0] == "batch", timeout=5_000)
    worker.join()
    states = [state for _jid, state, _p in heard]
    assert states[0] is JobState.RUNNING  # the start is passed on at once
    assert states[-2:] == [JobState.DONE, JobState.DONE]  # done, then the batch: in order
    assert len(heard) <= 5, heard  # 201 changes, a handful of repaints
    with qtbot.waitSignal(bridge.job_changed, timeout=PROGRESS_MS * 10):
        job.progress = 0.5  # progress alone, nothing else after it: the timer delivers it
        queue.announce("changed", job)
