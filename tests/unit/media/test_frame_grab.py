"""Exact paused frames from ffmpeg: a run of frames from a frame number, checked against
the same frames decoded from the beginning, on x264 sources with B-frames."""

from __future__ import annotations

from fractions import Fraction

import pytest
from tests.support.frame_code import HEIGHT, WIDTH, make_coded_video, read_code

from clipdesk.media.frame_grab import Still, grab_frames, parse_ppm_stream


def _code(still: Still) -> int | None:
    return read_code(
        lambda x, y: still.rgb[(int(y * still.height) * still.width + int(x * still.width)) * 3]
    )


@pytest.mark.parametrize("fps", [Fraction(25), Fraction(30_000, 1_001)], ids=["25", "29.97"])
def test_runs_start_on_the_asked_frame(tmp_path, fps: Fraction) -> None:
    video = make_coded_video(tmp_path / "coded.mp4", fps, 6)
    last = round(6 * fps) - 1
    # Keyframes every 2 s: the frames around them, B-frames between.
    for first in (0, 1, 49, 50, 51, 59, 60, 61, 97, last - 2):
        stills = grab_frames("ffmpeg", str(video), first, 4, float(fps))
        want = list(range(first, min(first + 4, last + 1)))
        assert [s.frame for s in stills] == want
        assert [_code(s) for s in stills] == want, first
        assert (stills[0].width, stills[0].height) == (WIDTH, HEIGHT)


def test_ppm_stream_parsing() -> None:
    one = b"P6\n2 1\n255\n" + bytes(range(6))
    stills = parse_ppm_stream(one + one + b"P6\n2 1\n255\n\x00", 10)
    assert [(s.frame, s.width, s.height, s.rgb) for s in stills] == [
        (10, 2, 1, bytes(range(6))),
        (11, 2, 1, bytes(range(6))),
    ]  # the truncated third picture is left out
    with pytest.raises(ValueError, match="8-bit PPM"):
        parse_ppm_stream(b"P5\n2 1\n255\n\x00\x00", 0)


def test_a_source_ffmpeg_cannot_read_says_so(tmp_path) -> None:
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"not a video")
    with pytest.raises(RuntimeError, match="could not decode a frame"):
        grab_frames("ffmpeg", str(bad), 3, 2, 25.0)
