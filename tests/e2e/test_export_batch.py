"""One read of a remote source per batch, on the loopback Range server: the MP4 index
and the clips' byte ranges into a sparse copy, smart cuts from it; a server without
Range support and an HLS source fall back to yt-dlp per clip and still deliver
exact clips; cancelling while fetching or encoding leaves the output folder empty."""

from __future__ import annotations

import subprocess
import time
from fractions import Fraction
from pathlib import Path

import pytest
from tests.e2e.test_export_remote import jobs_for, run_queue
from tests.support.range_server import RangeServer
from tests.support.x264_media import (
    FFMPEG,
    audio_offset_ms,
    gray_frames,
    make_x264_source,
    pcm,
    psnr,
)

from clipdesk.core.export_plan import ExportMode
from clipdesk.media import batch_export
from clipdesk.media.export_queue import ExportQueue, JobState
from clipdesk.media.sparse_source import MediaUrls
from clipdesk.media.tools import find_tools

TOOLS = find_tools()
FPS = Fraction(25)
pytestmark = pytest.mark.network


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("served")
    make_x264_source(folder / "talk.mp4", "25", 2.0, 3, duration_s=30.0)
    make_x264_source(folder / "flat.mp4", "25", 2.0, 0, duration_s=30.0)  # no B-frames
    return folder


@pytest.fixture(scope="module")
def reference(served: Path) -> list[bytes]:
    return gray_frames(served / "talk.mp4")


def ms(frame: int) -> int:
    return round(frame * 1000 / FPS)


def assert_exact(path: Path, ref: list[bytes], first: int, end: int) -> None:
    frames = gray_frames(path)
    assert len(frames) == end - first
    for i, n in ((0, first), (len(frames) - 1, end - 1)):
        here = psnr(frames[i], ref[n])
        assert here > 30
        assert here > max(psnr(frames[i], ref[n - 1]), psnr(frames[i], ref[n + 1]))


def asked_twice(requests: list[tuple[str, str | None]]) -> int:
    """How many bytes more than one request asked for."""
    spans = sorted(tuple(map(int, r.split("=")[1].split("-"))) for _, r in requests if r)
    twice, reach = 0, -1
    for lo, hi in spans:
        twice += max(0, min(hi, reach) - lo + 1)
        reach = max(reach, hi)
    return twice


def log_of(queue: ExportQueue) -> str:
    return "\n".join(line for j in queue.jobs for line in j.log)


def test_batch_reads_the_source_once_by_ranges(served: Path, reference, tmp_path: Path) -> None:
    bounds = [(101, 163), (249, 312), (400, 470)]  # after, before and on a keyframe
    with RangeServer(served) as server:
        url = server.url("talk.mp4")
        specs = jobs_for(url, tmp_path, ExportMode.EXACT, *((ms(a), ms(b)) for a, b in bounds))
        queue = run_queue(specs, TOOLS)
        requests = list(server.requests)
    for job, (a, b) in zip(queue.jobs, bounds, strict=True):
        assert job.state is JobState.DONE, job.error
        assert_exact(Path(job.output), reference, a, b)
    log = log_of(queue)
    assert "one read of the source for the batch" in log
    assert "yt-dlp" not in log  # a direct .mp4: no extraction, no per-clip download
    assert all(r and r.startswith("bytes=") for _, r in requests)
    assert len(requests) < 12, requests
    # What the index was read from (the first block, moov) is not asked for again;
    # only box headers (16 bytes each) may be read twice.
    assert asked_twice(requests) < 64, requests
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "demo-01-clip-1.mp4", "demo-02-clip-2.mp4", "demo-03-clip-3.mp4",
    ]  # fmt: skip


