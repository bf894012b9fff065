"""Editing the open document in the review window.

One EditSession per opened document (undo stack, editor, editing actions, timeline,
offset field). This module puts its parts into the views it is given and takes them
out again: the timeline under the player, the actions in the Edit menu, the offset
field in the status bar, the editor behind the table and the note field, the offset
behind every seek. Save and Save As ask for a name and leave the writing to the
OpenDocument.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QStatusBar,
    QWidget,
)

from clipdesk.core.episode import Clip
from clipdesk.ui.common import messages, theme
from clipdesk.ui.document.open_document import OpenDocument
from clipdesk.ui.editing.edit_session import EditSession
from clipdesk.ui.editing.time_edit import TimeDelegate
from clipdesk.ui.player.player import Player
from clipdesk.ui.player.player_widget import PlayerWidget
from clipdesk.ui.review.clip_panel import ClipPanel
from clipdesk.ui.review.clip_table_model import Column
from clipdesk.ui.review.details_panel import DetailsPanel
from clipdesk.ui.review.sync import ReviewSync

READ_ONLY_MARK = " [read-only]"  # ends the window title while nothing is saved


def ask_to_discard(parent: QWidget, text: str) -> bool:
    answer = QMessageBox.question(
        parent,
        "Edits not saved",
        text,
        QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Discard


class DocumentEditing(QObject):
    """Builds an EditSession for each opened document that has a project file and tears
    it down when the document closes."""

    session_changed = Signal(object)  # EditSession | None

    def __init__(
        self,
        document: OpenDocument,
        player: Player,
        player_view: PlayerWidget,
        clip_panel: ClipPanel,
        details: DetailsPanel,
        sync: ReviewSync,
        status_bar: QStatusBar,
        edit_menu: QMenu,
        host: QWidget,
    ) -> None:
        super().__init__(host)
        self.document = document
        self.player = player
        self.player_view = player_view
        self.clip_panel = clip_panel
        self.details = details
        self.sync = sync
        self.edit_menu = edit_menu
        self.host = host
        self.session: EditSession | None = None
        self._undo: list[Callable[[], None]] = []
        self.save_as_path: Callable[[Path], Path | None] = self._ask_save_path
        # Replaceable so tests answer without a modal box: (question) -> discard the edits?
        self.confirm_discard: Callable[[str], bool] = lambda text: ask_to_discard(host, text)
        # Shown above the player while this window's project file is read-only.
        self.read_only_banner = QLabel(host)
        self.read_only_banner.setObjectName("readOnlyBanner")
        self.read_only_banner.setWordWrap(True)
        self.read_only_banner.setStyleSheet(theme.READ_ONLY_BANNER_STYLE)
        view_layout = player_view.layout()
        assert view_layout is not None
        view_layout.insertWidget(0, self.read_only_banner)  # type: ignore[attr-defined]
        self.read_only_banner.hide()
        table = clip_panel.table
        self.time_delegate = TimeDelegate(table)
        self.time_delegate.refused.connect(messages.warning)
        for col in (Column.START, Column.END):
            table.setItemDelegateForColumn(col, self.time_delegate)
        details.note_committed.connect(self._on_note)
        self.offset_box = QWidget(host)
        box = QHBoxLayout(self.offset_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(4)
        box.addWidget(QLabel("Offset", self.offset_box))
        self.offset_box.setToolTip("Media time = document time + offset (Edit › Align Here)")
        status_bar.addPermanentWidget(self.offset_box)
        self.offset_box.hide()
        self._fill_empty_menu()
        document.opened.connect(self._on_opened)
        document.closing.connect(self._on_closing)

    # -- session life ------------------------------------------------------------------
    def _on_opened(self) -> None:
        if self.document.editable:
            self.open()

    def open(self) -> EditSession:
        """Wire the editing parts in for the document just opened."""
        self._end_session()
        doc, player = self.document, self.player
        assert doc.store is not None and doc.timebase is not None
        session = EditSession(
            doc,
            self.host,
            playhead=player.position,
            selected_clip=self._selected_id,
            seek=lambda ms: player.seek(max(0, ms)),
            play_range=player.play_range,
            select_clip=self._select,
        )
        self.session = session
        store, tb = doc.store, doc.timebase
        layout = self.player_view.layout()
        assert layout is not None
        layout.addWidget(session.timeline)
        self.sync.keys_to_list_on_click(session.timeline)
        session.timeline.setPlayhead(player.position())
        box_layout = self.offset_box.layout()
        assert box_layout is not None
        box_layout.addWidget(session.offset_edit)
        session.offset_edit.setMaximumWidth(
            session.offset_edit.fontMetrics().horizontalAdvance("+0:00:00.000") + 24
        )
        self.offset_box.show()
        self.edit_menu.clear()
        session.actions.populate(self.edit_menu)
        if self.clip_panel.model is not None:
            self.clip_panel.model.set_editor(session.editor)
        self.details.set_notes_editable(True)
        self._connect(player.position_changed, session.timeline.setPlayhead)
        self._connect(self.sync.clip_selected, self._on_clip_selected)
        self._undo.append(store.subscribe(self._on_store))
        self._undo.append(tb.subscribe(self._on_timebase))
        seek_bar = self.player_view.seek_bar
        seek_bar.set_clips(list(store))
        seek_bar.set_offset(tb.offset_ms)
        self.sync.refresh()
        project = session.project
        if project.read_only:
            self.read_only_banner.setText(
                f"Read-only: {project.read_only}. Edits made here are not saved."
            )
            self.read_only_banner.show()
        self.session_changed.emit(session)
        return session

    @property
    def read_only(self) -> bool:
        return self.session is not None and bool(self.session.project.read_only)

    def may_close(self) -> bool:
        """Whether the document may close: asks when edits would be lost (the project
        file cannot be written, or this window is read-only)."""
        if self.session is None:
            return True
        self.details.commit_note()
        why = self.document.unsaved_reason()
        if not why:
            return True
        name = self.document.path.name if self.document.path else "the document"
        return self.confirm_discard(
            f"The edits to {name} are not saved ({why}). Close anyway and lose them?"
        )

    def close(self) -> bool:
        """Close the document (its project file is saved). True when saved."""
        return self.document.close()

    def _on_closing(self) -> None:
        self.details.commit_note()
        self._end_session()

    def _end_session(self) -> None:
        session, self.session = self.session, None
        if session is None:
            return
        for undo in self._undo:
            undo()
        self._undo.clear()
        session.close()
        self.details.set_notes_editable(False)
        if self.clip_panel.model is not None:
            self.clip_panel.model.set_editor(None)
        self.player_view.seek_bar.set_offset(0)
        self.offset_box.hide()
        self.read_only_banner.hide()
        self._fill_empty_menu()
        self.session_changed.emit(None)

    def _connect(self, signal: Any, slot: Callable[..., Any]) -> None:
        signal.connect(slot)
        self._undo.append(lambda: signal.disconnect(slot))

    def _fill_empty_menu(self) -> None:
        self.edit_menu.clear()
        self.edit_menu.addAction("(open a document to edit it)").setEnabled(False)

    def shortcut_groups(self) -> list[tuple[str, list[QAction]]]:
        if self.session is None:
            return []
        return [("Editing", list(self.session.actions.actions.values()))]

    # -- views -> session ----------------------------------------------------------------
    def _selected_id(self) -> str | None:
        clip = self.sync.selected_clip()
        return clip.id if clip else None

    def _select(self, clip_id: str | None) -> None:
        if clip_id:
            self.sync.select_clip(clip_id)

    def _on_note(self, clip_id: str, note: str) -> None:
        if self.session is not None:
            self.session.editor.set_note(clip_id, note)

    def _on_clip_selected(self, clip: Clip | None) -> None:
        if self.session is not None:
            self.session.timeline.setSelectedClip(clip.id if clip else None)

    # -- session -> views ----------------------------------------------------------------
    def _on_store(self, kind: str, _index: int, clip: Clip | None, _fields: tuple) -> None:
        seek_bar = self.player_view.seek_bar
        if kind == "changed" and clip is not None:
            self.details.refresh_clip(clip)
            seek_bar.update()
        else:
            seek_bar.set_clips(list(self.document.store or []))
        self.sync.refresh()

    def _on_timebase(self, name: str) -> None:
        if name == "offset_ms" and self.document.timebase is not None:
            self.player_view.seek_bar.set_offset(self.document.timebase.offset_ms)
            self.sync.refresh()

    # -- saving the document --------------------------------------------------------------
    @property
    def document_dirty(self) -> bool:
        return self.document.dirty

    def save_document(self) -> bool:
        """Write the edited bounds back into the document (only changed times change)."""
        self.details.commit_note()
        return self.document.save()

    def save_document_as(self, path: Path | None = None) -> bool:
        """Write the document under a new name; its project file moves along with it."""
        current = self.document.path
        if self.session is None or current is None:
            messages.warning("Open a document first.")
            return False
        if path is None:
            path = self.save_as_path(current)
            if path is None:
                return False
        self.details.commit_note()
        return self.document.save(Path(path))

    def _ask_save_path(self, current: Path) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(
            self.host, "Save document as", str(current), "Show notes (*.md *.txt);;All (*)"
        )
        return Path(name) if name else None
