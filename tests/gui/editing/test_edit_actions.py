"""Keyboard workflows over the editing actions: set in/out, nudges, jumps, previews,
review keys, clip operations and undo/redo, in a window with a clip timeline."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QUndoStack
from PySide6.QtWidgets import QLineEdit, QMainWindow, QMenu, QVBoxLayout, QWidget
from tests.support.episodes import build_episode

from clipdesk.core.bounds import Timebase
from clipdesk.core.clip_store import ClipStore
from clipdesk.core.episode import (
    Clip,
    ClipKind,
    Episode,
    ReviewStatus,
    SourceFormat,
    TranscriptLine,
)
from clipdesk.ui.editing.edit_actions import EditActions
from clipdesk.ui.editing.timeline import Timeline
from clipdesk.ui.editing.undo_commands import ClipEditor

ALT = Qt.KeyboardModifier.AltModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier


class Harness(QMainWindow):
    """A window hosting the actions the way the review window does, with the player
    reduced to its playhead and what was asked of it."""

    def __init__(self) -> None:
        super().__init__()
        clips = [
            Clip("hl-1", ClipKind.HIGHLIGHT, "Opening", 10_000, 20_000, line=1),
            Clip("hl-2", ClipKind.HIGHLIGHT, "Later", 30_000, 40_000, line=2),
            Clip("seg-1", ClipKind.SEGMENT, "Open end", 45_000, None, line=3),
        ]
        transcript = [TranscriptLine(0, "Hi."), TranscriptLine(22_000, "Here is a new idea.")]
        episode = build_episode(clips, transcript)
        self.editor = ClipEditor(
            ClipStore(episode), QUndoStack(self), Timebase(duration_ms=60_000, fps=25)
        )
        self.playhead = 0
        self.selected: str | None = "hl-1"
        self.seeks: list[int] = []
        self.ranges: list[tuple[int, int]] = []
        self.messages: list[str] = []
        self.editor.refused.connect(self.messages.append)
        central = QWidget()
        layout = QVBoxLayout(central)
        self.note = QLineEdit()
        self.timeline = Timeline(self.editor)
        layout.addWidget(self.note)
        layout.addWidget(self.timeline)
        self.setCentralWidget(central)
        self.timeline.clip_selected.connect(self.select)
        self.edit = EditActions(
            self.editor,
            self,
            playhead=lambda: self.playhead,
            selected_clip=lambda: self.selected,
            seek=self.seeks.append,
            play_range=lambda a, b: self.ranges.append((a, b)),
            select_clip=self.select,
        )
        self.menu = QMenu("&Edit", self)
        self.edit.populate(self.menu)
        self.menuBar().addMenu(self.menu)

    def select(self, clip_id: str | None) -> None:
        self.selected = clip_id
        self.timeline.setSelectedClip(clip_id)

    def bounds(self, clip_id: str) -> tuple[int, int | None]:
        clip = self.editor.store.get(clip_id)
        return clip.start_ms, clip.end_ms


@pytest.fixture()
def win(qtbot) -> Harness:
    w = Harness()
    qtbot.addWidget(w)
    w.resize(900, 300)
    w.show()
    w.activateWindow()
    qtbot.waitExposed(w)
    qtbot.waitUntil(w.isActiveWindow)
    w.timeline.setFocus()
    return w


def key(qtbot, win: Harness, k: Qt.Key, mods=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(win.focusWidget() or win, k, mods)


def test_set_in_out_with_keys_and_undo_redo(qtbot, win: Harness) -> None:
    win.playhead = 12_340
    key(qtbot, win, Qt.Key.Key_I)
    win.playhead = 18_000
    key(qtbot, win, Qt.Key.Key_O)
    assert win.bounds("hl-1") == (12_320, 18_000)  # the start of the frame at 12.340
    key(qtbot, win, Qt.Key.Key_Z, CTRL)
    assert win.bounds("hl-1") == (12_320, 20_000)
    key(qtbot, win, Qt.Key.Key_Z, CTRL)
    assert win.bounds("hl-1") == (10_000, 20_000)
    key(qtbot, win, Qt.Key.Key_Z, CTRL | SHIFT)
    key(qtbot, win, Qt.Key.Key_Y, CTRL)
    assert win.bounds("hl-1") == (12_320, 18_000)
    # Out before in is refused with a message and stores nothing.
    win.playhead = 5_000
    key(qtbot, win, Qt.Key.Key_O)
    assert "must be after the in point" in win.messages[-1]
    assert win.bounds("hl-1") == (12_320, 18_000) and win.editor.stack.count() == 2


def test_nudges_merge_and_follow_the_chosen_bound(qtbot, win: Harness) -> None:
    heard: list[str] = []
    win.edit.active_bound_changed.connect(heard.append)
    key(qtbot, win, Qt.Key.Key_Down, ALT)  # nudge the out point
    for _ in range(3):
        key(qtbot, win, Qt.Key.Key_Period, ALT)
    key(qtbot, win, Qt.Key.Key_Right, ALT)  # 100 ms: 3 frames at 25 fps
    assert win.bounds("hl-1") == (10_000, 20_240)
    key(qtbot, win, Qt.Key.Key_Up, ALT)  # now the in point
    key(qtbot, win, Qt.Key.Key_Left, ALT | SHIFT)
    key(qtbot, win, Qt.Key.Key_Comma, ALT)
    assert win.bounds("hl-1") == (8_960, 20_240)
    assert heard == ["end", "start"]
    assert win.editor.stack.count() == 2  # one step per bound
    key(qtbot, win, Qt.Key.Key_Z, CTRL)
    assert win.bounds("hl-1") == (10_000, 20_240)
    key(qtbot, win, Qt.Key.Key_Z, CTRL)
    assert win.bounds("hl-1") == (10_000, 20_000)
    # Nudging past the media's end is refused.
    win.select("hl-2")
    key(qtbot, win, Qt.Key.Key_Down, ALT)
    for _ in range(25):
        key(qtbot, win, Qt.Key.Key_Right, ALT | SHIFT)
    assert win.bounds("hl-2") == (30_000, 60_000)
    assert "past the end of the media" in win.messages[-1]


def test_jump_and_preview(qtbot, win: Harness) -> None:
    win.editor.set_offset(1_000)
    key(qtbot, win, Qt.Key.Key_I, SHIFT)
    key(qtbot, win, Qt.Key.Key_O, SHIFT)
    assert win.seeks == [11_000, 21_000]  # media time: document time + offset
    key(qtbot, win, Qt.Key.Key_I, ALT)
    key(qtbot, win, Qt.Key.Key_O, ALT)
    assert win.ranges == [(9_000, 13_000), (19_000, 23_000)]
    win.select("seg-1")
    key(qtbot, win, Qt.Key.Key_O, SHIFT)
    assert "has no out point yet" in win.messages[-1] and len(win.seeks) == 2


def test_review_keys_and_text_fields_keep_their_letters(qtbot, win: Harness) -> None:
    clip = win.editor.store.get("hl-1")
    key(qtbot, win, Qt.Key.Key_A)
    assert clip.review is ReviewStatus.APPROVED
    key(qtbot, win, Qt.Key.Key_R)
    assert clip.review is ReviewStatus.REJECTED
    key(qtbot, win, Qt.Key.Key_U)
    assert clip.review is ReviewStatus.UNREVIEWED
    win.note.setFocus()
    qtbot.keyClicks(win.note, "Really a sound")
    assert win.note.text() == "Really a sound"
    assert clip.review is ReviewStatus.UNREVIEWED and len(win.editor.store) == 3
    assert win.editor.stack.count() == 3


def test_clip_operations_with_keys(qtbot, win: Harness) -> None:
    win.playhead = 23_000
    key(qtbot, win, Qt.Key.Key_N)
    new_id = win.selected
    assert new_id == "clip-1"
    new = win.editor.store.get(new_id)
    assert (new.title, new.start_ms, new.end_ms) == ("Here is a new idea.", 23_000, 33_000)
    key(qtbot, win, Qt.Key.Key_D, CTRL)
    dup_id = win.selected
    assert dup_id == "clip-2" and win.editor.store.get(dup_id).title.endswith("(copy)")
    win.select("hl-2")
    win.playhead = 35_000
    key(qtbot, win, Qt.Key.Key_S)
    assert win.bounds("hl-2") == (30_000, 35_000) and win.bounds("clip-3") == (35_000, 40_000)
    key(qtbot, win, Qt.Key.Key_Delete)
    assert "hl-2" not in [c.id for c in win.editor.store] and win.selected == "clip-3"
    ids = ["hl-1", "clip-1", "clip-2", "clip-3", "seg-1"]
    assert [c.id for c in win.editor.store] == ids
    for _ in range(4):
        key(qtbot, win, Qt.Key.Key_Z, CTRL)
    assert [c.id for c in win.editor.store] == ["hl-1", "hl-2", "seg-1"]
    assert win.bounds("hl-2") == (30_000, 40_000)


def test_align_here_and_refusals_without_selection(qtbot, win: Harness) -> None:
    win.select("hl-2")
    win.playhead = 31_500
    key(qtbot, win, Qt.Key.Key_A, ALT)
    assert win.editor.timebase.offset_ms == 1_500
    win.select(None)
    for k in (Qt.Key.Key_I, Qt.Key.Key_A, Qt.Key.Key_Delete):
        key(qtbot, win, k)
    assert win.messages[-3:] == ["Select a clip first."] * 3
    assert win.editor.stack.count() == 1


def test_timeline_click_selects_for_the_keys(qtbot, win: Harness) -> None:
    rect = win.timeline.band_rect("hl-2")
    assert rect is not None
    qtbot.mouseClick(win.timeline, Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    assert win.selected == "hl-2"
    win.playhead = 32_000
    key(qtbot, win, Qt.Key.Key_I)
    assert win.bounds("hl-2") == (32_000, 40_000)


def test_shortcut_map_has_no_clashes() -> None:
    rows = EditActions.shortcut_table()
    keys = [k.strip() for keys, _ in rows for k in keys.split(",") if k.strip()]
    # "Alt+," splits oddly on the comma: count sequences from the specs instead.
    from clipdesk.ui.editing.edit_actions import SPECS

    sequences = [QKeySequence(s) for spec in SPECS for s in spec.shortcuts]
    sequences += [QKeySequence("Ctrl+Z"), QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")]
    texts = [s.toString() for s in sequences]
    assert len(texts) == len(set(texts)), texts
    player_keys = {"Space", "Left", "Right", ",", ".", "Shift+Left", "Shift+Right"}
    assert not player_keys & set(texts)
    assert all(not s.isEmpty() for s in sequences) and keys


def test_no_shortcut_clashes_inside_the_review_window(qtbot, tmp_path) -> None:
    """Hosted by the real review window, every shortcut stays unambiguous (Qt fires
    neither action of an ambiguous pair)."""
    from PySide6.QtGui import QAction

    from clipdesk.ui.common.settings import Settings
    from clipdesk.ui.shell.main_window import MainWindow

    window = MainWindow(None, "No player in this test.", settings=Settings(tmp_path / "s.ini"))
    qtbot.addWidget(window)
    episode = Episode(None, SourceFormat.SHOW_NOTES)
    editor = ClipEditor(ClipStore(episode), QUndoStack(window), Timebase())
    EditActions(
        editor,
        window,
        playhead=window.player.position,
        selected_clip=lambda: None,
        seek=window.player.seek,
        play_range=window.player.play_range,
    )
    seqs = [s.toString() for a in window.findChildren(QAction) for s in a.shortcuts()]
    assert "I" in seqs and "Space" in seqs
    assert sorted({s for s in seqs if seqs.count(s) > 1}) == []