def test_page_url_is_resolved_once_then_read_by_ranges(
    served: Path, reference, tmp_path: Path
) -> None:
    """A URL that is not a direct .mp4: yt-dlp reads it once for the batch, and the
    media URL it names is read by ranges like a direct one."""
    page = served / "watch"
    if not page.exists():
        page.write_bytes((served / "talk.mp4").read_bytes())
    bounds = [(101, 163), (400, 470)]
    with RangeServer(served) as server:
        specs = jobs_for(server.url("watch"), tmp_path, ExportMode.EXACT,
                         *((ms(a), ms(b)) for a, b in bounds))  # fmt: skip
        queue = run_queue(specs, TOOLS)
    for job, (a, b) in zip(queue.jobs, bounds, strict=True):
        assert job.state is JobState.DONE, job.error
        assert_exact(Path(job.output), reference, a, b)
    log = log_of(queue)
    assert log.count("yt-dlp, reading the source once for the batch") == 1
    assert "media URL(s) from yt-dlp" in log
    assert "one read of the source for the batch" in log
    assert "--download-sections" not in log


def test_fast_mode_cuts_from_the_batch_copy(served: Path, reference, tmp_path: Path) -> None:
    with RangeServer(served) as server:
        specs = jobs_for(server.url("talk.mp4"), tmp_path, ExportMode.FAST, (ms(100), ms(200)))
        queue = run_queue(specs, TOOLS)
        requests = list(server.requests)
    [job] = queue.jobs
    assert job.state is JobState.DONE, job.error
    assert "one read of the source for the batch" in log_of(queue)
    assert all(r and r.startswith("bytes=") for _, r in requests)
    assert_exact(Path(job.output), reference, 100, 200)  # where edit lists are honoured


def test_server_without_ranges_falls_back_to_ytdlp(served: Path, reference, tmp_path) -> None:
    with RangeServer(served) as server:
        server.faults["talk.mp4"] = "norange"
        specs = jobs_for(server.url("talk.mp4"), tmp_path, ExportMode.EXACT, (ms(101), ms(163)))
        queue = run_queue(specs, TOOLS)
    [job] = queue.jobs
    assert job.state is JobState.DONE, job.error
    assert "cannot be read by byte ranges" in log_of(queue)
    assert "does not support byte ranges" in log_of(queue)
    assert_exact(Path(job.output), reference, 101, 163)


def test_hls_source_falls_back_to_ytdlp(served: Path, reference, tmp_path: Path) -> None:
    hls = served / "hls"
    if not (hls / "talk.m3u8").exists():
        hls.mkdir(exist_ok=True)
        subprocess.run(
            [FFMPEG, "-v", "error", "-nostdin", "-i", str(served / "talk.mp4"), "-c", "copy",
             "-f", "hls", "-hls_time", "4", "-hls_playlist_type", "vod", str(hls / "talk.m3u8")],
            check=True,
        )  # fmt: skip
    with RangeServer(served) as server:
        url = server.url("hls/talk.m3u8")
        specs = jobs_for(url, tmp_path, ExportMode.EXACT, (ms(101), ms(163)))
        queue = run_queue(specs, TOOLS)
    [job] = queue.jobs
    assert job.state is JobState.DONE, job.error
    assert "cannot be read by byte ranges (the media is streamed" in log_of(queue)
    assert_exact(Path(job.output), reference, 101, 163)


