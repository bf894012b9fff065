"""Shared set-up for the review-window tests: hand-built episodes and windows."""

from __future__ import annotations

from pathlib import Path

from clipdesk.core.episode import Clip, ClipKind, Episode, SourceFormat, TranscriptLine
from clipdesk.ui.common.settings import Settings
from clipdesk.ui.player.backend import PlayerBackend
from clipdesk.ui.shell.main_window import MainWindow


def make_episode(duration_ms: int = 60_000) -> Episode:
    """Two highlights back to back, one key point without an end, a transcript every 2 s."""
    clips = [
        Clip("h1", ClipKind.HIGHLIGHT, "First highlight", 2_000, 5_000, line=10,
             quote="Cut on the breath.", speaker="Ada"),
        Clip("h2", ClipKind.HIGHLIGHT, "Second highlight", 5_000, 9_000, line=20,
             quote="Review with sound.", speaker="Bo", takeaway="Listen first"),
        Clip("k1", ClipKind.KEY_POINT, "A key point", 20_000, None, line=30,
             summary="Why notes drift"),
        Clip("s1", ClipKind.SEGMENT, "Later segment", 30_000, 40_000, line=40),
    ]  # fmt: skip
    transcript = [
        TranscriptLine(ms, f"Line at {ms // 1000} seconds", line=100 + i)
        for i, ms in enumerate(range(0, duration_ms, 2_000))
    ]
    return Episode(
        path=None,
        source_format=SourceFormat.SHOW_NOTES,
        title="Hand-made episode",
        channel="Tests",
        duration_ms=duration_ms,
        clips=clips,
        transcript=transcript,
        summary="An episode built in the test.",
    )


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
