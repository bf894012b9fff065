"""Analyse a source's audio once: peaks for the waveform and pauses for snapping.

One ffmpeg decode feeds both (a URL is read once); the fine levels are cached per
source under the cache folder, so a 4-hour episode is never decoded twice, and the
pauses are found again from the cached levels in milliseconds. Two analyses of the same
source at once in one process share one decode: the second waits for the first.

Call analyse() (or AudioAnalysisTask.run()) on a worker thread; cancel from any thread.
"""

from __future__ import annotations

import contextlib
import io
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from clipdesk import app_dirs
from clipdesk.core.atomic_file import write_atomic
from clipdesk.core.pauses import Pause
from clipdesk.media.audio_decode import (
    DECODE_RATE,
    RESAMPLE,
    SPEECH_BAND,
    AnalysisCancelled,
    AudioError,
    CancelToken,
    read_pcm,
)
from clipdesk.media.audio_levels import COARSE_PER_S, FINE_PER_S, LevelReducer, Levels
from clipdesk.media.media_location import AUDIO_FORMAT, MediaLocation, SourceError
from clipdesk.media.pause_detect import MIN_PAUSE_MS, Loudness, detect_pauses
from clipdesk.media.probe import ProbeError, probe_media
from clipdesk.media.tools import ToolMissing, Tools, find_tools

# Part of every cache key: a change to decoding or reduction makes old entries unused.
ANALYSIS_VERSION = 1
_DECODE_PARAMS = {
    "v": ANALYSIS_VERSION,
    "rate": DECODE_RATE,
    "band": SPEECH_BAND,
    "resample": RESAMPLE,
}

# on_progress(done_ms, total_ms or None when the length is not known)
ProgressCallback = Callable[[int, int | None], None]


@dataclass(frozen=True)
class AudioAnalysis:
    source: str
    duration_ms: int
    fine: Levels  # FINE_PER_S bins a second
    coarse: Levels  # COARSE_PER_S bins a second
    pauses: tuple[Pause, ...]
    loudness: Loudness
    from_cache: bool = False

    def levels_for(self, ms_per_pixel: float) -> Levels:
        """The resolution to draw at a zoom: the coarse one once a pixel spans a coarse bin."""
        return self.coarse if ms_per_pixel >= self.coarse.bin_ms else self.fine


