"""The frame rate as libvlc decodes it, unrounded: NTSC's 29.97 is 30000/1001, and
frame nudges land on that video's real frames."""

from __future__ import annotations

import subprocess
from fractions import Fraction
from pathlib import Path

import pytest
from tests.gui.review_support import make_window

from clipdesk.core.bounds import Bound, NudgeUnit
from clipdesk.core.project_file import project_path, read_project
from clipdesk.ui.player.backend import PlayerState, create_backend

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
    monkeypatch.setenv("CLIPDESK_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("CLIPDESK_VLC_ARGS", "--aout=dummy")
    doc = tmp_path / "episode.md"
    doc.write_text(DOCUMENT)
    window = make_window(qtbot, tmp_path, create_backend())
    with qtbot.waitExposed(window):
        window.show()
    assert window.open_document(doc, media=str(ntsc_video))
    session = window.editing.session
    assert session is not None
    qtbot.waitUntil(
        lambda: window.player.state is PlayerState.PAUSED and bool(session.timebase.fps),
        timeout=15_000,
    )
    fps = session.timebase.fps
    assert fps == pytest.approx(float(NTSC), abs=1e-6), fps  # not 1000 / 33 = 30.30

    # Ten frames on from 1 s: frame 30 starts at 1001 ms, frame 40 at 1334.67 ms.
    for _ in range(10):
        session.editor.nudge("key-point-1", Bound.START, 1, NudgeUnit.FRAME)
    start = window.store.get("key-point-1").start_ms
    assert start == round(40 / NTSC * 1000) == 1_335

    window.close()  # saves the project file
    media = read_project(project_path(doc))["media"]
    assert media["fps"] == pytest.approx(float(NTSC), abs=1e-6)
