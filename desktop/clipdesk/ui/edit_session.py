"""Everything that edits one open document, built and torn down together.

The review window makes one EditSession per opened document (after it has made the
document's ClipStore) and closes it before opening the next or on closing: the undo
stack, the clip editor, the project file and its autosave, the editing actions on the
window, the timeline and the offset field.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

from clipdesk.core.bounds import Timebase
from clipdesk.core.clip_store import ClipStore
from clipdesk.core.project_file import LoadResult, Project
from clipdesk.core.user_dirs import fallback_projects_dir
from clipdesk.ui import messages
from clipdesk.ui.autosave import Autosaver
from clipdesk.ui.edit_actions import EditActions
from clipdesk.ui.time_edit import OffsetEdit
from clipdesk.ui.timeline import Timeline
from clipdesk.ui.undo_commands import ClipEditor


class EditSession:
    """Restores the document's project file on creation (messages go to the message
    bus) and saves it on close. playhead/seek/play_range are in media ms."""

    def __init__(
        self,
        document: Path,
        store: ClipStore,
        host: QWidget,
        *,
        playhead: Callable[[], int],
        selected_clip: Callable[[], str | None],
        seek: Callable[[int], None],
        play_range: Callable[[int, int], None],
        select_clip: Callable[[str | None], None] | None = None,
    ) -> None:
        self.timebase = Timebase(duration_ms=store.episode.duration_ms)
        self.stack = QUndoStack(host)
        self.editor = ClipEditor(store, self.stack, self.timebase, host)
        self.editor.refused.connect(messages.warning)
        self.project = Project(document, store, self.timebase, fallback_dir=fallback_projects_dir())
        self.load_result: LoadResult = self.project.load()
        for text in self.load_result.messages:
            messages.warning(text)
        self.autosaver = Autosaver(self.project, self.stack, parent=host)
        self.autosaver.failed.connect(messages.error)
        self.actions = EditActions(
            self.editor,
            host,
            playhead=playhead,
            selected_clip=selected_clip,
            seek=seek,
            play_range=play_range,
            select_clip=select_clip,
        )
        self.timeline = Timeline(self.editor)
        self.timeline.seekRequested.connect(seek)
        if select_clip is not None:
            self.timeline.clipSelected.connect(select_clip)
        self.offset_edit = OffsetEdit(self.editor)
        self.closed = False

    def close(self) -> bool:
        """Save, stop listening, and take the actions and widgets away. True when the
        project file holds the last state."""
        if self.closed:
            return True
        self.closed = True
        ok = self.autosaver.close()
        self.project.release()
        self.actions.detach()
        self.timeline.detach()
        for widget in (self.timeline, self.offset_edit):
            widget.setParent(None)
            widget.deleteLater()
        self.stack.clear()
        self.stack.deleteLater()
        self.autosaver.deleteLater()
        self.editor.deleteLater()
        return ok
