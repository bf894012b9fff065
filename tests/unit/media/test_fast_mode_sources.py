"""Fast mode (stream copy, keyframe cuts) on sources made as real encoders make them:
x264 with B-frames and a 2 s keyframe interval at 30, 29.97 and 25 fps. A keyframe
cut starts at the keyframe before the in point and keeps reordered frames after the
out point; the result check accepts that and nothing looser."""

from __future__ import annotations

import subprocess
from fractions import Fraction
from pathlib import Path

import pytest
from export_frames import local_job

from clipdesk.core.export_plan import ExportMode
from clipdesk.media.job_runner import JobRunner, Outcome
from clipdesk.media.probe import MediaInfo, check_clip, preroll_s, probe_media
from clipdesk.media.tools import find_tools

TOOLS = find_tools()
RATES = ["30", "30000/1001", "25"]


@pytest.fixture(scope="module", params=RATES)
def x264_source(request, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Fraction]:
    rate = Fraction(request.param)
    gop = round(2 * rate)  # a keyframe every 2 s
    path = tmp_path_factory.mktemp("x264") / f"src-{float(rate):.2f}.mp4"
    subprocess.run(
        [TOOLS.ffmpeg, "-v", "error", "-f", "lavfi", "-i",
         f"testsrc2=size=320x180:rate={request.param}:d=20", "-f", "lavfi", "-i",
         "sine=frequency=440:duration=20", "-c:v", "libx264", "-preset", "veryfast",
         "-bf", "3", "-b_strategy", "0", "-g", str(gop), "-keyint_min", str(gop),
         "-sc_threshold", "0", "-c:a", "aac", "-shortest", str(path)],
        check=True,
    )  # fmt: skip
    return path, rate


@pytest.mark.parametrize("start_ms", [6_000, 7_300], ids=["on-keyframe", "mid-gop"])
def test_fast_cut_of_an_x264_source_with_b_frames(
    x264_source: tuple[Path, Fraction], tmp_path: Path, start_ms: int
) -> None:
    source, rate = x264_source
    out = tmp_path / "clip.mp4"
    result = JobRunner(
        local_job(source, out, start_ms, start_ms + 4_000, ExportMode.FAST), TOOLS
    ).run()
    assert result.outcome is Outcome.DONE, result.error
    info = probe_media(TOOLS.ffprobe, out)
    frame_s = float(1 / rate)
    assert info.duration_s >= 4.0 - frame_s - 0.001  # the whole clip is there
    # The copy begins at the last keyframe at or before the first frame shown, the
    # first at or after the in point (a keyframe every 2 s of frames).
    gop = round(2 * rate)
    start = Fraction(start_ms, 1000)
    first_frame = -(-start * rate // 1)
    keyframe_s = float((first_frame // gop) * gop / rate)
    expected = float(first_frame / rate) - keyframe_s
    assert preroll_s(TOOLS.ffprobe, out) == pytest.approx(expected, abs=frame_s + 0.002)


def test_keyframe_allowance_is_bounded() -> None:
    info = MediaInfo(duration_s=4.167, has_video=True, has_audio=True, fps=30.0)
    assert check_clip(info, 4_000) is not None  # exact mode: one frame only
    assert check_clip(info, 4_000, keyframe_cut_preroll_s=0.0) is None
    long = MediaInfo(duration_s=6.0, has_video=True, has_audio=True, fps=30.0)
    assert "more than a keyframe cut allows" in str(check_clip(long, 4_000, 0.3))
    short = MediaInfo(duration_s=3.9, has_video=True, has_audio=True, fps=30.0)
    assert check_clip(short, 4_000, 1.3) is not None  # never shorter than asked
