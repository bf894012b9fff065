"""Debounced autosave of the project file.

A change starts two timers: an idle timer restarted by every change (save once the
editor pauses) and a deadline timer that is not (save during a long run of edits too).
With the defaults a SIGKILL loses at most the last ~1 s of edits (the promise is 2 s:
the margin absorbs a busy machine).

The GUI thread only takes a snapshot of the state (plain data, copied); rendering the
YAML and the atomic write run on one worker thread, in order, so a large project never
stalls a drag. The worker touches no widget: it reports back through a signal.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
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
    _finished = Signal(object)  # the worker's Future, delivered on the GUI thread
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
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="autosave")
        self._writes: list[Future[Path]] = []
        self._finished.connect(self._on_finished)
        self._idle = QTimer(self, singleShot=True, interval=idle_ms)
        self._deadline = QTimer(self, singleShot=True, interval=deadline_ms)
        self._idle.timeout.connect(self.flush)
        self._deadline.timeout.connect(self.flush)
        self._unsubscribe = [
            project.store.subscribe(lambda *_: self.mark_dirty()),
            project.timebase.subscribe(self._timebase_changed),
            project.subscribe(lambda _name: self.mark_dirty()),
        ]
        self._stack: QUndoStack | None = None
        self._listening = True
        if stack is not None:
            self.watch(stack)

    def watch(self, stack: QUndoStack) -> None:
        """Save after every step of stack: undo and redo change the store too, and this
        also catches commands that change nothing the store announces."""
        self.unwatch()
        self._stack = stack
        stack.indexChanged.connect(self._stack_changed)

    def unwatch(self) -> None:
        if self._stack is not None:
            self._stack.indexChanged.disconnect(self._stack_changed)
            self._stack = None

    @property
    def dirty(self) -> bool:
        """Changes not yet handed to the writer."""
        return self._dirty

    @property
    def writing(self) -> bool:
        return bool(self._writes)

    @property
    def unsaved(self) -> bool:
        """Edits the project file does not hold: not yet written, a write that failed,
        or a read-only window (another one holds the file)."""
        return self._dirty or self._failing or bool(self._writes)

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

    def flush(self) -> None:
        """Hand the current state to the writer now, if anything is unsaved."""
        self._idle.stop()
        self._deadline.stop()
        if not self._dirty or not self._listening or self.project.read_only:
            return  # read-only: the edits stay unsaved (closing asks)
        data = self.project.to_data()
        self._dirty = False
        future = self._pool.submit(self.project.save, data)
        self._writes.append(future)
        future.add_done_callback(self._finished.emit)

    @Slot(object)
    def _on_finished(self, future: Future[Path]) -> None:
        if future not in self._writes:
            return  # close() waited for it and reported it already
        self._writes.remove(future)
        self._report(future)

    def _report(self, future: Future[Path]) -> bool:
        error = future.exception()
        if error is None:
            self._failing = False
            self.saved.emit(future.result())
            return True
        if not self._failing:
            reason = getattr(error, "strerror", None) or str(error)
            self.failed.emit(f"Could not save {self.project.path}: {reason}")
        self._failing = True
        # Keep trying: the folder may come back (a remounted disk, freed space).
        if self._listening:
            self._dirty = True
            self._deadline.start()
        return False

    def wait(self) -> None:
        """Block until the writes handed over so far are done, and report them."""
        for future in list(self._writes):
            if future in self._writes:
                self._writes.remove(future)
                self._wait(future)

    def close(self) -> bool:
        """Write what is unsaved, wait for it, and stop listening (the document is
        closing). True when the project file holds the last state."""
        self._listening = False
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
        self.unwatch()
        self._idle.stop()
        self._deadline.stop()
        dirty, self._dirty = self._dirty, False
        pending = list(self._writes)
        self._writes.clear()
        ok = all(self._wait(f) for f in pending)
        if dirty and self.project.read_only:
            ok = False
        elif dirty:
            ok = self._wait(self._pool.submit(self.project.save, self.project.to_data()))
        self._pool.shutdown(wait=True)
        return ok

    def save_now(self) -> bool:
        """Write the current state and wait for it (an error is being reported: the
        project file must hold everything first). Keeps listening afterwards."""
        self._dirty = True
        self.flush()  # the one way a write is handed over, with its refusals
        if self._dirty:
            return False  # refused: nothing was handed over (closing, or not ours to write)
        pending, self._writes = list(self._writes), []
        return all([self._wait(future) for future in pending])

    def _wait(self, future: Future[Path]) -> bool:
        future.exception()  # blocks until the write is done; _report looks at the outcome
        return self._report(future)
