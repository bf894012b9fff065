"""The worker-pool queue with real ffmpeg jobs: concurrency, order, cancel,
retry and saving to plain records."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import yaml
from export_frames import local_job

from clipdesk.core.export_plan import ExportMode
from clipdesk.core.restore_scope import RestoreScope
from clipdesk.media.export_queue import ExportJob, ExportQueue, JobState
from clipdesk.media.tools import find_tools

TOOLS = find_tools()


class Recorder:
    def __init__(self, queue: ExportQueue) -> None:
        self.events: list[tuple[str, str | None, str | None]] = []
        self.max_running = 0
        self.started: list[str] = []
        self._lock = threading.Lock()
        self.queue = queue
        queue.subscribe(self)

    def __call__(self, event: str, job: ExportJob | None) -> None:
        with self._lock:
            self.events.append((event, job and job.id, job and job.state.value))
            running = sum(j.state is JobState.RUNNING for j in self.queue.jobs)
            self.max_running = max(self.max_running, running)
            if job and job.state is JobState.RUNNING and job.id not in self.started:
                self.started.append(job.id)

    def count(self, event: str) -> int:
        return sum(e[0] == event for e in self.events)


def fast_jobs(src: Path, out: Path, n: int, length_ms: int = 1_000):
    return [
        local_job(src, out / f"c{i}.mp4", i * 2_000, i * 2_000 + length_ms, ExportMode.FAST)
        for i in range(n)
    ]


@pytest.mark.parametrize("workers", [1, 2])
def test_pool_size_is_respected(demo_video: Path, tmp_path: Path, workers: int) -> None:
    queue = ExportQueue(TOOLS, max_workers=workers)
    rec = Recorder(queue)
    # Exact jobs take long enough to overlap when the pool allows it.
    specs = [local_job(demo_video, tmp_path / f"e{i}.mp4", i * 3_000, i * 3_000 + 2_000)
             for i in range(3)]  # fmt: skip
    queue.add(specs)
    queue.start()
    assert queue.wait(60)
    assert [j.state for j in queue.jobs] == [JobState.DONE] * 3
    assert rec.max_running == workers
    assert rec.count("batch-finished") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e0.mp4", "e1.mp4", "e2.mp4"]


def test_reorder_before_start(demo_video: Path, tmp_path: Path) -> None:
    queue = ExportQueue(TOOLS, max_workers=1)
    rec = Recorder(queue)
    jobs = queue.add(fast_jobs(demo_video, tmp_path, 3))
    assert not queue.started and all(j.state is JobState.QUEUED for j in jobs)
    assert queue.move(jobs[2].id, 0)
    assert queue.move_by(jobs[0].id, 1)
    assert [j.id for j in queue.jobs] == [jobs[2].id, jobs[1].id, jobs[0].id]
    queue.start()
    assert queue.wait(30)
    assert rec.started == [jobs[2].id, jobs[1].id, jobs[0].id]
    assert not queue.move(jobs[0].id, 0)  # only queued jobs move


def test_cancel_queued_and_all(demo_video: Path, tmp_path: Path) -> None:
    queue = ExportQueue(TOOLS, max_workers=1)
    rec = Recorder(queue)
    long = local_job(demo_video, tmp_path / "long.mp4", 0, 50_000)
    jobs = queue.add([long, *fast_jobs(demo_video, tmp_path, 2)])
    assert queue.cancel(jobs[2].id)
    assert jobs[2].state is JobState.CANCELLED
    running = threading.Event()
    queue.subscribe(lambda e, j: j is jobs[0] and j.progress > 0 and running.set())
    queue.start()
    assert running.wait(20)
    queue.cancel_all()
    assert queue.wait(5)
    assert [j.state for j in jobs] == [JobState.CANCELLED] * 3
    assert list(tmp_path.iterdir()) == []
    assert rec.count("batch-finished") == 1
    assert jobs[1].id not in rec.started


def test_failed_job_does_not_stop_others_and_can_be_retried(
    demo_video: Path, tmp_path: Path
) -> None:
    late = tmp_path / "late.mp4"
    queue = ExportQueue(TOOLS, max_workers=2)
    bad = local_job(late, tmp_path / "out" / "bad.mp4", 0, 1_000, ExportMode.FAST)
    jobs = queue.add([bad, *fast_jobs(demo_video, tmp_path / "out", 2)])
    queue.start()
    assert queue.wait(30)
    assert [j.state for j in jobs] == [JobState.FAILED, JobState.DONE, JobState.DONE]
    assert jobs[0].error == f"media file not found: {late}"
    assert jobs[0].log and "failed" in jobs[0].log_text()
    late.symlink_to(demo_video)
    assert queue.retry_failed() == 1
    assert queue.wait(30)
    assert jobs[0].state is JobState.DONE and jobs[0].error == ""
    assert (tmp_path / "out" / "bad.mp4").is_file()
    assert jobs[0].output == str(tmp_path / "out" / "bad.mp4")
    assert any("[clipdesk] keyframe cut: frames" in line for line in jobs[0].log)


def test_records_round_trip(demo_video: Path, tmp_path: Path) -> None:
    queue = ExportQueue(TOOLS)
    jobs = queue.add(fast_jobs(demo_video, tmp_path, 3))
    jobs[0].state = JobState.DONE
    jobs[1].state = JobState.RUNNING  # saved mid-run: offered again as queued
    records = queue.to_records()
    assert [r["state"] for r in records] == ["done", "queued", "queued"]
    # Plain data: the project file stores it as YAML.
    assert yaml.safe_load(yaml.safe_dump(records)) == records
    again = ExportQueue.from_records(records, TOOLS, scope=scope_of(tmp_path, demo_video))
    assert not again.started
    assert [j.spec for j in again.jobs] == [j.spec for j in jobs]
    assert [j.id for j in again.unfinished()] == [jobs[1].id, jobs[2].id]
    again.start()
    assert again.wait(30)
    assert [j.state for j in again.jobs] == [JobState.DONE] * 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c1.mp4", "c2.mp4"]


def test_bad_records_are_left_out_with_reasons(demo_video: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="must be a list"):
        ExportQueue.from_records({"spec": {}}, TOOLS, scope=scope_of(tmp_path, demo_video))  # type: ignore[arg-type]
    good = ExportJob(fast_jobs(demo_video, tmp_path, 1)[0]).to_record()
    elsewhere = str(tmp_path / "gone" / "x.mp4")
    escape = dict(good, spec=dict(good["spec"], job_id="e" * 12, output=elsewhere))
    hidden = dict(good, spec=dict(good["spec"], job_id="a" * 12, output=str(tmp_path / ".profile")))
    records = [
        {"state": "done"},
        {"spec": {"job_id": "x"}},
        good,
        dict(good, output="/etc/passwd", state="done"),  # another folder: not kept
        escape,
        hidden,
    ]
    queue = ExportQueue.from_records(records, TOOLS, scope=scope_of(tmp_path, demo_video))
    assert [j.id for j in queue.jobs] == [good["spec"]["job_id"]]
    assert queue.jobs[0].output == ""
    assert queue.restore_problems == [
        "export job 1: not a job record",
        "export job 2: job spec is missing 'clip_id'",
        f"export job 4: duplicate job id {good['spec']['job_id']}",
        f"export job 5: output folder {str(tmp_path / 'gone')!r} does not exist",
        "export job 6: output file name '.profile' is not a clean clip name",
    ]


def scope_of(folder: Path, media: Path) -> RestoreScope:
    return RestoreScope.of(None, [folder], [str(media)])


def test_restored_jobs_write_only_where_chosen_and_read_only_the_documents_media(
    demo_video: Path, tmp_path: Path
) -> None:
    doc = tmp_path / "docs" / "episode.md"
    chosen, other = tmp_path / "chosen", tmp_path / "home" / ".config"
    for folder in (doc.parent / "clips", chosen, other):
        folder.mkdir(parents=True)
    secret = tmp_path / "secret.mp4"
    secret.write_bytes(demo_video.read_bytes())

    def record(out: Path, source: Path = demo_video) -> dict:
        spec = local_job(source, out / "x.mp4", 0, 1_000, ExportMode.FAST)
        return ExportJob(spec).to_record()

    records = [
        record(doc.parent / "clips"),
        record(chosen),
        record(doc.parent),
        record(other),  # exists, but nobody chose it
        record(chosen, secret),  # another local file than the document's media
    ]
    scope = RestoreScope.of(doc, [chosen], [str(demo_video), "https://example.com/v"])
    queue = ExportQueue.from_records(records, TOOLS, scope=scope)
    assert [j.id for j in queue.jobs] == [r["spec"]["job_id"] for r in records[:3]]
    assert queue.restore_problems == [
        f"export job 4: output folder {str(other)!r} was not chosen for exports here "
        "(nor is it beside the document)",
        f"export job 5: source {str(secret)!r} is not this document's media",
    ]


def test_remove_and_clear(demo_video: Path, tmp_path: Path) -> None:
    queue = ExportQueue(TOOLS)
    rec = Recorder(queue)
    jobs = queue.add(fast_jobs(demo_video, tmp_path, 2))
    queue.start()
    assert queue.wait(30)
    assert queue.clear_finished() == 2 and queue.jobs == []
    assert rec.count("removed") == 2
    assert not queue.remove(jobs[0].id)


def test_wait_returns_after_listeners_heard_the_end(tmp_path: Path) -> None:
    """wait() returns only once every listener has heard each job's final state and the
    batch end: a command line prints its summary after the last job's line, not before."""
    from clipdesk.media.tools import Tools

    queue = ExportQueue(Tools(None, None, None), max_workers=3)  # jobs fail at once
    entered, release = threading.Event(), threading.Event()
    heard: list[str] = []

    def slow_listener(event: str, job: ExportJob | None) -> None:
        if event == "batch-finished" or (job is not None and job.state.finished):
            entered.set()
            assert release.wait(10)
            heard.append(event if job is None else job.state.value)

    queue.subscribe(slow_listener)
    queue.add(fast_jobs(tmp_path / "none.mp4", tmp_path, 3))
    queue.start()
    assert entered.wait(10)
    assert not queue.wait(0.2)  # a listener is still hearing a final state
    release.set()
    assert queue.wait(10)
    assert heard == ["failed", "failed", "failed", "batch-finished"]


def test_source_information_folder_goes_with_the_batch(tmp_path: Path) -> None:
    from clipdesk.media.tools import Tools

    queue = ExportQueue(Tools(None, None, None))
    assert queue.source_info is not None
    folder = queue.source_info.folder()
    (folder / "x.info.json").write_text("{}")
    queue.add(fast_jobs(tmp_path / "none.mp4", tmp_path, 2))
    queue.start()
    assert queue.wait(10)
    assert not folder.exists()
    assert queue.source_info.folder().is_dir()  # a later batch gets a new one
    queue.source_info.close()
