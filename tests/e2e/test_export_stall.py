"""A server that stalls (headers and 300 KB, then nothing; or nothing at all) fails the
job after the stall timeout and the batch goes on; a stall before the headers is paid
once per batch. The real yt-dlp and ffmpeg against the loopback Range server."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tests.e2e.test_export_remote import jobs_for
from tests.support.processes import group_alive

from clipdesk.core.export_plan import ExportMode
from clipdesk.media.export_queue import ExportQueue, JobState
from clipdesk.media.tools import find_tools

TOOLS = find_tools()
STALL_S = 2.0
pytestmark = pytest.mark.network


def test_stall_after_headers_fails_the_job_and_the_batch_goes_on(
    range_server, media_dir: Path, tmp_path: Path
) -> None:
    shutil.copy(media_dir / "demo.mp4", media_dir / "stall.mp4")
    range_server.faults["stall.mp4"] = "stall"
    out = tmp_path / "out"
    stalled = jobs_for(range_server.url("stall.mp4"), out, ExportMode.EXACT, (30_000, 34_000))
    good = jobs_for(range_server.url("demo.mp4"), out, ExportMode.FAST, (2_000, 4_000))
    queue = ExportQueue(TOOLS, max_workers=1, stall_s=STALL_S)
    pgids: list[int] = []
    queue.subscribe(
        lambda event, job: (
            job is not None
            and job.id in queue._runners
            and (pgid := queue._runners[job.id].pgid) is not None
            and pgid not in pgids
            and pgids.append(pgid)
        )
    )
    jobs = queue.add([*stalled, *good])
    queue.start()
    assert queue.wait(120), "the batch hangs on the stalled server"
    assert jobs[0].state is JobState.FAILED
    assert jobs[0].error.startswith(f"no progress for {STALL_S:g} s: the source stopped")
    assert jobs[1].state is JobState.DONE, jobs[1].error
    assert [p.name for p in out.iterdir()] == [Path(good[0].output).name]
    assert not any(group_alive(g) for g in pgids)


def test_stall_before_headers_is_paid_once_per_batch(
    range_server, media_dir: Path, tmp_path: Path
) -> None:
    shutil.copy(media_dir / "demo.mp4", media_dir / "dead.mp4")
    range_server.faults["dead.mp4"] = "stall-headers"
    url = range_server.url("dead.mp4")
    ranges = [(2_000, 4_000), (10_000, 12_000), (20_000, 22_000), (30_000, 32_000)]
    queue = ExportQueue(TOOLS, max_workers=2, stall_s=STALL_S)
    jobs = queue.add(jobs_for(url, tmp_path / "out", ExportMode.FAST, *ranges))
    queue.start()
    assert queue.wait(120), "the batch hangs on the stalled server"
    assert [j.state for j in jobs] == [JobState.FAILED] * 4
    assert {j.error for j in jobs} == {
        f"the source sent nothing for {STALL_S:g} s; the batch does not try it again"
    }
    # Only the one reading of the source ever asked the server: no job tried again.
    asked = [r for r in range_server.requests if r[0] == "dead.mp4"]
    assert len(asked) == 1, asked
