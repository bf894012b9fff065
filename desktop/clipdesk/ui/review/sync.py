"""Keeps the clip table, the details panel, the transcript and the player in step.

Selection -> seek (and details); "Play clip" plays one clip and stops at its end;
"Loop clip" repeats it. Playhead -> the clip under it is highlighted in the table (the
selection is left alone, so playback never seeks by itself) and the transcript follows.
Transcript click -> seek. A click on the video, the seek bar, the timeline or the
transcript gives the keyboard back to the clip list, so the review keys (A, I, Space)
work at once instead of typing into the note field that had the focus.

Clip and transcript times are document times; the player works in media time. With a
Timebase set (an open edit session), media time = document time + its offset, so an
aligned document plays the right moments; without one the two are the same.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelection, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QStyle, QTableView, QWidget

from clipdesk.core.bounds import Timebase, open_end_ms
from clipdesk.core.episode import Clip, ClipKind, Episode
from clipdesk.ui.player.player import Player
from clipdesk.ui.player.seek_bar import SeekBar
from clipdesk.ui.review.clip_table_model import CLIP_ID_ROLE, ClipFilterProxy, ClipTableModel
from clipdesk.ui.review.details_panel import DetailsPanel
from clipdesk.ui.review.transcript_view import TranscriptView


def clip_end(episode: Episode, clip: Clip) -> int:
    """Where a clip stops playing: its end, else the next clip of its kind, else a default."""
    if clip.end_ms is not None:
        return clip.end_ms
    later = [
        c.start_ms for c in episode.clips if c.kind is clip.kind and c.start_ms > clip.start_ms
    ]
    return min(later) if later else clip.start_ms + open_end_ms()


class ClipSpans:
    """Each clip's playing span, recomputed only when some clip's times change: the
    playhead asks about 30 times a second."""

    def __init__(self) -> None:
        self._key: tuple = ()
        self._spans: list[tuple[int, int, Clip]] = []

    def spans(self, episode: Episode) -> list[tuple[int, int, Clip]]:
        key = (open_end_ms(), *((c.id, c.kind, c.start_ms, c.end_ms) for c in episode.clips))
        if key != self._key:
            self._key = key
            self._spans = [(c.start_ms, clip_end(episode, c), c) for c in episode.clips]
        return self._spans

    def clip_under(
        self, episode: Episode, ms: int, kinds: frozenset[ClipKind] | None = None
    ) -> Clip | None:
        """The clip being played at ms among the given kinds; clips without an end
        last until the next clip of their kind starts."""
        best: Clip | None = None
        for start, end, c in self.spans(episode):
            if kinds is not None and c.kind not in kinds:
                continue
            if start <= ms < end and (best is None or start >= best.start_ms):
                best = c
        return best


class ReviewSync(QObject):
    clip_selected = Signal(object)  # Clip | None

    def __init__(
        self,
        player: Player,
        table: QTableView,
        proxy: ClipFilterProxy,
        details: DetailsPanel,
        transcript: TranscriptView,
        seek_bar: SeekBar,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.player = player
        self.table = table
        self.proxy = proxy
        self.details = details
        self.transcript = transcript
        self.seek_bar = seek_bar
        self.episode: Episode | None = None
        self.model: ClipTableModel | None = None
        self._spans = ClipSpans()
        self.timebase: Timebase | None = None

        P = QStyle.StandardPixmap
        style = parent.style()
        self.act_play_clip = QAction(style.standardIcon(P.SP_MediaPlay), "Play clip", parent)
        self.act_play_clip.setShortcut(QKeySequence("P"))
        self.act_play_clip.setToolTip("Play the selected clip from start to end (P)")
        self.act_play_clip.triggered.connect(self.play_clip)
        self.act_loop_clip = QAction(style.standardIcon(P.SP_BrowserReload), "Loop clip", parent)
        self.act_loop_clip.setShortcut(QKeySequence("Shift+P"))
        self.act_loop_clip.setCheckable(True)
        self.act_loop_clip.setToolTip(
            "Repeat the selected clip until turned off (Shift+P); pausing turns it off"
        )
        self.act_loop_clip.toggled.connect(self.set_loop)
        for act in (self.act_play_clip, self.act_loop_clip):
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            parent.addAction(act)

        table.selectionModel().selectionChanged.connect(self._on_selection)
        player.position_changed.connect(self._on_position)
        player.loop_changed.connect(self.act_loop_clip.setChecked)
        transcript.seek_requested.connect(self._on_transcript_seek)
        transcript.keys_left.connect(lambda: table.setFocus(Qt.FocusReason.OtherFocusReason))

    def keys_to_list_on_click(self, *widgets: QWidget) -> None:
        """A mouse press on any of widgets gives the keyboard to the clip list."""
        for widget in widgets:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.MouseButtonPress and not self.table.hasFocus():
            self.table.setFocus(Qt.FocusReason.MouseFocusReason)
        return False

    def set_episode(self, episode: Episode | None, model: ClipTableModel | None) -> None:
        self.episode = episode
        self.model = model
        self.player.cancel_range()
        self.act_loop_clip.setChecked(False)
        self.details.show_episode(episode)
        self.transcript.set_lines(episode.transcript if episode else [])
        self.seek_bar.set_clips(episode.clips if episode else [])
        self.seek_bar.set_selected(None)
        self.refresh()

    def set_timebase(self, timebase: Timebase | None) -> None:
        """The document-to-media offset to apply from now on (None: no offset)."""
        self.timebase = timebase
        self.refresh()

    def to_media(self, doc_ms: int) -> int:
        return self.timebase.to_media(doc_ms) if self.timebase else doc_ms

    def to_document(self, media_ms: int) -> int:
        return self.timebase.to_document(media_ms) if self.timebase else media_ms

    def _clip_range(self, clip: Clip) -> tuple[int, int]:
        assert self.episode is not None
        return self.to_media(clip.start_ms), self.to_media(clip_end(self.episode, clip))

    def refresh(self) -> None:
        """Recompute the highlighted clip and transcript line (e.g. after a filter change)."""
        self._on_position(self.player.position())

    # -- selection -> player -----------------------------------------------------------
    def selected_clip(self) -> Clip | None:
        if self.episode is None:
            return None
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        clip_id = rows[0].data(CLIP_ID_ROLE)
        return self.episode.clip_by_id(clip_id) if clip_id else None

    def select_clip(self, clip_id: str) -> bool:
        """Select (and so seek to) a clip by id; False when it is filtered out."""
        row = self.proxy.row_of(clip_id)
        if row < 0:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.proxy.index(row, 0))
        return True

    def _on_selection(self, _sel: QItemSelection, _desel: QItemSelection) -> None:
        clip = self.selected_clip()
        self.details.show_clip(clip)
        self.seek_bar.set_selected(clip.id if clip else None)
        self.clip_selected.emit(clip)
        if clip is None or self.episode is None:
            return
        if self.player.loop:
            self.player.play_range(*self._clip_range(clip), loop=True)
        else:
            self.player.seek(max(0, self.to_media(clip.start_ms)))

    def play_clip(self) -> None:
        clip = self.selected_clip() or self._highlighted_clip()
        if clip is None or self.episode is None:
            return
        self.player.play_range(*self._clip_range(clip))

    def set_loop(self, loop: bool) -> None:
        self.player.set_loop(loop)
        clip = self.selected_clip() or self._highlighted_clip()
        if loop and clip is not None and self.episode is not None:
            rng = self.player.active_range
            if rng != self._clip_range(clip) or not self.player.playing:
                self.player.play_range(*self._clip_range(clip), loop=True)

    def _highlighted_clip(self) -> Clip | None:
        if self.episode is None or self.model is None or self.model.current_clip_id is None:
            return None
        return self.episode.clip_by_id(self.model.current_clip_id)

    # -- player -> table and transcript ---------------------------------------------------
    def _on_position(self, ms: int) -> None:
        if self.episode is None or self.model is None:
            return
        ms = self.to_document(ms)
        clip = self._spans.clip_under(self.episode, ms, self.proxy.kinds)
        clip_id = clip.id if clip else None
        if clip_id != self.model.current_clip_id:
            self.model.set_current_clip(clip_id)
            if clip_id and self.player.playing:
                row = self.proxy.row_of(clip_id)
                if row >= 0:
                    self.table.scrollTo(
                        self.proxy.index(row, 0), QAbstractItemView.ScrollHint.EnsureVisible
                    )
        self.transcript.set_current_row(self.episode.transcript_index_at(ms))

    def _on_transcript_seek(self, ms: int) -> None:
        self.player.seek(max(0, self.to_media(ms)))

    def current_row_index(self) -> QModelIndex:
        if self.model is None or self.model.current_clip_id is None:
            return QModelIndex()
        row = self.proxy.row_of(self.model.current_clip_id)
        return self.proxy.index(row, 0) if row >= 0 else QModelIndex()