class AudioCache:
    """Fine levels per source as .npz files (no pickles) in one folder."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder if folder is not None else app_dirs.cache_dir() / "audio"

    def path(self, key: str) -> Path:
        return self.folder / f"{key}.npz"

    def load(self, key: str) -> tuple[Levels, int] | None:
        """(fine levels, duration ms), or None when absent or unreadable (then removed)."""
        path = self.path(key)
        try:
            with np.load(path, allow_pickle=False) as data:
                meta = json.loads(bytes(data["meta"]).decode("utf-8"))
                arrays = [np.asarray(data[k], dtype=np.float32) for k in ("min", "max", "rms")]
        except FileNotFoundError:
            return None
        except Exception:  # truncated, not a zip, wrong arrays: any of numpy's errors
            with contextlib.suppress(OSError):
                path.unlink()
            return None
        n = arrays[2].size
        if (
            not isinstance(meta, dict)
            or meta.get("per_second") != FINE_PER_S
            or not isinstance(meta.get("duration_ms"), int)
            or any(a.ndim != 1 or a.size != n for a in arrays)
        ):
            with contextlib.suppress(OSError):
                path.unlink()
            return None
        return Levels(FINE_PER_S, *arrays), meta["duration_ms"]

    def store(self, key: str, fine: Levels, duration_ms: int, source: str) -> None:
        meta = {"per_second": fine.per_second, "duration_ms": duration_ms, "source": source}
        buf = io.BytesIO()
        np.savez(
            buf,
            meta=np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8),
            min=fine.min,
            max=fine.max,
            rms=fine.rms,
        )
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomic(self.path(key), buf.getvalue())


_locks_guard = threading.Lock()
_key_locks: dict[str, threading.Lock] = {}


def _key_lock(key: str) -> threading.Lock:
    with _locks_guard:
        return _key_locks.setdefault(key, threading.Lock())


@dataclass
class _Input:
    location: str
    headers: dict[str, str] = field(default_factory=dict)
    duration_ms: int | None = None


def analyse(
    location: str | Path | MediaLocation,
    tools: Tools | None = None,
    cancel: CancelToken | None = None,
    on_progress: ProgressCallback | None = None,
    cache: AudioCache | None = None,
    min_pause_ms: int = MIN_PAUSE_MS,
) -> AudioAnalysis:
    """Peaks and pauses of a source's first audio stream. Blocks: call it on a worker.
    Raises AudioError (str() names the source), AnalysisCancelled."""
    try:
        source = location if isinstance(location, MediaLocation) else MediaLocation.of(location)
    except SourceError as exc:
        raise AudioError(str(exc)) from exc
    cancel = cancel or CancelToken()
    cache = cache or AudioCache()
    progress = on_progress or (lambda done, total: None)
    try:
        key = source.cache_key("audio-levels", **_DECODE_PARAMS)
    except OSError as exc:
        raise AudioError(f"{source.name}: {exc.strerror or exc}") from exc
    lock = _key_lock(key)
    while not lock.acquire(timeout=0.1):  # another analysis of this source is decoding
        cancel.check()
    try:
        hit = cache.load(key)
        from_cache = hit is not None
        if hit is None:
            fine, duration_ms = _decode(source, tools or find_tools(), cancel, progress)
            # A full or read-only disk: the analysis still stands, uncached.
            with contextlib.suppress(OSError):
                cache.store(key, fine, duration_ms, source.location)
        else:
            fine, duration_ms = hit
            progress(duration_ms, duration_ms)
    finally:
        lock.release()
    pauses, stats = detect_pauses(fine, min_pause_ms)
    return AudioAnalysis(
        source.location,
        duration_ms,
        fine,
        fine.coarser(COARSE_PER_S),
        tuple(pauses),
        stats,
        from_cache,
    )


def _decode(
    source: MediaLocation, tools: Tools, cancel: CancelToken, progress: ProgressCallback
) -> tuple[Levels, int]:
    try:
        tools.need("ffmpeg")
    except ToolMissing as exc:
        raise AudioError(str(exc)) from exc
    assert tools.ffmpeg is not None
    where = _input_for(source, tools)
    cancel.check()
    reducer = LevelReducer(DECODE_RATE, FINE_PER_S)

    def on_chunk(samples: np.ndarray) -> None:
        reducer.feed(samples)
        progress(reducer.samples * 1000 // DECODE_RATE, where.duration_ms)

    total = read_pcm(
        tools.ffmpeg, where.location, on_chunk, cancel, DECODE_RATE, where.headers, source.name
    )
    if total == 0:
        raise AudioError(f"{source.name}: the audio stream holds no samples")
    duration_ms = total * 1000 // DECODE_RATE
    progress(duration_ms, duration_ms)
    return reducer.finish(), duration_ms


def _input_for(source: MediaLocation, tools: Tools) -> _Input:
    """What ffmpeg opens, and the length for progress when it can be had cheaply."""
    if source.is_url:
        return _resolve_url(source.location)
    duration = None
    if tools.ffprobe:
        try:
            info = probe_media(tools.ffprobe, source.location)
        except ProbeError as exc:
            raise AudioError(str(exc)) from exc  # it names the file
        if not info.has_audio:
            raise AudioError(f"{source.name}: has no audio stream")
        if info.duration_s:
            duration = round(info.duration_s * 1000)
    return _Input(source.location, duration_ms=duration)


def _resolve_url(url: str) -> _Input:
    """The audio stream of a page or a direct media URL, found by yt-dlp once per decode."""
    from clipdesk.media.stream_resolver import StreamError, extract_with_ytdlp, pick_streams

    try:
        info = extract_with_ytdlp(url, AUDIO_FORMAT)
        stream, _, headers = pick_streams(info)  # one format: the audio, or all in one
    except StreamError as exc:
        raise AudioError(f"{url}: {exc}") from exc
    if not stream.startswith(("http://", "https://")):
        raise AudioError(f"{url}: yt-dlp gave no http(s) stream")
    duration = info.get("duration")
    ms = round(float(duration) * 1000) if isinstance(duration, (int, float)) else None
    return _Input(stream, headers, ms)


class AudioAnalysisTask:
    """One analysis for a worker thread: run() blocks and returns the result; cancel()
    may be called from any thread (the GUI's), never blocks, and kills the decode."""

    def __init__(
        self,
        location: str | Path | MediaLocation,
        tools: Tools | None = None,
        on_progress: ProgressCallback | None = None,
        cache: AudioCache | None = None,
        min_pause_ms: int = MIN_PAUSE_MS,
    ) -> None:
        self.location = location
        self.tools = tools
        self.on_progress = on_progress
        self.cache = cache
        self.min_pause_ms = min_pause_ms
        self.token = CancelToken()

    def run(self) -> AudioAnalysis:
        return analyse(
            self.location, self.tools, self.token, self.on_progress, self.cache, self.min_pause_ms
        )

    def cancel(self) -> None:
        self.token.cancel()

    @property
    def cancelled(self) -> bool:
        return self.token.cancelled


__all__ = [
    "AnalysisCancelled",
    "AudioAnalysis",
    "AudioAnalysisTask",
    "AudioCache",
    "AudioError",
    "analyse",
]
