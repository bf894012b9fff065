"""An uncaught exception in a slot or on a worker thread: the project file is written
first, then a dialog with the details shows and the window keeps running."""

from __future__ import annotations

import shutil
import threading

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from tests.support.review_window import make_window

from clipdesk.core.episode import ReviewStatus
from clipdesk.ui.player.fake_backend import FakePlayerBackend
from clipdesk.ui.resources import example_document

# Our hook, not pytest-qt's, must see the exceptions.
pytestmark = pytest.mark.qt_no_exception_capture


@pytest.fixture()
def window(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("CLIPDESK_CONFIG_DIR", str(tmp_path / "config"))
    w = make_window(qtbot, tmp_path, FakePlayerBackend(length_ms=60_000))
    doc = tmp_path / "episode.md"
    shutil.copy(example_document(), doc)
    assert w.open_document(doc)
    w.crash_guard.install()
    yield w
    w.crash_guard.uninstall()


def _approve_first_clip(window) -> str:
    clip = window.episode.clips[0]
    assert window.sync.select_clip(clip.id)
    session = window.editing.session
    assert session.editor.set_review(clip.id, ReviewStatus.APPROVED)
    return clip.id


def _review_on_disk(window, clip_id: str) -> str | None:
    text = window.doc.project.path.read_text() if window.doc.project.path.exists() else ""
    return "approved" if "approved" in text and clip_id in text else None


def test_an_exception_in_a_slot_saves_the_project_then_shows_the_details(
    window, qtbot, artifacts_dir
) -> None:
    clip_id = _approve_first_clip(window)
    # Autosave waits for a pause in editing: the project file does not have it yet.
    assert _review_on_disk(window, clip_id) is None

    def broken_slot() -> None:
        raise RuntimeError("a defect in a slot <b>")

    QTimer.singleShot(0, broken_slot)
    qtbot.waitUntil(lambda: bool(window.crash_guard.dialogs))
    dialog = window.crash_guard.dialogs[0]
    assert dialog.isVisible() and not dialog.isModal()
    assert _review_on_disk(window, clip_id) == "approved"
    project_path = window.doc.project.path
    assert str(project_path) in dialog.saved.text()
    assert "RuntimeError: a defect in a slot <b>" in dialog.details.toPlainText()
    assert "a defect in a slot &lt;b&gt;" in dialog.summary.text()  # shown, not markup
    assert "broken_slot" in dialog.details.toPlainText()  # the traceback
    dialog.copy.click()
    assert "a defect in a slot" in QGuiApplication.clipboard().text()
    assert dialog.grab().save(str(artifacts_dir / "crash_dialog.png"))
    # The window still works.
    store_before = window.store
    assert window.sync.select_clip(window.episode.clips[1].id)
    assert window.store is store_before


def test_an_exception_on_a_worker_thread_is_reported_on_the_gui_thread(window, qtbot) -> None:
    clip_id = _approve_first_clip(window)

    def worker() -> None:
        raise ValueError("a defect on a worker")

    thread = threading.Thread(target=worker, name="worker")
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: bool(window.crash_guard.dialogs))
    dialog = window.crash_guard.dialogs[0]
    assert "ValueError: a defect on a worker" in dialog.details.toPlainText()
    assert _review_on_disk(window, clip_id) == "approved"


def test_a_project_file_that_cannot_be_written_is_said_in_the_dialog(
    window, qtbot, monkeypatch
) -> None:
    _approve_first_clip(window)
    project = window.doc.project

    def full_disk(data=None):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(project, "save", full_disk)

    def broken_slot() -> None:
        raise KeyError("a defect")

    QTimer.singleShot(0, broken_slot)
    qtbot.waitUntil(lambda: bool(window.crash_guard.dialogs))
    text = window.crash_guard.dialogs[0].saved.text()
    assert "could not be saved" in text and str(project.path) in text
    # The disk has room again: the window closes without unsaved edits to ask about.
    monkeypatch.undo()
    assert window.doc.save_project_now() == project.path
