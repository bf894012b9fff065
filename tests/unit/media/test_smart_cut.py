"""Exact mode by smart cut, measured against every frame of the source decoded from
its beginning: 1 s and 4 s keyframe intervals, with and without B-frames, 25 and
29.97 fps, clips that start on a keyframe, just after one and just before one."""

from __future__ import annotations

import itertools
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import pytest
from tests.support.x264_media import (
    FFMPEG,
    assert_frames_match,
    audio_offset_ms,
    frame_ms,
    gray_frames,
    idr_pic_ids,
    make_sources,
    make_x264_source,
    pcm,
    psnr,
)
from tests.unit.media.export_frames import local_job

from clipdesk.media.job_runner import JobRunner, Outcome
from clipdesk.media.mp4_index import FileBytes, read_index
from clipdesk.media.smart_cut import Frames, plan_video
from clipdesk.media.tools import find_tools

TOOLS = find_tools()

SOURCES = {
    "25fps-1s-bframes": ("25", 1.0, 3),
    "2997fps-4s-bframes": ("30000/1001", 4.0, 3),
    "25fps-4s-no-bframes": ("25", 4.0, 0),
    "2997fps-1s-no-bframes": ("30000/1001", 1.0, 0),
}


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_sources(tmp_path_factory.mktemp("x264"), SOURCES, 10.0)


