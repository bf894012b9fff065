"""Attaching media never loses the media that works: a dropped video asks first when
media is attached, and a URL that does not resolve (or a file that is not there) leaves
the local file playing and remembered."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from tests.support.review_window import make_window

from clipdesk.media.stream_resolver import StreamResolver
from clipdesk.ui.common import messages
from clipdesk.ui.common.messages import Level
from clipdesk.ui.player.fake_backend import FakePlayerBackend
from clipdesk.ui.resources import example_document
from clipdesk.ui.shell.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture(autouse=True)
def _private_config(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("CLIPDESK_CONFIG_DIR", str(tmp_path / "config"))


def _drop(window: MainWindow, path: Path) -> None:
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(
        QPointF(10, 10), Qt.DropAction.CopyAction, data,
        Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    window.dropEvent(event)


def _with_local_media(qtbot, tmp_path: Path) -> tuple[MainWindow, FakePlayerBackend, Path]:
    doc = tmp_path / "episode.md"
    shutil.copy(example_document(), doc)
    local = tmp_path / "local.mp4"
    local.write_bytes(b"the fake player does not read it")
    backend = FakePlayerBackend(length_ms=180_000)
    window = make_window(qtbot, tmp_path, backend)
    assert window.open_document(doc)
    window.media.attach(str(local))
    assert backend.source.location == str(local) and window.media.attached == str(local)
    assert window.settings.media_for(doc) == str(local)
    return window, backend, local


def test_a_dropped_video_asks_before_replacing_the_media(qtbot, tmp_path: Path) -> None:
    window, backend, local = _with_local_media(qtbot, tmp_path)
    dropped = tmp_path / "dropped.mkv"
    dropped.write_bytes(b"x")
    questions: list[str] = []
    answers = [False, True]
    window.confirm_replace_media = lambda text: questions.append(text) or answers.pop(0)
    _drop(window, dropped)
    assert questions == ["Attach dropped.mkv to this document in place of local.mp4?"]
    assert backend.source.location == str(local)  # no: nothing changes
    _drop(window, dropped)
    assert backend.source.location == str(dropped)
    assert window.settings.media_for(window.document) == str(dropped)


def test_a_failed_url_keeps_the_local_file(qtbot, tmp_path: Path) -> None:
    window, backend, local = _with_local_media(qtbot, tmp_path)

    def extract(url: str) -> dict:
        raise RuntimeError("Video unavailable")

    window.media.resolver = StreamResolver(extract=extract)
    url = "https://video.example/watch?v=gone"
    window.media.attach(url)
    assert backend.source.location == str(local)  # the picture stays while resolving
    history = messages.bus().history
    qtbot.waitUntil(lambda: bool(history) and "Still playing" in history[-1].text, timeout=5_000)
    last = messages.bus().history[-1]
    assert last.level is Level.ERROR and url in last.text and "Video unavailable" in last.text
    assert backend.source.location == str(local) and window.media.attached == str(local)
    assert window.media.choice is not None and window.media.choice.location == str(local)
    assert window.settings.media_for(window.document) == str(local)  # not the failed URL
    # A missing file does not drop it either.
    window.media.attach(str(tmp_path / "gone.mp4"))
    assert backend.source.location == str(local)
    assert "gone.mp4 does not exist" in messages.bus().history[-1].text
    assert window.settings.media_for(window.document) == str(local)
