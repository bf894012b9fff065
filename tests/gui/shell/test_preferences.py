"""Edit › Preferences: the settings round trip, shortcuts, template preview, theme, and
Help › About / Report a problem."""

from __future__ import annotations

import dataclasses
import logging
import shutil

import pytest
from PySide6.QtGui import QGuiApplication, QKeySequence, QPalette
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from tests.support.review_window import make_window

from clipdesk import logs
from clipdesk.core import bounds
from clipdesk.core.episode import ClipKind
from clipdesk.core.export_plan import ExportMode, Selection
from clipdesk.ui.common import messages
from clipdesk.ui.common.keymap import action_id
from clipdesk.ui.common.settings import Settings
from clipdesk.ui.common.theme import apply_theme, is_dark
from clipdesk.ui.player.fake_backend import FakePlayerBackend
from clipdesk.ui.resources import example_document


@pytest.fixture(autouse=True)
def _private_config(monkeypatch, tmp_path):
    monkeypatch.setenv("CLIPDESK_CONFIG_DIR", str(tmp_path / "config"))
    yield
    # Process-wide values the window sets from its settings: back to the defaults.
    bounds.set_open_end_ms(bounds.DEFAULT_OPEN_END_MS)
    bounds.set_long_nudge_ms(bounds.DEFAULT_LONG_NUDGE_MS)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, "system")


@pytest.fixture()
def window(qtbot, tmp_path):
    w = make_window(qtbot, tmp_path, FakePlayerBackend(length_ms=60_000))
    doc = tmp_path / "episode.md"
    shutil.copy(example_document(), doc)
    assert w.open_document(doc)
    return w


