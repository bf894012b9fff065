"""The document open in the window, and everything that belongs to it.

One OpenDocument lives as long as the window; it holds one document at a time: its path,
the Episode read from it, the ClipStore every view and edit goes through, the Timebase
(offset, duration, frame rate), the project file beside it and its autosave, and whether
the document on disk differs from the edits. It announces when a document is opened,
when it is about to close (the project file is still writable then), when it is saved
under a new name, and when its dirty state changes. Controllers and views receive this
object; none of them needs the window.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from clipdesk.app_dirs import fallback_projects_dir
from clipdesk.core.bounds import Timebase
from clipdesk.core.clip_store import ClipStore
from clipdesk.core.episode import Episode
from clipdesk.core.errors import DocumentError
from clipdesk.core.project_file import LoadResult, Project
from clipdesk.core.reader import read_document
from clipdesk.core.writer import WriteError, write_document
from clipdesk.ui.common import messages
from clipdesk.ui.document.autosave import Autosaver
from clipdesk.ui.document.example import is_example, project_document

DIRTY_MARK = "• "  # starts the window title while the document on disk differs

Bounds = dict[str, tuple[int, int | None]]


def document_bounds(store: ClipStore) -> Bounds:
    """Bounds of the clips the document itself holds (added clips are not written)."""
    return {c.id: (c.start_ms, c.end_ms) for c in store if c.line}


class OpenDocument(QObject):
    """path, episode, store and timebase are set while a document is open; project and
    autosaver too when it was opened from a file (a document shown without a path has
    no project file and is not edited)."""

    opened = Signal()
    closing = Signal()  # before the project file is written for the last time
    closed = Signal()
    renamed = Signal(Path)  # saved under a new name: path holds it already
    dirty_changed = Signal(bool)  # the document on disk differs from the edits

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path: Path | None = None
        self.episode: Episode | None = None
        self.store: ClipStore | None = None
        self.timebase: Timebase | None = None
        self.project: Project | None = None
        self.autosaver: Autosaver | None = None
        self.load_result = LoadResult()
        self._saved: Bounds = {}
        self._dirty = False
        self._unsubscribe: Callable[[], None] | None = None

    @property
    def is_open(self) -> bool:
        return self.store is not None

    @property
    def editable(self) -> bool:
        """Opened from a file: it has a project file and may be edited and exported."""
        return self.project is not None

    @property
    def dirty(self) -> bool:
        return self._dirty

    def save_project_now(self) -> Path | None:
        """Write the project file at once and wait (before an error is shown): its path
        when it was written, None when there is none; OSError when it could not be."""
        if self.autosaver is None or self.project is None:
            return None
        if not self.autosaver.save_now():
            raise OSError(f"{self.project.path} could not be written")
        return self.project.path

    @property
    def is_example(self) -> bool:
        return self.path is not None and is_example(self.path)

    # -- life ----------------------------------------------------------------------------
    def open(self, path: Path | None, episode: Episode) -> None:
        """Take over a freshly read document (closing the previous one) and restore its
        project file; messages about the project file go to the message bus."""
        self.close()
        self.path = path
        self.episode = episode
        self.store = store = ClipStore(episode)
        self.timebase = Timebase(duration_ms=episode.duration_ms)
        self.load_result = LoadResult()
        if path is not None:
            self.project = Project(
                project_document(path), store, self.timebase, fallback_dir=fallback_projects_dir()
            )
            self.load_result = self.project.load()
            for text in self.load_result.messages:
                messages.warning(text)
            self.autosaver = Autosaver(self.project, parent=self)
            self.autosaver.failed.connect(messages.error)
        # The bounds as the document on disk has them (the project file may have moved some).
        self._saved = {
            c.id: (c.orig_start_ms if c.orig_start_ms is not None else c.start_ms, c.orig_end_ms)
            for c in store
            if c.line
        }
        self._unsubscribe = store.subscribe(lambda *_: self._update_dirty())
        self._dirty = False
        self._update_dirty(force=True)
        self.opened.emit()

    def close(self) -> bool:
        """Announce closing, write the project file and forget the document. True when
        the project file holds the last state (or there is none)."""
        if not self.is_open:
            return True
        self.closing.emit()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        ok = True
        if self.autosaver is not None:
            ok = self.autosaver.close()
            self.autosaver.deleteLater()
        if self.project is not None:
            self.project.release()  # the lock: another window may write it now
        if self._dirty:
            self._dirty = False
            self.dirty_changed.emit(False)
        self.store = self.timebase = self.project = self.autosaver = None
        self.path = self.episode = None
        self._saved = {}
        self.closed.emit()
        return ok

    def unsaved_reason(self) -> str:
        """Why edits made here would be lost on closing ("" when the project file holds
        them all): it cannot be written, or another window holds it."""
        saver, project = self.autosaver, self.project
        if saver is None or project is None:
            return ""
        saver.flush()
        saver.wait()
        if not saver.unsaved:
            return ""
        return project.read_only or f"{project.path} could not be written"

    # -- the document on disk -------------------------------------------------------------
    def _update_dirty(self, force: bool = False) -> None:
        store = self.store
        dirty = store is not None and any(
            self._saved.get(cid) != bounds for cid, bounds in document_bounds(store).items()
        )
        if dirty != self._dirty or force:
            self._dirty = dirty
            self.dirty_changed.emit(dirty)

    def save(self, path: Path | None = None) -> bool:
        """Write the edited bounds back into the document (only changed times change), at
        path when given (Save As: the project file moves along). Messages say why not."""
        if self.project is None or self.path is None or self.episode is None:
            messages.warning("Open a document first.")
            return False
        if path is None and self.is_example:
            messages.warning("The example document is not changed: use Save Document As.")
            return False
        target = Path(path) if path is not None else self.path
        try:
            write_document(self.episode, target)
        except (WriteError, OSError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            messages.error(f"Could not save {target}: {reason}")
            return False
        project = self.project
        renamed = target != self.path
        if renamed:
            project.rebind(target)
            self.path = target
            self.episode.path = target
        project.document_saved(_bounds_as_read(target))
        if self.autosaver is not None:
            self.autosaver.mark_dirty()
            self.autosaver.flush()
        assert self.store is not None
        self._saved = document_bounds(self.store)
        if renamed:
            self.renamed.emit(target)
        self._update_dirty(force=True)
        messages.info(f"Saved {target.name}")
        return True


def _bounds_as_read(path: Path) -> dict[str, tuple[int, int | None]] | None:
    """The clips' bounds as the written document gives them when it is read again (what
    it cannot hold, such as a segment's end, comes back different); None if it cannot
    be read."""
    try:
        episode = read_document(path)
    except (DocumentError, OSError, UnicodeError, ValueError):
        return None
    return {c.id: (c.start_ms, c.end_ms) for c in episode.clips}
