"""A paused seek shows the frame on screen at that time, the time label says that
frame's start, and Set In stores it: checked against the burnt-in frames of the demo
video, decoded by ffmpeg for reference."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage
from pytestqt.exceptions import TimeoutError as WaitTimeout
from tests.support.review_window import open_with_libvlc

from clipdesk.core.frame_grid import frame_start_ms
from clipdesk.core.timecode import format_clock

pytestmark = pytest.mark.xvfb

FPS = 25
SMALL = (160, 90)
DOCUMENT = """# Seeking

## Key Points

- **One** ([0:01](https://www.example.org/watch?v=abc&t=1s)) - first
- **Two** ([0:20](https://www.example.org/watch?v=abc&t=20s)) - second
"""
# Exact frame starts (libvlc used to show the frame before these) and a time late in
# its frame: frames 75, 125 and 188.
SEEKS = {3_000: 75, 5_000: 125, 7_550: 188}


def _lightness(image: QImage) -> list[int]:
    small = image.scaled(
        *SMALL, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation
    )
    return [QColor(small.pixel(x, y)).lightness() for y in range(SMALL[1]) for x in range(SMALL[0])]


def _distance(a: list[int], b: list[int]) -> float:
    return sum(abs(x - y) for x, y in zip(a, b, strict=True)) / len(a)


@pytest.fixture(scope="module")
def references(demo_video: Path, tmp_path_factory) -> dict[int, list[int]]:
    """The frames around each seek, decoded by ffmpeg."""
    frames = sorted({n + d for n in SEEKS.values() for d in (-1, 0, 1)})
    out = tmp_path_factory.mktemp("frames")
    pick = "+".join(f"eq(n\\,{n})" for n in frames)
    subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(demo_video), "-vf", f"select={pick}",
         "-fps_mode", "passthrough", str(out / "f%02d.png")],
        check=True, timeout=60,
    )  # fmt: skip
    return {n: _lightness(QImage(str(out / f"f{i + 1:02d}.png"))) for i, n in enumerate(frames)}


def test_paused_seek_shows_the_frame_at_that_time(
    qtbot, tmp_path, monkeypatch, demo_video, references
) -> None:
    window = open_with_libvlc(qtbot, tmp_path, monkeypatch, DOCUMENT, demo_video)
    session = window.editing.session
    window.sync.select_clip("key-point-1")  # a clip for Set In; the player goes to 1 s
    qtbot.waitUntil(lambda: window.player.position() == 1_000, timeout=10_000)
    view = window.player_view

    def picture() -> list[int]:
        # libvlc draws into its own X child window, the paused still is painted by Qt:
        # read the screen where the current one is. The demo video is 16:9; cut the
        # letterbox off.
        shown = view.stack.currentWidget()
        corner = shown.mapToGlobal(shown.rect().topLeft())
        shot = (
            window.screen()
            .grabWindow(0, corner.x(), corner.y(), shown.width(), shown.height())
            .toImage()
        )
        w, h = shot.width(), shot.height()
        scale = min(w / 640, h / 360)
        vw, vh = round(640 * scale), round(360 * scale)
        return _lightness(shot.copy(QRect((w - vw) // 2, (h - vh) // 2, vw, vh)))

    for ms, frame in SEEKS.items():
        start = frame_start_ms(frame, FPS)
        before = picture()
        window.player.seek(ms)
        seen: list[list[int]] = []

        def settled(start: int = start, before: list[int] = before, seen: list = seen) -> bool:
            seen.append(picture())
            return (
                window.player.position() == start
                and len(seen) >= 2
                and seen[-1] == seen[-2] != before
                and max(seen[-1]) > 100  # a picture, not the black surface before one
            )

        try:
            qtbot.waitUntil(settled, timeout=10_000)
        except WaitTimeout as exc:
            state = (window.player.position(), len(seen), seen[-1] == seen[-2])
            raise AssertionError(
                f"seek to {ms}: position {state[0]}, picture "
                f"{'still' if state[2] else 'changing'}, "
                f"{'unchanged' if seen[-1] == before else 'changed'}, "
                f"brightest {max(seen[-1])}"
            ) from exc
        near = {n: _distance(seen[-1], references[n]) for n in (frame - 1, frame, frame + 1)}
        assert min(near, key=near.get) == frame, (ms, near)
        assert window.player_view.time_text().startswith(format_clock(start))
        session.actions.actions["set_in"].trigger()
        assert window.store.get("key-point-1").start_ms == start