@pytest.mark.parametrize("name", list(SOURCES))
def test_exact_clips_match_the_source_frame_for_frame(
    name: str, sources: dict[str, Path], tmp_path: Path
) -> None:
    src = sources[name]
    fps = Fraction(SOURCES[name][0])
    gop = round(SOURCES[name][1] * fps)
    ref = gray_frames(src)
    ref_noedit = gray_frames(src, "-ignore_editlist", "1")
    src_audio = pcm(src)
    # On a keyframe, just after one, just before one; ends between keyframes.
    starts = [gop, gop + 1, 2 * gop - 1]
    for k, first in enumerate(starts):
        end = min(first + gop + gop // 2 + 1, len(ref) - 5)
        out = tmp_path / f"clip{k}.mp4"
        spec = local_job(src, out, frame_ms(first, fps), frame_ms(end, fps))
        log: list[str] = []
        result = JobRunner(spec, TOOLS, on_log=log.append).run()
        assert result.outcome is Outcome.DONE, result.error
        assert any("smart cut: frames" in line for line in log), log
        assert not any("no smart cut" in line for line in log), log
        if first == 2 * gop - 1:
            # One frame before a keyframe: one frame re-encoded, not the next GOP too.
            assert any("(encode 1, copy" in line for line in log), log
        frames = gray_frames(out)
        assert len(frames) == end - first
        assert_frames_match(frames, ref, first)
        # Players that ignore edit lists show the same frames from the same first one.
        no_edit = gray_frames(out, "-ignore_editlist", "1")
        assert len(no_edit) == end - first
        assert psnr(no_edit[0], ref_noedit[first]) == psnr(frames[0], ref[first])
        assert_frames_match(no_edit, ref, first)
        offset = audio_offset_ms(pcm(out), src_audio, first / fps)
        assert abs(offset) <= 2.0, f"audio {offset:+.2f} ms off"
        # H.264 forbids two IDR frames in a row with the same idr_pic_id.
        ids = idr_pic_ids(out)
        assert ids[0] is not None
        for one, two in itertools.pairwise(ids):
            assert one is None or two is None or one != two, ids


def test_plan_copies_whole_runs_and_encodes_only_edges(sources: dict[str, Path]) -> None:
    track = read_index(FileBytes(sources["25fps-1s-bframes"])).video()
    assert track is not None
    frames = Frames(track)
    assert frames.keys[:3] == [0, 25, 50]
    # Starts one frame after a keyframe: a head of 24 frames, then copies.
    plan = plan_video(frames, frame_ms(26, Fraction(25)), frame_ms(120, Fraction(25)))
    kinds = [(s.encode, s.first, s.end) for s in plan.segments]
    assert kinds[0] == (True, 26, 50)
    assert kinds[1][:2] == (False, 50)
    assert plan.frames == 94
    # A copied run ends where every frame before it is kept and none after.
    copied = plan.segments[1]
    ranks = sorted(frames.rank[d] for d in range(*copied.samples))
    assert ranks == list(range(copied.first, copied.end))
    # On a keyframe at both ends: nothing re-encoded.
    plan = plan_video(frames, frame_ms(50, Fraction(25)), frame_ms(100, Fraction(25)))
    assert [s.encode for s in plan.segments] == [False]


def test_a_source_that_cannot_be_smart_cut_is_re_encoded_whole(tmp_path: Path) -> None:
    """Audio that starts after the clip: no smart cut, the whole clip re-encoded, and
    the log says why."""
    plain = make_x264_source(tmp_path / "plain.mp4", "25", 2.0, 3, duration_s=4.0)
    late = tmp_path / "late-audio.mp4"
    subprocess.run(
        [FFMPEG, "-v", "error", "-nostdin", "-i", str(plain), "-itsoffset", "0.5",
         "-i", str(plain), "-map", "0:v", "-map", "1:a", "-c", "copy", str(late)],
        check=True,
    )  # fmt: skip
    out = tmp_path / "clip.mp4"
    log: list[str] = []
    result = JobRunner(local_job(late, out, 200, 2_000), TOOLS, on_log=log.append).run()
    assert result.outcome is Outcome.DONE, result.error
    assert any("no smart cut (the audio starts after the clip does)" in line for line in log)
    frames = gray_frames(out)
    assert len(frames) == 45
    assert_frames_match(frames, gray_frames(late), 5)


def test_without_ffmpegs_libraries_the_clip_is_re_encoded_and_the_log_says_why(
    sources: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A broken install (PyAV missing or not loading): the job still delivers an exact
    clip, through the whole-clip re-encode, instead of failing."""
    monkeypatch.setitem(sys.modules, "av", None)  # `import av` raises ImportError
    src = sources["25fps-1s-bframes"]
    out = tmp_path / "clip.mp4"
    log: list[str] = []
    result = JobRunner(local_job(src, out, frame_ms(26, Fraction(25)), frame_ms(80, Fraction(25))),
                       TOOLS, on_log=log.append).run()  # fmt: skip
    assert result.outcome is Outcome.DONE, result.error
    assert any(
        "no smart cut (FFmpeg's libraries (PyAV) cannot be loaded" in line for line in log
    ), log
    frames = gray_frames(out)
    assert len(frames) == 54
    assert_frames_match(frames, gray_frames(src), 26)


def test_a_10_bit_source_is_smart_cut_and_checked(tmp_path: Path) -> None:
    """High 10 from x264: the head is encoded at 10 bits with the source's headers, and
    the check compares 10-bit pictures by their top 8 bits (a byte-wise comparison
    failed it, and the clip was re-encoded whole)."""
    src = make_x264_source(tmp_path / "ten.mp4", "25", 1.0, 3, 6.0, pix_fmt="yuv420p10le")
    out = tmp_path / "clip.mp4"
    log: list[str] = []
    job = local_job(src, out, frame_ms(26, Fraction(25)), frame_ms(76, Fraction(25)))
    result = JobRunner(job, TOOLS, on_log=log.append).run()
    assert result.outcome is Outcome.DONE, result.error
    assert any("smart cut: frames 26-75" in line for line in log), log
    assert not any("no smart cut" in line for line in log), log
    frames = gray_frames(out)
    assert len(frames) == 50
    assert_frames_match(frames, gray_frames(src), 26)


def test_progress_comes_at_a_readable_rate(sources: dict[str, Path], tmp_path: Path) -> None:
    """Frames are encoded faster than anyone reads: the job reports at most every
    0.2 s (a line of `clipdesk export` each), not once a frame, and still ends at 100 %."""
    src = sources["2997fps-4s-bframes"]  # one frame after a keyframe: a 4 s head
    fps = Fraction(30000, 1001)
    seen: list[float] = []
    began = time.monotonic()
    job = local_job(src, tmp_path / "clip.mp4", frame_ms(121, fps), frame_ms(300, fps))
    result = JobRunner(job, TOOLS, on_progress=lambda p: seen.append(p.fraction)).run()
    spent = time.monotonic() - began
    assert result.outcome is Outcome.DONE, result.error
    assert seen == sorted(seen) and seen[-1] == 1.0
    assert any(0 < f < 0.9 for f in seen), seen  # real progress on the way
    assert len(seen) <= 4 + spent / 0.2, (len(seen), spent)
