"""The seek bar: the whole media length, every clip drawn as a band, and the playhead.

Click or drag to seek. Bands are drawn in one lane per clip kind so overlapping
highlights and key points stay visible.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from clipdesk.core.bounds import open_end
from clipdesk.core.episode import Clip, ClipKind
from clipdesk.core.timecode import format_clock
from clipdesk.ui.common.theme import PLAYHEAD, kind_colour

LANES = (ClipKind.HIGHLIGHT, ClipKind.KEY_POINT, ClipKind.SEGMENT, ClipKind.CLIP)
MARGIN = 6


class SeekBar(QWidget):
    seek_requested = Signal(int)  # ms
    scrubbing_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("seekBar")
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setToolTip("")
        self._length = 0
        self._position = 0
        self._clips: list[Clip] = []
        self._selected: str | None = None
        self._dragging = False
        self._offset = 0  # media time = document time + offset (clips are in document time)

    def sizeHint(self) -> QSize:
        return QSize(400, 40)

    def minimumSizeHint(self) -> QSize:
        return QSize(100, 40)

    # -- state -------------------------------------------------------------------------
    @property
    def length(self) -> int:
        return self._length

    @property
    def position(self) -> int:
        return self._position

    @property
    def offset(self) -> int:
        return self._offset

    def titles_at(self, ms: int) -> list[str]:
        """Titles of the clips drawn at media time ms."""
        doc_ms = ms - self._offset
        return [c.title for c in self._clips if c.start_ms <= doc_ms < open_end(c)]

    def set_length(self, ms: int) -> None:
        self._length = max(0, int(ms))
        self.update()

    def set_position(self, ms: int) -> None:
        if ms != self._position and not self._dragging:
            self._position = int(ms)
            self.update()

    def set_clips(self, clips: list[Clip]) -> None:
        self._clips = list(clips)
        self.update()

    def set_offset(self, offset_ms: int) -> None:
        self._offset = int(offset_ms)
        self.update()

    def set_selected(self, clip_id: str | None) -> None:
        self._selected = clip_id
        self.update()

    # -- geometry ----------------------------------------------------------------------
    def _track(self) -> QRectF:
        return QRectF(MARGIN, 0, max(1, self.width() - 2 * MARGIN), self.height())

    def x_for(self, ms: int) -> float:
        track = self._track()
        if self._length <= 0:
            return track.left()
        return track.left() + track.width() * max(0, min(ms, self._length)) / self._length

    def ms_at(self, x: float) -> int:
        track = self._track()
        if self._length <= 0:
            return 0
        frac = (x - track.left()) / track.width()
        return round(max(0.0, min(1.0, frac)) * self._length)

    # -- painting ----------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        track = self._track()
        groove = QRectF(track.left(), track.bottom() - 10, track.width(), 6)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(pal.mid())
        p.drawRoundedRect(groove, 3, 3)
        if self._length > 0:
            played = QRectF(groove.left(), groove.top(), self.x_for(self._position) - MARGIN, 6)
            p.setBrush(pal.highlight())
            p.drawRoundedRect(played, 3, 3)
            lane_h = (groove.top() - 4) / len(LANES)
            for clip in self._clips:
                lane = LANES.index(clip.kind)
                end = open_end(clip)
                x0, x1 = self.x_for(clip.start_ms + self._offset), self.x_for(end + self._offset)
                rect = QRectF(x0, 2 + lane * lane_h, max(2.0, x1 - x0), lane_h - 1)
                color = kind_colour(clip.kind)
                if clip.id == self._selected:
                    p.setPen(QPen(pal.text().color(), 1.5))
                    color.setAlpha(255)
                else:
                    p.setPen(Qt.PenStyle.NoPen)
                    color.setAlpha(170)
                p.setBrush(color)
                p.drawRect(rect)
            x = self.x_for(self._position)
            p.setPen(QPen(PLAYHEAD, 2))
            p.drawLine(QPointF(x, 0), QPointF(x, self.height()))
        p.end()

    # -- mouse ------------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._length > 0:
            self._dragging = True
            self.scrubbing_changed.emit(True)
            self._seek_to(event.position().x())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        x = event.position().x()
        if self._dragging:
            self._seek_to(x)
        if self._length > 0:
            ms = self.ms_at(x)
            tip = format_clock(ms)
            names = self.titles_at(ms)[:3]
            if names:
                tip += "\n" + "\n".join(names)
            QToolTip.showText(event.globalPosition().toPoint(), tip, self)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._dragging:
            self._dragging = False
            self.scrubbing_changed.emit(False)

    def _seek_to(self, x: float) -> None:
        ms = self.ms_at(x)
        self._position = ms
        self.update()
        self.seek_requested.emit(ms)
