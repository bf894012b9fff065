"""The open document's editing session, hosted by the review window.

One EditSession per open document (undo stack, editor, project file and autosave,
editing actions, timeline, offset field). This module puts its parts into the window
and takes them out again: the timeline under the player, the actions in the Edit menu,
the offset field in the status bar, the editor behind the table and the note field,
the offset behind every seek. It also saves the document itself (Save / Save As) and
keeps the window title saying whether the document on disk differs from the edits.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QMenu, QMessageBox, QWidget

from clipdesk.core.clip_store import ClipStore
from clipdesk.core.episode import Clip
from clipdesk.core.project_file import MediaBinding as ProjectMedia
from clipdesk.core.writer import WriteError, write_document
from clipdesk.ui import messages
from clipdesk.ui.clip_table_model import Column
from clipdesk.ui.edit_session import EditSession
from clipdesk.ui.resources import example_document
from clipdesk.ui.settings import config_dir
from clipdesk.ui.time_edit import TimeDelegate

if TYPE_CHECKING:
    from clipdesk.ui.main_window import MainWindow

DIRTY_MARK = "• "
READ_ONLY_MARK = " [read-only]"


def ask_to_discard(parent: QWidget, text: str) -> bool:
    answer = QMessageBox.question(
        parent,
        "Edits not saved",
        text,
        QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Discard


# Media choices worth recording in the project file: the user's own. A found sidecar,
# the example video or the document's URL are found again on every open.
RECORDED_ORIGINS = ("explicit", "remembered")


def is_example(path: Path) -> bool:
    try:
        return path.resolve() == example_document().resolve()
    except OSError:
        return False


def project_document(path: Path) -> Path:
    """Where the project file of a document lives beside: the document's own folder,
    except for the bundled example, whose folder may be read-only and is shared."""
    if is_example(path):
        folder = config_dir() / "example"
        folder.mkdir(parents=True, exist_ok=True)
        return folder / path.name
    return path


def document_bounds(store: ClipStore) -> dict[str, tuple[int, int | None]]:
    """Bounds of the clips the document itself holds (added clips are not written)."""
    return {c.id: (c.start_ms, c.end_ms) for c in store if c.line}


class DocumentEditing(QObject):
    """Builds the window's EditSession for each opened document and tears it down."""

    dirty_changed = Signal(bool)  # the document on disk differs from the edits
    session_changed = Signal(object)  # EditSession | None
    session_closing = Signal(object)  # EditSession, before its project file is saved

    def __init__(self, window: MainWindow, edit_menu: QMenu) -> None:
        super().__init__(window)
        self.window = window
        self.edit_menu = edit_menu
        self.session: EditSession | None = None
        self._saved: dict[str, tuple[int, int | None]] = {}
        self._dirty = False
        self._title = ""
        self._undo: list[Callable[[], None]] = []
        self.save_as_path: Callable[[Path], Path | None] = self._ask_save_path
        self.confirm_discard: Callable[[str], bool] = lambda text: ask_to_discard(window, text)
        # Shown above the player while the project file is read-only for this window.
        self.read_only_banner = QLabel(window)
        self.read_only_banner.setObjectName("readOnlyBanner")
        self.read_only_banner.setWordWrap(True)
        self.read_only_banner.setStyleSheet(
            "#readOnlyBanner { background: #fff3cd; color: #664d03; padding: 6px; "
            "border: 1px solid #ffe69c; }"
        )
        window.player_view.layout().insertWidget(0, self.read_only_banner)
        self.read_only_banner.hide()
        table = window.clip_panel.table
        self.time_delegate = TimeDelegate(table)
        self.time_delegate.refused.connect(messages.warning)
        for col in (Column.START, Column.END):
            table.setItemDelegateForColumn(col, self.time_delegate)
        window.details.note_committed.connect(self._on_note)
        self.offset_box = QWidget(window)
        box = QHBoxLayout(self.offset_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(4)
        box.addWidget(QLabel("Offset", self.offset_box))
        self.offset_box.setToolTip("Media time = document time + offset (Edit › Align Here)")
        window.statusBar().addPermanentWidget(self.offset_box)
        self.offset_box.hide()
        self._fill_empty_menu()

    # -- session life ------------------------------------------------------------------
    def open(self, path: Path) -> EditSession:
        """After the window read the document at path (set_episode): restore its project
        file and wire the editing parts in. Call before the media is bound."""
        self.close()
        w = self.window
        assert w.store is not None
        player = w.player
        session = EditSession(
            project_document(path),
            w.store,
            w,
            playhead=player.position,
            selected_clip=self._selected_id,
            seek=lambda ms: player.seek(max(0, ms)),
            play_range=player.play_range,
            select_clip=self._select,
        )
        self.session = session
        store, tb, project = w.store, session.timebase, session.project
        if player.length:
            tb.duration_ms = player.length
        w.player_view.layout().addWidget(session.timeline)
        session.timeline.setPlayhead(player.position())
        self.offset_box.layout().addWidget(session.offset_edit)
        session.offset_edit.setMaximumWidth(
            session.offset_edit.fontMetrics().horizontalAdvance("+0:00:00.000") + 24
        )
        self.offset_box.show()
        self.edit_menu.clear()
        session.actions.populate(self.edit_menu)
        if w.clip_panel.model is not None:
            w.clip_panel.model.set_editor(session.editor)
        w.sync.set_timebase(tb)
        w.details.set_notes_editable(True)
        self._connect(player.position_changed, session.timeline.setPlayhead)
        self._connect(player.length_changed, self._on_length)
        self._connect(player.state_changed, lambda _state: self._update_fps())
        self._connect(w.sync.clip_selected, self._on_clip_selected)
        self._connect(w.media.opened, self._on_media_opened)
        self._undo.append(store.subscribe(self._on_store))
        self._undo.append(tb.subscribe(self._on_timebase))
        # The project file may have reset the clips (new objects): show those.
        w.player_view.seek_bar.set_clips(list(store))
        w.player_view.seek_bar.set_offset(tb.offset_ms)
        w.sync.refresh()
        if project.media is not None and w.document is not None:
            # The project file is the record; the media binding reads the remembered one.
            w.settings.set_media_for(w.document, project.media.source)
        self._saved = {
            c.id: (c.orig_start_ms if c.orig_start_ms is not None else c.start_ms, c.orig_end_ms)
            for c in store
            if c.line
        }
        self._title = w.windowTitle()
        if project.read_only:
            self._title += READ_ONLY_MARK
            self.read_only_banner.setText(
                f"Read-only: {project.read_only}. Edits made here are not saved."
            )
            self.read_only_banner.show()
        self._update_dirty(force=True)
        self.session_changed.emit(session)
        return session

    def may_close(self) -> bool:
        """Whether the document may close: asks when edits would be lost (the project
        file cannot be written, or this window is read-only)."""
        session = self.session
        if session is None:
            return True
        self.window.details.commit_note()
        saver = session.autosaver
        saver.flush()
        saver.wait()
        if not saver.unsaved:
            return True
        project = session.project
        why = project.read_only or f"{project.path} could not be written"
        return self.confirm_discard(
            f"The edits to {session.project.document.name} are not saved ({why}). "
            "Close anyway and lose them?"
        )

    def close(self) -> bool:
        """Save the project file and take the editing parts out. True when saved."""
        session, self.session = self.session, None
        if session is None:
            return True
        w = self.window
        w.details.commit_note()
        self.session_closing.emit(session)
        for undo in self._undo:
            undo()
        self._undo.clear()
        ok = session.close()
        w.details.set_notes_editable(False)
        if w.clip_panel.model is not None:
            w.clip_panel.model.set_editor(None)
        w.sync.set_timebase(None)
        w.player_view.seek_bar.set_offset(0)
        self.offset_box.hide()
        self.read_only_banner.hide()
        self._fill_empty_menu()
        self._dirty = False
        if self._title:
            w.setWindowTitle(self._title.removesuffix(READ_ONLY_MARK))
        self.session_changed.emit(None)
        return ok

    def _connect(self, signal, slot) -> None:
        signal.connect(slot)
        self._undo.append(lambda: signal.disconnect(slot))

    def _fill_empty_menu(self) -> None:
        self.edit_menu.clear()
        self.edit_menu.addAction("(open a document to edit it)").setEnabled(False)

    def shortcut_groups(self) -> list[tuple[str, list[QAction]]]:
        if self.session is None:
            return []
        return [("Editing", list(self.session.actions.actions.values()))]

    # -- window -> session -------------------------------------------------------------
    def _selected_id(self) -> str | None:
        clip = self.window.sync.selected_clip()
        return clip.id if clip else None

    def _select(self, clip_id: str | None) -> None:
        if clip_id:
            self.window.sync.select_clip(clip_id)

    def _on_note(self, clip_id: str, note: str) -> None:
        if self.session is not None:
            self.session.editor.set_note(clip_id, note)

    def _on_clip_selected(self, clip: Clip | None) -> None:
        if self.session is not None:
            self.session.timeline.setSelectedClip(clip.id if clip else None)

    def _on_length(self, ms: int) -> None:
        if self.session is None or ms <= 0:
            return
        self.session.timebase.duration_ms = ms
        self._update_fps()
        self._record_media()

    def _update_fps(self) -> None:
        # libvlc knows the frame rate only once it decodes: ask again as the state moves.
        backend = self.window.player.backend
        if self.session is None or backend is None or not self.window.player.length:
            return
        fps = backend.fps()
        if fps and self.session.timebase.fps != fps:
            self.session.timebase.fps = fps
            self._record_media()

    def _on_media_opened(self, _source: object) -> None:
        self._record_media()

    def _record_media(self) -> None:
        """Keep the media binding in the project file: source, duration, frame rate."""
        choice = self.window.media.choice
        if self.session is None or choice is None or choice.origin not in RECORDED_ORIGINS:
            return
        if self.window.document is None or is_example(self.window.document):
            return  # the example finds its own video
        tb = self.session.timebase
        binding = ProjectMedia(choice.location, tb.duration_ms, tb.fps)
        if binding != self.session.project.media:
            self.session.project.set_media(binding)

    # -- session -> window -------------------------------------------------------------
    def _on_store(self, kind: str, _index: int, clip: Clip | None, _fields: tuple) -> None:
        w = self.window
        if kind == "changed" and clip is not None:
            w.details.refresh_clip(clip)
            w.player_view.seek_bar.update()
        else:
            w.player_view.seek_bar.set_clips(list(w.store or []))
        w.sync.refresh()
        self._update_dirty()

    def _on_timebase(self, name: str) -> None:
        if name == "offset_ms" and self.session is not None:
            self.window.player_view.seek_bar.set_offset(self.session.timebase.offset_ms)
            self.window.sync.refresh()

    # -- the document on disk ------------------------------------------------------------
    @property
    def document_dirty(self) -> bool:
        return self._dirty

    def _update_dirty(self, force: bool = False) -> None:
        store = self.window.store
        dirty = store is not None and any(
            self._saved.get(cid) != bounds for cid, bounds in document_bounds(store).items()
        )
        if dirty != self._dirty or force:
            self._dirty = dirty
            self.window.setWindowTitle((DIRTY_MARK if dirty else "") + self._title)
            self.dirty_changed.emit(dirty)

    def save_document(self) -> bool:
        """Write the edited bounds back into the document (only changed times change)."""
        w = self.window
        if self.session is None or w.document is None or w.episode is None:
            messages.warning("Open a document first.")
            return False
        if is_example(w.document):
            messages.warning("The example document is not changed: use Save Document As.")
            return False
        return self._write(w.document)

    def save_document_as(self, path: Path | None = None) -> bool:
        """Write the document under a new name; its project file moves along with it."""
        w = self.window
        if self.session is None or w.document is None or w.episode is None:
            messages.warning("Open a document first.")
            return False
        if path is None:
            path = self.save_as_path(w.document)
            if path is None:
                return False
        return self._write(Path(path))

    def _ask_save_path(self, current: Path) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(
            self.window, "Save document as", str(current), "Show notes (*.md *.txt);;All (*)"
        )
        return Path(name) if name else None

    def _write(self, path: Path) -> bool:
        w = self.window
        session = self.session
        assert session is not None and w.episode is not None and w.store is not None
        w.details.commit_note()
        try:
            write_document(w.episode, path)
        except (WriteError, OSError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            messages.error(f"Could not save {path}: {reason}")
            return False
        project = session.project
        if path != w.document:
            assert w.document is not None
            self._title = self._title.replace(w.document.name, path.name)
            project.rebind(path)
            w.document = path
            w.episode.path = path
            w.media.document = path
            w.settings.add_recent_file(path)
            if project.media is not None:
                w.settings.set_media_for(path, project.media.source)
        project.document_saved()
        session.autosaver.mark_dirty()
        session.autosaver.flush()
        self._saved = document_bounds(w.store)
        self._update_dirty(force=True)
        messages.info(f"Saved {path.name}")
        return True
