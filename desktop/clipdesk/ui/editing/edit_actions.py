"""The editing actions and their shortcuts, hosted by the main window.

The player keeps the plain keys (Space, Left/Right ±5 s, , and . for a frame step);
editing uses letters and Alt combinations so the two never clash:

    I / O                 set the in / out point at the playhead (into a pause close by)
    Shift+I / Shift+O     jump to the in / out point
    Alt+I / Alt+O         preview: play 2 s either side of the in / out point
    Alt+Up / Alt+Down     choose the bound the nudges move (in / out)
    Alt+, / Alt+.         nudge that bound one frame back / forward
    Alt+Left / Alt+Right  nudge it 100 ms
    Alt+Shift+Left/Right  nudge it 1 s
    A / R / U             approve / reject / mark unreviewed
    N                     new clip at the playhead
    Ctrl+D                duplicate the clip
    S                     split the clip at the playhead
    Delete                delete the clip
    Alt+A                 align here: the clip's document time plays at the playhead
    B / Shift+B           snap the clip's (every clip's) in and out into the nearest pause
    Ctrl+Z / Ctrl+Shift+Z undo / redo (Ctrl+Y too)

I, O, Shift+I and Shift+O also choose the bound that the nudges move. Single-letter
shortcuts do not fire while a text field has the focus (Qt gives it the keys).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from clipdesk.core.bounds import Bound, NudgeUnit, preview_range
from clipdesk.core.episode import ReviewStatus
from clipdesk.core.pauses import DEFAULT_SNAP_DISTANCE_MS, DEFAULT_SNAP_MARGIN_MS, Pause
from clipdesk.ui.editing.undo_commands import ClipEditor


@dataclass(frozen=True)
class ActionSpec:
    name: str
    text: str
    shortcuts: tuple[str, ...]
    tip: str = ""


SPECS: tuple[ActionSpec, ...] = (
    ActionSpec("set_in", "Set &In at Playhead", ("I",)),
    ActionSpec("set_out", "Set &Out at Playhead", ("O",)),
    ActionSpec("jump_in", "Jump to In", ("Shift+I",)),
    ActionSpec("jump_out", "Jump to Out", ("Shift+O",)),
    ActionSpec("preview_in", "Preview In Point", ("Alt+I",), "Play 2 s either side"),
    ActionSpec("preview_out", "Preview Out Point", ("Alt+O",), "Play 2 s either side"),
    ActionSpec("bound_in", "Nudge the In Point", ("Alt+Up",)),
    ActionSpec("bound_out", "Nudge the Out Point", ("Alt+Down",)),
    ActionSpec("nudge_frame_back", "Nudge Back 1 Frame", ("Alt+,",)),
    ActionSpec("nudge_frame_fwd", "Nudge Forward 1 Frame", ("Alt+.",)),
    ActionSpec("nudge_tenth_back", "Nudge Back 100 ms", ("Alt+Left",)),
    ActionSpec("nudge_tenth_fwd", "Nudge Forward 100 ms", ("Alt+Right",)),
    ActionSpec("nudge_second_back", "Nudge Back 1 s", ("Alt+Shift+Left",)),
    ActionSpec("nudge_second_fwd", "Nudge Forward 1 s", ("Alt+Shift+Right",)),
    ActionSpec("approve", "&Approve", ("A",)),
    ActionSpec("reject", "&Reject", ("R",)),
    ActionSpec("unreview", "Mark &Unreviewed", ("U",)),
    ActionSpec("new_clip", "&New Clip at Playhead", ("N",)),
    ActionSpec("duplicate", "&Duplicate Clip", ("Ctrl+D",)),
    ActionSpec("split", "&Split Clip at Playhead", ("S",)),
    ActionSpec("delete", "De&lete Clip", ("Delete",)),
    ActionSpec(
        "align_here",
        "Align &Here",
        ("Alt+A",),
        "Offset the document so that the clip starts at the playhead",
    ),
    ActionSpec(
        "snap_clip",
        "Snap Clip to &Breaths",
        ("B",),
        "Move the clip's in and out into the nearest pause in the speech",
    ),
    ActionSpec(
        "snap_all",
        "Snap All Clips to Breaths",
        ("Shift+B",),
        "Move every clip's in and out into the nearest pause in the speech (one undo step)",
    ),
)
NUDGES = {
    "nudge_frame_back": (-1, NudgeUnit.FRAME),
    "nudge_frame_fwd": (1, NudgeUnit.FRAME),
    "nudge_tenth_back": (-1, NudgeUnit.TENTH),
    "nudge_tenth_fwd": (1, NudgeUnit.TENTH),
    "nudge_second_back": (-1, NudgeUnit.SECOND),
    "nudge_second_fwd": (1, NudgeUnit.SECOND),
}
MENU_GROUPS = (
    ("undo", "redo"),
    ("set_in", "set_out", "jump_in", "jump_out", "preview_in", "preview_out"),
    ("bound_in", "bound_out", *NUDGES),
    ("approve", "reject", "unreview"),
    ("new_clip", "duplicate", "split", "delete"),
    ("align_here",),
    ("snap_clip", "snap_all"),
)


class EditActions(QObject):
    """Creates the editing QActions on a host widget (the main window).

    playhead() -> media ms; selected_clip() -> clip id or None; seek(ms) and
    play_range(start_ms, end_ms) drive the player (media ms); select_clip(id) makes a
    new or surviving clip the current one. Refusals go to editor.refused.
    """

    active_bound_changed = Signal(str)

    def __init__(
        self,
        editor: ClipEditor,
        host: QWidget,
        *,
        playhead: Callable[[], int],
        selected_clip: Callable[[], str | None],
        seek: Callable[[int], None],
        play_range: Callable[[int, int], None],
        select_clip: Callable[[str | None], None] | None = None,
        pauses: Callable[[], Sequence[Pause]] | None = None,
        snap_set: Callable[[int, Bound], int] | None = None,
    ) -> None:
        super().__init__(host)
        self._pauses = pauses or (lambda: ())
        # I / O: the playhead, moved into a pause close by (the timeline knows the zoom).
        self._snap_set = snap_set or (lambda ms, _bound: ms)
        # How far a snap may move a bound, and the room left next to the word.
        self.snap_distance_ms = DEFAULT_SNAP_DISTANCE_MS
        self.snap_margin_ms = DEFAULT_SNAP_MARGIN_MS
        self.editor = editor
        self.host = host
        self._playhead = playhead
        self._selected = selected_clip
        self._seek = seek
        self._play_range = play_range
        self._select = select_clip or (lambda _id: None)
        self._bound = Bound.START
        self.actions: dict[str, QAction] = {}

        undo = editor.stack.createUndoAction(host, "&Undo")
        undo.setShortcuts([QKeySequence("Ctrl+Z")])
        redo = editor.stack.createRedoAction(host, "&Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.actions["undo"], self.actions["redo"] = undo, redo
        host.addAction(undo)
        host.addAction(redo)
        for spec in SPECS:
            action = QAction(spec.text, host)
            action.setObjectName(f"edit_{spec.name}")
            action.setShortcuts([QKeySequence(s) for s in spec.shortcuts])
            if spec.tip:
                action.setToolTip(spec.tip)
            handler = getattr(self, f"_on_{spec.name}", None) or self._nudge_for(spec.name)
            action.triggered.connect(handler)
            host.addAction(action)
            self.actions[spec.name] = action
        # The bound the nudges move, shown as a choice of two in the menu.
        self._bound_group = QActionGroup(self)
        for name in ("bound_in", "bound_out"):
            self.actions[name].setCheckable(True)
            self._bound_group.addAction(self.actions[name])
        self.actions["bound_in"].setChecked(True)

    def detach(self) -> None:
        """Take the actions off the host (the document is closing): a next document's
        actions would otherwise make every shortcut ambiguous."""
        for action in self.actions.values():
            self.host.removeAction(action)
            for widget in action.associatedObjects():
                if isinstance(widget, QMenu):
                    widget.removeAction(action)
            action.deleteLater()
        self.actions.clear()

    def action(self, name: str) -> QAction:
        return self.actions[name]

    def populate(self, menu: QMenu) -> None:
        """Fill an Edit menu, in groups."""
        for i, group in enumerate(MENU_GROUPS):
            if i:
                menu.addSeparator()
            for name in group:
                menu.addAction(self.actions[name])

    @staticmethod
    def shortcut_table() -> list[tuple[str, str]]:
        """(keys, what) rows for a help page or the README."""
        rows = [("Ctrl+Z", "Undo"), ("Ctrl+Shift+Z, Ctrl+Y", "Redo")]
        rows += [(", ".join(s.shortcuts), s.text.replace("&", "")) for s in SPECS]
        return rows

    @property
    def active_bound(self) -> Bound:
        return self._bound

    def set_active_bound(self, bound: Bound) -> None:
        if bound is not self._bound:
            self._bound = bound
            self.actions["bound_in" if bound is Bound.START else "bound_out"].setChecked(True)
            self.active_bound_changed.emit(bound.value)

    # -- handlers --------------------------------------------------------------------
    def _refuse(self, message: str) -> None:
        self.editor.refused.emit(message)

    def _clip(self):  # -> Clip | None, refusing when there is none
        clip_id = self._selected()
        if not clip_id:
            self._refuse("Select a clip first.")
            return None
        try:
            return self.editor.store.get(clip_id)
        except KeyError:
            self._refuse(f"The clip {clip_id!r} no longer exists.")
            return None

    def _on_set_in(self) -> None:
        self._set_at_playhead(Bound.START)

    def _on_set_out(self) -> None:
        self._set_at_playhead(Bound.END)

    def _set_at_playhead(self, bound: Bound) -> None:
        self.set_active_bound(bound)
        playhead = self._playhead()
        at = self._snap_set(playhead, bound)
        if self.editor.set_bound_at(self._selected(), bound, at) and at != playhead:
            # Snapped into a pause: the screen goes to the frame now stored.
            stored = self._bound_media(bound)
            if stored is not None:
                self._seek(stored)

    def _bound_media(self, bound: Bound) -> int | None:
        clip = self._clip()
        if clip is None:
            return None
        doc = clip.start_ms if bound is Bound.START else clip.end_ms
        if doc is None:
            self._refuse(f"“{clip.title}” has no out point yet: set one with O.")
            return None
        return self.editor.timebase.to_media(doc)

    def _on_jump_in(self) -> None:
        self.set_active_bound(Bound.START)
        ms = self._bound_media(Bound.START)
        if ms is not None:
            self._seek(max(0, ms))

    def _on_jump_out(self) -> None:
        self.set_active_bound(Bound.END)
        ms = self._bound_media(Bound.END)
        if ms is not None:
            self._seek(max(0, ms))

    def _preview(self, bound: Bound) -> None:
        ms = self._bound_media(bound)
        if ms is not None:
            self._play_range(*preview_range(ms, self.editor.timebase))

    def _on_preview_in(self) -> None:
        self._preview(Bound.START)

    def _on_preview_out(self) -> None:
        self._preview(Bound.END)

    def _on_bound_in(self) -> None:
        self.set_active_bound(Bound.START)

    def _on_bound_out(self) -> None:
        self.set_active_bound(Bound.END)

    def _nudge_for(self, name: str) -> Callable[[], object]:
        steps, unit = NUDGES[name]
        return lambda: self.nudge(steps, unit)

    def nudge(self, steps: int, unit: NudgeUnit) -> bool:
        return self.editor.nudge(self._selected(), self._bound, steps, unit)

    def _on_approve(self) -> None:
        self.editor.set_review(self._selected(), ReviewStatus.APPROVED)

    def _on_reject(self) -> None:
        self.editor.set_review(self._selected(), ReviewStatus.REJECTED)

    def _on_unreview(self) -> None:
        self.editor.set_review(self._selected(), ReviewStatus.UNREVIEWED)

    def _on_new_clip(self) -> None:
        new_id = self.editor.new_clip(self._playhead())
        if new_id is not None:
            self._select(new_id)

    def _on_duplicate(self) -> None:
        new_id = self.editor.duplicate(self._selected())
        if new_id is not None:
            self._select(new_id)

    def _on_split(self) -> None:
        self.editor.split(self._selected(), self._playhead())

    def _on_delete(self) -> None:
        clip = self._clip()
        if clip is None:
            return
        store = self.editor.store
        index = store.index_of(clip.id)
        if self.editor.delete(clip.id):
            after = store[min(index, len(store) - 1)].id if len(store) else None
            self._select(after)

    def _on_align_here(self) -> None:
        self.editor.align_here(self._selected(), self._playhead())

    def _on_snap_clip(self) -> None:
        clip = self._clip()
        if clip is not None:
            self.snap_to_pauses([clip.id])

    def _on_snap_all(self) -> None:
        ids = [c.id for c in self.editor.store]
        if not ids:
            self._refuse("There are no clips to snap.")
            return
        self.snap_to_pauses(ids)

    def snap_to_pauses(self, clip_ids: Sequence[str]) -> int:
        return self.editor.snap_to_pauses(
            clip_ids, self._pauses(), self.snap_distance_ms, self.snap_margin_ms
        )
