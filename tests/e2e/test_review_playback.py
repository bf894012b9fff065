"""The review window with real libvlc under Xvfb, playing a generated video."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication
from tests.support.episodes import make_episode
from tests.support.review_window import make_window

from clipdesk.ui.player.backend import PlayerState
from clipdesk.ui.player.create import create_backend
from clipdesk.ui.resources import example_document

pytestmark = pytest.mark.xvfb


@pytest.fixture(autouse=True)
def _private_config(monkeypatch, tmp_path) -> None:
    """Each test its own configuration: project files of the example live there."""
    monkeypatch.setenv("CLIPDESK_CONFIG_DIR", str(tmp_path / "config"))


@pytest.fixture()
def window(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("CLIPDESK_VLC_ARGS", "--aout=dummy")  # no sound device on CI
    w = make_window(qtbot, tmp_path, create_backend())
    w.set_episode(make_episode())
    w.resize(1600, 900)
    with qtbot.waitExposed(w):
        w.show()
    return w


def _open(window, qtbot, location: str) -> None:
    window.media.attach(location)
    qtbot.waitUntil(
        lambda: window.player.state is PlayerState.PAUSED and window.player.length > 0,
        timeout=15_000,
    )


def _reported_near(window, qtbot, target: int, tolerance: int = 100) -> None:
    """Wait until libvlc itself (not the interpolated playhead) is near target."""
    qtbot.waitUntil(lambda: abs(window.player.backend.time() - target) <= tolerance, timeout=5_000)


def test_selecting_a_clip_puts_libvlc_at_its_start(window, qtbot, demo_video: Path) -> None:
    _open(window, qtbot, str(demo_video))
    assert abs(window.player.length - 60_000) < 200
    reports: list[int] = []
    window.player.backend.time_reported.connect(reports.append)
    window.sync.select_clip("h2")
    qtbot.waitUntil(lambda: any(abs(t - 5_000) <= 100 for t in reports), timeout=5_000)
    _reported_near(window, qtbot, 5_000)
    assert window.player.state is PlayerState.PAUSED
    window.sync.select_clip("s1")
    _reported_near(window, qtbot, 30_000)


def test_playing_past_a_boundary_moves_the_highlight(window, qtbot, demo_video: Path) -> None:
    _open(window, qtbot, str(demo_video))
    model = window.clip_panel.model
    window.player.seek(4_300)
    _reported_near(window, qtbot, 4_300)
    qtbot.waitUntil(lambda: window.player.position() == 4_280)  # the start of its frame
    assert model.current_clip_id == "h1"
    reports: list[int] = []
    window.player.backend.time_reported.connect(reports.append)
    window.player.play()
    # The highlight follows the playhead, which runs at most 400 ms ahead of libvlc.
    qtbot.waitUntil(lambda: model.current_clip_id == "h2", timeout=5_000)
    assert window.player.clock.reported >= 5_000 - 400
    qtbot.waitUntil(lambda: any(ms >= 5_000 for ms in reports), timeout=5_000)
    window.player.pause()
    qtbot.waitUntil(lambda: not window.player.playing, timeout=3_000)
    assert model.current_clip_id == "h2"
    row = window.clip_panel.proxy.row_of("h2")
    assert window.clip_panel.proxy.index(row, 0).data(Qt.ItemDataRole.BackgroundRole) is not None


def test_clicking_a_transcript_line_seeks(window, qtbot, demo_video: Path) -> None:
    _open(window, qtbot, str(demo_video))
    view = window.transcript
    view.scroll_to_line(8)  # the line at 16 s
    qtbot.mouseClick(
        view.text.viewport(), Qt.MouseButton.LeftButton, pos=view.line_rect(8).center()
    )
    _reported_near(window, qtbot, 16_000)
    qtbot.waitUntil(lambda: window.player.position() == 16_000)  # the frame is on screen
    assert window.transcript.model.current_row == 8


def test_play_clip_stops_at_the_clip_end(window, qtbot, demo_video: Path) -> None:
    _open(window, qtbot, str(demo_video))
    with qtbot.waitSignal(window.player.range_finished, timeout=5_000):
        window.player.play_range(8_000, 8_700)
    qtbot.waitUntil(lambda: window.player.state is PlayerState.PAUSED, timeout=3_000)
    # Paused on the range's last frame (8.680-8.720 at 25 fps), shown as a still.
    qtbot.waitUntil(lambda: window.player.still_shown, timeout=10_000)
    assert window.player.position() == 8_680


def _video_pixels_ok(image: QImage) -> bool:
    """Real frames of the test pattern: mostly bright, many colours, not a black box."""
    colours = set()
    bright = 0
    samples = 0
    for y in range(image.height() // 4, image.height() * 3 // 4, 12):
        for x in range(image.width() // 8, image.width() * 7 // 8, 12):
            c = QColor(image.pixel(x, y))
            colours.add((c.red() // 32, c.green() // 32, c.blue() // 32))
            bright += c.value() > 60
            samples += 1
    return samples > 0 and bright / samples > 0.5 and len(colours) >= 6


def _picture_fills(image: QImage) -> bool:
    """The picture spans the surface's full width or height (letterboxed, not stuck at
    an old size in a corner)."""

    def extent(points: list[tuple[int, int]]) -> int:
        lit = [i for i, (x, y) in enumerate(points) if QColor(image.pixel(x, y)).value() > 40]
        return (lit[-1] - lit[0] + 1) if lit else 0

    w, h = image.width(), image.height()
    across = extent([(x, h // 2) for x in range(w)])
    down = extent([(w // 3, y) for y in range(h)])
    return across >= 0.95 * w or down >= 0.95 * h


def test_window_screenshot_shows_video(window, qtbot, demo_video: Path, artifacts_dir) -> None:
    assert window.open_document(example_document(), media=str(demo_video))
    qtbot.waitUntil(
        lambda: window.player.state is PlayerState.PAUSED and window.player.length > 0,
        timeout=15_000,
    )
    surface = window.player_view.surface
    screen = window.screen()
    # The grab reads the screen: with no window manager a window left by an earlier test
    # could cover this one, so put this one on top.
    window.raise_()
    window.activateWindow()

    def grab_surface() -> QImage:
        # libvlc draws into its own X child window: read the screen, not Qt's backing store.
        return screen.grabWindow(int(surface.winId())).toImage()

    qtbot.waitUntil(lambda: _video_pixels_ok(grab_surface()), timeout=10_000)
    first_frame = grab_surface()
    window.sync.select_clip("highlight-1")
    _reported_near(window, qtbot, 12_000)
    qtbot.waitUntil(lambda: window.player.position() == 12_000, timeout=10_000)
    # The picture at 12 s differs from the first frame (the pattern moves, the burnt-in
    # time and frame number change) and fills the surface.
    qtbot.waitUntil(
        lambda: (
            (img := grab_surface()) != first_frame and _video_pixels_ok(img) and _picture_fills(img)
        ),
        timeout=5_000,
    )
    QApplication.processEvents()
    window.repaint()  # flush the selection and time label before reading the screen
    assert window.player_view.time_text().startswith("0:00:12.000")
    shot = screen.grabWindow(int(window.winId()))
    path = artifacts_dir / "review_window.png"
    assert shot.save(str(path))
    assert path.stat().st_size > 20_000


def test_url_source_plays_through_ytdlp(window, qtbot, range_server) -> None:
    url = range_server.url("demo.mp4")
    _open(window, qtbot, url)
    assert window.media.resolver.extractions == 1
    assert window.player.source.label and window.player.source.location == url
    window.sync.select_clip("s1")
    _reported_near(window, qtbot, 30_000)
    ranged = [r for name, r in range_server.requests if name == "demo.mp4" and r]
    assert ranged  # libvlc fetched byte ranges to seek
    # Opening the same URL again uses the cached resolution.
    _open(window, qtbot, url)
    assert window.media.resolver.extractions == 1


def test_unresolvable_url_gives_a_message(window, qtbot, range_server) -> None:
    range_server.faults["gone.mp4"] = "404"
    window.media.attach(range_server.url("gone.mp4"))
    qtbot.waitUntil(lambda: "Could not open" in window.player_view.notice.text(), timeout=15_000)
    assert "404" in window.player_view.notice.text()
    assert window.player_view.notice_visible and "gone.mp4" in window.banner.text()


def test_closing_releases_libvlc(window, qtbot, demo_video: Path) -> None:
    _open(window, qtbot, str(demo_video))
    window.player.play()
    qtbot.waitUntil(lambda: window.player.playing)
    backend = window.player.backend
    window.close()
    assert backend.released and window.player.backend is None


def test_loop_clip_repeats_with_libvlc(window, qtbot, demo_video: Path) -> None:
    _open(window, qtbot, str(demo_video))
    returns: list[int] = []
    window.player.backend.time_reported.connect(
        lambda ms: returns.append(ms) if abs(ms - 20_000) <= 100 else None
    )
    window.player.play_range(20_000, 20_600, loop=True)
    qtbot.waitUntil(lambda: len(returns) >= 3, timeout=8_000)  # the start and two loops
    assert window.player.playing and window.player.backend.time() < 20_800
    window.sync.act_loop_clip.setChecked(False)
    qtbot.waitUntil(lambda: window.player.state is PlayerState.PAUSED, timeout=3_000)
    # Paused on the range's last frame (20.560-20.600), shown as a still.
    qtbot.waitUntil(lambda: window.player.still_shown, timeout=10_000)
    assert window.player.position() == 20_560
