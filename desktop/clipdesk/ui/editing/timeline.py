"""The timeline under the player: clip bands with draggable in/out handles, the
playhead, a time ruler (click or drag to seek), Ctrl+wheel zoom around the cursor,
wheel or scroll bar to scroll, and optional snapping of dragged bounds.

It draws in media time (the player's); clips are stored in document time and shifted
by the document's offset. Every drag goes through the ClipEditor, so it is undoable
and one drag is one undo step.

Once the media's audio is analysed, a sound track under the lanes shows the waveform
(from the cached peaks, at the resolution that suits the zoom) with the pauses in speech
shaded there and across the lanes; dragged bounds then snap to pauses too. With a
thumbnail source, a strip of frames runs under the ruler, at a spacing that suits the
zoom (asked for once the view stops moving).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFontMetrics,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPolygonF,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QScrollBar, QWidget

from clipdesk.core.bounds import Bound, format_offset, open_end, snap, snap_candidates
from clipdesk.core.episode import Clip, ClipKind, ReviewStatus
from clipdesk.core.pauses import DEFAULT_SNAP_MARGIN_MS, Pause, cut_point
from clipdesk.core.pauses import Bound as PauseBound
from clipdesk.core.timecode import TimeStyle, format_clock, format_timecode
from clipdesk.media.audio_analysis import AudioAnalysis
from clipdesk.ui.common.theme import (
    ACTIVE_HANDLE,
    APPROVED,
    KIND_COLOURS,
    PAUSE_LANE_SHADE,
    PAUSE_SHADE,
    PLAYHEAD,
    THUMBNAIL_BACKGROUND,
    WAVEFORM_BACKGROUND,
    WAVEFORM_BODY,
    WAVEFORM_PEAK,
    kind_colour,
)
from clipdesk.ui.document.media_analysis import spacing_for
from clipdesk.ui.editing.undo_commands import ClipEditor
from clipdesk.ui.editing.waveform import (
    display_scale,
    pause_mask,
    pause_share,
    pause_strip,
    waveform_image,
)

RULER_H = 22
LANE_H = 22
MIN_LANE_H = 8  # lanes shrink to this when many overlap and the widget is short
LANE_GAP = 4
SCROLL_H = 14
HANDLE_PX = 6  # grab distance either side of a band edge
SNAP_PX = 8
IO_SNAP_MAX_MS = 200  # I / O move a bound into a pause this far at most
WAVE_H = 44  # the sound track under the lanes, once the audio is analysed
THUMB_H = 40  # the thumbnail strip under the ruler, when the media has video
THUMB_W = THUMB_H * 16 / 9
THUMB_SETTLE_MS = 150  # thumbnails are asked for once the view has stopped moving
DRAG_SEEK_MS = 40  # while a handle is dragged, the player seeks at most this often
MIN_MS_PER_PX = 0.5
MIN_LABEL_PX = 90
NARROW_BAND_PX = 8  # narrower bands are drawn as a plain fill
NARROW_FILL = {
    (kind, rejected): QBrush(
        QColor(colour.red(), colour.green(), colour.blue(), 90 if rejected else 255)
    )
    for kind, colour in KIND_COLOURS.items()
    for rejected in (False, True)
}
STATUS_MARK = {
    ReviewStatus.APPROVED: "✓ ",
    ReviewStatus.REJECTED: "✗ ",
    ReviewStatus.UNREVIEWED: "",
}
# Ruler steps in ms, from one frame-ish to an hour.
TICK_STEPS = (
    *(100, 200, 500),
    *(1_000, 2_000, 5_000, 10_000, 15_000, 30_000),
    *(60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000),
)


def _drain(callbacks: list[Callable[[], None]]) -> None:
    while callbacks:
        callbacks.pop()()


class ThumbnailSource(Protocol):
    """What the strip draws from (ui.document.media_analysis.MediaAnalysis)."""

    @property
    def has_video(self) -> bool: ...

    def want_thumbnails(self, spacing_ms: int, start_ms: float, end_ms: float) -> None: ...

    def thumbnails(
        self, spacing_ms: int, start_ms: float, end_ms: float
    ) -> list[tuple[int, QImage]]: ...


@dataclass
class _Drag:
    clip_id: str
    bound: Bound
    number: int
    candidates: list[int]
    limit_lo: int  # media ms the bound may not pass
    limit_hi: int | None


class Timeline(QWidget):
    """seek_requested(ms) asks the player to seek (media ms); clip_selected(id) reports a
    click on a band. setPlayhead / setSelectedClip do not emit."""

    seek_requested = Signal(int)
    clip_selected = Signal(str)

    def __init__(self, editor: ClipEditor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.store = editor.store
        self.timebase = editor.timebase
        self._playhead = 0
        self._selected: str | None = None
        self._active_bound = Bound.START  # the one the nudge keys move: highlighted
        self._snapping = True
        self.snap_px = SNAP_PX  # a setting: how near a dragged bound must come to snap
        self._follow = True
        self._view_start = 0.0
        self._ms_per_px = 100.0
        self._fitted = True  # stays fitted to the whole length until the user zooms
        self._lanes: dict[str, int] = {}
        self._lane_count = 1
        self._drag: _Drag | None = None
        self._scrubbing = False
        self._drag_label: tuple[float, str] | None = None
        self._analysis: AudioAnalysis | None = None
        self._pause_mask: np.ndarray | None = None
        self._wave_scale = 1.0
        # The last drawn sound track, reused while the view does not move (playhead).
        self._wave_key: tuple[object, ...] | None = None
        self._wave_images: tuple[QImage, np.ndarray, QImage, np.ndarray] | None = None
        self._thumbs: ThumbnailSource | None = None
        self._thumb_timer = QTimer(self)
        self._thumb_timer.setSingleShot(True)
        self._thumb_timer.setInterval(THUMB_SETTLE_MS)
        self._thumb_timer.timeout.connect(self._ask_thumbnails)
        self.snap_margin_ms = DEFAULT_SNAP_MARGIN_MS
        # Every clip with its media start and end, for finding the visible ones quickly.
        self._band_spans: tuple[list[Clip], np.ndarray, np.ndarray] | None = None
        self._extra = 0  # the strip's and the sound track's height, in the minimum height
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys belong to the window's actions
        self.setMinimumHeight(RULER_H + 2 * (LANE_H + LANE_GAP) + SCROLL_H)
        # A dragged handle shows the frame under it: paused seeks, throttled.
        self._drag_seek = QTimer(self)
        self._drag_seek.setSingleShot(True)
        self._drag_seek.setInterval(DRAG_SEEK_MS)
        self._drag_seek.timeout.connect(self._seek_dragged_bound)
        self._dragged: tuple[str, Bound] | None = None
        self._scroll = QScrollBar(Qt.Orientation.Horizontal, self)
        self._scroll.valueChanged.connect(self._scrolled)
        self._unsubscribe = [
            self.store.subscribe(lambda *_: self._content_changed()),
            self.timebase.subscribe(lambda _name: self._content_changed()),
        ]
        # Views may die before the store (a closed window): stop listening then too.
        unsubscribe = self._unsubscribe
        self.destroyed.connect(lambda *_: _drain(unsubscribe))
        self._relayout()

    def detach(self) -> None:
        """Stop listening to the store (the document is closing)."""
        _drain(self._unsubscribe)

    # -- public API ------------------------------------------------------------------
    def setPlayhead(self, ms: int) -> None:
        old_x = self.x_for(self._playhead)
        self._playhead = int(ms)
        if self._follow and self._drag is None and not self._scrubbing:
            visible = self._visible_ms()
            if not self._view_start <= ms <= self._view_start + visible:
                self.setViewStart(ms - visible * 0.1)
                return
        new_x = self.x_for(self._playhead)
        # Repaint only the strips the playhead left and entered.
        h = self.height()
        self.update(int(old_x) - 8, 0, 17, h)
        self.update(int(new_x) - 8, 0, 17, h)

    def playhead(self) -> int:
        return self._playhead

    def setSelectedClip(self, clip_id: str | None) -> None:
        self._selected = clip_id
        rect = self.band_rect(clip_id) if clip_id else None
        if rect is not None and (rect.right() < 0 or rect.left() > self.width()):
            clip = self.store.get(clip_id)  # type: ignore[arg-type]
            self.setViewStart(self.timebase.to_media(clip.start_ms) - self._visible_ms() * 0.1)
        self.update()

    def selectedClip(self) -> str | None:
        return self._selected

    def setActiveBound(self, bound: Bound) -> None:
        """Highlight the selected clip's handle that the nudge keys move."""
        self._active_bound = bound
        self.update()

    def activeBound(self) -> Bound:
        return self._active_bound

    def setSnapping(self, on: bool) -> None:
        self._snapping = on
        self.update()

    def snapping(self) -> bool:
        return self._snapping

    def setFollowPlayhead(self, on: bool) -> None:
        self._follow = on

    def setAnalysis(self, analysis: AudioAnalysis | None) -> None:
        """The media's peaks and pauses (media time), or None while there are none."""
        self._analysis = analysis
        self._wave_key = None
        self._wave_images = None
        if analysis is None:
            self._pause_mask = None
        else:
            self._pause_mask = pause_mask(analysis.pauses, analysis.fine)
            self._wave_scale = min(8.0, display_scale(analysis.coarse))
        self._relayout()
        self.update()

    def analysis(self) -> AudioAnalysis | None:
        return self._analysis

    def pauses(self) -> tuple[Pause, ...]:
        return self._analysis.pauses if self._analysis is not None else ()

    def setThumbnailSource(self, source: ThumbnailSource | None) -> None:
        self._thumbs = source
        self._relayout()
        self._thumb_timer.start()
        self.update()

    def thumbnails_changed(self) -> None:
        """The source has more thumbnails: draw them (and the strip, if it was hidden)."""
        self._relayout()
        self.update()

    def thumbnail_spacing(self) -> int:
        return spacing_for(self._ms_per_px, THUMB_W)

    def msPerPixel(self) -> float:
        return self._ms_per_px

    def viewStart(self) -> float:
        return self._view_start

    def setViewStart(self, ms: float) -> None:
        hi = max(0.0, self.total_ms() - self._visible_ms())
        self._view_start = min(max(0.0, ms), hi)
        self._sync_scrollbar()
        self.update()

    def setZoom(self, ms_per_px: float, anchor_x: float | None = None) -> None:
        """Zoom keeping the time under anchor_x (default: the centre) where it is."""
        if anchor_x is None:
            anchor_x = self.width() / 2
        anchor_ms = self.ms_at(anchor_x)
        self._ms_per_px = min(max(ms_per_px, MIN_MS_PER_PX), self._max_ms_per_px())
        self._fitted = self._ms_per_px >= self._max_ms_per_px()
        self.setViewStart(anchor_ms - anchor_x * self._ms_per_px)

    def zoomBy(self, factor: float, anchor_x: float | None = None) -> None:
        """factor > 1 zooms in."""
        self.setZoom(self._ms_per_px / factor, anchor_x)

    def zoomToFit(self) -> None:
        self._ms_per_px = self._max_ms_per_px()
        self._fitted = True
        self.setViewStart(0)

    # -- geometry --------------------------------------------------------------------
    def total_ms(self) -> int:
        """The timeline's length: the media's duration, else enough for every clip."""
        if self.timebase.duration_ms:
            return self.timebase.duration_ms
        ends = [self._media_end(c) for c in self.store]
        return max([60_000, *(e + 5_000 for e in ends)])

    def x_for(self, media_ms: float) -> float:
        return (media_ms - self._view_start) / self._ms_per_px

    def ms_at(self, x: float) -> float:
        return self._view_start + x * self._ms_per_px

    def thumb_height(self) -> int:
        return THUMB_H if self._thumbs is not None and self._thumbs.has_video else 0

    def wave_height(self) -> int:
        return WAVE_H if self._analysis is not None else 0

    def lanes_top(self) -> float:
        return RULER_H + self.thumb_height() + LANE_GAP

    def lane_height(self) -> float:
        room = self.height() - self.lanes_top() - SCROLL_H - self.wave_height()
        return min(float(LANE_H), max(MIN_LANE_H, room / self._lane_count - LANE_GAP))

    def lane_rect(self, lane: int) -> QRectF:
        h = self.lane_height()
        return QRectF(0, self.lanes_top() + lane * (h + LANE_GAP), self.width(), h)

    def wave_rect(self) -> QRectF:
        """The sound track: under the lanes, above the scroll bar (empty without audio)."""
        h = self.wave_height()
        return QRectF(0, self.height() - SCROLL_H - h, self.width(), h)

    def thumb_rect(self) -> QRectF:
        return QRectF(0, RULER_H, self.width(), self.thumb_height())

    def band_rect(self, clip_id: str | None) -> QRectF | None:
        if clip_id is None or clip_id not in self._lanes:
            return None
        return self._band_rect_of(self.store.get(clip_id))

    def _band_rect_of(self, clip: Clip) -> QRectF:
        lane = self.lane_rect(self._lanes[clip.id])
        x0 = self.x_for(self.timebase.to_media(clip.start_ms))
        x1 = self.x_for(self._media_end(clip))
        return QRectF(x0, lane.top(), max(2.0, x1 - x0), lane.height())

    def handle_at(self, pos: QPointF) -> tuple[str, Bound] | None:
        """The band edge under pos; the selected clip's edges win over others."""
        hits: list[tuple[int, float, str, Bound]] = []
        for clip in self.store:
            if clip.id not in self._lanes:
                continue
            rect = self._band_rect_of(clip)
            if not rect.top() <= pos.y() <= rect.bottom():
                continue
            edges = [(Bound.START, rect.left())]
            if clip.end_ms is not None:
                edges.append((Bound.END, rect.right()))
            for bound, x in edges:
                d = abs(pos.x() - x)
                if d <= HANDLE_PX:
                    hits.append((0 if clip.id == self._selected else 1, d, clip.id, bound))
        if not hits:
            return None
        _, _, clip_id, bound = min(hits, key=lambda h: (h[0], h[1]))
        return clip_id, bound

    def clip_at(self, pos: QPointF) -> str | None:
        for clip in reversed(list(self.store)):
            if clip.id in self._lanes and self._band_rect_of(clip).contains(pos):
                return clip.id
        return None

    def _media_end(self, clip: Clip) -> int:
        return self.timebase.to_media(open_end(clip))

    @property
    def scroll_bar(self) -> QScrollBar:
        """The horizontal scroll bar under the lanes (its value is the view's start)."""
        return self._scroll

    def _visible_ms(self) -> float:
        return max(1, self.width()) * self._ms_per_px

    def _max_ms_per_px(self) -> float:
        return max(MIN_MS_PER_PX, self.total_ms() / max(1, self.width()))

    # -- layout ----------------------------------------------------------------------
    def _content_changed(self) -> None:
        self._band_spans = None
        if self._drag is None:  # lanes stay put under a dragging hand
            self._relayout()
        self.update()

    def _relayout(self) -> None:
        lane_ends: list[int] = []
        self._lanes.clear()
        order = sorted(self.store, key=lambda c: (c.start_ms, self._media_end(c)))
        for clip in order:
            start = self.timebase.to_media(clip.start_ms)
            for lane, end in enumerate(lane_ends):
                if end <= start:
                    lane_ends[lane] = self._media_end(clip)
                    self._lanes[clip.id] = lane
                    break
            else:
                self._lanes[clip.id] = len(lane_ends)
                lane_ends.append(self._media_end(clip))
        extra = self.thumb_height() + self.wave_height()
        if max(1, len(lane_ends)) != self._lane_count or extra != self._extra:
            self._lane_count = max(1, len(lane_ends))
            self._extra = extra
            lanes = min(self._lane_count, 3)
            self.setMinimumHeight(
                RULER_H + LANE_GAP + lanes * (LANE_H + LANE_GAP) + SCROLL_H + extra
            )
            self.updateGeometry()
        if self._fitted:
            self._ms_per_px = self._max_ms_per_px()
        self.setViewStart(self._view_start)

    def sizeHint(self) -> QSize:
        lanes = max(2, self._lane_count)
        extra = self.thumb_height() + self.wave_height()
        return QSize(800, RULER_H + LANE_GAP + lanes * (LANE_H + LANE_GAP) + SCROLL_H + extra)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._scroll.setGeometry(0, self.height() - SCROLL_H, self.width(), SCROLL_H)
        if self._fitted:
            self._ms_per_px = self._max_ms_per_px()
        else:
            self._ms_per_px = min(self._ms_per_px, self._max_ms_per_px())
        self.setViewStart(self._view_start)
        super().resizeEvent(event)

    def _sync_scrollbar(self) -> None:
        visible = int(self._visible_ms())
        self._scroll.blockSignals(True)
        self._scroll.setRange(0, max(0, self.total_ms() - visible))
        self._scroll.setPageStep(max(1, visible))
        self._scroll.setSingleStep(max(1, visible // 20))
        self._scroll.setValue(int(self._view_start))
        self._scroll.blockSignals(False)
        if self._thumbs is not None:
            self._thumb_timer.start()

    def _scrolled(self, value: int) -> None:
        self._view_start = float(value)
        if self._thumbs is not None:
            self._thumb_timer.start()
        self.update()

    def _ask_thumbnails(self) -> None:
        if self._thumbs is None or not self._thumbs.has_video:
            return
        start = self._view_start
        self._thumbs.want_thumbnails(
            self.thumbnail_spacing(), start, min(start + self._visible_ms(), self.total_ms())
        )

    # -- mouse -----------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(event)
        pos = event.position()
        handle = self.handle_at(pos) if pos.y() > RULER_H else None
        if handle is not None:
            clip_id, bound = handle
            self._select(clip_id)
            self._begin_drag(clip_id, bound)
            return None
        band = self.clip_at(pos) if pos.y() > RULER_H else None
        if band is not None:
            self._select(band)
            return None
        self._scrubbing = True
        self._seek_to(pos.x())
        return None

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        if self._drag is not None:
            free = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            self._drag_to(pos.x(), snapping=self._snapping and not free)
        elif self._scrubbing:
            self._seek_to(pos.x())
        else:
            over_handle = pos.y() > RULER_H and self.handle_at(pos) is not None
            self.setCursor(
                Qt.CursorShape.SizeHorCursor if over_handle else Qt.CursorShape.ArrowCursor
            )

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            if self._drag is not None:
                self._drag = None
                self._drag_label = None
                self._drag_seek.stop()
                self._seek_dragged_bound()  # where the bound was left, at once
                self._relayout()
                self.update()
            self._scrubbing = False

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        clip_id = self.clip_at(event.position())
        if clip_id is not None and self.handle_at(event.position()) is None:
            clip = self.store.get(clip_id)
            self.seek_requested.emit(max(0, self.timebase.to_media(clip.start_ms)))

    def wheelEvent(self, event: QWheelEvent) -> None:
        delta = event.angleDelta()
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = delta.y() / 120 or delta.x() / 120
            if steps:
                self.zoomBy(1.25**steps, event.position().x())
            event.accept()
            return
        amount = delta.x() or delta.y()
        if amount:
            self.setViewStart(self._view_start - amount / 120 * self._visible_ms() / 8)
        event.accept()

    def _select(self, clip_id: str) -> None:
        self._selected = clip_id
        self.update()
        self.clip_selected.emit(clip_id)

    def _seek_to(self, x: float) -> None:
        ms = round(min(max(0.0, self.ms_at(x)), float(self.total_ms())))
        self.seek_requested.emit(ms)

    def _begin_drag(self, clip_id: str, bound: Bound) -> None:
        clip = self.store.get(clip_id)
        tb = self.timebase
        frame = math.ceil(1000 / tb.frame_fps)
        # The bound stays a frame away from the other one and inside the media.
        if bound is Bound.START:
            lo = max(0, tb.to_media(0))
            hi = tb.to_media(clip.end_ms) - frame if clip.end_ms is not None else None
            if hi is None and tb.duration_ms:
                hi = tb.duration_ms - frame
        else:
            lo = tb.to_media(clip.start_ms) + frame
            hi = tb.duration_ms
        candidates = snap_candidates(self.store.episode, tb, exclude_clip=clip_id)
        candidates.append(self._playhead)
        candidates += self.pause_candidates(bound)
        self._drag = _Drag(clip_id, bound, self.editor.begin_drag(), candidates, lo, hi)

    def _drag_to(self, x: float, snapping: bool) -> None:
        drag = self._drag
        assert drag is not None
        ms = round(self.ms_at(x))
        if snapping:
            ms = snap(ms, drag.candidates, int(self.snap_px * self._ms_per_px))
        ms = max(drag.limit_lo, ms)
        if drag.limit_hi is not None:
            ms = min(drag.limit_hi, ms)
        self.editor.drag_bound(drag.clip_id, drag.bound, self.timebase.to_document(ms), drag.number)
        # The label and the seek say the stored bound: the editor puts it on the frame grid.
        stored = self._stored_bound(drag.clip_id, drag.bound)
        if stored is not None:
            ms = stored
        self._drag_label = (self.x_for(ms), format_clock(ms))
        self._dragged = (drag.clip_id, drag.bound)
        if not self._drag_seek.isActive():
            self._drag_seek.start()
        self.update()

    def snap_set_bound(self, media_ms: int, bound: Bound) -> int:
        """Where I / O put a bound set at media_ms: into a pause's cut point when one lies
        within the drag snap distance on screen (at most IO_SNAP_MAX_MS), else media_ms."""
        if not self._snapping or not self.pauses():
            return media_ms
        reach = int(min(SNAP_PX * self._ms_per_px, IO_SNAP_MAX_MS))
        return snap(media_ms, self.pause_candidates(bound), reach)

    def pause_candidates(self, bound: Bound) -> list[int]:
        """Media times in the pauses where a dragged bound snaps: the cut point of each
        pause for that bound (a margin inside the pause edge next to the word)."""
        which = PauseBound.START if bound is Bound.START else PauseBound.END
        return [cut_point(p, which, self.snap_margin_ms) for p in self.pauses()]

    def _stored_bound(self, clip_id: str, bound: Bound) -> int | None:
        """The media time of a clip's bound as stored, or None (gone, or no end)."""
        try:
            clip = self.store.get(clip_id)
        except KeyError:
            return None
        doc = clip.start_ms if bound is Bound.START else clip.end_ms
        return None if doc is None else self.timebase.to_media(doc)

    def _seek_dragged_bound(self) -> None:
        if self._dragged is None:
            return
        ms = self._stored_bound(*self._dragged)
        if self._drag is None:
            self._dragged = None
        if ms is not None:
            self.seek_requested.emit(max(0, ms))

    # -- painting --------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        pal = self.palette()
        p.fillRect(self.rect(), pal.color(QPalette.ColorRole.Base))
        self._paint_sound(p)
        self._paint_thumbnails(p)
        self._paint_ruler(p, pal)
        narrow: dict[tuple[ClipKind, bool], list[QRectF]] = {}
        for clip in self._visible_clips():
            self._paint_band(p, pal, clip, narrow)
        # Zoomed out on a long episode: hundreds of slivers, one call per colour.
        p.setPen(Qt.PenStyle.NoPen)
        for key, rects in narrow.items():
            p.setBrush(NARROW_FILL[key])
            p.drawRects(rects)
        p.setBrush(Qt.BrushStyle.NoBrush)
        self._paint_playhead(p)
        if self._drag_label is not None:
            x, text = self._drag_label
            fm = QFontMetrics(self.font())
            w = fm.horizontalAdvance(text) + 8
            box = QRectF(min(max(0.0, x - w / 2), self.width() - w), 2, w, RULER_H - 4)
            p.fillRect(box, pal.color(QPalette.ColorRole.ToolTipBase))
            p.setPen(pal.color(QPalette.ColorRole.ToolTipText))
            p.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
        p.end()

    def _paint_ruler(self, p: QPainter, pal: QPalette) -> None:
        p.fillRect(QRectF(0, 0, self.width(), RULER_H), pal.color(QPalette.ColorRole.Window))
        fg = pal.color(QPalette.ColorRole.WindowText)
        step = next((s for s in TICK_STEPS if s / self._ms_per_px >= MIN_LABEL_PX), TICK_STEPS[-1])
        minor = step / 5
        first = math.floor(self._view_start / minor) * minor
        end = self._view_start + self._visible_ms()
        style = TimeStyle(fields=2, frac=1 if step < 1_000 else 0)
        p.setPen(fg)
        t = first
        while t <= end:
            x = self.x_for(t)
            major = abs(t / step - round(t / step)) < 1e-6
            p.drawLine(QPointF(x, RULER_H - (8 if major else 4)), QPointF(x, RULER_H))
            if major and t >= 0:
                p.drawText(QPointF(x + 3, RULER_H - 9), format_timecode(round(t), style))
            t += minor
        # Transcript line starts: where bounds snap to.
        if self._snapping and self.store.episode.transcript:
            p.setPen(QPen(QColor(fg.red(), fg.green(), fg.blue(), 110), 1))
            for line in self.store.episode.transcript:
                x = self.x_for(self.timebase.to_media(line.start_ms))
                if 0 <= x <= self.width():
                    p.drawLine(QPointF(x, RULER_H - 3), QPointF(x, RULER_H + LANE_GAP))
        if self.timebase.offset_ms:
            text = f"offset {format_offset(self.timebase.offset_ms)}"
            fm = QFontMetrics(self.font())
            w = fm.horizontalAdvance(text) + 8
            box = QRectF(self.width() - w - 2, 2, w, RULER_H - 6)
            p.fillRect(box, pal.color(QPalette.ColorRole.Window))
            p.setPen(fg)
            p.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
        p.drawLine(QPointF(0, RULER_H), QPointF(self.width(), RULER_H))

    def _paint_sound(self, p: QPainter) -> None:
        """The waveform track, and the pauses across the lanes."""
        analysis = self._analysis
        if analysis is None:
            return
        rect = self.wave_rect()
        width, height = max(1, self.width()), int(rect.height())
        levels = analysis.levels_for(self._ms_per_px)
        key = (self._view_start, self._ms_per_px, width, height, levels.per_second)
        if key != self._wave_key or self._wave_images is None:
            assert self._pause_mask is not None
            share = pause_share(
                self._pause_mask, analysis.fine.bin_ms, self._view_start, self._ms_per_px, width
            )
            wave, wave_px = waveform_image(
                levels, self._view_start, self._ms_per_px, width, height, self._wave_scale,
                WAVEFORM_PEAK, WAVEFORM_BODY, WAVEFORM_BACKGROUND, PAUSE_SHADE, share,
            )  # fmt: skip
            strip, strip_px = pause_strip(share, PAUSE_LANE_SHADE)
            self._wave_images = (wave, wave_px, strip, strip_px)
            self._wave_key = key
        wave, _, strip, _ = self._wave_images
        lanes = QRectF(
            0, self.lanes_top() - LANE_GAP, width, rect.top() - self.lanes_top() + LANE_GAP
        )
        p.drawImage(lanes, strip)
        p.drawImage(rect.topLeft(), wave)
        p.setPen(WAVEFORM_BODY.lighter(160))
        p.drawLine(QPointF(0, rect.top()), QPointF(width, rect.top()))

    def _paint_thumbnails(self, p: QPainter) -> None:
        rect = self.thumb_rect()
        if rect.height() <= 0 or self._thumbs is None:
            return
        p.fillRect(rect, THUMBNAIL_BACKGROUND)
        start = self._view_start
        end = start + self._visible_ms()
        images = self._thumbs.thumbnails(self.thumbnail_spacing(), start, end)
        if not images:
            return
        p.save()
        p.setClipRect(rect)
        for i, (t, image) in enumerate(images):
            x = self.x_for(t)
            nxt = self.x_for(images[i + 1][0]) if i + 1 < len(images) else self.width()
            if nxt < 0:
                continue
            slot = QRectF(x, rect.top(), max(1.0, nxt - x - 1), rect.height())
            w = image.width() * rect.height() / max(1, image.height())
            # A thumbnail fills its slot's height and is cut at the next one's edge.
            p.save()
            p.setClipRect(slot.intersected(rect))
            p.drawImage(QRectF(x, rect.top(), w, rect.height()), image)
            p.restore()
        p.restore()

    def _visible_clips(self) -> list[Clip]:
        """The clips in view, in store order (off-screen ones of a long episode cost
        nothing in a paint)."""
        if self._band_spans is None:
            clips = list(self.store)
            starts = np.fromiter(
                (self.timebase.to_media(c.start_ms) for c in clips), np.int64, len(clips)
            )
            ends = np.fromiter((self._media_end(c) for c in clips), np.int64, len(clips))
            self._band_spans = (clips, starts, ends)
        clips, starts, ends = self._band_spans
        margin = 4 * self._ms_per_px
        lo, hi = self._view_start - margin, self._view_start + self._visible_ms() + margin
        return [clips[i] for i in np.flatnonzero((ends >= lo) & (starts <= hi))]

    def _paint_band(
        self,
        p: QPainter,
        pal: QPalette,
        clip: Clip,
        narrow: dict[tuple[ClipKind, bool], list[QRectF]],
    ) -> None:
        if clip.id not in self._lanes:
            return
        rect = self._band_rect_of(clip)
        if rect.right() < -2 or rect.left() > self.width() + 2:
            return
        selected = clip.id == self._selected
        if rect.width() < NARROW_BAND_PX and not selected:
            # A sliver of the kind's colour is all that can be seen: drawn in a batch.
            narrow.setdefault((clip.kind, clip.review is ReviewStatus.REJECTED), []).append(rect)
            return
        colour = kind_colour(clip.kind)
        if clip.review is ReviewStatus.REJECTED:
            colour.setAlpha(90)
        fill = QBrush(colour.lighter(125) if selected else colour)
        p.fillRect(rect, fill)
        if clip.review is ReviewStatus.REJECTED:
            p.fillRect(rect, QBrush(QColor(0, 0, 0, 70), Qt.BrushStyle.BDiagPattern))
        elif clip.review is ReviewStatus.APPROVED:
            p.fillRect(QRectF(rect.left(), rect.bottom() - 4, rect.width(), 4), APPROVED)
        outline = pal.color(QPalette.ColorRole.Highlight) if selected else colour.darker(150)
        pen = QPen(outline, 2 if selected else 1)
        if clip.end_ms is None:
            pen.setStyle(Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.drawRect(rect.adjusted(0.5, 0.5, -0.5, -0.5))
        # Handles: grips at the edges, larger on the selected clip.
        grip = QColor(255, 255, 255, 230 if selected else 150)
        w = 5 if selected else 3
        edges = [(Bound.START, rect.left())]
        if clip.end_ms is not None:
            edges.append((Bound.END, rect.right() - w))
        for bound, x in edges:
            if selected and bound is self._active_bound:
                # The bound the nudge keys move: a wide amber grip with a white core.
                left = x - 2 if bound is Bound.START else x - 1
                p.fillRect(QRectF(left, rect.top(), w + 3, rect.height()), ACTIVE_HANDLE)
                p.fillRect(
                    QRectF(left + (w + 3) / 2 - 1, rect.top() + 4, 2, rect.height() - 8),
                    QColor("white"),
                )
                continue
            p.fillRect(QRectF(x, rect.top() + 3, w, rect.height() - 6), grip)
        if rect.width() > 30 and rect.height() >= 14:
            p.setPen(QColor("white"))
            fm = QFontMetrics(self.font())
            text_rect = rect.adjusted(8, 0, -8, 0)
            visible = text_rect.intersected(QRectF(0, rect.top(), self.width(), rect.height()))
            text = fm.elidedText(
                STATUS_MARK[clip.review] + clip.title,
                Qt.TextElideMode.ElideRight,
                int(visible.width()),
            )
            p.drawText(visible, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)

    def _paint_playhead(self, p: QPainter) -> None:
        x = self.x_for(self._playhead)
        if not -8 <= x <= self.width() + 8:
            return
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setPen(QPen(PLAYHEAD, 1.5))
        p.drawLine(QPointF(x, 0), QPointF(x, self.height() - SCROLL_H))
        p.setBrush(PLAYHEAD)
        p.drawPolygon(QPolygonF([QPointF(x - 6, 0), QPointF(x + 6, 0), QPointF(x, 8)]))
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
