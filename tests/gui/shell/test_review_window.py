"""The review window with the fake player: layout, sync, files, media, failures."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from tests.support.episodes import make_episode
from tests.support.review_window import make_window

from clipdesk.core.episode import ClipKind
from clipdesk.ui.common import messages
from clipdesk.ui.document.document_media import example_video_target
from clipdesk.ui.player.backend import PlaybackSource, PlayerState, PlayerUnavailable
from clipdesk.ui.player.fake_backend import FakePlayerBackend
from clipdesk.ui.resources import example_document
from clipdesk.ui.review.clip_table_model import Column

# Qt's headless "offscreen" platform (used when Xvfb is missing) warns about every
# main window it shows; that says nothing about the window.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture(autouse=True)
def _private_config(monkeypatch, tmp_path) -> None:
    """Each test its own configuration: project files of the example live there."""
    monkeypatch.setenv("CLIPDESK_CONFIG_DIR", str(tmp_path / "config"))


@pytest.fixture()
def backend() -> FakePlayerBackend:
    return FakePlayerBackend(length_ms=60_000)


@pytest.fixture()
def window(qtbot, tmp_path, backend):
    w = make_window(qtbot, tmp_path, backend)
    w.set_episode(make_episode())
    w.player.open(PlaybackSource("fake://demo"))
    qtbot.waitUntil(lambda: w.player.length == 60_000)
    with qtbot.waitExposed(w):
        w.show()
    w.activateWindow()  # window shortcuts need the active window
    qtbot.waitUntil(w.isActiveWindow)
    return w


def _select(window, clip_id: str) -> None:
    assert window.sync.select_clip(clip_id)


def test_selecting_a_clip_seeks_and_shows_details(window, backend, qtbot) -> None:
    with qtbot.waitSignal(window.player.position_changed):
        _select(window, "h2")
    assert backend.calls[-1] == ("set_time", 5_000)
    text = window.details.plain_text()
    assert "Second highlight" in text and "Review with sound." in text and "Bo" in text
    assert "Listen first" in text
    assert window.player_view.seek_bar.position == 5_000
    assert window.player_view.time_text().startswith("0:00:05.000 / 0:01:00.000")


def test_playhead_highlights_the_clip_under_it_and_the_transcript_line(window, qtbot) -> None:
    model = window.clip_panel.model
    window.player.seek(4_900)
    assert model.current_clip_id == "h1"
    assert window.transcript.model.current_row == 2  # the line at 4 s
    window.player.play()
    qtbot.waitUntil(lambda: model.current_clip_id == "h2", timeout=2_000)
    qtbot.waitUntil(lambda: window.transcript.model.current_row == 3, timeout=2_000)
    assert window.sync.selected_clip() is None  # highlighting never changes the selection
    window.player.pause()
    window.player.seek(25_000)  # the key point has no end: it lasts until the next one
    assert model.current_clip_id == "k1"
    window.player.seek(15_000)
    assert model.current_clip_id is None


def test_hidden_kinds_are_not_highlighted(window) -> None:
    window.clip_panel.kind_buttons[ClipKind.SEGMENT].setChecked(False)
    window.player.seek(38_000)  # inside the segment, after the key point's 15 s
    assert window.clip_panel.model.current_clip_id is None
    assert window.clip_panel.proxy.rowCount() == 3


def test_transcript_click_seeks(window, backend, qtbot) -> None:
    view = window.transcript
    view.scroll_to_line(5)
    with qtbot.waitSignal(view.seek_requested) as blocker:
        qtbot.mouseClick(
            view.text.viewport(), Qt.MouseButton.LeftButton, pos=view.line_rect(5).center()
        )
    assert blocker.args == [10_000]
    assert backend.calls[-1] == ("set_time", 10_000)
    assert view.current_line_text() == "0:00:10\tLine at 10 seconds"


def test_play_clip_action_plays_the_selection_and_stops_at_its_end(window, qtbot) -> None:
    _select(window, "h1")
    window.player.seek(4_600)  # near the end so the test is short
    window.sync.act_play_clip.trigger()
    assert window.player.active_range == (2_000, 5_000)
    assert window.player.position() == 2_000


def test_loop_clip_toggle(window, qtbot) -> None:
    _select(window, "h1")
    window.sync.act_loop_clip.setChecked(True)
    assert window.player.loop and window.player.active_range == (2_000, 5_000)
    qtbot.waitUntil(lambda: window.player.playing)
    _select(window, "h2")  # while looping, choosing another clip loops that one
    assert window.player.active_range == (5_000, 9_000)
    window.sync.act_loop_clip.setChecked(False)
    assert not window.player.loop


def test_keyboard_shortcuts_drive_the_player(window, backend, qtbot) -> None:
    assert window.clip_panel.table.hasFocus()  # the list has the keys from the start
    window.player.seek(10_000)
    qtbot.keyClick(window.clip_panel.table, Qt.Key.Key_Right)
    assert window.player.position() == 15_000
    qtbot.keyClick(window.clip_panel.table, Qt.Key.Key_Left)
    assert window.player.position() == 10_000
    with qtbot.waitSignal(window.player.state_changed):
        qtbot.keyClick(window.clip_panel.table, Qt.Key.Key_Space)
    assert window.player.state is PlayerState.PLAYING
    qtbot.keyClick(window.clip_panel.table, Qt.Key.Key_K)
    assert window.player.state is PlayerState.PAUSED
    qtbot.keyClick(window.clip_panel.table, Qt.Key.Key_Period)
    assert ("next_frame", None) in backend.calls
    qtbot.keyClick(window.clip_panel.table, Qt.Key.Key_M)
    assert backend.muted and window.player_view.act_mute.isChecked()
    qtbot.keyClick(window.clip_panel.table, Qt.Key.Key_BracketRight)
    assert backend.rate == 1.25 and window.player_view.rate_box.currentText() == "1.25×"
    # Typing in the filter box types; it does not drive the player.
    window.focus_filter()
    qtbot.keyClicks(window.clip_panel.filter_edit, "k ")
    assert window.clip_panel.filter_edit.text() == "k " and not window.player.playing
    qtbot.keyClick(window.clip_panel.filter_edit, Qt.Key.Key_Escape)
    assert window.clip_panel.filter_edit.text() == ""
    assert window.clip_panel.table.hasFocus()


def test_filter_box_and_kind_buttons(window, qtbot) -> None:
    panel = window.clip_panel
    qtbot.keyClicks(panel.filter_edit, "highlight")
    assert panel.proxy.rowCount() == 2
    assert panel.count_label.text() == "2 of 4"
    panel.filter_edit.clear()
    panel.kind_buttons[ClipKind.HIGHLIGHT].click()
    assert [panel.proxy.clip_id_at(r) for r in range(panel.proxy.rowCount())] == ["k1", "s1"]
    assert panel.kind_buttons[ClipKind.CLIP].isHidden()  # no clips of that kind


def test_shortcuts_dialog_lists_the_keys(window) -> None:
    dialog = window.show_shortcuts()
    keys = {name: k for _g, name, k in dialog.rows}
    assert keys["Play/Pause"] == "Space"
    assert keys["Back 5 s"] == "Left" and keys["Next frame"] == "."
    assert {"Shuttle backwards", "Shuttle stop", "Shuttle forwards", "Play clip"} <= set(keys)
    dialog.close()


def test_example_document_opens_and_binds_its_video(qtbot, tmp_path, backend) -> None:
    w = make_window(qtbot, tmp_path, backend)
    assert w.open_example()
    assert w.clip_panel.model.rowCount() == 7
    assert w.transcript.model.rowCount() > 20
    # Beside the example (setup generates it) or generated on demand.
    assert w.media.choice is not None and w.media.choice.origin in ("sidecar", "example")
    assert w.media.choice.location == str(example_video_target())
    assert w.windowTitle().startswith("The Cutting Room")


def test_real_documents_load(qtbot, tmp_path, backend, seeds_dir) -> None:
    w = make_window(qtbot, tmp_path, backend)
    for seed in ("000_6bff21266dae52fe.txt", "001_3baa9c223fab6a12.txt"):
        shutil.copy(seeds_dir / seed, tmp_path)  # nothing is ever written beside the seeds
    seeds_dir = tmp_path
    assert w.open_document(seeds_dir / "000_6bff21266dae52fe.txt")
    assert w.clip_panel.model.rowCount() == 32
    assert w.media.choice.origin == "document url"
    assert w.open_document(seeds_dir / "001_3baa9c223fab6a12.txt")
    assert w.clip_panel.proxy.rowCount() == 34
    assert not w.clip_panel.kind_buttons[ClipKind.HIGHLIGHT].isVisible()
    assert w.transcript.empty.isVisibleTo(w.transcript)


def test_bad_document_gives_a_message_not_a_traceback(qtbot, tmp_path, backend) -> None:
    bad = tmp_path / "notes.md"
    bad.write_text("just some words\nnothing else\n")
    w = make_window(qtbot, tmp_path, backend)
    w.show()
    with qtbot.waitSignal(messages.bus().posted) as blocker:
        assert not w.open_document(bad)
    assert blocker.args[0].level is messages.Level.ERROR
    assert f"{bad}:1:" in w.banner.text()
    assert not w.open_document(tmp_path / "missing.md")
    assert "missing.md" in w.banner.text()


def _drop_event(path: Path) -> QDropEvent:
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(
        QPointF(10, 10), Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    event._data = data  # the event does not own its mime data: keep it alive with it
    return event


def test_dropping_a_document_opens_it(qtbot, tmp_path, backend) -> None:
    doc = tmp_path / "dropped.md"
    shutil.copy(example_document(), doc)
    w = make_window(qtbot, tmp_path, backend)
    w.dropEvent(_drop_event(doc))
    # Read on a worker: the status bar says so until the document shows.
    assert w.busy.label.text() == "Opening dropped.md…"
    qtbot.waitUntil(lambda: w.document == doc)
    assert w.clip_panel.model.rowCount() == 7
    assert "Opening" not in w.busy.label.text()
    assert w.settings.recent_files()[0] == str(doc.resolve())


def test_media_choice_is_remembered_per_document(qtbot, tmp_path, backend) -> None:
    doc = tmp_path / "episode.md"
    shutil.copy(example_document(), doc)
    video = tmp_path / "other.mp4"
    video.write_bytes(b"not really a video; the fake player does not read it")
    w = make_window(qtbot, tmp_path, backend)
    w.open_document(doc)
    assert w.media.choice.origin == "document url"  # no video beside it, no example
    w.media.attach(str(video))
    assert backend.source.location == str(video)
    w.open_document(doc)
    assert w.media.choice.origin == "remembered" and backend.source.location == str(video)
    # --media overrides and becomes the remembered choice.
    other = tmp_path / "episode.mp4"
    other.write_bytes(b"x")
    w.open_document(doc, media=str(other))
    assert backend.source.location == str(other)
    assert w.settings.media_for(doc) == str(other)


def test_video_beside_the_document_is_found(qtbot, tmp_path, backend) -> None:
    doc = tmp_path / "episode.md"
    shutil.copy(example_document(), doc)
    (tmp_path / "example.mp4").write_bytes(b"x")  # named after the document's video_id
    w = make_window(qtbot, tmp_path, backend)
    w.open_document(doc)
    assert w.media.choice.origin == "sidecar"
    assert backend.source.location == str(tmp_path / "example.mp4")


def test_missing_media_file_says_so(qtbot, tmp_path, backend) -> None:
    w = make_window(qtbot, tmp_path, backend)
    w.show()
    w.open_document(example_document(), media=str(tmp_path / "gone.mp4"))
    assert w.player_view.notice_visible
    assert "gone.mp4 does not exist" in w.player_view.notice.text()
    assert "gone.mp4" in w.banner.text()


def test_player_error_is_shown_in_the_window(window, backend, qtbot) -> None:
    backend.fail_next_open = "cannot decode"
    window.media.attach(str(Path(__file__)))
    qtbot.waitUntil(lambda: "Could not play" in window.player_view.notice.text())
    assert "cannot decode" in window.player_view.notice.text()
    assert window.player_view.notice_visible


def test_window_without_libvlc_still_works(qtbot, tmp_path, monkeypatch) -> None:
    from clipdesk.ui.player.vlc_backend import load_vlc

    monkeypatch.setitem(sys.modules, "vlc", None)  # import vlc now raises ImportError
    with pytest.raises(PlayerUnavailable) as info:
        load_vlc()
    reason = str(info.value)
    assert "libvlc5" in reason and "vlc-plugin-video-output" in reason
    w = make_window(qtbot, tmp_path, None, reason)
    w.show()
    assert w.open_example()
    assert w.player_view.notice_visible and "libvlc5" in w.player_view.notice.text()
    assert not w.player_view.act_play.isEnabled()
    _select(w, "highlight-2")  # the list, details and transcript still work
    assert "Mark the breath" in w.details.plain_text()
    assert w.clip_panel.model.current_clip_id == "highlight-2"
    assert w.player_view.notice_visible  # media binding did not hide the reason


def test_libvlc_that_fails_to_start_is_reported(monkeypatch) -> None:
    from clipdesk.ui.player.create import create_backend

    monkeypatch.setenv("CLIPDESK_VLC_ARGS", "--no-such-libvlc-option")
    with pytest.raises(PlayerUnavailable, match="libvlc failed to start"):
        create_backend()


def test_excepthook_reports_instead_of_dying(qtbot, monkeypatch) -> None:
    from clipdesk.app import install_excepthook

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    install_excepthook()
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        with qtbot.waitSignal(messages.bus().posted) as blocker:
            sys.excepthook(type(exc), exc, exc.__traceback__)
    msg = blocker.args[0]
    assert msg.text == "Internal error: boom" and "RuntimeError" in msg.detail


def test_seek_bar_click_seeks(window, backend, qtbot) -> None:
    bar = window.player_view.seek_bar
    x = round(bar.x_for(30_000))
    with qtbot.waitSignal(bar.seek_requested) as blocker:
        qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=QPoint(x, bar.height() // 2))
    assert abs(blocker.args[0] - 30_000) < 200
    assert backend.calls[-1][0] == "set_time"


def test_table_columns(window) -> None:
    model = window.clip_panel.proxy
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in Column]
    assert headers == ["Kind", "#", "Title", "Start", "End", "Duration", "Review", "Export"]


def test_url_is_resolved_in_the_background_and_again_when_it_fails(
    qtbot, tmp_path, backend
) -> None:
    from clipdesk.media.stream_resolver import StreamResolver

    calls: list[str] = []

    def extract(url: str) -> dict:
        calls.append(url)
        return {"url": f"https://cdn.example/v{len(calls)}.mp4", "title": "Remote"}

    w = make_window(qtbot, tmp_path, backend)
    w.media.resolver = StreamResolver(extract=extract)
    w.media.attach("https://video.example/watch?v=1")
    qtbot.waitUntil(lambda: backend.source is not None, timeout=5_000)
    assert backend.source.location == "https://cdn.example/v1.mp4"
    assert backend.source.label == "Remote"
    # A signed stream URL that stopped working: resolved once more, then opened again.
    backend.fail_next_open = "HTTP 403"
    w.media.reload()
    qtbot.waitUntil(lambda: len(calls) == 3, timeout=5_000)
    qtbot.waitUntil(lambda: backend.source.location == "https://cdn.example/v3.mp4")
    assert not w.banner.text()
    # Failing again after the fresh resolution is reported, not retried forever.
    backend.fail_next_open = "HTTP 403"
    w.player.open(backend.source)
    qtbot.waitUntil(lambda: "HTTP 403" in w.player_view.notice.text(), timeout=5_000)
    assert len(calls) == 3


def test_wayland_sessions_use_xcb_for_libvlc(monkeypatch) -> None:
    from clipdesk.app import prefer_xcb

    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    prefer_xcb()
    assert os.environ["QT_QPA_PLATFORM"] == "xcb"
    monkeypatch.setenv("QT_QPA_PLATFORM", "wayland")  # an explicit choice is respected
    prefer_xcb()
    assert os.environ["QT_QPA_PLATFORM"] == "wayland"


def test_recent_files_menu(qtbot, tmp_path, backend) -> None:
    docs = []
    for name in ("one.md", "two.md"):
        doc = tmp_path / name
        shutil.copy(example_document(), doc)
        docs.append(doc)
    w = make_window(qtbot, tmp_path, backend)
    for doc in docs:
        w.open_document(doc)
    w.recent_menu.aboutToShow.emit()  # as opening the menu does
    names = [a.text() for a in w.recent_menu.actions() if a.text()]
    assert names[:2] == ["two.md", "one.md"]
    next(a for a in w.recent_menu.actions() if a.text() == "one.md").trigger()
    qtbot.waitUntil(lambda: w.document == docs[0])  # read on a worker
    assert w.settings.recent_files()[0] == str(docs[0].resolve())


def test_shortcuts_dialog_screenshot(window, artifacts_dir) -> None:
    dialog = window.show_shortcuts()
    assert dialog.grab().save(str(artifacts_dir / "review_shortcuts.png"))
    dialog.close()


def test_missing_example_video_is_generated(qtbot, tmp_path, backend, monkeypatch) -> None:
    """Installed resources stay read-only: a missing example video is made in the cache."""
    from clipdesk.ui.document import document_media

    resources = tmp_path / "resources"
    (resources / "example").mkdir(parents=True)
    shutil.copy(example_document(), resources / "example" / "example-episode.md")
    monkeypatch.setenv("CLIPDESK_RESOURCES_DIR", str(resources))
    monkeypatch.setenv("CLIPDESK_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setattr(document_media, "EXAMPLE_DURATION_S", 2)  # keep ffmpeg's work short
    w = make_window(qtbot, tmp_path, backend)
    w.show()
    assert w.open_example()
    assert "Generating the example video" in w.player_view.notice.text()
    target = tmp_path / "config" / "cache" / "example.mp4"
    qtbot.waitUntil(lambda: backend.source is not None, timeout=20_000)
    assert backend.source.location == str(target) and target.stat().st_size > 10_000
    assert not (resources / "example" / "example.mp4").exists()


def test_media_opens_once_the_window_is_shown(qtbot, tmp_path, backend) -> None:
    w = make_window(qtbot, tmp_path, backend)
    w.media.hold_until_shown()  # as the application does at start-up
    video = tmp_path / "v.mp4"
    video.write_bytes(b"x")
    w.open_document(example_document(), media=str(video))
    assert w.media.choice.location == str(video) and backend.source is None
    w.show()
    qtbot.waitUntil(lambda: backend.source is not None, timeout=3_000)
    assert backend.source.location == str(video)


def test_dropping_a_video_attaches_it(window, backend, tmp_path) -> None:
    video = tmp_path / "dropped.mkv"
    video.write_bytes(b"x")
    window.dropEvent(_drop_event(video))
    assert backend.source.location == str(video)
    assert window.episode.title == "Hand-made episode"  # the document stays


def test_volume_and_layout_are_remembered(qtbot, tmp_path) -> None:
    first = make_window(qtbot, tmp_path, FakePlayerBackend())
    first.player.set_volume(35)
    first.transcript.follow.setChecked(False)
    first.close()
    second = make_window(qtbot, tmp_path, FakePlayerBackend())
    assert second.player.volume == 35 and second.player.backend.volume == 35
    assert not second.transcript.follow.isChecked()


def test_a_bad_project_file_is_named_in_the_banner(qtbot, tmp_path, backend) -> None:
    """The project file is read as the document opens: what it says stays in view."""
    doc = tmp_path / "notes.md"
    shutil.copy(example_document(), doc)
    (tmp_path / "notes.md.clipdesk.yaml").write_text("schema: [unclosed\n", encoding="utf-8")
    w = make_window(qtbot, tmp_path, backend)
    w.show()
    assert w.open_document(doc)
    assert "notes.md.clipdesk.yaml" in w.banner.text()
    assert list(tmp_path.glob("notes.md.clipdesk.yaml.corrupt-*"))


def test_files_that_are_not_documents_give_a_message_at_once(qtbot, tmp_path, backend) -> None:
    """File › Open, the command line, Open recent and drag and drop all end in
    open_document: a FIFO (reading it would block forever), a device, a folder and a huge
    file are refused with the file named, and the window goes on."""
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    big = tmp_path / "big.md"
    with open(big, "wb") as f:
        f.truncate(200 * 1024 * 1024)
    w = make_window(qtbot, tmp_path, backend)
    w.show()
    for path, expect in [
        (fifo, "named pipe"),
        (Path("/dev/zero"), "device"),
        (tmp_path, "folder"),
        (big, "too large"),
    ]:
        with qtbot.waitSignal(messages.bus().posted) as blocker:
            assert not w.open_document(path)
        assert blocker.args[0].level is messages.Level.ERROR
        assert f"{path}: " in w.banner.text() and expect in w.banner.text()
    with qtbot.waitSignal(messages.bus().posted):
        w.dropEvent(_drop_event(fifo))
    assert "named pipe" in w.banner.text() and w.document is None
