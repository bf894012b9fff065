"""Two windows on one document, and a document in a folder that cannot be written:
no edits are lost in silence (real windows, real files, a real read-only folder)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.support.demo_notes import show_notes
from tests.support.read_only import immutable
from tests.support.review_window import make_window

from clipdesk.core.project_file import fallback_project_path, project_path, read_project
from clipdesk.ui.common import messages
from clipdesk.ui.editing.document_editing import READ_ONLY_MARK
from clipdesk.ui.player.fake_backend import FakePlayerBackend
from clipdesk.ui.shell.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
CLIP = "highlight-1"


def _window(qtbot, folder: Path, doc: Path) -> MainWindow:
    window = make_window(qtbot, folder, FakePlayerBackend(length_ms=60_000))
    window.resize(1200, 800)
    assert window.open_document(doc)
    with qtbot.waitExposed(window):
        window.show()
    return window


def _note(window: MainWindow, text: str) -> None:
    session = window.editing.session
    assert session is not None
    session.editor.set_note(CLIP, text)


def test_second_window_is_read_only_and_loses_nothing(
    qtbot, tmp_path: Path, artifacts_dir: Path
) -> None:
    doc = show_notes(tmp_path, "https://example.com/v.mp4")
    first = _window(qtbot, tmp_path / "a", doc)
    _note(first, "from the first window")
    first.editing.session.autosaver.flush()
    first.editing.session.autosaver.wait()
    second = _window(qtbot, tmp_path / "b", doc)
    assert second.editing.session.project.read_only
    banner = second.editing.read_only_banner
    assert banner.isVisible() and "Read-only" in banner.text() and "is open in" in banner.text()
    assert second.windowTitle().endswith(READ_ONLY_MARK)
    assert not first.editing.read_only_banner.isVisible()
    second.grab().save(str(artifacts_dir / "read-only-second-window.png"))
    _note(second, "from the second window")
    qtbot.wait(50)  # let the second window's autosave timers have a chance (they must not write)
    asked: list[str] = []
    second.editing.confirm_discard = lambda text: asked.append(text) or False
    second.close()
    assert second.isVisible() and "are not saved" in asked[0]  # kept open: the user said no
    second.editing.confirm_discard = lambda text: True
    second.close()
    assert not second.isVisible()
    _note(first, "first, later")
    first.close()
    assert read_project(project_path(doc))["clips"][CLIP]["note"] == "first, later"


def test_read_only_document_folder_saves_in_the_data_folder(
    qtbot, tmp_path: Path, monkeypatch
) -> None:
    data = tmp_path / "data"
    monkeypatch.setenv("CLIPDESK_DATA_DIR", str(data))
    folder = tmp_path / "shared-notes"
    folder.mkdir()
    doc = show_notes(folder, "https://example.com/v.mp4")
    fallback = fallback_project_path(doc, data / "projects")
    with immutable(folder):
        window = _window(qtbot, tmp_path / "w", doc)
        texts = [m.text for m in messages.bus().history]
        assert any(f"its edits are saved in {fallback}" in t for t in texts), texts
        assert not window.editing.read_only_banner.isVisible()
        _note(window, "kept although the folder is read-only")
        asked: list[str] = []
        window.editing.confirm_discard = lambda text: asked.append(text) or True
        window.close()
        assert asked == []  # saved: nothing to ask
        assert not project_path(doc).exists()
        assert read_project(fallback)["clips"][CLIP]["note"] == (
            "kept although the folder is read-only"
        )
        again = _window(qtbot, tmp_path / "w2", doc)
        assert again.store.get(CLIP).note == "kept although the folder is read-only"
        again.close()


def test_closing_asks_when_nothing_can_be_written(qtbot, tmp_path: Path, monkeypatch) -> None:
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setenv("CLIPDESK_DATA_DIR", str(data))
    folder = tmp_path / "shared-notes"
    folder.mkdir()
    doc = show_notes(folder, "https://example.com/v.mp4")
    with immutable(folder), immutable(data):
        window = _window(qtbot, tmp_path / "w", doc)
        assert window.editing.read_only_banner.isVisible()
        _note(window, "cannot be kept")
        asked: list[str] = []
        window.editing.confirm_discard = lambda text: asked.append(text) or True
        window.close()
        assert len(asked) == 1 and "not saved" in asked[0]
