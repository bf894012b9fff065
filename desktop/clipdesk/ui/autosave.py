"""Debounced autosave of the project file.

A change starts two timers: an idle timer restarted by every change (save once the
editor pauses) and a deadline timer that is not (save during a long run of edits too).
With the defaults a SIGKILL loses at most the last ~1 s of edits (the promise is 2 s:
the margin absorbs a busy machine).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtGui import QUndoStack

from clipdesk.core.project_file import Project

IDLE_MS = 500
DEADLINE_MS = 1_000


class Autosaver(QObject):
    """Saves a Project shortly after its clips, offset or export state change.

    saved(path) follows every write; failed(message) reports a write that did not
    happen (once per run of failures, so a read-only folder does not flood the user).
    """

    saved = Signal(Path)
    failed = Signal(str)
    # A class default: a QUndoStack destroyed together with an unclosed Autosaver (one
    # garbage cycle) emits indexChanged after Python cleared this object's attributes.
    _listening = False

    def __init__(
        self,
        project: Project,
        stack: QUndoStack | None = None,
        idle_ms: int = IDLE_MS,
        deadline_ms: int = DEADLINE_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.project = project
        self._dirty = False
        self._failing = False
        self._idle = QTimer(self, singleShot=True, interval=idle_ms)
        self._deadline = QTimer(self, singleShot=True, interval=deadline_ms)
        self._idle.timeout.connect(self.flush)
        self._deadline.timeout.connect(self.flush)
        self._unsubscribe = [
            project.store.subscribe(lambda *_: self.mark_dirty()),
            project.timebase.subscribe(self._timebase_changed),
            project.subscribe(lambda _name: self.mark_dirty()),
        ]
        self._stack = stack
        self._listening = True
        if stack is not None:
            # Undo and redo change the store too; this also catches commands that
            # change nothing the store announces.
            stack.indexChanged.connect(self._stack_changed)

    @property
    def dirty(self) -> bool:
        return self._dirty

    def _timebase_changed(self, name: str) -> None:
        if name == "offset_ms":
            self.mark_dirty()

    @Slot(int)
    def _stack_changed(self, _index: int) -> None:
        if self._listening:
            self.mark_dirty()

    def mark_dirty(self) -> None:
        self._dirty = True
        self._idle.start()
        if not self._deadline.isActive():
            self._deadline.start()

    def flush(self) -> bool:
        """Write now if there is anything unsaved; True when the file is up to date."""
        self._idle.stop()
        self._deadline.stop()
        if not self._dirty:
            return True
        try:
            path = self.project.save()
        except OSError as exc:
            if not self._failing:
                self.failed.emit(f"Could not save {self.project.path}: {exc.strerror or exc}")
            self._failing = True
            # Keep trying: the folder may come back (a remounted disk, freed space).
            self._deadline.start()
            return False
        self._dirty = False
        self._failing = False
        self.saved.emit(path)
        return True

    def close(self) -> bool:
        """Write what is unsaved and stop listening (the document is closing)."""
        ok = self.flush()
        self._listening = False
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
        if self._stack is not None:
            self._stack.indexChanged.disconnect(self._stack_changed)
            self._stack = None
        self._idle.stop()
        self._deadline.stop()
        return ok
