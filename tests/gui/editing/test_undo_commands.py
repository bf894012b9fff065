"""Undoable clip edits: every edit is one step, nudges and drags merge, refusals
never reach the stack."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QUndoStack
from tests.support.episodes import build_episode

from clipdesk.core.bounds import Bound, NudgeUnit, Timebase
from clipdesk.core.clip_store import ClipStore
from clipdesk.core.episode import (
    Clip,
    ClipKind,
    ReviewStatus,
    TranscriptLine,
)
from clipdesk.ui.editing.undo_commands import ClipEditor


@pytest.fixture()
def editor(qtbot) -> ClipEditor:
    clips = [
        Clip("hl-1", ClipKind.HIGHLIGHT, "Opening", 10_000, 20_000, line=5),
        Clip("hl-2", ClipKind.HIGHLIGHT, "Second", 30_000, 45_000, line=9),
    ]
    transcript = [TranscriptLine(0, "Hello."), TranscriptLine(25_000, "A new topic starts.")]
    episode = build_episode(clips, transcript)
    return ClipEditor(ClipStore(episode), QUndoStack(), Timebase(duration_ms=60_000, fps=25))


def bounds(editor: ClipEditor, clip_id: str) -> tuple[int, int | None]:
    c = editor.store.get(clip_id)
    return c.start_ms, c.end_ms


def test_set_in_out_at_playhead_and_undo(editor: ClipEditor) -> None:
    assert editor.set_bound_at("hl-1", Bound.START, 12_000)
    assert editor.set_bound_at("hl-1", Bound.END, 18_000)
    assert bounds(editor, "hl-1") == (12_000, 18_000)
    assert editor.stack.count() == 2 and editor.stack.undoText() == "Set out"
    editor.stack.undo()
    assert bounds(editor, "hl-1") == (12_000, 20_000)
    editor.stack.undo()
    assert bounds(editor, "hl-1") == (10_000, 20_000)
    editor.stack.redo()
    editor.stack.redo()
    assert bounds(editor, "hl-1") == (12_000, 18_000)


def test_playhead_is_media_time(editor: ClipEditor) -> None:
    editor.timebase.offset_ms = 2_000
    editor.set_bound_at("hl-1", Bound.START, 13_000)
    assert bounds(editor, "hl-1") == (11_000, 20_000)


def test_refusals_do_not_reach_the_stack(editor: ClipEditor, qtbot) -> None:
    cases = [
        (lambda: editor.set_bound_at("hl-1", Bound.START, 25_000), "must be before the out"),
        (lambda: editor.set_bound_at("hl-1", Bound.END, 5_000), "must be after the in"),
        (lambda: editor.set_bounds("hl-1", 10_000, 61_000), "past the end of the media"),
        (lambda: editor.nudge("hl-2", Bound.END, 20, NudgeUnit.SECOND), "past the end"),
        (lambda: editor.set_bound_at(None, Bound.START, 1_000), "Select a clip first"),
        (lambda: editor.delete("nope"), "no longer exists"),
        (lambda: editor.split("hl-1", 25_000), "nothing to split"),
        (lambda: editor.set_title("hl-1", "   "), "needs a title"),
        (lambda: editor.new_clip(60_000), "media ends there"),
    ]
    for edit, message in cases:
        with qtbot.waitSignal(editor.refused) as blocker:
            assert not edit()
        assert message in blocker.args[0]
    assert editor.stack.count() == 0
    assert bounds(editor, "hl-1") == (10_000, 20_000) and len(editor.store) == 2


def test_repeated_nudges_merge_per_clip_and_bound(editor: ClipEditor) -> None:
    for _ in range(3):
        editor.nudge("hl-1", Bound.START, 1, NudgeUnit.FRAME)
    editor.nudge("hl-1", Bound.START, 1, NudgeUnit.TENTH)  # 3 frames at 25 fps
    assert bounds(editor, "hl-1") == (10_240, 20_000)
    assert editor.stack.count() == 1
    editor.nudge("hl-1", Bound.END, -1, NudgeUnit.SECOND)  # another bound: a new step
    editor.nudge("hl-2", Bound.END, -1, NudgeUnit.SECOND)  # another clip: a new step
    assert editor.stack.count() == 3
    editor.stack.undo()
    editor.stack.undo()
    editor.stack.undo()
    assert bounds(editor, "hl-1") == (10_000, 20_000)


def test_nudges_back_to_start_leave_no_step(editor: ClipEditor) -> None:
    editor.nudge("hl-1", Bound.START, 1, NudgeUnit.TENTH)
    editor.nudge("hl-1", Bound.START, -1, NudgeUnit.TENTH)
    assert editor.stack.count() == 0 and bounds(editor, "hl-1") == (10_000, 20_000)


def test_drag_moves_merge_into_one_step(editor: ClipEditor) -> None:
    drag = editor.begin_drag()
    for t in (10_500, 11_000, 11_700):
        assert editor.drag_bound("hl-1", Bound.START, t, drag)
    second = editor.begin_drag()
    editor.drag_bound("hl-1", Bound.END, 21_000, second)
    assert editor.stack.count() == 2
    editor.stack.undo()
    assert bounds(editor, "hl-1") == (11_680, 20_000)  # on the frame grid
    editor.stack.undo()
    assert bounds(editor, "hl-1") == (10_000, 20_000)


def test_review_note_title(editor: ClipEditor) -> None:
    editor.set_review("hl-1", ReviewStatus.APPROVED)
    editor.set_review("hl-1", ReviewStatus.APPROVED)  # no change, no step
    editor.set_note("hl-1", "check audio")
    editor.set_title("hl-1", "  Better   title ")
    clip = editor.store.get("hl-1")
    assert (clip.review, clip.note, clip.title) == (
        ReviewStatus.APPROVED,
        "check audio",
        "Better title",
    )
    assert editor.stack.count() == 3
    while editor.stack.canUndo():
        editor.stack.undo()
    assert (clip.review, clip.note, clip.title) == (ReviewStatus.UNREVIEWED, "", "Opening")


def test_insert_duplicate_split_delete_round_trip(editor: ClipEditor) -> None:
    heard: list[str] = []
    editor.store.subscribe(lambda kind, index, clip, fields: heard.append(f"{kind}:{index}"))
    new_id = editor.new_clip(26_000)
    assert new_id == "clip-1"
    new = editor.store.get(new_id)
    assert (new.start_ms, new.end_ms, new.title) == (26_000, 36_000, "A new topic starts.")
    assert [c.id for c in editor.store] == ["hl-1", "clip-1", "hl-2"]  # in time order
    dup = editor.duplicate("hl-1")
    assert [c.id for c in editor.store] == ["hl-1", dup, "clip-1", "hl-2"]
    second = editor.split("hl-2", 40_000)
    assert bounds(editor, "hl-2") == (30_000, 40_000) and bounds(editor, second) == (40_000, 45_000)
    assert editor.delete("hl-1")
    assert [c.id for c in editor.store] == [dup, "clip-1", "hl-2", second]
    assert editor.stack.count() == 4
    while editor.stack.canUndo():
        editor.stack.undo()
    assert [c.id for c in editor.store] == ["hl-1", "hl-2"]
    assert bounds(editor, "hl-2") == (30_000, 45_000)
    while editor.stack.canRedo():
        editor.stack.redo()
    assert [c.id for c in editor.store] == [dup, "clip-1", "hl-2", second]
    assert "inserted:1" in heard and "removed:0" in heard


def test_align_here_sets_one_offset(editor: ClipEditor) -> None:
    assert editor.align_here("hl-2", 5_000)
    assert editor.timebase.offset_ms == -25_000
    assert editor.stack.undoText() == "Set offset -0:00:25.000"
    editor.set_offset(-24_000)
    editor.stack.undo()
    editor.stack.undo()
    assert editor.timebase.offset_ms == 0
