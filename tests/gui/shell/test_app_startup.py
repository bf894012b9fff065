"""What `clipdesk --play` wires onto the window, and the playback lines it logs."""

from __future__ import annotations

import logging
import shutil

from tests.support.review_window import make_window

from clipdesk.app import log_playback, play_when_opened
from clipdesk.ui.player.backend import PlayerState
from clipdesk.ui.player.fake_backend import FakePlayerBackend
from clipdesk.ui.resources import example_document


def test_play_starts_once_the_media_opens_and_is_logged(qtbot, tmp_path, caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="clipdesk")
    backend = FakePlayerBackend()
    window = make_window(qtbot, tmp_path, backend)
    log_playback(window)
    play_when_opened(window)
    window.media.hold_until_shown()
    document = tmp_path / "episode.md"
    shutil.copy(example_document(), document)
    video = tmp_path / "episode.mp4"  # picked up beside the document
    video.write_bytes(b"x")
    assert window.open_document(document)
    assert backend.source is None  # nothing plays before the window is shown
    window.show()
    qtbot.waitUntil(lambda: window.player.state is PlayerState.PLAYING, timeout=5_000)
    qtbot.waitUntil(lambda: any("libvlc time" in r.message for r in caplog.records))
    messages = [r.getMessage() for r in caplog.records if r.name == "clipdesk.app"]
    assert f"media opened: {video}" in messages
    assert any(m.startswith("player playing at ") for m in messages)
