"""One colour per kind everywhere: the list's Kind column and the timeline's lanes paint
a kind in the theme's colour for it (the timeline once reversed the list's colours)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from tests.support.review_window import make_window

from clipdesk.core.episode import ClipKind
from clipdesk.ui.common.theme import kind_colour
from clipdesk.ui.player.backend import PlaybackSource
from clipdesk.ui.player.fake_backend import FakePlayerBackend
from clipdesk.ui.resources import example_document
from clipdesk.ui.review.clip_table_model import Column

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def _close(a: QColor, b: QColor, tolerance: int = 12) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a.getRgb()[:3], b.getRgb()[:3], strict=True))


def test_every_view_paints_a_kind_in_its_theme_colour(qtbot, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CLIPDESK_CONFIG_DIR", str(tmp_path / "config"))
    doc = tmp_path / "notes.md"
    shutil.copy(example_document(), doc)
    window = make_window(qtbot, tmp_path, FakePlayerBackend(length_ms=180_000))
    assert window.open_document(doc)
    window.player.open(PlaybackSource("fake://demo"))
    window.resize(1600, 1000)
    with qtbot.waitExposed(window):
        window.show()
    qtbot.waitUntil(lambda: window.player.length == 180_000)
    session = window.editing.session
    assert session is not None and window.store is not None
    timeline = session.timeline
    timeline.setSelectedClip(None)
    timeline.zoomToFit()
    picture = timeline.grab().toImage()
    model = window.clip_panel.model
    assert model is not None
    seen = set()
    for clip in window.store:
        want = kind_colour(clip.kind)
        listed = model.index(model.row_of(clip.id), Column.KIND).data(
            Qt.ItemDataRole.ForegroundRole
        )
        assert listed.color() == want, clip.id
        band = timeline.band_rect(clip.id)
        assert band is not None
        at = QPoint(int(band.center().x()), int(band.bottom()) - 2)
        painted = picture.pixelColor(at)
        assert _close(painted, want), (clip.id, painted.name(), want.name())
        seen.add(clip.kind)
    assert seen == {ClipKind.HIGHLIGHT, ClipKind.KEY_POINT}
