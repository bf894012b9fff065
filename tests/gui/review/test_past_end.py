"""Clips past the end of the attached media are marked in the list as soon as the
media's length is known, and a refused edit names the bound that was edited."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from tests.support.review_window import make_window

from clipdesk.ui.common import messages
from clipdesk.ui.common.theme import PAST_END
from clipdesk.ui.player.backend import PlaybackSource
from clipdesk.ui.player.fake_backend import FakePlayerBackend
from clipdesk.ui.resources import example_document
from clipdesk.ui.review.clip_table_model import Column

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def test_a_clip_past_the_media_is_marked_once_its_length_is_known(
    qtbot, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("CLIPDESK_CONFIG_DIR", str(tmp_path / "config"))
    doc = tmp_path / "notes.md"
    text = example_document().read_text(encoding="utf-8")
    doc.write_text(text.replace("*2:10-2:45", "*2:10-3:45"), encoding="utf-8")
    backend = FakePlayerBackend(length_ms=180_000)
    window = make_window(qtbot, tmp_path, backend)
    assert window.open_document(doc, str(tmp_path / "none.mp4"))
    model = window.clip_panel.model
    assert model is not None
    row = model.row_of("highlight-3")

    def end_colour():
        return model.index(row, Column.END).data(Qt.ItemDataRole.ForegroundRole)

    window.player.open(PlaybackSource("fake://demo"))  # the media's length becomes known
    qtbot.waitUntil(lambda: end_colour() is not None)
    assert end_colour().color() == PAST_END
    assert "past the end of the media (0:03:00" in model.index(row, Column.TITLE).data(
        Qt.ItemDataRole.ToolTipRole
    )
    assert model.index(row, Column.TITLE).data(Qt.ItemDataRole.DecorationRole) is not None
    other = model.row_of("highlight-2")
    assert model.index(other, Column.END).data(Qt.ItemDataRole.ForegroundRole) is None

    # Moving the in point of that clip is refused because of its out point: it says so.
    session = window.editing.session
    assert session is not None
    assert not session.editor.set_start("highlight-3", 131_000)
    last = messages.bus().history[-1].text
    assert last.startswith("The in point 0:02:11.000 was not stored"), last
    assert "out point 0:03:45.000" in last
    # Moving its out point back inside the media clears the mark.
    assert session.editor.set_end("highlight-3", 170_000)
    assert model.index(row, Column.END).data(Qt.ItemDataRole.ForegroundRole) is None
