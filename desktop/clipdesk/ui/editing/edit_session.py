"""Everything that edits the open document, built and torn down together.

DocumentEditing makes one EditSession when a document opens and closes it when the
document closes: the undo stack, the clip editor, the editing actions on the window,
the timeline and the offset field. The document itself (store, timebase, project file,
autosave) belongs to the OpenDocument; the session only edits it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

from clipdesk.core.bounds import Bound, Timebase
from clipdesk.core.project_file import LoadResult, Project
from clipdesk.ui.common import messages
from clipdesk.ui.document.autosave import Autosaver
from clipdesk.ui.document.open_document import OpenDocument
from clipdesk.ui.editing.edit_actions import EditActions
from clipdesk.ui.editing.time_edit import OffsetEdit
from clipdesk.ui.editing.timeline import Timeline
from clipdesk.ui.editing.undo_commands import ClipEditor


class EditSession:
    """Edits an open document that has a project file. playhead/seek/play_range are in
    media ms."""

    def __init__(
        self,
        document: OpenDocument,
        host: QWidget,
        *,
        playhead: Callable[[], int],
        selected_clip: Callable[[], str | None],
        seek: Callable[[int], None],
        play_range: Callable[[int, int], None],
        select_clip: Callable[[str | None], None] | None = None,
    ) -> None:
        assert document.store is not None and document.timebase is not None
        assert document.project is not None and document.autosaver is not None
        self.document = document
        self.timebase: Timebase = document.timebase
        self.project: Project = document.project
        self.autosaver: Autosaver = document.autosaver
        self.load_result: LoadResult = document.load_result
        self.stack = QUndoStack(host)
        self.editor = ClipEditor(document.store, self.stack, self.timebase, host)
        self.editor.refused.connect(messages.warning)
        self.autosaver.watch(self.stack)
        self.actions = EditActions(
            self.editor,
            host,
            playhead=playhead,
            selected_clip=selected_clip,
            seek=seek,
            play_range=play_range,
            select_clip=select_clip,
            pauses=lambda: self.timeline.pauses(),
            snap_set=lambda ms, bound: self.timeline.snap_set_bound(ms, bound),
        )
        self.timeline = Timeline(self.editor)
        self.actions.active_bound_changed.connect(
            lambda value: self.timeline.setActiveBound(Bound(value))
        )
        self.timeline.seek_requested.connect(seek)
        if select_clip is not None:
            self.timeline.clip_selected.connect(select_clip)
        self.offset_edit = OffsetEdit(self.editor)
        self.closed = False

    def close(self) -> bool:
        """Stop listening and take the actions and widgets away; the document's autosave
        no longer follows the undo stack. True when the project file holds the last state
        (saving is the document's: it saves when it closes)."""
        if self.closed:
            return True
        self.closed = True
        self.autosaver.unwatch()
        self.autosaver.flush()
        self.actions.detach()
        self.timeline.detach()
        for widget in (self.timeline, self.offset_edit):
            widget.setParent(None)
            widget.deleteLater()
        self.stack.clear()
        self.stack.deleteLater()
        self.editor.deleteLater()
        return True
