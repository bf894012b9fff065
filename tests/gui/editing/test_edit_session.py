"""The editing parts wired into the real review window, the way it hosts them: open a
document, edit with keys and the timeline, close, reopen: everything is restored."""

from __future__ import annotations

import shutil
from pathlib import Path

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


def test_edit_close_reopen_restores(
    qtbot, tmp_path: Path, seeds_dir: Path, artifacts_dir: Path
) -> None:
    doc = tmp_path / "episode.md"
    shutil.copy(seeds_dir / "000_6bff21266dae52fe.txt", doc)
    window = MainWindow(None, "No player in this test.", settings=Settings(tmp_path / "s.ini"))
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    session = open_with_session(qtbot, window, doc)
    store = window.store
    assert store is not None
    first = store[0]
    window.sync.select_clip(first.id)
    window.clip_panel.table.setFocus()
    window.player.seek(first.start_ms + 2_000)
    qtbot.keyClick(window.clip_panel.table, Qt.Key.Key_I)
    qtbot.keyClick(window.clip_panel.table, Qt.Key.Key_A)
    for _ in range(3):
        qtbot.keyClick(window.clip_panel.table, Qt.Key.Key_Period, Qt.KeyboardModifier.AltModifier)
    assert first.start_ms == first.orig_start_ms + 2_000 + 120
    assert first.review is ReviewStatus.APPROVED
    assert session.stack.count() == 3  # set in, approve, nudges (merged)
    # A refused edit reaches the message bus.
    window.player.seek((first.end_ms or 0) + 5_000)
    qtbot.keyClick(window.clip_panel.table, Qt.Key.Key_I)
    assert "must be before the out point" in messages.bus().history[-1].text
    with qtbot.waitSignal(session.autosaver.saved, timeout=3_000):
        session.offset_edit.setText("+0:00:01.500")
        session.offset_edit.commit()
    assert read_project(project_path(doc))["offset_ms"] == 1_500

    window.player.seek(first.start_ms + 1_000)
    session.timeline.setPlayhead(window.player.position())
    session.timeline.setSelectedClip(first.id)
    window.resize(1400, 800)
    tl = session.timeline
    qtbot.waitUntil(lambda: tl.isVisible() and tl.height() >= tl.minimumHeight())
    assert tl.lane_rect(2).bottom() < tl.height() - 14  # three lanes, all in view
    window.grab().save(str(artifacts_dir / "edit-session-window.png"))
    edited = (first.id, first.start_ms, first.review)
    assert window.editing.close()
    shortcuts = [s.toString() for a in window.actions() for s in a.shortcuts()]
    assert "I" not in shortcuts and "Ctrl+Z" not in shortcuts  # the session's actions are gone
    window.player.seek(first.start_ms + 100)
    qtbot.keyClick(window.clip_panel.table, Qt.Key.Key_I)  # nothing listens any more
    assert first.start_ms == edited[1]

    # Reopen: a fresh read of the document, the project file restores the edits.
    session = open_with_session(qtbot, window, doc)
    again = window.store.get(edited[0])  # type: ignore[union-attr]
    assert (again.id, again.start_ms, again.review) == edited
    assert session.timebase.offset_ms == 1_500 and session.load_result.loaded
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    shortcuts = [s.toString() for a in window.findChildren(QAction) for s in a.shortcuts()]
    assert shortcuts.count("I") == 1 and shortcuts.count("Ctrl+Z") == 1
    session.close()
