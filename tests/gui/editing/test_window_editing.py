"""Editing in the real review window (fake player): keys, typed times, undo, review
status, notes, the offset behind every seek, Save Document and the project file."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication
from tests.support.review_window import make_window

from clipdesk.core.episode import ReviewStatus
from clipdesk.core.project_file import project_path, read_project
from clipdesk.ui.common import messages
from clipdesk.ui.common.messages import Level
from clipdesk.ui.document.open_document import DIRTY_MARK
from clipdesk.ui.editing.time_edit import TimeSpinBox
from clipdesk.ui.player.fake_backend import FakePlayerBackend
from clipdesk.ui.review.clip_table_model import Column
from clipdesk.ui.shell.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

HOUR = 3_600_000
SHOW_NOTES = "000_6bff21266dae52fe.txt"
SEGMENTS = "001_3baa9c223fab6a12.txt"
# Times as documents write them: labels, t= links, clip-command sections.
TIMES = re.compile(r"\d+(:\d\d)+(\.\d+)?|t=\d+s|\*\d+(\.\d+)?-\d+(\.\d+)?")


def _document(tmp_path: Path, seeds_dir: Path, seed: str, name: str = "episode.md") -> Path:
    doc = tmp_path / name
    shutil.copy(seeds_dir / seed, doc)
    doc.with_suffix(".mp4").write_bytes(b"")  # a sidecar for the fake player to "open"
    return doc


def _window(qtbot, tmp_path: Path, doc: Path) -> MainWindow:
    window = make_window(qtbot, tmp_path, FakePlayerBackend(length_ms=4 * HOUR))
    assert window.open_document(doc)
    with qtbot.waitExposed(window):
        window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    session = window.editing.session
    assert session is not None
    qtbot.waitUntil(lambda: session.timebase.duration_ms == 4 * HOUR)
    return window


def _key(qtbot, window: MainWindow, key, mods=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(window.clip_panel.table, key, mods)


def _type_cell(qtbot, window: MainWindow, clip_id: str, col: Column, text: str) -> None:
    table = window.clip_panel.table
    row = window.clip_panel.proxy.row_of(clip_id)
    index = window.clip_panel.proxy.index(row, col)
    table.setFocus()
    table.setCurrentIndex(index)
    qtbot.keyClick(table, Qt.Key.Key_F2)  # the edit key opens the cell's editor
    editor = QApplication.focusWidget()
    assert editor is not None and editor is not table
    if col in (Column.START, Column.END):
        assert isinstance(editor.parent(), TimeSpinBox) or isinstance(editor, TimeSpinBox)
    editor.selectAll() if hasattr(editor, "selectAll") else None
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # The delegate commits from a posted event.
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.State.EditingState or refused())


def refused() -> bool:
    return bool(messages.bus().history) and "not" in messages.bus().history[-1].text


def _masked(text: str) -> list[str]:
    return [TIMES.sub("T", line) for line in text.splitlines()]


@pytest.fixture()
def show_notes(tmp_path: Path, seeds_dir: Path) -> Path:
    return _document(tmp_path, seeds_dir, SHOW_NOTES)


@pytest.fixture()
def window(qtbot, tmp_path: Path, show_notes: Path) -> MainWindow:
    """The show-notes seed open, its first highlight (1:57-3:00) selected."""
    window = _window(qtbot, tmp_path, show_notes)
    assert window.sync.select_clip("highlight-1")
    window.clip_panel.table.setFocus()
    return window


def _clip(window: MainWindow, clip_id: str = "highlight-1"):
    assert window.store is not None
    return window.store.get(clip_id)


def _session(window: MainWindow):
    session = window.editing.session
    assert session is not None
    return session


def _set_out(qtbot, window: MainWindow, ms: int) -> None:
    window.player.seek(ms)
    _key(qtbot, window, Qt.Key.Key_O)


def test_editing_parts_are_in_the_window(window: MainWindow) -> None:
    """The timeline under the player, the Edit menu, the offset field, the shortcuts."""
    session = _session(window)
    assert session.timeline.isVisible() and session.timeline.parent() is window.player_view
    assert session.offset_edit.isVisible() and session.offset_edit.text() == "+0:00:00.000"
    menu_texts = [a.text() for a in window.edit_menu.actions()]
    assert "&Undo" in menu_texts[0] and "Set &In at Playhead" in menu_texts
    groups = dict(window.shortcut_groups())
    assert "Editing" in groups and any(a.shortcut().toString() == "I" for a in groups["Editing"])
    dialog = window.show_shortcuts()
    assert ("Editing", "Set In at Playhead", "I") in dialog.rows
    dialog.close()
    assert session.timeline.selectedClip() == "highlight-1"  # table -> timeline


def test_set_in_nudge_and_set_out_at_the_playhead(qtbot, window: MainWindow) -> None:
    clip = _clip(window)
    assert (clip.start_ms, clip.end_ms) == (117_000, 180_000)
    assert not window.windowTitle().startswith(DIRTY_MARK)
    window.player.seek(119_000)
    _key(qtbot, window, Qt.Key.Key_I)
    assert clip.start_ms == 119_000
    for _ in range(2):
        _key(qtbot, window, Qt.Key.Key_Period, Qt.KeyboardModifier.AltModifier)
    assert clip.start_ms == 119_080
    _set_out(qtbot, window, 175_000)
    assert clip.end_ms == 175_000
    assert window.windowTitle().startswith(DIRTY_MARK)
    assert "0:01:59.080" in window.details.plain_text()  # details follow the edit


def test_times_typed_in_the_table_in_every_form(qtbot, window: MainWindow) -> None:
    clip = _clip(window)
    # Typed times land on the start of the 25 fps frame they fall in.
    for text, ms in (("1:57.250", 117_240), ("117.5", 117_480), ("00:01:57.750", 117_720),
                     ("1:57", 117_000)):  # fmt: skip
        _type_cell(qtbot, window, clip.id, Column.START, text)
        assert clip.start_ms == ms, text
    _type_cell(qtbot, window, clip.id, Column.TITLE, "A better title")
    assert clip.title == "A better title"


def test_an_invalid_typed_time_is_refused_with_a_message(qtbot, window: MainWindow) -> None:
    clip = _clip(window)
    _type_cell(qtbot, window, clip.id, Column.END, "1:00")  # before its start
    assert clip.end_ms == 180_000
    last = messages.bus().history[-1]
    assert last.level is Level.WARNING and "0:01:00" in last.text, last.text
    assert window.banner.isVisible()


def test_undo_and_redo_through_the_keys(qtbot, window: MainWindow) -> None:
    clip = _clip(window)
    _type_cell(qtbot, window, clip.id, Column.START, "1:57.750")
    _type_cell(qtbot, window, clip.id, Column.TITLE, "A better title")
    window.clip_panel.table.setFocus()
    _key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert clip.title != "A better title" and clip.start_ms == 117_720
    _key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert clip.start_ms == 117_000
    _key(
        qtbot, window, Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )  # fmt: skip
    assert clip.start_ms == 117_720


def test_review_keys_show_in_the_review_column(qtbot, qtmodeltester, window: MainWindow) -> None:
    clip = _clip(window)
    _key(qtbot, window, Qt.Key.Key_R)
    assert clip.review is ReviewStatus.REJECTED
    _key(qtbot, window, Qt.Key.Key_A)
    assert clip.review is ReviewStatus.APPROVED
    model = window.clip_panel.model
    assert model is not None
    assert model.index(model.row_of(clip.id), Column.REVIEW).data() == "Approved"
    qtmodeltester.check(model)  # with the editor behind it: editable cells


def _type_note(qtbot, window: MainWindow, text: str) -> None:
    note = window.details.note_edit
    assert note.isVisible()
    note.setFocus()
    qtbot.keyClicks(note, text)
    window.clip_panel.table.setFocus()  # leaving the field keeps the note


def test_a_note_is_kept_when_its_field_is_left(qtbot, window: MainWindow) -> None:
    clip = _clip(window)
    note = window.details.note_edit
    assert note.toPlainText() == ""
    _type_note(qtbot, window, "Check the audio")
    assert clip.note == "Check the audio"
    window.sync.select_clip("highlight-2")
    assert note.toPlainText() == ""
    window.sync.select_clip(clip.id)
    assert note.toPlainText() == "Check the audio"


def test_the_offset_moves_seeks_not_the_transcript(qtbot, window: MainWindow) -> None:
    session = _session(window)
    session.offset_edit.setText("+0:00:01.000")
    session.offset_edit.commit()
    window.sync.select_clip("highlight-2")
    assert window.player.position() == _clip(window, "highlight-2").start_ms + 1_000
    view = window.transcript
    row = 5
    line_ms = window.episode.transcript[row].start_ms  # type: ignore[union-attr]
    view.scroll_to_line(row)
    qtbot.mouseClick(
        view.text.viewport(), Qt.MouseButton.LeftButton, pos=view.line_rect(row).center()
    )
    assert window.player.position() == line_ms + 1_000
    assert view.model.current_row == row


def test_save_document_changes_only_times(qtbot, window: MainWindow, show_notes: Path) -> None:
    original = show_notes.read_text(encoding="utf-8")
    clip = _clip(window)
    _set_out(qtbot, window, 175_000)
    with qtbot.waitSignal(_session(window).autosaver.saved, timeout=3_000):
        _key(qtbot, window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not window.windowTitle().startswith(DIRTY_MARK)
    saved = show_notes.read_text(encoding="utf-8")
    assert _masked(saved) == _masked(original)
    assert '"*1:57-3:00"' in original and '"*1:57-2:55"' in saved  # the new out point
    data = read_project(project_path(show_notes))
    assert "start_ms" not in data["clips"].get(clip.id, {})  # the document holds the bounds


def test_save_as_takes_the_project_file_along(
    qtbot, window: MainWindow, show_notes: Path, tmp_path: Path
) -> None:
    original = show_notes.read_text(encoding="utf-8")
    clip = _clip(window)
    _type_note(qtbot, window, "Check the audio")
    copy = tmp_path / "copy.md"
    window.editing.save_as_path = lambda _current: copy
    _key(qtbot, window, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)  # nudge the out point
    _key(qtbot, window, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)  # by 100 ms:
    assert (
        clip.end_ms == 180_120
    )  # three whole 25 fps frames and window.windowTitle().startswith(DIRTY_MARK)
    with qtbot.waitSignal(_session(window).autosaver.saved, timeout=3_000):
        _key(
            qtbot, window, Qt.Key.Key_S,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )  # fmt: skip
    assert window.document == copy and not window.windowTitle().startswith(DIRTY_MARK)
    assert show_notes.read_text(encoding="utf-8") == original  # the original is left alone
    assert '"*1:57-3:00.12"' in copy.read_text(encoding="utf-8")
    assert _masked(copy.read_text(encoding="utf-8")) == _masked(original)
    assert read_project(project_path(copy))["clips"][clip.id]["note"] == "Check the audio"
    assert str(copy) == window.settings.recent_files()[0]


def test_reopening_restores_the_document_and_the_project_file(
    qtbot, window: MainWindow, show_notes: Path, tmp_path: Path
) -> None:
    clip = _clip(window)
    _set_out(qtbot, window, 175_000)
    _key(qtbot, window, Qt.Key.Key_A)
    _type_note(qtbot, window, "Check the audio")
    _key(qtbot, window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    window.close()
    again = _window(qtbot, tmp_path, show_notes)
    restored = _clip(again, clip.id)
    assert (restored.start_ms, restored.end_ms) == (117_000, 175_000)
    assert restored.review is ReviewStatus.APPROVED and restored.note == "Check the audio"
    assert not again.windowTitle().startswith(DIRTY_MARK)


def test_offset_aligns_a_segments_document(qtbot, tmp_path: Path, seeds_dir: Path) -> None:
    doc = _document(tmp_path, seeds_dir, SEGMENTS, name="podcast.txt")
    window = _window(qtbot, tmp_path, doc)
    session = window.editing.session
    assert session is not None and window.store is not None
    race = next(c for c in window.store if c.title == "China vs US AI Race")
    assert race.start_ms == 989_000  # 00:16:29 in the document, 1:57 in the video
    assert window.sync.select_clip(race.id)
    window.player.seek(117_000)
    window.clip_panel.table.setFocus()
    _key(qtbot, window, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)  # align here
    assert session.timebase.offset_ms == 117_000 - 989_000
    assert session.offset_edit.text() == "-0:14:32.000"
    assert window.player_view.seek_bar.offset == session.timebase.offset_ms
    # Selecting, playing and the clip under the playhead all use media time.
    nxt = window.store[window.store.index_of(race.id) + 1]
    assert window.sync.select_clip(nxt.id)
    assert window.player.position() == nxt.start_ms - 872_000
    window.sync.act_play_clip.trigger()
    assert window.player.active_range is not None
    assert window.player.active_range[0] == nxt.start_ms - 872_000
    window.player.pause()
    window.player.seek(118_000)
    assert window.clip_panel.model.current_clip_id == race.id  # type: ignore[union-attr]
    # The timeline draws the band at media time; a click on it selects (timeline -> table).
    tl = session.timeline
    tl.setSelectedClip(race.id)
    rect = tl.band_rect(race.id)
    assert rect is not None
    assert abs(rect.left() - tl.x_for(117_000)) < 1.0
    window.sync.select_clip(nxt.id)
    rect = tl.band_rect(race.id)
    assert rect is not None
    qtbot.mouseClick(tl, Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    assert window.sync.selected_clip() is race
    assert window.player.position() == 117_000
    # Undo the alignment; the offset is saved with the project.
    with qtbot.waitSignal(session.autosaver.saved, timeout=3_000):
        _key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert session.timebase.offset_ms == 0
    _key(
        qtbot,
        window,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    window.close()
    assert read_project(project_path(doc))["offset_ms"] == -872_000


def test_opening_and_closing_writes_nothing(qtbot, tmp_path: Path, seeds_dir: Path) -> None:
    """A document only looked at gets no project file beside it (nor a changed one)."""
    doc = _document(tmp_path, seeds_dir, SEGMENTS, name="podcast.txt")
    before = doc.read_bytes()
    window = _window(qtbot, tmp_path, doc)
    window.sync.select_clip("segment-2")
    window.close()
    assert not project_path(doc).exists() and doc.read_bytes() == before
