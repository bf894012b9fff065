"""The timeline: drags on handles (undoable, merged, snapped, clamped), click to seek
and select, Ctrl+wheel zoom around the cursor, scrolling, the playhead."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QUndoStack, QWheelEvent
from PySide6.QtWidgets import QApplication
from tests.support.episodes import build_episode

from clipdesk.core.bounds import Bound, Timebase
from clipdesk.core.clip_store import ClipStore
from clipdesk.core.episode import (
    Clip,
    ClipKind,
    ReviewStatus,
    TranscriptLine,
)
from clipdesk.ui.editing.timeline import RULER_H, Timeline
from clipdesk.ui.editing.undo_commands import ClipEditor


@pytest.fixture()
def timeline(qtbot) -> Timeline:
    clips = [
        Clip("hl-1", ClipKind.HIGHLIGHT, "Opening", 10_000, 20_000, line=1),
        Clip("kp-1", ClipKind.KEY_POINT, "Point", 15_000, 28_000, line=2),
        Clip("hl-2", ClipKind.HIGHLIGHT, "Later", 40_000, 50_000, line=3),
        Clip("seg-1", ClipKind.SEGMENT, "Open end", 52_000, None, line=4),
    ]
    transcript = [TranscriptLine(t, f"line at {t}") for t in (0, 7_300, 23_450, 36_000)]
    episode = build_episode(clips, transcript)
    editor = ClipEditor(ClipStore(episode), QUndoStack(), Timebase(duration_ms=60_000, fps=25))
    widget = Timeline(editor)
    qtbot.addWidget(widget)
    widget.resize(1000, widget.sizeHint().height())
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def edge(tl: Timeline, clip_id: str, bound: Bound) -> QPoint:
    rect = tl.band_rect(clip_id)
    assert rect is not None
    x = rect.left() + 1 if bound is Bound.START else rect.right() - 1
    return QPoint(round(x), round(rect.center().y()))


def drag(qtbot, tl: Timeline, start: QPoint, xs: list[float], shift: bool = False) -> None:
    mods = Qt.KeyboardModifier.ShiftModifier if shift else Qt.KeyboardModifier.NoModifier
    qtbot.mousePress(tl, Qt.MouseButton.LeftButton, mods, start)
    for x in xs:
        qtbot.mouseMove(tl, QPoint(round(x), start.y()))
        if shift:  # QTest.mouseMove carries no modifiers: send them as a real move would
            from PySide6.QtGui import QMouseEvent

            pos = QPointF(round(x), start.y())
            ev = QMouseEvent(
                QMouseEvent.Type.MouseMove,
                pos,
                tl.mapToGlobal(pos),
                Qt.MouseButton.NoButton,
                Qt.MouseButton.LeftButton,
                mods,
            )
            QApplication.sendEvent(tl, ev)
    qtbot.mouseRelease(tl, Qt.MouseButton.LeftButton, mods, QPoint(round(xs[-1]), start.y()))


def test_drag_handle_is_one_undo_step(qtbot, timeline: Timeline) -> None:
    tl = timeline
    stack = tl.editor.stack
    start = edge(tl, "hl-1", Bound.START)
    tl.setSnapping(False)
    with qtbot.waitSignal(tl.clip_selected) as blocker:
        drag(qtbot, tl, start, [tl.x_for(9_000), tl.x_for(8_000), tl.x_for(6_000)])
    assert blocker.args == ["hl-1"] and tl.selectedClip() == "hl-1"
    clip = tl.store.get("hl-1")
    assert abs(clip.start_ms - 6_000) <= tl.msPerPixel() and clip.end_ms == 20_000
    assert stack.count() == 1 and stack.undoText() == "Drag clip bound"
    stack.undo()
    assert (clip.start_ms, clip.end_ms) == (10_000, 20_000)
    stack.redo()
    assert abs(clip.start_ms - 6_000) <= tl.msPerPixel()


def test_drag_end_snaps_to_transcript_and_shift_frees(qtbot, timeline: Timeline) -> None:
    tl = timeline
    tl.setZoom(20)  # 20 ms per pixel: snapping within 160 ms
    tl.setViewStart(18_000)
    clip = tl.store.get("hl-1")
    drag(qtbot, tl, edge(tl, "hl-1", Bound.END), [tl.x_for(23_000), tl.x_for(23_400)])
    assert clip.end_ms == 23_440  # the start of the frame the transcript line starts in
    drag(qtbot, tl, edge(tl, "hl-1", Bound.END), [tl.x_for(23_380)], shift=True)
    assert abs(clip.end_ms - 23_380) <= 20
    # Snaps to another clip's bound too.
    drag(qtbot, tl, edge(tl, "hl-1", Bound.END), [tl.x_for(27_950)])
    assert clip.end_ms == 28_000
    assert tl.editor.stack.count() == 3


def test_drag_cannot_cross_the_other_bound(qtbot, timeline: Timeline) -> None:
    tl = timeline
    tl.setSnapping(False)
    drag(qtbot, tl, edge(tl, "hl-2", Bound.START), [tl.x_for(55_000), tl.x_for(70_000)])
    clip = tl.store.get("hl-2")
    assert clip.start_ms == 50_000 - 40  # one frame before the out point
    drag(qtbot, tl, edge(tl, "hl-2", Bound.END), [tl.width() + 50])
    assert clip.end_ms == 60_000  # the end of the media


def test_click_ruler_seeks_and_band_selects(qtbot, timeline: Timeline) -> None:
    tl = timeline
    x = round(tl.x_for(33_000))
    with qtbot.waitSignal(tl.seek_requested) as blocker:
        qtbot.mouseClick(tl, Qt.MouseButton.LeftButton, pos=QPoint(x, RULER_H // 2))
    assert abs(blocker.args[0] - 33_000) <= tl.msPerPixel()
    rect = tl.band_rect("hl-2")
    assert rect is not None
    with qtbot.waitSignal(tl.clip_selected) as blocker:
        qtbot.mouseClick(tl, Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    assert blocker.args == ["hl-2"]
    with qtbot.waitSignal(tl.seek_requested) as blocker:
        qtbot.mouseDClick(tl, Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    assert blocker.args == [40_000]
    assert tl.editor.stack.count() == 0


def wheel(tl: Timeline, x: int, steps: int, ctrl: bool) -> None:
    pos = QPointF(x, 40)
    mods = Qt.KeyboardModifier.ControlModifier if ctrl else Qt.KeyboardModifier.NoModifier
    ev = QWheelEvent(
        pos,
        tl.mapToGlobal(pos),
        QPoint(0, 0),
        QPoint(0, 120 * steps),
        Qt.MouseButton.NoButton,
        mods,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(tl, ev)


def test_ctrl_wheel_zooms_around_the_cursor(qtbot, timeline: Timeline) -> None:
    tl = timeline
    fitted = tl.msPerPixel()
    assert fitted == pytest.approx(60_000 / tl.width())
    x = 700
    under = tl.ms_at(x)
    wheel(tl, x, 3, ctrl=True)
    assert tl.msPerPixel() == pytest.approx(fitted / 1.25**3)
    assert tl.ms_at(x) == pytest.approx(under, abs=1)
    wheel(tl, x, 30, ctrl=True)
    assert tl.msPerPixel() == 0.5  # the closest zoom
    wheel(tl, x, -60, ctrl=True)
    assert tl.msPerPixel() == pytest.approx(fitted) and tl.viewStart() == 0


def test_wheel_scrolls_and_playhead_is_followed(qtbot, timeline: Timeline) -> None:
    tl = timeline
    tl.setZoom(10)  # 10 s visible
    tl.setViewStart(0)
    wheel(tl, 500, -2, ctrl=False)
    assert tl.viewStart() > 0
    assert tl.scroll_bar.value() == int(tl.viewStart())
    tl.scroll_bar.setValue(30_000)
    assert tl.viewStart() == 30_000
    tl.setPlayhead(55_000)  # out of view: the view follows
    assert tl.viewStart() <= 55_000 <= tl.viewStart() + tl.width() * tl.msPerPixel()
    tl.setSelectedClip("hl-1")  # brings the selected clip into view
    rect = tl.band_rect("hl-1")
    assert rect is not None and 0 <= rect.left() <= tl.width()


def test_bands_follow_undo_and_offset(qtbot, timeline: Timeline) -> None:
    tl = timeline
    before = tl.band_rect("hl-1")
    tl.editor.set_bounds("hl-1", 12_000, 20_000)
    after = tl.band_rect("hl-1")
    assert before is not None and after is not None and after.left() > before.left()
    tl.editor.stack.undo()
    assert tl.band_rect("hl-1") == before
    tl.editor.set_offset(5_000)  # the document plays 5 s later in the media
    moved = tl.band_rect("hl-1")
    assert moved is not None
    assert moved.left() == pytest.approx(tl.x_for(15_000))


def test_screenshots(qtbot, timeline: Timeline, artifacts_dir: Path) -> None:
    tl = timeline
    tl.editor.set_review("hl-1", ReviewStatus.APPROVED)
    tl.editor.set_review("hl-2", ReviewStatus.REJECTED)
    tl.setSelectedClip("kp-1")
    tl.setPlayhead(21_300)
    shots = {"timeline-fit": tl.grab()}
    tl.setZoom(15, tl.x_for(21_300))
    shots["timeline-zoomed"] = tl.grab()
    for name, pixmap in shots.items():
        assert not pixmap.isNull() and pixmap.width() == tl.width()
        pixmap.save(str(artifacts_dir / f"{name}.png"))
    # The playhead is drawn in red where it should be, and nowhere else in the row.
    image = shots["timeline-zoomed"].toImage()
    y = round(1.5 * RULER_H)

    def red(x: int) -> bool:
        c = image.pixelColor(x, y)
        return c.red() > 200 and c.green() < 120 and c.blue() < 120

    reds = [x for x in range(image.width()) if red(x)]
    assert reds and all(abs(x - tl.x_for(21_300)) <= 2 for x in reds)
