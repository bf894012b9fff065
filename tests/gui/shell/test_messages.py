"""Messages that do not vanish: every message of the document is kept, the banner shows
the newest one still pending with how many more wait, the status bar counts them, and
dismissing one shows the next."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tests.support.review_window import make_window

from clipdesk.core.reader import read_document
from clipdesk.ui.common import messages
from clipdesk.ui.common.messages import Level, Message
from clipdesk.ui.common.notifications import Notifications
from clipdesk.ui.player.fake_backend import FakePlayerBackend
from clipdesk.ui.resources import example_document
from clipdesk.ui.shell.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture(autouse=True)
def _private_config(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("CLIPDESK_CONFIG_DIR", str(tmp_path / "config"))


def _window(qtbot, tmp_path: Path) -> MainWindow:
    w = make_window(qtbot, tmp_path, FakePlayerBackend(length_ms=180_000))
    w.show()
    return w


def _with_example(qtbot, tmp_path: Path) -> MainWindow:
    doc = tmp_path / "notes.md"
    shutil.copy(example_document(), doc)
    w = _window(qtbot, tmp_path)
    assert w.open_document(doc)
    return w


def _dismiss_banner(w: MainWindow) -> None:
    w.banner._dismiss()  # what its ✕ button does


def test_a_moved_aside_project_file_is_not_hidden_by_a_document_warning(
    qtbot, tmp_path: Path
) -> None:
    doc = tmp_path / "notes.md"
    text = example_document().read_text(encoding="utf-8")
    doc.write_text(text.replace("*2:10-2:45", "*2:10-3:45"), encoding="utf-8")  # past 3:00
    assert read_document(doc).warnings  # the document warns
    (tmp_path / "notes.md.clipdesk.yaml").write_text("schema: [unclosed\n", encoding="utf-8")
    w = _window(qtbot, tmp_path)
    assert w.open_document(doc)
    # The newest (the document's warning) shows, the moved-aside project file waits.
    warning = read_document(doc).warnings[0].message
    assert warning in w.banner.text()
    assert w.banner.more.isVisible() and w.banner.more.text() == "1 more…"
    assert w.message_count.isVisible() and w.message_count.text() == "⚠ 2 messages"
    panel = w.show_messages()
    rows = panel.rows()
    assert len(rows) == 2 and warning in rows[0] and "clipdesk.yaml" in rows[1]
    _dismiss_banner(w)
    assert "notes.md.clipdesk.yaml" in w.banner.text() and not w.banner.more.isVisible()
    assert w.message_count.text() == "⚠ 1 message"
    _dismiss_banner(w)
    assert not w.banner.isVisible() and w.message_count.text() == "0 messages"
    assert len(panel.rows()) == 2  # dismissed, still listed
    # Another document: the last one's messages go.
    other = tmp_path / "other.md"
    shutil.copy(example_document(), other)
    assert w.open_document(other)
    assert panel.rows() == [] and not w.message_count.isVisible()


def test_export_finished_does_not_replace_the_clip_not_exported(qtbot, tmp_path: Path) -> None:
    w = _with_example(qtbot, tmp_path)
    messages.warning("1 clip not exported: it lies past the end of the media")
    finished = messages.info("Export finished: 2 done")
    w.banner.show_message(finished)  # as the export controller does at a batch's end
    assert w.banner.text() == "Export finished: 2 done" and w.banner.more.text() == "1 more…"
    _dismiss_banner(w)
    assert "1 clip not exported" in w.banner.text()


def test_errors_stay_and_info_times_out(qtbot) -> None:
    notes = Notifications()
    error = notes.add(Message(Level.ERROR, "Could not save notes.md"))
    info = notes.add(Message(Level.INFO, "Saved notes.md"), info_timeout_ms=50)
    assert notes.pending() == [info, error]
    qtbot.waitUntil(lambda: info.dismissed, timeout=2_000)
    assert notes.pending() == [error] and not error.dismissed
    assert len(notes.notices) == 2


def test_an_info_message_never_takes_the_banner(qtbot, tmp_path: Path) -> None:
    w = _with_example(qtbot, tmp_path)
    messages.warning("The media file is missing")
    messages.info("Saved notes.md")
    assert w.banner.text() == "The media file is missing" and not w.banner.more.isVisible()
    assert w.status_doc.full_text() == "Saved notes.md"
