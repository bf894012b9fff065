"""Undoable clip edits: QUndoCommands over the ClipStore, and the ClipEditor that
validates an edit (clipdesk.core.bounds) before it reaches the QUndoStack.

Every edit of a document's clips goes through ClipEditor, so that it is undoable and
every view (table, timeline, autosave) hears of it through the store. Refused edits
never touch the stack; ClipEditor.refused carries the reason for the status bar.
"""

from __future__ import annotations

import enum
import itertools
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from clipdesk.core.bounds import (
    Bound,
    EditRefused,
    NudgeUnit,
    Timebase,
    align_offset,
    check_bounds,
    duplicate_clip,
    format_offset,
    new_clip_at,
    nudged_bound,
    split_clip,
    with_bound,
)
from clipdesk.core.clip_store import ClipStore
from clipdesk.core.episode import Clip, ReviewStatus


class CommandId(enum.IntEnum):
    """QUndoCommand.id() values: commands with the same id may merge."""

    NUDGE = 1001
    DRAG = 1002


class ClipFieldsCommand(QUndoCommand):
    """Set fields of one clip; undo restores what they were."""

    def __init__(self, store: ClipStore, clip_id: str, changes: dict[str, Any], text: str):
        super().__init__(text)
        self.store = store
        self.clip_id = clip_id
        clip = store.get(clip_id)
        self.before = {k: getattr(clip, k) for k in changes}
        self.after = dict(changes)

    def redo(self) -> None:
        self.store.update(self.clip_id, **self.after)

    def undo(self) -> None:
        self.store.update(self.clip_id, **self.before)

    def _absorb(self, other: ClipFieldsCommand) -> bool:
        self.after.update(other.after)
        self.setText(other.text())
        # A run of edits that ends where it began leaves no step behind.
        self.setObsolete(self.after == self.before)
        return True


class NudgeCommand(ClipFieldsCommand):
    """A nudge of one bound; repeated nudges of the same clip and bound merge."""

    def __init__(self, store: ClipStore, clip_id: str, bound: Bound, changes: dict[str, Any]):
        super().__init__(store, clip_id, changes, f"Nudge {bound.label}")
        self.bound = bound

    def id(self) -> int:
        return CommandId.NUDGE

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, NudgeCommand):
            return False
        if (other.clip_id, other.bound) != (self.clip_id, self.bound):
            return False
        return self._absorb(other)


class DragCommand(ClipFieldsCommand):
    """One step of a drag on the timeline; all steps of one drag merge into one."""

    def __init__(self, store: ClipStore, clip_id: str, drag: int, changes: dict[str, Any]):
        super().__init__(store, clip_id, changes, "Drag clip bound")
        self.drag = drag

    def id(self) -> int:
        return CommandId.DRAG

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, DragCommand) or other.drag != self.drag:
            return False
        return self._absorb(other)


class InsertClipCommand(QUndoCommand):
    def __init__(self, store: ClipStore, index: int, clip: Clip, text: str = "New clip"):
        super().__init__(text)
        self.store, self.index, self.clip = store, index, clip

    def redo(self) -> None:
        self.store.insert(self.index, self.clip)

    def undo(self) -> None:
        self.store.remove(self.clip.id)


class DeleteClipCommand(QUndoCommand):
    def __init__(self, store: ClipStore, clip_id: str):
        super().__init__(f"Delete “{store.get(clip_id).title}”")
        self.store = store
        self.index = store.index_of(clip_id)
        self.clip = store.get(clip_id)

    def redo(self) -> None:
        self.store.remove(self.clip.id)

    def undo(self) -> None:
        self.store.insert(self.index, self.clip)


class SplitClipCommand(QUndoCommand):
    """Shorten a clip to the split point and insert its second part after it."""

    def __init__(self, store: ClipStore, clip_id: str, first: dict[str, Any], second: Clip):
        super().__init__(f"Split “{store.get(clip_id).title}”")
        self.shorten = ClipFieldsCommand(store, clip_id, first, "")
        self.insert = InsertClipCommand(store, store.index_of(clip_id) + 1, second)

    def redo(self) -> None:
        self.shorten.redo()
        self.insert.redo()

    def undo(self) -> None:
        self.insert.undo()
        self.shorten.undo()


