"""What you see is what you cut: after every seek and step, while paused, the frame on
screen, the time label and the time that I (and O, S, N, a handle drag) store are one
frame. Real libvlc under Xvfb, real key presses to the focused widget, a source whose
every frame carries its number (tests/support/frame_code.py), encoded like real
sources (x264 with B-frames, a keyframe every 2 s) at 25 and 29.97 fps.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractItemView, QApplication
from pytestqt.exceptions import TimeoutError as WaitTimeout
from tests.support.frame_code import HEIGHT, WIDTH, decoded_codes, make_coded_video, read_code
from tests.support.review_window import open_with_libvlc

from clipdesk.core.frame_grid import frame_at, frame_start_ms, last_frame_before
from clipdesk.core.timecode import format_clock
from clipdesk.ui.editing.time_edit import TimeSpinBox
from clipdesk.ui.player.backend import PlayerState
from clipdesk.ui.review.clip_table_model import Column

pytestmark = pytest.mark.xvfb

URL = "https://www.example.org/watch?v=frames12345"
SECONDS = 40
DOCUMENT = f"""---
video_id: frames12345
title: Counted frames
duration: {SECONDS}
url: {URL}
---

## Highlights

### Most of it

```bash
yt-dlp --download-sections "*0:02.130-0:38" "{URL}"
```

### A short one

```bash
yt-dlp --download-sections "*0:30.130-0:31.517" "{URL}"
```

## Transcript

