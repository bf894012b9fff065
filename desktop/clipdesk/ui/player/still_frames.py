"""The paused player's picture: exact frames decoded by ffmpeg, shown instead of
libvlc's own (which may be a few frames off; see media/frame_grab.py).

Frames are decoded in runs around the asked one and kept, so frame steps and small
moves are immediate. One ffmpeg runs at a time; asks that arrive meanwhile collapse
into the latest, which throttles a drag or a held key by itself.
"""

from __future__ import annotations

from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QObject, QRectF, Qt, Signal
from PySide6.QtGui import QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from clipdesk.media.frame_grab import Still, grab_frames
from clipdesk.media.tools import find_tools
from clipdesk.ui.player.backend import PlaybackSource

BEFORE = 3  # frames decoded before the asked one (a step back is then immediate)
AFTER = 9  # and after it
CACHE_FRAMES = 32  # about 50 MB for stills of a 720p source


class StillFrames(QObject):
    """shown(frame): image() now holds that frame. failed(message): no stills for this
    source (ffmpeg missing or unable to read it); the player shows libvlc's picture."""

    shown = Signal(int)
    failed = Signal(str)
    _done = Signal(int, object, object)  # generation, stills, error (from the worker)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="clipdesk-stills")
        self._done.connect(self._on_done, Qt.ConnectionType.QueuedConnection)
        self._source: PlaybackSource | None = None
        self._generation = 0
        self._cache: OrderedDict[int, QImage] = OrderedDict()
        self._busy = False
        self._wanted: tuple[int, float] | None = None  # frame and fps still to show
        self._frame: int | None = None
        self._image: QImage | None = None
        self._ffmpeg = find_tools().ffmpeg
        self._broken = ""  # why this source has no stills

    @property
    def usable(self) -> bool:
        return self._source is not None and self._ffmpeg is not None and not self._broken

    def set_source(self, source: PlaybackSource | None) -> None:
        self._generation += 1
        self._source = source
        self._cache.clear()
        self._wanted = None
        self._frame = None
        self._image = None
        self._broken = ""
        self._busy = False  # a running grab's result belongs to the old generation

    def frame(self) -> int | None:
        return self._frame

    def image(self) -> QImage | None:
        return self._image

    def pending(self) -> bool:
        return self._wanted is not None

    def request(self, frame: int, fps: float) -> None:
        """Show frame soon (at once when it is decoded already)."""
        if not self.usable:
            return
        frame = max(0, frame)
        if frame in self._cache:
            self._wanted = None
            self._show(frame)
            return
        self._wanted = (frame, fps)
        if not self._busy:
            self._grab(frame, fps)

    def cancel(self) -> None:
        """Playback took over: a still that arrives later is kept, not shown."""
        self._wanted = None

    def _show(self, frame: int) -> None:
        self._cache.move_to_end(frame)
        self._frame = frame
        self._image = self._cache[frame]
        self.shown.emit(frame)

    def _grab(self, frame: int, fps: float) -> None:
        assert self._source is not None and self._ffmpeg is not None
        self._busy = True
        first = max(0, frame - BEFORE)
        count = frame - first + 1 + AFTER
        args = (self._ffmpeg, self._source.location, first, count, fps, self._source.http_headers)
        generation = self._generation

        def job() -> None:
            try:
                stills = grab_frames(*args)
            except Exception as exc:  # reported on the GUI thread: stills turn off
                self._done.emit(generation, None, str(exc) or type(exc).__name__)
            else:
                self._done.emit(generation, stills, None)

        self._pool.submit(job)

    def _on_done(self, generation: int, stills: list[Still] | None, error: str | None) -> None:
        if generation != self._generation:
            return
        self._busy = False
        if error is None and not stills and self._wanted is not None and self._wanted[0] > 0:
            # Asked past the media's last frame (libvlc's length is rounded): look earlier.
            frame, fps = self._wanted
            self._wanted = (max(0, frame - BEFORE - AFTER), fps)
            self._grab(*self._wanted)
            return
        if error is not None or not stills:
            self._broken = error or "ffmpeg decoded no picture there"
            self._wanted = None
            label = self._source.label or self._source.location if self._source else ""
            self.failed.emit(f"Exact paused frames are off for {label}: {self._broken}")
            return
        for still in stills:
            image = QImage(
                still.rgb, still.width, still.height, still.width * 3, QImage.Format.Format_RGB888
            ).copy()  # own the pixels: the bytes object goes away
            self._cache[still.frame] = image
            self._cache.move_to_end(still.frame)
        while len(self._cache) > CACHE_FRAMES:
            self._cache.popitem(last=False)
        if self._wanted is None:
            return
        frame, fps = self._wanted
        if frame in self._cache:
            self._wanted = None
            self._show(frame)
        elif frame > stills[-1].frame >= stills[0].frame and frame - BEFORE <= stills[0].frame:
            # Past the media's last frame: that last frame is what there is to show.
            self._wanted = None
            self._show(stills[-1].frame)
        else:
            self._grab(frame, fps)

    def shutdown(self) -> None:
        self._generation += 1
        self._pool.shutdown(wait=False, cancel_futures=True)


class StillView(QWidget):
    """Paints the current still, letterboxed on black like libvlc's picture."""

    def __init__(self, stills: StillFrames, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stillView")
        self.stills = stills
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(320, 180)
        stills.shown.connect(lambda _frame: self.update())

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(event.rect(), Qt.GlobalColor.black)
        image = self.stills.image()
        if image is not None and not image.isNull():
            scale = min(self.width() / image.width(), self.height() / image.height())
            w, h = image.width() * scale, image.height() * scale
            target = QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
            p.drawImage(target, image)
        p.end()