def _ok(dialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_settings_round_trip_through_the_ini_file(window, tmp_path, qtbot) -> None:
    dialog = window.show_settings()
    dialog.out_dir.setText(str(tmp_path / "out"))
    dialog.template.setText("{index:02d}-{slug}")
    dialog.mode.setCurrentIndex(dialog.mode.findData(ExportMode.FAST))
    dialog.jobs.setValue(4)
    dialog.open_end.setValue(30_000)
    dialog.seek_step.setValue(2_000)
    dialog.nudge_step.setValue(500)
    dialog.snapping.setChecked(False)
    dialog.snap_px.setValue(12)
    with qtbot.waitSignal(dialog.applied):
        _ok(dialog)
    again = Settings(window.settings.path)  # a second reader: it went to the file
    assert again.output_folder == str(tmp_path / "out")
    assert again.name_template == "{index:02d}-{slug}.mp4"
    assert (again.export_mode, again.export_jobs) == (ExportMode.FAST, 4)
    assert (again.open_end_ms, again.seek_step_ms, again.nudge_step_ms) == (30_000, 2_000, 500)
    assert (again.snapping, again.snap_px) == (False, 12)
    # Applied at once, without a restart.
    assert bounds.open_end_ms() == 30_000
    endless = dataclasses.replace(window.episode.clips[0], end_ms=None)
    assert bounds.open_end(endless) == endless.start_ms + 30_000
    assert window.player_view.seek_step_ms == 2_000
    assert window.player_view.act_back.text() == "Back 2 s"
    session = window.editing.session
    assert session is not None
    assert not session.timeline.snapping() and session.timeline.snap_px == 12
    export = window.exports.default_settings(Selection.ALL)
    assert export.out_dir == str(tmp_path / "out") and export.jobs == 4
    assert export.mode is ExportMode.FAST


def test_cancel_changes_nothing(window, qtbot) -> None:
    before = window.settings.path.read_bytes() if window.settings.path.exists() else b""
    dialog = window.show_settings()
    dialog.jobs.setValue(9)
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    editor = dialog.shortcuts
    editor.select("open")
    assert editor.set_keys("open", QKeySequence("Ctrl+Alt+O"))
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    window.settings.sync()
    after = window.settings.path.read_bytes() if window.settings.path.exists() else b""
    assert after == before
    assert window.act_open.shortcut() == QKeySequence(QKeySequence.StandardKey.Open)
    assert window.settings.export_jobs == 2 and window.settings.theme == "system"


def test_a_shortcut_is_applied_at_once_and_at_start_up(window, tmp_path, qtbot) -> None:
    dialog = window.show_settings()
    editor = dialog.shortcuts
    editor.select("open")
    editor.edit.setKeySequence(QKeySequence("Ctrl+Alt+O"))  # as typing it does
    assert editor.keys["open"] == "Ctrl+Alt+O"
    _ok(dialog)
    assert window.act_open.shortcut() == QKeySequence("Ctrl+Alt+O")
    assert window.settings.shortcuts() == {"open": "Ctrl+Alt+O"}
    # A new window on the same settings starts with it.
    other = make_window(qtbot, tmp_path, FakePlayerBackend())
    assert other.act_open.shortcut() == QKeySequence("Ctrl+Alt+O")


def test_editing_shortcuts_survive_opening_another_document(window, tmp_path) -> None:
    approve = next(a for a in window.all_actions() if action_id(a) == "edit_approve")
    dialog = window.show_settings()
    dialog.shortcuts.select("edit_approve")
    assert dialog.shortcuts.set_keys("edit_approve", QKeySequence("Shift+A"))
    _ok(dialog)
    assert approve.shortcut() == QKeySequence("Shift+A")
    second = tmp_path / "second.md"
    shutil.copy(example_document(), second)
    assert window.open_document(second)
    fresh = next(a for a in window.all_actions() if action_id(a) == "edit_approve")
    assert fresh is not approve  # a new session made new actions
    assert fresh.shortcut() == QKeySequence("Shift+A")


def test_a_conflicting_shortcut_is_refused_naming_the_other_action(window) -> None:
    dialog = window.show_settings()
    editor = dialog.shortcuts
    editor.select("open")
    assert not editor.set_keys("open", QKeySequence("Space"))  # Play/Pause has it
    assert "Play/Pause" in editor.message.text() and "Space" in editor.message.text()
    assert editor.keys["open"] == window.keymap.defaults["open"]
    assert editor.edit.keySequence() == QKeySequence(QKeySequence.StandardKey.Open)
    # Reset to defaults brings every changed key back.
    assert editor.set_keys("open", QKeySequence("Ctrl+Alt+O"))
    editor.reset_everything()
    assert editor.keys["open"] == window.keymap.defaults["open"]
    dialog.reject()


def test_template_preview_shows_the_selected_clips_name_and_errors(window) -> None:
    episode = window.episode
    clip = next(c for c in episode.clips if c.kind is ClipKind.HIGHLIGHT)
    index = episode.clips.index(clip) + 1
    assert window.sync.select_clip(clip.id)
    dialog = window.show_settings()
    dialog.template.setText("{index:03d}_{kind}")
    assert dialog.preview.text() == f"{index:03d}_highlight.mp4"
    dialog.template.setText("{nope}")
    assert "unknown field {nope}" in dialog.preview.text()
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    dialog.template.setText("{slug")
    assert "bad file-name template" in dialog.preview.text()
    dialog.reject()


def test_theme_applies_a_real_palette(window, qtbot) -> None:
    app = QApplication.instance()
    system = QPalette(app.palette())
    dialog = window.show_settings()
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    _ok(dialog)
    assert is_dark(app.palette()) and app.style().name().lower() == "fusion"
    dialog = window.show_settings()
    dialog.theme.setCurrentIndex(dialog.theme.findData("light"))
    _ok(dialog)
    assert not is_dark(app.palette())
    dialog = window.show_settings()
    dialog.theme.setCurrentIndex(dialog.theme.findData("system"))
    _ok(dialog)
    assert app.palette().color(QPalette.ColorRole.Window) == system.color(QPalette.ColorRole.Window)


def test_about_lists_the_versions_and_folders(window, qtbot) -> None:
    dialog = window.show_about()
    # Open before ffmpeg has answered: the versions are found on a worker.
    assert dialog.isVisible() and dialog.diagnostics is None and "Finding" in dialog.text()
    qtbot.waitUntil(lambda: dialog.diagnostics is not None, timeout=15_000)
    text = dialog.text()
    for name in ("Clipdesk", "Qt", "PySide6", "python-vlc", "libvlc", "yt-dlp", "ffmpeg"):
        assert f">{name}<" in text
    assert str(window.settings.path.parent) in text or "settings" in text
    assert dialog.diagnostics.versions["ffmpeg"] in text.replace("&amp;", "&")
    # Kept: a second opening shows them at once.
    dialog.close()
    assert window.show_about().diagnostics is dialog.diagnostics


def test_report_a_problem_copies_versions_and_log_lines(window, qtbot) -> None:
    assert logs.setup_logging() is not None  # the file under CLIPDESK_CONFIG_DIR
    try:
        logging.getLogger("clipdesk.test").warning("a line the report must carry")
    finally:
        logs.stop_logging()
    QGuiApplication.clipboard().clear()
    with qtbot.waitSignal(
        messages.bus().posted, timeout=15_000, check_params_cb=lambda m: "clipboard" in m.text
    ):
        window.act_report.trigger()
    copied = QGuiApplication.clipboard().text()
    assert "Clipdesk:" in copied and "ffmpeg:" in copied and "log lines" in copied
    assert "a line the report must carry" in copied


def test_settings_and_about_screenshots(window, qtbot, artifacts_dir) -> None:
    """For looking at: each page of Preferences and the About dialog."""
    assert window.sync.select_clip(window.episode.clips[0].id)
    dialog = window.show_settings()
    with qtbot.waitExposed(dialog):
        pass
    for index in range(dialog.tabs.count()):
        dialog.tabs.setCurrentIndex(index)
        name = dialog.tabs.tabText(index).lower()
        assert dialog.grab().save(str(artifacts_dir / f"settings_{name}.png"))
    dialog.shortcuts.select("open")
    dialog.shortcuts.set_keys("open", QKeySequence("Space"))
    assert dialog.grab().save(str(artifacts_dir / "settings_keyboard_conflict.png"))
    dialog.reject()
    about = window.show_about()
    qtbot.waitUntil(lambda: about.diagnostics is not None, timeout=15_000)
    about.adjustSize()
    assert about.grab().save(str(artifacts_dir / "about.png"))


def test_dark_theme_screenshot(window, qtbot, artifacts_dir) -> None:
    window.settings.theme = "dark"
    window.apply_settings()
    window.resize(1280, 800)
    with qtbot.waitExposed(window):
        window.show()
    assert window.sync.select_clip(window.episode.clips[1].id)
    assert window.grab().save(str(artifacts_dir / "window_dark.png"))


def test_resolving_a_url_shows_in_the_status_bar_until_it_is_done(qtbot, tmp_path) -> None:
    """The example's media is a URL (example.org does not resolve here, or slowly): the
    busy indicator says so while yt-dlp works, and goes once it has an answer."""
    w = make_window(qtbot, tmp_path, FakePlayerBackend(length_ms=60_000))
    doc = tmp_path / "episode.md"
    shutil.copy(example_document(), doc)
    assert w.open_document(doc)
    assert w.busy.isVisibleTo(w) and w.busy.label.text() == "Resolving example.org…"
    qtbot.waitUntil(lambda: not w.busy.isVisibleTo(w), timeout=60_000)
    assert w.background.busy_text() == ""