[0:00]({URL}&t=0s) The start.
[0:18]({URL}&t=18s) Eighteen seconds in.
[0:33]({URL}&t=33s) Near the end.
"""
WAIT_MS = 20_000  # a loaded machine decodes slowly; every wait ends on its condition


@pytest.fixture(scope="module", params=[Fraction(25), Fraction(30_000, 1_001)], ids=["25", "29.97"])
def coded(request, tmp_path_factory) -> tuple[Path, float]:
    fps: Fraction = request.param
    path = make_coded_video(tmp_path_factory.mktemp("coded") / "coded.mp4", fps, SECONDS)
    # The reference: ffmpeg decoding from the beginning reads frame n as n, every frame.
    codes = decoded_codes(path)
    assert len(codes) == round(SECONDS * fps)
    assert codes == list(range(len(codes)))
    return path, float(fps)


def _screen_frame(window) -> int | None:
    """The frame number in the picture on screen (read off the X server's screen)."""
    view = window.player_view.stack.currentWidget()  # libvlc's surface or the still
    corner = view.mapToGlobal(QPoint(0, 0))
    shot: QImage = (
        window.screen().grabWindow(0, corner.x(), corner.y(), view.width(), view.height()).toImage()
    )
    w, h = shot.width(), shot.height()
    scale = min(w / WIDTH, h / HEIGHT)  # letterboxed, as libvlc and the still view draw it
    pw, ph = WIDTH * scale, HEIGHT * scale
    x0, y0 = (w - pw) / 2, (h - ph) / 2
    return read_code(
        lambda fx, fy: QColor(shot.pixel(int(x0 + fx * pw), int(y0 + fy * ph))).lightness()
    )


class Truth:
    """Drives one window and checks it after every step."""

    def __init__(self, window, qtbot, fps: float) -> None:
        self.window = window
        self.qtbot = qtbot
        self.fps = fps
        self.session = window.editing.session
        self.log: list[str] = []

    def key(self, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
        """A key press as the user makes it: to whichever widget has the focus."""
        target = QApplication.focusWidget() or self.window
        QTest.keyClick(target, key, modifier)

    def position(self) -> int:
        return self.window.player.position()

    def settle(self, step: str, frame: int | None) -> int:
        """Wait until the picture shows frame (None: any frame) and the time label and
        the position say its start; fail naming what each said. Returns the frame."""
        seen: list[tuple[int | None, int, str]] = []

        def agreed() -> bool:
            QApplication.processEvents()
            state = (_screen_frame(self.window), self.position(), self._label())
            seen.append(state)
            on_screen = state[0]
            if on_screen is None or frame not in (None, on_screen):
                return False
            ms = frame_start_ms(on_screen, self.fps)
            return (
                state[1] == ms
                and state[2].startswith(format_clock(ms))
                and seen[-2:] == [state, state]  # the picture stays
            )

        try:
            self.qtbot.waitUntil(agreed, timeout=WAIT_MS)
        except WaitTimeout:
            on_screen, pos, label = seen[-1]
            at = f"{format_clock(frame_start_ms(on_screen, self.fps))}" if on_screen else "?"
            wanted = (
                ""
                if frame is None
                else f" {frame} ({format_clock(frame_start_ms(frame, self.fps))})"
            )
            raise AssertionError(
                f"after {step} (steps: {', '.join(self.log)}): wanted frame{wanted} with "
                f"the label and position saying it; the screen showed frame {on_screen} "
                f"({at}), the position was {format_clock(pos)}, the label said {label!r}"
            ) from None
        self.log.append(step)
        return seen[-1][0]  # type: ignore[return-value]

    def _label(self) -> str:
        self.window.player_view.time_label.repaint()
        return self.window.player_view.time_text()

    def frame(self) -> int:
        return frame_at(self.position(), self.fps)

    def clip(self, clip_id: str):
        return self.window.store.get(clip_id)

    def press_in(self, clip_id: str) -> None:
        """I stores the frame on screen as the selected clip's in point."""
        shown = _screen_frame(self.window)
        self.key(Qt.Key.Key_I)
        start = self.clip(clip_id).start_ms
        assert start == frame_start_ms(shown, self.fps) == self.position(), (
            f"after {self.log[-1]}: I stored {format_clock(start)}, the screen showed frame "
            f"{shown}, the position was {format_clock(self.position())}"
        )


@pytest.fixture()
def truth(qtbot, tmp_path, monkeypatch, coded) -> Truth:
    path, fps = coded
    window = open_with_libvlc(qtbot, tmp_path, monkeypatch, DOCUMENT, path)
    window.raise_()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    window.clip_panel.table.setFocus()
    assert window.editing.session.timebase.fps == pytest.approx(fps, abs=1e-6)
    return Truth(window, qtbot, fps)


def _click_clip(truth: Truth, clip_id: str) -> None:
    table = truth.window.clip_panel.table
    row = truth.window.clip_panel.proxy.row_of(clip_id)
    rect = table.visualRect(truth.window.clip_panel.proxy.index(row, int(Column.TITLE)))
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_seeks_and_steps_show_and_store_the_same_frame(truth: Truth) -> None:
    t, fps = truth, truth.fps
    window = t.window
    clip = "highlight-1"
    _click_clip(t, clip)
    t.settle("clip click", frame_at(2_130, fps))  # 2.130 s is inside a frame, not its start
    t.press_in(clip)
    moves = [
        ("Right", Qt.Key.Key_Right, lambda f: frame_at(frame_start_ms(f, fps) + 5_000, fps)),
        ("Right", Qt.Key.Key_Right, lambda f: frame_at(frame_start_ms(f, fps) + 5_000, fps)),
        (".", Qt.Key.Key_Period, lambda f: f + 1),
        (".", Qt.Key.Key_Period, lambda f: f + 1),
        (",", Qt.Key.Key_Comma, lambda f: f - 1),
        ("Left", Qt.Key.Key_Left, lambda f: frame_at(frame_start_ms(f, fps) - 5_000, fps)),
    ]
    for name, key, expected in moves:
        before = t.frame()
        t.key(key)
        t.settle(name, expected(before))
        t.press_in(clip)

    # A click on the timeline's ruler seeks to the time under the mouse.
    timeline = t.session.timeline
    asked: list[int] = []
    timeline.seek_requested.connect(asked.append)
    QTest.mouseClick(timeline, Qt.MouseButton.LeftButton, pos=QPoint(timeline.width() * 3 // 5, 8))
    assert asked
    t.settle("timeline click", frame_at(asked[-1], fps))
    t.press_in(clip)

    # A click on a transcript line seeks to its start.
    view = window.transcript
    view.scroll_to_line(1)
    QTest.mouseClick(
        view.text.viewport(), Qt.MouseButton.LeftButton, pos=view.line_rect(1).center()
    )
    t.settle("transcript click", frame_at(18_000, fps))
    t.press_in(clip)

    # A typed in point is stored on the frame grid; Shift+I shows that frame.
    table = window.clip_panel.table
    index = window.clip_panel.proxy.index(window.clip_panel.proxy.row_of(clip), int(Column.START))
    table.setFocus()
    table.setCurrentIndex(index)
    table.edit(index)
    t.qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), TimeSpinBox))
    editor = QApplication.focusWidget()
    editor.selectAll()
    QTest.keyClicks(editor, "0:03.113")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    t.qtbot.waitUntil(lambda: table.state() != QAbstractItemView.State.EditingState)
    typed = frame_at(3_113, fps)
    assert t.clip(clip).start_ms == frame_start_ms(typed, fps)
    table.setFocus()
    t.key(Qt.Key.Key_I, Qt.KeyboardModifier.ShiftModifier)
    t.settle("typed 0:03.113, Shift+I", typed)
    t.press_in(clip)

    # Dragging the in handle shows the frame under it and stores that frame.
    timeline.setZoom(20.0, 0)  # 20 ms a pixel: a pixel is about a frame
    timeline.setViewStart(frame_start_ms(typed, fps) - 2_000)
    band = timeline.band_rect(clip)
    grab = QPointF(band.left(), band.center().y()).toPoint()
    QTest.mousePress(timeline, Qt.MouseButton.LeftButton, pos=grab)
    for dx in (7, 19, 33):
        QTest.mouseMove(timeline, grab + QPoint(dx, 0))
        QApplication.processEvents()
    QTest.mouseRelease(timeline, Qt.MouseButton.LeftButton, pos=grab + QPoint(33, 0))
    dragged = t.clip(clip).start_ms
    assert dragged == frame_start_ms(frame_at(dragged, fps), fps)  # on the grid
    t.settle("handle drag", frame_at(dragged, fps))
    assert t.position() == dragged

    # O, S and N store the frame on screen too.
    table.setFocus()
    t.key(Qt.Key.Key_Right)
    t.settle("Right", frame_at(dragged + 5_000, fps))
    t.key(Qt.Key.Key_O)
    assert t.clip(clip).end_ms == t.position()
    t.key(Qt.Key.Key_Comma)
    t.key(Qt.Key.Key_Comma)
    t.settle(", ,", frame_at(dragged + 5_000, fps) - 2)
    t.key(Qt.Key.Key_S)
    assert t.clip(clip).end_ms == t.position()
    t.key(Qt.Key.Key_N)
    added = window.sync.selected_clip()
    assert added is not None and added.id != clip
    assert added.start_ms == t.position() == frame_start_ms(_screen_frame(window), fps)
    assert added.end_ms == frame_start_ms(frame_at(added.end_ms, fps), fps)


def test_play_clip_stops_on_its_last_frame(truth: Truth) -> None:
    t, fps = truth, truth.fps
    player = t.window.player
    _click_clip(t, "highlight-2")
    t.settle("clip click", frame_at(30_130, fps))
    end = t.clip("highlight-2").end_ms
    last = last_frame_before(end, fps)
    with t.qtbot.waitSignal(player.range_finished, timeout=WAIT_MS):
        t.key(Qt.Key.Key_P)
    t.qtbot.waitUntil(lambda: player.state is PlayerState.PAUSED, timeout=WAIT_MS)
    shown = t.settle("Play clip", None)  # the picture, the label and the position agree
    assert abs(shown - last) <= 1, f"Play clip stopped on frame {shown}, its last is {last}"
