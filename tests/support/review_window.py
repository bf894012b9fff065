"""Shared set-up for the review-window tests: windows, and one open on real libvlc."""

from __future__ import annotations

from pathlib import Path

from clipdesk.ui.common.settings import Settings
from clipdesk.ui.player.backend import PlayerBackend
from clipdesk.ui.shell.main_window import MainWindow


def make_window(
    qtbot, tmp_path: Path, backend: PlayerBackend | None, reason: str = ""
) -> MainWindow:
    settings = Settings(tmp_path / "settings.ini")
    window = MainWindow(backend, reason, settings=settings)
    qtbot.addWidget(window)  # closed at teardown: closeEvent releases the player
    return window


def open_with_libvlc(qtbot, tmp_path: Path, monkeypatch, document: str, media: Path) -> MainWindow:
    """A shown window with real libvlc, the document open on media, paused and with the
    video's frame rate known (what frame-accurate tests need before they start)."""
    from clipdesk.ui.player.backend import PlayerState
    from clipdesk.ui.player.create import create_backend

    monkeypatch.setenv("CLIPDESK_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("CLIPDESK_VLC_ARGS", "--aout=dummy")
    doc = tmp_path / "episode.md"
    doc.write_text(document)
    window = make_window(qtbot, tmp_path, create_backend())
    window.resize(1200, 800)
    with qtbot.waitExposed(window):
        window.show()
    assert window.open_document(doc, media=str(media))
    session = window.editing.session
    assert session is not None
    qtbot.waitUntil(
        lambda: window.player.state is PlayerState.PAUSED and bool(session.timebase.fps),
        timeout=15_000,
    )
    return window
