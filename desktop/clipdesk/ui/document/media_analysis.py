"""The open media's sound and pictures for the timeline: the audio analysis (peaks and
pauses) and thumbnails, made on the project's background workers.

The analysis starts when media is opened and is cancelled when other media is opened or
the document closes; a source analysed before comes from the cache (no decode). Thumbnails
are asked for by spacing and range (what the timeline's zoom shows) and kept in memory as
QImages, loaded on the worker: the GUI thread only draws them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from clipdesk.core.media_location import is_url
from clipdesk.media.audio_analysis import (
    AnalysisCancelled,
    AudioAnalysis,
    AudioAnalysisTask,
    AudioCache,
)
from clipdesk.media.thumbnails import ThumbnailTask
from clipdesk.ui.common.background import Background
from clipdesk.ui.document.document_media import DocumentMedia
from clipdesk.ui.document.open_document import OpenDocument
from clipdesk.ui.player.backend import PlaybackSource

THUMB_HEIGHT = 40  # pixels, as ffmpeg scales them
CHUNK_THUMBS = 48  # thumbnails asked for at once in a zoomed-in view
MAX_CHUNKS = 48  # thumbnail chunks kept in memory (~2 300 small images), oldest go first
WHOLE_SOURCE_SPACING_MS = 60_000  # from this spacing on, one pass over the whole source
# Thumbnail spacings the timeline may ask for: a short ladder so that zooming reuses them.
SPACINGS_MS = (
    *(1_000, 2_000, 5_000, 10_000, 20_000, 30_000),
    *(60_000, 120_000, 300_000, 600_000, 1_200_000),
)


def spacing_for(ms_per_px: float, thumb_px: float) -> int:
    """The finest spacing of the ladder at which a thumbnail fits its slot."""
    need = ms_per_px * thumb_px
    return next((s for s in SPACINGS_MS if s >= need), SPACINGS_MS[-1])


@dataclass(frozen=True)
class _Chunk:
    spacing_ms: int
    index: int  # -1: the whole source

    def span(self) -> tuple[int, int | None]:
        if self.index < 0:
            return 0, None
        size = self.spacing_ms * CHUNK_THUMBS
        return self.index * size, (self.index + 1) * size


def chunks_for(spacing_ms: int, start_ms: float, end_ms: float) -> list[_Chunk]:
    if spacing_ms >= WHOLE_SOURCE_SPACING_MS:
        return [_Chunk(spacing_ms, -1)]
    size = spacing_ms * CHUNK_THUMBS
    first, last = int(max(0.0, start_ms) // size), int(max(0.0, end_ms) // size)
    return [_Chunk(spacing_ms, i) for i in range(first, last + 1)]


class MediaAnalysis(QObject):
    """analysed(AudioAnalysis) once the open media's peaks and pauses are known;
    cleared() when they no longer apply (other media, document closed);
    progress_changed(text) says what runs ("" when nothing does);
    thumbnails_changed() when more thumbnails can be drawn."""

    analysed = Signal(object)
    cleared = Signal()
    progress_changed = Signal(str)
    thumbnails_changed = Signal()
    _progress = Signal(int, int, int)  # generation, done, total: from the worker

    def __init__(
        self,
        document: OpenDocument,
        media: DocumentMedia,
        background: Background,
        cache: AudioCache | None = None,
        thumbnail_root: Path | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.media = media
        self.background = background
        self.cache = cache
        self.thumbnail_root = thumbnail_root
        self.analysis: AudioAnalysis | None = None
        self.location: str | None = None  # what was analysed (the user's choice)
        self.failure: str | None = None
        self._video: str | None = None  # a local video file for thumbnails
        self._task: AudioAnalysisTask | None = None
        self._generation = 0
        self._percent = -1
        self._thumbs: dict[_Chunk, list[tuple[int, QImage]]] = {}
        self._wanted: list[_Chunk] = []
        self._thumb_task: tuple[_Chunk, ThumbnailTask] | None = None
        self._failed_chunks: set[_Chunk] = set()
        self._progress.connect(self._on_progress)
        media.opened.connect(self._on_media_opened)
        document.closing.connect(self.stop)

    # -- audio ----------------------------------------------------------------------------
    def _on_media_opened(self, source: PlaybackSource) -> None:
        choice = self.media.choice
        location = choice.location if choice is not None else source.location
        self.start(location, source.location if not is_url(source.location) else None)

    def start(self, location: str, video: str | None = None) -> None:
        """Analyse location (a file or URL) in the background; thumbnails from video."""
        self.stop()
        self._generation += 1
        generation = self._generation
        self.location, self._video, self.failure = location, video, None
        self._percent = -1

        def on_progress(done: int, total: int | None) -> None:  # on the worker
            self._progress.emit(generation, done, total or 0)

        task = AudioAnalysisTask(location, on_progress=on_progress, cache=self.cache)
        self._task = task
        self.progress_changed.emit("Analysing the audio…")

        def done(analysis: AudioAnalysis) -> None:
            if generation != self._generation:
                return
            self._task = None
            self.analysis = analysis
            self.progress_changed.emit("")
            self.analysed.emit(analysis)

        def failed(exc: BaseException) -> None:
            if generation != self._generation or isinstance(exc, AnalysisCancelled):
                return
            self._task = None
            self.failure = str(exc) or type(exc).__name__
            self.progress_changed.emit(f"No waveform: {self.failure}")

        self.background.run(task.run, done, failed)

    def _on_progress(self, generation: int, done: int, total: int) -> None:
        if generation != self._generation or self._task is None or total <= 0:
            return
        percent = min(100, done * 100 // total)
        if percent != self._percent:
            self._percent = percent
            self.progress_changed.emit(f"Analysing the audio… {percent}%")

    @property
    def running(self) -> bool:
        return self._task is not None

    def stop(self) -> None:
        """Cancel what runs and forget the media (the document closes, media changes)."""
        self._generation += 1
        if self._task is not None:
            self._task.cancel()
            self._task = None
        if self._thumb_task is not None:
            self._thumb_task[1].cancel()
            self._thumb_task = None
        self._thumbs.clear()
        self._wanted.clear()
        self._failed_chunks.clear()
        had = self.analysis is not None or self.location is not None
        self.analysis = None
        self.location = None
        self._video = None
        if had:
            self.progress_changed.emit("")
            self.cleared.emit()

    # -- thumbnails -------------------------------------------------------------------------
    @property
    def has_video(self) -> bool:
        return self._video is not None

    def want_thumbnails(self, spacing_ms: int, start_ms: float, end_ms: float) -> None:
        """The timeline shows [start_ms, end_ms) at this spacing: make what is missing,
        nearest first; what was asked for before and is no longer shown is dropped."""
        if self._video is None:
            return
        chunks = chunks_for(spacing_ms, start_ms, end_ms)
        self._wanted = [c for c in chunks if c not in self._thumbs and c not in self._failed_chunks]
        self._next_thumbnails()

    def _next_thumbnails(self) -> None:
        if self._thumb_task is not None or not self._wanted or self._video is None:
            return
        chunk = self._wanted.pop(0)
        start, end = chunk.span()
        options: dict[str, object] = {"height": THUMB_HEIGHT, "start_ms": start, "end_ms": end}
        if self.thumbnail_root is not None:
            options["cache_root"] = self.thumbnail_root
        task = ThumbnailTask(self._video, chunk.spacing_ms, **options)
        self._thumb_task = (chunk, task)
        generation = self._generation

        def make() -> list[tuple[int, QImage]]:  # on the worker: QImage is thread-safe
            strip = task.run()
            return [(t.time_ms, QImage(str(t.path))) for t in strip.thumbnails]

        def done(images: list[tuple[int, QImage]]) -> None:
            if generation != self._generation:
                return
            self._thumb_task = None
            self._thumbs[chunk] = [(t, img) for t, img in images if not img.isNull()]
            while len(self._thumbs) > MAX_CHUNKS:  # dicts keep insertion order: oldest first
                del self._thumbs[next(iter(self._thumbs))]
            self.thumbnails_changed.emit()
            self._next_thumbnails()

        def failed(exc: BaseException) -> None:
            if generation != self._generation:
                return
            self._thumb_task = None
            # A chunk past the end of the media, or a source without video: not again.
            self._failed_chunks.add(chunk)
            self._next_thumbnails()

        self.background.run(make, done, failed)

    def thumbnails(
        self, spacing_ms: int, start_ms: float, end_ms: float
    ) -> list[tuple[int, QImage]]:
        """(media ms, image) to draw over [start_ms, end_ms): those made at this spacing,
        else those of the nearest spacing that has any there (while the right ones come)."""
        by_spacing: dict[int, list[tuple[int, QImage]]] = {}
        for chunk, images in self._thumbs.items():
            first, last = chunk.span()
            if last is not None and (last < start_ms - chunk.spacing_ms or first >= end_ms):
                continue
            by_spacing.setdefault(chunk.spacing_ms, []).extend(
                (t, img) for t, img in images if start_ms - chunk.spacing_ms <= t < end_ms
            )
        order = sorted(by_spacing, key=lambda s: (s != spacing_ms, abs(s - spacing_ms)))
        for spacing in order:
            if by_spacing[spacing]:
                return sorted(by_spacing[spacing], key=lambda ti: ti[0])
        return []

    def cached_spacings(self) -> Iterable[int]:
        return sorted({c.spacing_ms for c in self._thumbs})
