"""The frame rate as libvlc decodes it, unrounded: NTSC's 29.97 is 30000/1001, and
frame nudges land on that video's real frames."""

from __future__ import annotations

import subprocess
from fractions import Fraction
from pathlib import Path

import pytest
from tests.support.review_window import open_with_libvlc

from clipdesk.core.bounds import Bound, NudgeUnit
from clipdesk.core.project_file import project_path, read_project

pytestmark = pytest.mark.xvfb

NTSC = Fraction(30_000, 1_001)
DOCUMENT = """# Frame rate

## Key Points

- **One** ([0:01](https://www.example.org/watch?v=abc&t=1s)) - first
- **Two** ([0:02](https://www.example.org/watch?v=abc&t=2s)) - second
"""


@pytest.fixture(scope="module")
def ntsc_video(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("ntsc") / "ntsc.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i",
         f"testsrc2=size=320x180:rate={NTSC.numerator}/{NTSC.denominator}:duration=4",
         "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(path)],
        check=True, timeout=60,
    )  # fmt: skip
    return path


def test_ntsc_frame_rate_is_kept_whole(qtbot, tmp_path, monkeypatch, ntsc_video) -> None:
    window = open_with_libvlc(qtbot, tmp_path, monkeypatch, DOCUMENT, ntsc_video)
    session = window.editing.session
    fps = session.timebase.fps
    assert fps == pytest.approx(float(NTSC), abs=1e-6), fps  # not 1000 / 33 = 30.30

    # Ten frames on from 1 s: frame 30 starts at 1001 ms, frame 40 at 1334.67 ms.
    for _ in range(10):
        session.editor.nudge("key-point-1", Bound.START, 1, NudgeUnit.FRAME)
    start = window.store.get("key-point-1").start_ms
    assert start == round(40 / NTSC * 1000) == 1_335

    window.close()  # saves the project file
    media = read_project(project_path(tmp_path / "episode.md"))["media"]
    assert media["fps"] == pytest.approx(float(NTSC), abs=1e-6)