class SetOffsetCommand(QUndoCommand):
    def __init__(self, timebase: Timebase, offset_ms: int):
        super().__init__(f"Set offset {format_offset(offset_ms)}")
        self.timebase = timebase
        self.before = timebase.offset_ms
        self.after = offset_ms

    def redo(self) -> None:
        self.timebase.offset_ms = self.after

    def undo(self) -> None:
        self.timebase.offset_ms = self.before


class ClipEditor(QObject):
    """The one way to edit a document's clips: validates, then pushes a command.

    Playhead arguments are media times (the player's); bounds typed in the table are
    document times (what the table shows). Methods return whether the edit was made;
    refused edits emit refused(message) and leave the stack untouched.
    """

    refused = Signal(str)

    def __init__(
        self,
        store: ClipStore,
        stack: QUndoStack,
        timebase: Timebase,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.stack = stack
        self.timebase = timebase
        self._drags = itertools.count(1)

    def _refuse(self, message: str) -> bool:
        self.refused.emit(message)
        return False

    def _clip(self, clip_id: str | None) -> Clip:
        if not clip_id:
            raise EditRefused("Select a clip first.")
        try:
            return self.store.get(clip_id)
        except KeyError:
            raise EditRefused(f"The clip {clip_id!r} no longer exists.") from None

    def _bounds(self, clip: Clip, start: int, end: int | None) -> dict[str, Any]:
        return {"start_ms": start, "end_ms": end}

    # -- bounds ------------------------------------------------------------------
    def set_bound_at(self, clip_id: str | None, bound: Bound, playhead_ms: int) -> bool:
        """I / O: put the clip's in or out point at the playhead."""
        try:
            clip = self._clip(clip_id)
            doc = self.timebase.to_document(playhead_ms)
            start, end = with_bound(clip, bound, doc, self.timebase)
        except EditRefused as exc:
            return self._refuse(str(exc))
        name = "in" if bound is Bound.START else "out"
        self.stack.push(
            ClipFieldsCommand(self.store, clip.id, self._bounds(clip, start, end), f"Set {name}")
        )
        return True

    def set_bounds(
        self,
        clip_id: str | None,
        start_ms: int,
        end_ms: int | None,
        edited: Bound | None = None,
    ) -> bool:
        """Typed bounds, in document time; stored on the frame grid. edited names the
        bound typed, for the refusal's message."""
        start_ms = self.timebase.on_grid(start_ms)
        end_ms = self.timebase.on_grid(end_ms) if end_ms is not None else None
        try:
            clip = self._clip(clip_id)
            check_bounds(start_ms, end_ms, self.timebase, edited)
        except EditRefused as exc:
            return self._refuse(str(exc))
        self.stack.push(
            ClipFieldsCommand(
                self.store, clip.id, self._bounds(clip, start_ms, end_ms), "Edit clip times"
            )
        )
        return True

    def set_start(self, clip_id: str | None, start_ms: int) -> bool:
        try:
            clip = self._clip(clip_id)
            start, end = with_bound(clip, Bound.START, start_ms, self.timebase)
        except EditRefused as exc:
            return self._refuse(str(exc))
        return self.set_bounds(clip.id, start, end, Bound.START)

    def set_end(self, clip_id: str | None, end_ms: int | None) -> bool:
        try:
            clip = self._clip(clip_id)
        except EditRefused as exc:
            return self._refuse(str(exc))
        return self.set_bounds(clip.id, clip.start_ms, end_ms, Bound.END)

    def nudge(self, clip_id: str | None, bound: Bound, steps: int, unit: NudgeUnit) -> bool:
        try:
            clip = self._clip(clip_id)
            start, end = nudged_bound(clip, bound, steps, unit, self.timebase)
        except EditRefused as exc:
            return self._refuse(str(exc))
        self.stack.push(NudgeCommand(self.store, clip.id, bound, self._bounds(clip, start, end)))
        return True

    def begin_drag(self) -> int:
        """A new drag: the moves pushed with its number merge into one undo step."""
        return next(self._drags)

    def drag_bound(self, clip_id: str, bound: Bound, doc_ms: int, drag: int) -> bool:
        try:
            clip = self._clip(clip_id)
            start, end = with_bound(clip, bound, doc_ms, self.timebase)
        except EditRefused as exc:
            return self._refuse(str(exc))
        if (start, end) != (clip.start_ms, clip.end_ms):
            self.stack.push(DragCommand(self.store, clip.id, drag, self._bounds(clip, start, end)))
        return True

    # -- review, note, title -------------------------------------------------------
    def set_review(self, clip_id: str | None, status: ReviewStatus) -> bool:
        try:
            clip = self._clip(clip_id)
        except EditRefused as exc:
            return self._refuse(str(exc))
        if clip.review is not status:
            text = {
                ReviewStatus.APPROVED: "Approve",
                ReviewStatus.REJECTED: "Reject",
                ReviewStatus.UNREVIEWED: "Mark unreviewed",
            }[status]
            self.stack.push(
                ClipFieldsCommand(self.store, clip.id, {"review": status}, f"{text} “{clip.title}”")
            )
        return True

    def set_note(self, clip_id: str | None, note: str) -> bool:
        try:
            clip = self._clip(clip_id)
        except EditRefused as exc:
            return self._refuse(str(exc))
        if clip.note != note:
            self.stack.push(ClipFieldsCommand(self.store, clip.id, {"note": note}, "Edit note"))
        return True

    def set_title(self, clip_id: str | None, title: str) -> bool:
        title = " ".join(title.split())
        try:
            clip = self._clip(clip_id)
            if not title:
                raise EditRefused("A clip needs a title.")
        except EditRefused as exc:
            return self._refuse(str(exc))
        if clip.title != title:
            self.stack.push(ClipFieldsCommand(self.store, clip.id, {"title": title}, "Rename clip"))
        return True

    # -- clips ---------------------------------------------------------------------
    def new_clip(self, playhead_ms: int, after: str | None = None) -> str | None:
        """A new clip at the playhead, after the given clip (else in time order)."""
        try:
            clip = new_clip_at(self.store.episode, playhead_ms, self.store.new_id(), self.timebase)
        except EditRefused as exc:
            self._refuse(str(exc))
            return None
        if after is not None and any(c.id == after for c in self.store):
            index = self.store.index_of(after) + 1
        else:
            index = sum(1 for c in self.store if c.start_ms <= clip.start_ms)
        self.stack.push(InsertClipCommand(self.store, index, clip, "New clip"))
        return clip.id

    def duplicate(self, clip_id: str | None) -> str | None:
        try:
            clip = self._clip(clip_id)
        except EditRefused as exc:
            self._refuse(str(exc))
            return None
        copy = duplicate_clip(clip, self.store.new_id())
        index = self.store.index_of(clip.id) + 1
        self.stack.push(InsertClipCommand(self.store, index, copy, f"Duplicate “{clip.title}”"))
        return copy.id

    def delete(self, clip_id: str | None) -> bool:
        try:
            clip = self._clip(clip_id)
        except EditRefused as exc:
            return self._refuse(str(exc))
        self.stack.push(DeleteClipCommand(self.store, clip.id))
        return True

    def split(self, clip_id: str | None, playhead_ms: int) -> str | None:
        try:
            clip = self._clip(clip_id)
            doc = self.timebase.to_document(playhead_ms)
            (start, end), second = split_clip(clip, doc, self.store.new_id(), self.timebase)
        except EditRefused as exc:
            self._refuse(str(exc))
            return None
        self.stack.push(
            SplitClipCommand(self.store, clip.id, self._bounds(clip, start, end), second)
        )
        return second.id

    # -- alignment -----------------------------------------------------------------
    def align_here(self, clip_id: str | None, playhead_ms: int) -> bool:
        """Set the document's offset so the clip's document start plays at the playhead."""
        try:
            clip = self._clip(clip_id)
        except EditRefused as exc:
            return self._refuse(str(exc))
        return self.set_offset(align_offset(playhead_ms, clip))

    def set_offset(self, offset_ms: int) -> bool:
        if offset_ms != self.timebase.offset_ms:
            self.stack.push(SetOffsetCommand(self.timebase, offset_ms))
        return True
