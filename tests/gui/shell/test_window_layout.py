"""The window at half of a 1920 screen (960x600) and at 1600x1000: everything fits,
nothing in the status bar overlaps, the titles keep room, column choices come back."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QWidget
from tests.support.review_window import make_window

from clipdesk.ui.player.fake_backend import FakePlayerBackend
from clipdesk.ui.resources import example_document
from clipdesk.ui.review.clip_table_model import Column
from clipdesk.ui.shell.main_window import MainWindow

pytestmark = [
    pytest.mark.xvfb,
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]


@pytest.fixture(autouse=True)
def _private_config(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("CLIPDESK_CONFIG_DIR", str(tmp_path / "config"))


def _shown(qtbot, tmp_path: Path, width: int, height: int) -> MainWindow:
    doc = tmp_path / "notes.md"
    if not doc.exists():
        shutil.copy(example_document(), doc)
    window = make_window(qtbot, tmp_path, FakePlayerBackend(length_ms=180_000))
    assert window.open_document(doc)
    window.resize(width, height)
    with qtbot.waitExposed(window):
        window.show()
    # A narrow window makes the player compact, which lowers the minimum width.
    qtbot.waitUntil(lambda: window.minimumWidth() <= width)
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width and window.height() == height)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def _rect_in(widget: QWidget, ancestor: QWidget) -> QRect:
    return QRect(widget.mapTo(ancestor, widget.rect().topLeft()), widget.size())


def _status_fields(window: MainWindow) -> list[QWidget]:
    bar = window.statusBar()
    return [
        w
        for w in bar.findChildren(QWidget)
        if w.parent() is bar and w.isVisible() and type(w).__name__ != "QSizeGrip"
    ]


def _check_status_bar(window: MainWindow) -> None:
    bar = window.statusBar()
    fields = _status_fields(window)
    assert len(fields) >= 3
    for w in fields:
        assert bar.rect().contains(_rect_in(w, bar)), (w, _rect_in(w, bar))
    for a in fields:
        for b in fields:
            if a is not b:
                assert not _rect_in(a, bar).intersects(_rect_in(b, bar)), (a, b)


@pytest.mark.parametrize("size", [(960, 600), (1600, 1000)], ids=["960x600", "1600x1000"])
def test_the_window_fits_and_the_status_bar_never_overlaps(qtbot, tmp_path, size) -> None:
    window = _shown(qtbot, tmp_path, *size)
    assert window.player_view.compact is (size[0] < window.COMPACT_WIDTH)
    central = window.centralWidget()
    for part in (window.clip_panel, window.player_view, window.details):
        assert central.rect().contains(_rect_in(part, central)), part
    table = window.clip_panel.table
    # The titles keep room, once the layout has settled at the new size.
    qtbot.waitUntil(lambda: table.columnWidth(Column.TITLE) >= 150, timeout=2_000)
    assert table.horizontalScrollBar().maximum() == 0  # and nothing is cut off the side
    if size[0] < window.COMPACT_WIDTH:
        assert window.main_split.sizes()[2] == 0  # the transcript folded away
        window.focus_transcript()
        assert window.main_split.sizes()[2] > 0
        qtbot.waitUntil(window.transcript.text.hasFocus)
    _check_status_bar(window)
    before = [_rect_in(w, window.statusBar()) for w in _status_fields(window)[1:]]
    window.status_doc.show_temporary("A long temporary message " * 20)
    _check_status_bar(window)
    after = [_rect_in(w, window.statusBar()) for w in _status_fields(window)[1:]]
    assert after == before  # a temporary message moves none of the permanent fields
    assert window.status_doc.text().endswith("…")


def test_column_choices_come_back(qtbot, tmp_path) -> None:
    window = _shown(qtbot, tmp_path, 1600, 1000)
    panel = window.clip_panel
    panel.set_column_visible(Column.DURATION, True)
    panel.set_column_visible(Column.KIND, False)
    window.close()
    again = _shown(qtbot, tmp_path, 1600, 1000)
    table = again.clip_panel.table
    assert not table.isColumnHidden(Column.DURATION)
    assert table.isColumnHidden(Column.KIND)


def test_the_pause_status_of_a_bound_never_widens_the_window(qtbot, tmp_path) -> None:
    """With media analysed, the details panel says where each bound sits against the
    pauses; those lines wrap rather than push the window past half a 1920 screen."""
    window = _shown(qtbot, tmp_path, 960, 600)
    window.details.set_pause_status(
        "In: in a pause, no pause near enough to snap to\n"
        "Out: in speech, a snap would move it -340 ms"
    )
    qtbot.waitUntil(lambda: window.details.pause_status.isVisible())
    # Unwrapped, the two lines alone asked for about 300 px of the list's side.
    assert window.details.minimumSizeHint().width() < 150
    assert window.minimumSizeHint().width() <= 960