def wait_for(predicate, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_separate_video_and_audio_files_are_read_once_and_cut_together(
    served: Path, reference, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page whose media comes as a video file and an audio file (DASH), as yt-dlp
    reports them: both read by ranges, fast and exact clips cut from the two."""
    for name, keep in (("talk-v.mp4", "-an"), ("talk-a.m4a", "-vn")):
        if not (served / name).exists():
            subprocess.run([FFMPEG, "-v", "error", "-i", str(served / "talk.mp4"), "-c", "copy",
                            keep, str(served / name)], check=True)  # fmt: skip
    source_pcm = pcm(served / "talk.mp4")
    with RangeServer(served) as server:
        urls = MediaUrls(server.url("talk-v.mp4"), server.url("talk-a.m4a"), {})
        monkeypatch.setattr(batch_export, "_resolve", lambda runner: urls)
        page = server.url("watch/talk")  # read as a page: its media come from _resolve
        # The fast clip starts 1.9 s after its keyframe: its audio is copied from there.
        fast = jobs_for(page, tmp_path / "fast", ExportMode.FAST, (ms(297), ms(360)))
        exact = jobs_for(page, tmp_path / "exact", ExportMode.EXACT, (ms(101), ms(163)))
        queue = run_queue([*fast, *exact], TOOLS)
        requests = list(server.requests)
    log = log_of(queue)
    assert [j.state for j in queue.jobs] == [JobState.DONE, JobState.DONE], log
    assert "keyframe cut: frames 250-359, shown from 297" in log, log
    assert "smart cut: frames 101-162" in log, log
    assert "yt-dlp" not in log and "no keyframe cut" not in log, log
    assert all(r and r.startswith("bytes=") for _, r in requests)
    for job, (a, b) in zip(queue.jobs, [(297, 360), (101, 163)], strict=True):
        assert_exact(Path(job.output), reference, a, b)
        assert abs(audio_offset_ms(pcm(job.output), source_pcm, a / FPS)) <= 2.0
    # Where edit lists are ignored the fast clip plays from its keyframe, with its audio.
    stored = pcm(queue.jobs[0].output, "-ignore_editlist", "1")
    source_stored = pcm(served / "talk.mp4", "-ignore_editlist", "1")
    assert 0 <= audio_offset_ms(stored, source_stored, 250 / FPS, 60) <= 25.0


def test_a_clip_that_cannot_be_smart_cut_waits_for_its_bytes_before_ffmpeg(
    served: Path, tmp_path: Path
) -> None:
    """Exact mode starts on a clip once its head's bytes are here; when the source
    cannot be smart-cut (MPEG-4 Part 2 video here) the re-encode from the local copy
    must wait for the rest of the clip, which a slow server is still sending."""
    src = served / "mpeg4.mp4"
    if not src.exists():
        argv = [FFMPEG, "-v", "error", "-nostdin", "-y", "-f", "lavfi",
                "-i", "testsrc2=size=320x180:rate=25:duration=20", "-f", "lavfi",
                "-i", "anoisesrc=color=pink:seed=3:amplitude=0.3:sample_rate=44100:d=20",
                "-c:v", "mpeg4", "-q:v", "4", "-g", "50", "-c:a", "aac", "-b:a", "96k",
                "-movflags", "+faststart", str(src)]  # fmt: skip
        subprocess.run(argv, check=True)
    ref = gray_frames(src)
    with RangeServer(served) as server:
        server.faults["mpeg4.mp4"] = "slow"
        specs = jobs_for(server.url("mpeg4.mp4"), tmp_path, ExportMode.EXACT, (ms(60), ms(160)))
        queue = run_queue(specs, TOOLS)
    [job] = queue.jobs
    assert job.state is JobState.DONE, job.error
    assert "no smart cut (the video is mp4v" in log_of(queue)
    assert_exact(Path(job.output), ref, 60, 160)
    errors = subprocess.run([FFMPEG, "-v", "error", "-nostdin", "-i", job.output, "-f", "null",
                             "-"], capture_output=True, text=True).stderr  # fmt: skip
    assert errors == ""


def test_cancel_while_fetching_leaves_nothing(served: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with RangeServer(served) as server:
        server.faults["talk.mp4"] = "slow"
        # Most of the file: fetched whole, at about 1 MB/s.
        specs = jobs_for(server.url("talk.mp4"), out, ExportMode.EXACT, (ms(10), ms(700)))
        queue = ExportQueue(TOOLS)
        queue.add(specs)
        queue.start()
        wait_for(lambda: len(server.requests) >= 2)
        [job] = queue.jobs
        assert job.state is JobState.RUNNING
        queue.cancel(job.id)
        assert queue.wait(30)
    assert job.state is JobState.CANCELLED
    assert list(out.iterdir()) == []


def test_cancel_while_encoding_leaves_nothing(tmp_path: Path) -> None:
    # One long GOP: the whole clip is a head to re-encode, long enough to cancel in.
    src = make_x264_source(tmp_path / "long-gop.mp4", "25", 20.0, 3, 20.0, "640x360")
    out = tmp_path / "out"
    out.mkdir()
    with RangeServer(tmp_path) as server:
        specs = jobs_for(server.url("long-gop.mp4"), out, ExportMode.EXACT, (ms(5), ms(480)))
        queue = ExportQueue(TOOLS)
        queue.add(specs)
        queue.start()
        [job] = queue.jobs
        wait_for(lambda: job.progress > 0 or job.state.finished)
        assert job.state is JobState.RUNNING, job.error
        queue.cancel(job.id)
        assert queue.wait(30)
    assert job.state is JobState.CANCELLED
    assert list(out.iterdir()) == []
    assert src.exists()


def test_the_jobs_log_hides_a_signed_urls_token(served: Path, tmp_path: Path) -> None:
    """The job's log is shown in the window and copied into bug reports: a token in the
    source URL is hidden there as in the log file, in Clipdesk's own lines and in the
    command lines of the tools it runs."""
    secret = "s3cr3t-t0ken"
    with RangeServer(served) as server:
        server.faults["flat.mp4"] = "norange"  # cut by yt-dlp: its command line is logged
        signed = f"?token={secret}&sig={secret}"
        specs = [
            *jobs_for(server.url("talk.mp4") + signed, tmp_path / "a", ExportMode.EXACT,
                      (ms(101), ms(163))),
            *jobs_for(server.url("flat.mp4") + signed, tmp_path / "b", ExportMode.EXACT,
                      (ms(101), ms(163))),
        ]  # fmt: skip
        queue = run_queue(specs, TOOLS)
    for job in queue.jobs:
        assert job.state is JobState.DONE, job.error
    log = log_of(queue)
    assert "one read of the source for the batch" in log
    assert "[clipdesk] yt-dlp:" in log
    assert secret not in log
    assert "token=REDACTED" in log


def test_jobs_waiting_for_their_heads_get_them_before_any_clips_rest(
    served: Path, tmp_path: Path
) -> None:
    """Exact mode starts a clip once the GOP at its start is here: two jobs starting
    together each get that first, ahead of the rest of either clip."""
    import threading

    from clipdesk.media import sparse_source

    clips = [(ms(101), ms(200)), (ms(500), ms(600))]  # 40 % of the file: read by ranges
    with RangeServer(served) as server:
        source = sparse_source.SparseSource.open(server.url("talk.mp4"), tmp_path)
        server.faults["talk.mp4"] = "slow"  # the waits below are in before the fetch ends
        before = len(server.requests)
        source.plan(clips)
        # Each clip's head: from its start to just past the next keyframe.
        heads = [(s, ms((s * FPS // 1000 // 50 + 1) * 50) + 1) for s, _ in clips]
        waits = [threading.Thread(target=source.wait_for, args=(*h, lambda: False)) for h in heads]
        for w in waits:
            w.start()
        for w in waits:
            w.join(30)
        for clip in clips:
            source.wait_for(*clip, lambda: False)
        ranges = [tuple(map(int, r.split("=")[1].split("-"))) for _, r in server.requests[before:]]
        source.close()

    def around(start: int, end: int) -> tuple[int, int]:  # every track's samples
        spans = sparse_source.needed_spans(source.index, start, end)
        return min(a for a, _ in spans), max(b for _, b in spans)

    def kind(lo: int, hi: int) -> str:
        for (start, end), (_, head_end) in zip(clips, heads, strict=True):
            head, whole = around(start, head_end), around(start, end)
            if head[0] <= lo and hi < head[1]:
                return "head"
            if whole[0] <= lo and hi < whole[1]:
                return "rest"
        return "other"

    kinds = [kind(lo, hi) for lo, hi in ranges]
    assert kinds.count("head") >= 2 and "rest" in kinds, (ranges, kinds)
    last_head = max(i for i, k in enumerate(kinds) if k == "head")
    assert last_head < kinds.index("rest"), (ranges, kinds)
