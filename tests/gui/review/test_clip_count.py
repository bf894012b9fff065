"""The clip count above the list says how many clips there are, and how many of them
are shown only while a filter hides some."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tests.support.review_window import make_window

from clipdesk.ui.player.fake_backend import FakePlayerBackend
from clipdesk.ui.resources import example_document

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def open_example(qtbot, tmp_path: Path, monkeypatch):  # type: ignore[no-untyped-def]
    """A window with a copy of the example open."""
    monkeypatch.setenv("CLIPDESK_CONFIG_DIR", str(tmp_path / "config"))
    doc = tmp_path / "notes.md"
    shutil.copy(example_document(), doc)
    window = make_window(qtbot, tmp_path, FakePlayerBackend(length_ms=180_000))
    assert window.open_document(doc)
    return window


def test_the_count_after_a_delete_without_a_filter(qtbot, tmp_path: Path, monkeypatch) -> None:
    window = open_example(qtbot, tmp_path, monkeypatch)
    panel = window.clip_panel
    total = len(window.store or [])
    assert panel.count_label.text() == f"{total} clips"
    title = window.store[0].title  # type: ignore[index]
    panel.filter_edit.setText(title)
    assert panel.count_label.text() == f"1 of {total}"
    panel.filter_edit.clear()
    assert panel.count_label.text() == f"{total} clips"
    assert window.sync.select_clip(window.store[0].id)  # type: ignore[index]
    actions = window.editing.session.actions.actions  # type: ignore[union-attr]
    actions["delete"].trigger()
    assert len(window.store or []) == total - 1
    assert panel.count_label.text() == f"{total - 1} clips"
    actions["undo"].trigger()
    assert panel.count_label.text() == f"{total} clips"


def test_a_filter_after_a_delete_and_its_undo(qtbot, tmp_path: Path, monkeypatch) -> None:
    """Deleting a clip and undoing it leaves the list whole: a filter then shows the
    clips it matches, and Qt reports no bad row change on the way."""
    window = open_example(qtbot, tmp_path, monkeypatch)
    panel = window.clip_panel
    store = window.store
    assert store is not None
    total = len(store)
    actions = window.editing.session.actions.actions  # type: ignore[union-attr]
    for filtered in (False, True):
        title = store[1].title
        if filtered:
            panel.filter_edit.setText(title)
        assert window.sync.select_clip(store[1].id)
        actions["delete"].trigger()
        assert len(store) == total - 1
        actions["undo"].trigger()
        assert len(store) == total
        panel.filter_edit.setText(title)
        assert panel.count_label.text() == f"1 of {total}"
        assert panel.proxy.rowCount() == 1
        shown = panel.proxy.mapToSource(panel.proxy.index(0, 0)).row()
        assert store[shown].title == title
        panel.filter_edit.clear()
        assert panel.proxy.rowCount() == total
