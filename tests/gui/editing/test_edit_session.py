"""The editing parts wired into the real review window, the way it hosts them: open a
document, edit with keys and the timeline, close, reopen: everything is restored.
One behaviour a test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication

from clipdesk.core.episode import ReviewStatus
from clipdesk.core.project_file import project_path, read_project
from clipdesk.ui.common import messages
from clipdesk.ui.common.settings import Settings
from clipdesk.ui.editing.edit_session import EditSession
from clipdesk.ui.shell.main_window import MainWindow


def open_with_session(qtbot, window: MainWindow, doc: Path) -> EditSession:
    """The window builds the document's EditSession when it opens it."""
    assert window.open_document(doc)
    assert window.store is not None and window.document == doc
    session = window.editing.session
    assert session is not None and session.timeline.parent() is not None
    return session


@pytest.fixture()
def document(tmp_path: Path, seeds_dir: Path) -> Path:
    doc = tmp_path / "episode.md"
    shutil.copy(seeds_dir / "000_6bff21266dae52fe.txt", doc)
    return doc


@pytest.fixture()
def window(qtbot, tmp_path: Path, document: Path) -> MainWindow:
    """A shown, active window on the show-notes seed, its first clip selected."""
    window = MainWindow(None, "No player in this test.", settings=Settings(tmp_path / "s.ini"))
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    open_with_session(qtbot, window, document)
    assert window.store is not None
    window.sync.select_clip(window.store[0].id)
    window.clip_panel.table.setFocus()
    return window


def _session(window: MainWindow) -> EditSession:
    session = window.editing.session
    assert session is not None
    return session


def _edit_first(qtbot, window: MainWindow):
    """Set in 2 s into the first clip, approve it, nudge it three frames."""
    first = window.store[0]  # type: ignore[index]
    window.player.seek(first.start_ms + 2_000)
    qtbot.keyClick(window.clip_panel.table, Qt.Key.Key_I)
    qtbot.keyClick(window.clip_panel.table, Qt.Key.Key_A)
    for _ in range(3):
        qtbot.keyClick(window.clip_panel.table, Qt.Key.Key_Period, Qt.KeyboardModifier.AltModifier)
    return first


def _shortcuts(actions) -> list[str]:
    return [s.toString() for a in actions for s in a.shortcuts()]


def test_keys_edit_the_selected_clip_one_undo_step_each(qtbot, window: MainWindow) -> None:
    first = _edit_first(qtbot, window)
    assert first.start_ms == first.orig_start_ms + 2_000 + 120
    assert first.review is ReviewStatus.APPROVED
    assert _session(window).stack.count() == 3  # set in, approve, nudges (merged)


def test_a_refused_edit_reaches_the_message_bus(qtbot, window: MainWindow) -> None:
    first = window.store[0]  # type: ignore[index]
    window.player.seek((first.end_ms or 0) + 5_000)
    qtbot.keyClick(window.clip_panel.table, Qt.Key.Key_I)
    assert "must be before the out point" in messages.bus().history[-1].text
    assert _session(window).stack.count() == 0


def test_the_offset_is_saved_in_the_project_file(qtbot, window: MainWindow, document: Path) -> None:
    session = _session(window)
    with qtbot.waitSignal(session.autosaver.saved, timeout=3_000):
        session.offset_edit.setText("+0:00:01.500")
        session.offset_edit.commit()
    assert read_project(project_path(document))["offset_ms"] == 1_500


def test_the_timeline_shows_every_lane_under_the_player(
    qtbot, window: MainWindow, artifacts_dir: Path
) -> None:
    first = window.store[0]  # type: ignore[index]
    tl = _session(window).timeline
    window.player.seek(first.start_ms + 1_000)
    tl.setPlayhead(window.player.position())
    tl.setSelectedClip(first.id)
    window.resize(1400, 800)
    qtbot.waitUntil(lambda: tl.isVisible() and tl.height() >= tl.minimumHeight())
    assert tl.lane_rect(2).bottom() < tl.height() - 14  # three lanes, all in view
    window.grab().save(str(artifacts_dir / "edit-session-window.png"))


def test_closing_takes_the_editing_actions_away(qtbot, window: MainWindow) -> None:
    first = _edit_first(qtbot, window)
    edited = first.start_ms
    assert window.editing.close()
    shortcuts = _shortcuts(window.actions())
    assert "I" not in shortcuts and "Ctrl+Z" not in shortcuts
    window.player.seek(first.start_ms + 100)
    qtbot.keyClick(window.clip_panel.table, Qt.Key.Key_I)  # nothing listens any more
    assert first.start_ms == edited


def test_reopening_restores_edits_and_offset(qtbot, window: MainWindow, document: Path) -> None:
    first = _edit_first(qtbot, window)
    session = _session(window)
    session.offset_edit.setText("+0:00:01.500")
    session.offset_edit.commit()
    edited = (first.id, first.start_ms, first.review)
    assert window.editing.close()
    # A fresh read of the document: the project file restores the edits.
    session = open_with_session(qtbot, window, document)
    again = window.store.get(edited[0])  # type: ignore[union-attr]
    assert (again.id, again.start_ms, again.review) == edited
    assert session.timebase.offset_ms == 1_500 and session.load_result.loaded
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    shortcuts = _shortcuts(window.findChildren(QAction))
    assert shortcuts.count("I") == 1 and shortcuts.count("Ctrl+Z") == 1
