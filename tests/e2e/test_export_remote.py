"""Remote cuts end to end: the real yt-dlp (generic extractor) and ffmpeg
against the demo video on the loopback Range server."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
from tests.support.episodes import build_episode, clip
from tests.unit.media.export_frames import assert_starts_on_frame

from clipdesk.core.episode import Episode
from clipdesk.core.export_plan import (
    ExportMode,
    ExportSettings,
    MediaSource,
    SourceKind,
    plan_export,
)
from clipdesk.media.cut_commands import ytdlp_info_argv
from clipdesk.media.export_queue import ExportQueue, JobState
from clipdesk.media.probe import probe_media
from clipdesk.media.tools import Tools, find_tools

TOOLS = find_tools()
pytestmark = pytest.mark.network


def episode(*ranges: tuple[int, int]) -> Episode:
    clips = [
        clip(f"h{i}", start, end, f"Clip {i}", line=i)
        for i, (start, end) in enumerate(ranges, start=1)
    ]
    return build_episode(clips, video_id="demo")


def jobs_for(url: str, out: Path, mode: ExportMode, *ranges: tuple[int, int]):
    settings = ExportSettings(out_dir=str(out), mode=mode)
    return plan_export(episode(*ranges), settings, MediaSource(SourceKind.REMOTE, url)).jobs


def run_queue(specs, tools: Tools = TOOLS, workers: int = 2) -> ExportQueue:
    queue = ExportQueue(tools, max_workers=workers)
    queue.add(specs)
    queue.start()
    assert queue.wait(120)
    return queue


def test_exact_and_fast_cuts(range_server, demo_video: Path, tmp_path: Path) -> None:
    url = range_server.url("demo.mp4")
    exact = jobs_for(url, tmp_path, ExportMode.EXACT, (7_040, 10_040), (31_480, 33_480))
    fast = jobs_for(url, tmp_path / "fast", ExportMode.FAST, (20_000, 23_000))
    queue = run_queue([*exact, *fast])
    for job in queue.jobs:
        assert job.state is JobState.DONE, job.error
        out = Path(job.output)
        info = probe_media(TOOLS.ffprobe, out)
        assert info.has_video and info.has_audio
        assert abs(info.duration_s - job.spec.duration_ms / 1000) <= 1 / 25 + 1e-3
        assert_starts_on_frame(out, demo_video, job.spec.start_ms)
        assert job.progress == 1.0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "demo-01-clip-1.mp4",
        "demo-02-clip-2.mp4",
        "fast",
    ]
    # Only byte ranges near the clips were fetched, not the whole file each time.
    assert any(r and r != "bytes=0-" for _, r in range_server.requests)


def test_cancel_remote_job(range_server, tmp_path: Path) -> None:
    range_server.faults["demo.mp4"] = "norange"  # cut by yt-dlp: no batch copy by ranges
    [spec] = jobs_for(range_server.url("demo.mp4"), tmp_path, ExportMode.EXACT, (0, 55_000))
    queue = ExportQueue(TOOLS)
    moving = threading.Event()
    queue.subscribe(lambda e, j: j is not None and j.progress > 0.02 and moving.set())
    [job] = queue.add([spec])
    queue.start()
    assert moving.wait(30), job.log_text()
    runner = queue._runners[job.id]
    pgid = runner.pgid
    t0 = time.monotonic()
    queue.cancel(job.id)
    assert queue.wait(5)
    assert time.monotonic() - t0 < 2.0
    assert job.state is JobState.CANCELLED
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ProcessLookupError):  # yt-dlp and its ffmpeg are gone
        os.killpg(pgid, 0)


@pytest.fixture()
def faulty(range_server, media_dir: Path, demo_video: Path):
    for name in ("export-gone.mp4", "export-cut.mp4"):
        target = media_dir / name
        if not target.exists():
            os.link(demo_video, target)
    range_server.faults["export-gone.mp4"] = "404"
    range_server.faults["export-cut.mp4"] = "cut"
    return range_server


def test_faults_fail_per_job_and_others_go_on(faulty, tmp_path: Path) -> None:
    ok = jobs_for(faulty.url("demo.mp4"), tmp_path / "ok", ExportMode.FAST, (1_000, 3_000))
    gone = jobs_for(faulty.url("export-gone.mp4"), tmp_path / "gone", ExportMode.FAST, (0, 2_000))
    # The server sends half of each answer: a clip late in the file runs past it.
    cut = jobs_for(
        faulty.url("export-cut.mp4"), tmp_path / "cut", ExportMode.EXACT, (50_000, 58_000)
    )
    no_ffmpeg = Tools(None, TOOLS.ffprobe, TOOLS.ytdlp, (("ffmpeg", "ffmpeg not found on PATH"),))
    queue = run_queue([*gone, *cut, *ok])
    states = {j.spec.source.rsplit("/", 1)[1]: j for j in queue.jobs}
    assert states["demo.mp4"].state is JobState.DONE
    assert states["export-gone.mp4"].state is JobState.FAILED
    assert "HTTP Error 404" in states["export-gone.mp4"].error
    assert states["export-cut.mp4"].state is JobState.FAILED
    assert "broke off" in states["export-cut.mp4"].error
    assert "Stream ends prematurely" in states["export-cut.mp4"].error
    for folder in ("gone", "cut"):
        assert list((tmp_path / folder).iterdir()) == []
    assert [p.name for p in (tmp_path / "ok").iterdir()] == ["demo-01-clip-1.mp4"]
    # Without ffmpeg a remote job fails before yt-dlp starts, with the reason.
    again = run_queue(jobs_for(faulty.url("demo.mp4"), tmp_path / "nf", ExportMode.FAST,
                               (0, 1_000)), tools=no_ffmpeg)  # fmt: skip
    [job] = again.jobs
    assert job.state is JobState.FAILED and job.error == "ffmpeg not found on PATH"
    assert not (tmp_path / "nf").exists()


def test_stale_shared_information_falls_back_to_the_url(faulty, tmp_path: Path) -> None:
    """Expired stream URLs in the shared reading: the job asks yt-dlp afresh."""
    url = faulty.url("demo.mp4")
    faulty.faults["demo.mp4"] = "norange"  # cut by yt-dlp: no batch copy by ranges
    queue = ExportQueue(TOOLS)

    def stale(path: Path) -> str:
        argv = ytdlp_info_argv(TOOLS, url)
        info = json.loads(subprocess.run(argv, capture_output=True, check=True).stdout)
        text = json.dumps(info).replace("/demo.mp4", "/export-gone.mp4")
        path.write_text(text)
        return "ok"

    assert queue.source_info is not None
    stale_path = queue.source_info.get(url, stale, lambda: False)
    assert stale_path is not None and "export-gone.mp4" in stale_path.read_text()
    [job] = queue.add(jobs_for(url, tmp_path, ExportMode.FAST, (2_000, 4_000)))
    queue.start()
    assert queue.wait(60)
    assert job.state is JobState.DONE, job.error
    log = job.log_text()
    assert "--load-info-json" in log and "trying again with the URL" in log
    assert [p.name for p in tmp_path.iterdir()] == ["demo-01-clip-1.mp4"]


@pytest.mark.parametrize("name", ["silent.mp4", "silent"])
def test_cancel_while_reading_the_source(tmp_path: Path, name: str) -> None:
    """A server that accepts and never answers: cancel still ends the job at once, while
    the MP4 index of a direct .mp4 is read by ranges and while yt-dlp reads a page."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    threading.Thread(target=accept, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.getsockname()[1]}/{name}"
        queue = ExportQueue(TOOLS)
        [job] = queue.add(jobs_for(url, tmp_path / "out", ExportMode.EXACT, (0, 2_000)))
        queue.start()
        deadline = time.monotonic() + 15
        while not held and time.monotonic() < deadline:
            time.sleep(0.05)  # until yt-dlp has connected and is waiting for an answer
        assert held, job.log_text()
        direct = name.endswith(".mp4")
        wait_log = "reading the MP4 index" if direct else "reading the source once"
        assert wait_log in job.log_text()
        pgid = queue._runners[job.id].pgid
        assert (pgid is None) == direct  # no child process reads the index
        t0 = time.monotonic()
        queue.cancel(job.id)
        assert queue.wait(5)
        assert time.monotonic() - t0 < 2.0
        assert job.state is JobState.CANCELLED
        assert list((tmp_path / "out").iterdir()) == []
        if pgid is not None:
            with pytest.raises(ProcessLookupError):
                os.killpg(pgid, 0)
    finally:
        stop.set()
        for conn in held:
            conn.close()
        server.close()
