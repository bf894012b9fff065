"""One read of a remote MP4 per batch: its index over HTTP Range requests, then the
byte ranges the batch's clips need written at their own offsets into a sparse local
copy (or the whole file once, when the clips cover most of it). The jobs cut from
that copy; each waits only for its own ranges, so encoding starts while later
ranges are still arriving.

A sparse copy holds the moov, the first packets of every track (ffmpeg reads them
when it opens a file), and for every clip the samples from a second before the
keyframe ahead of its start to a second past its end.
"""

from __future__ import annotations

import bisect
import json
import operator
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from clipdesk.media.mp4_index import Mp4Error, Mp4Index, ms_after_next_keyframe, read_index
from clipdesk.media.range_fetch import TIMEOUT_S, HttpBytes, RangeError, RangeStalled

WHOLE_FILE_SHARE = 0.6  # clips needing more than this share of the file: fetch it all
MARGIN_S = 1.0
FIRST_PACKETS_S = 1.0
DIRECT_SUFFIXES = (".mp4", ".m4v", ".mov", ".m4a")

Clips = list[tuple[int, int]]  # (start_ms, end_ms)


class FetchError(RuntimeError):
    """The ranges could not be fetched; str() says why. stalled: the server sent
    nothing for the whole timeout."""

    def __init__(self, message: str, stalled: bool = False) -> None:
        super().__init__(message)
        self.stalled = stalled


class StallReason(str):
    """Why a batch source cannot be read, when it is that its server sent nothing: the
    batch's jobs fail at once instead of each asking the server again."""


class _Spans:
    """Merged, sorted byte spans [lo, hi)."""

    def __init__(self) -> None:
        self.lo: list[int] = []
        self.hi: list[int] = []

    def add(self, lo: int, hi: int) -> None:
        i = bisect.bisect_left(self.hi, lo)
        j = bisect.bisect_right(self.lo, hi)
        if i < j:
            lo, hi = min(lo, self.lo[i]), max(hi, self.hi[j - 1])
        self.lo[i:j], self.hi[i:j] = [lo], [hi]

    def covers(self, lo: int, hi: int) -> bool:
        i = bisect.bisect_right(self.lo, lo) - 1
        return i >= 0 and self.hi[i] >= hi

    def missing(self, lo: int, hi: int) -> list[tuple[int, int]]:
        out, pos = [], lo
        for a, b in zip(self.lo, self.hi, strict=True):
            if b <= pos:
                continue
            if a >= hi:
                break
            if a > pos:
                out.append((pos, a))
            pos = max(pos, b)
        if pos < hi:
            out.append((pos, hi))
        return out

    def total(self) -> int:
        return sum(b - a for a, b in zip(self.lo, self.hi, strict=True))


def keyframe_before_s(index: Mp4Index, start_ms: int) -> float:
    """When the file's last video keyframe at or before start_ms is shown (start_ms
    itself for a file without video): a cut copies or decodes from there."""
    video = index.video()
    if video is None or not video.count:
        return start_ms / 1000
    pts = video.pts()
    ts = video.timescale
    keys = sorted(pts[s] for s in (video.sync or range(video.count)))
    i = bisect.bisect_right(keys, start_ms * ts / 1000) - 1
    return (keys[i] / ts) if i >= 0 else 0.0


def needed_spans(index: Mp4Index, start_ms: int, end_ms: int) -> list[tuple[int, int]]:
    """The byte spans of this file a clip needs: every track's samples from a margin
    before the keyframe ahead of start to a margin past end."""
    lo_s = keyframe_before_s(index, start_ms) - MARGIN_S
    hi_s = end_ms / 1000 + MARGIN_S
    spans = []
    for track in index.tracks:
        if not track.count:
            continue
        pts = track.pts()
        ts = track.timescale
        # pts is nearly sorted (B-frames reorder a few): scan a little either side.
        first = max(0, bisect.bisect_left(track.dts, lo_s * ts - track.shift) - 8)
        last = min(track.count, bisect.bisect_right(track.dts, hi_s * ts + ts) + 8)
        inside = [n for n in range(first, last) if lo_s * ts <= pts[n] <= hi_s * ts]
        if inside:
            at = list(map(track.offsets.__getitem__, inside))
            lo = min(at)
            hi = max(map(operator.add, at, map(track.sizes.__getitem__, inside)))
            spans.append((lo, hi))
    return spans


def first_spans(index: Mp4Index) -> list[tuple[int, int]]:
    spans = [(index.moov_offset, index.moov_offset + index.moov_size), (0, 64)]
    for track in index.tracks:
        ts = track.timescale
        n = (
            bisect.bisect_right(track.dts, track.dts[0] + FIRST_PACKETS_S * ts)
            if track.count
            else 0
        )
        for k in range(min(n, track.count)):
            spans.append((track.offsets[k], track.offsets[k] + track.sizes[k]))
    return spans


class SparseSource:
    """A remote MP4 fetched by ranges into a sparse file of the same size."""

    def __init__(self, url: str, path: Path, http: HttpBytes, index: Mp4Index) -> None:
        self.url, self.path, self.http, self.index = url, path, http, index
        self._have = _Spans()
        self._queue: list[tuple[int, int]] = []
        # Queued spans a job waits for, in the order jobs asked: fetched first.
        self._urgent: list[tuple[int, int]] = []
        self._cond = threading.Condition()
        self._closed = False
        self._error: str | None = None
        self._thread: threading.Thread | None = None
        self.whole_file = False
        with open(path, "wb") as f:
            f.truncate(index.size)

    @classmethod
    def open(
        cls,
        url: str,
        folder: Path,
        headers: Mapping[str, str] | None = None,
        timeout_s: float = TIMEOUT_S,
    ) -> SparseSource:
        """Read the index; raise FetchError saying why the file cannot be read by ranges."""
        try:
            http = HttpBytes(url, headers, timeout=timeout_s, keep=True)
            index = read_index(http)
        except (RangeError, Mp4Error) as exc:
            raise FetchError(str(exc), stalled=isinstance(exc, RangeStalled)) from exc
        if index.video() is None and index.audio() is None:
            raise FetchError("the MP4 has neither video nor audio")
        n = len(list(folder.glob("source-*.mp4")))
        source = cls(url, folder / f"source-{n + 1}.mp4", http, index)
        # What the index was read from (the first block and moov, which can be
        # megabytes for a long source) goes into the copy instead of being asked for again.
        http.keep = False
        with open(source.path, "r+b") as out:
            for offset, data in http.kept:
                out.seek(offset)
                out.write(data)
                source._have.add(offset, offset + len(data))
        http.kept = []
        return source

    def plan(self, clips: Clips) -> None:
        """Queue what the batch's clips need (the whole file when that is most of it)."""
        spans = _Spans()
        for lo, hi in first_spans(self.index):
            spans.add(lo, hi)
        for start, end in clips:
            for lo, hi in needed_spans(self.index, start, end):
                spans.add(lo, hi)
        self.whole_file = spans.total() > WHOLE_FILE_SHARE * self.index.size
        if self.whole_file:
            wanted = [(0, self.index.size)]
        else:
            # The first packets and moov first, then the clips in the batch's order,
            # each as the GOP at its start and the rest: a job can start on its head
            # while another clip's rest is still coming (see wait_for).
            planned = _Spans()

            def new_part(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
                merged = _Spans()
                for lo, hi in spans:
                    merged.add(lo, hi)
                pairs = list(zip(merged.lo, merged.hi, strict=True))
                out = [gap for lo, hi in pairs for gap in planned.missing(lo, hi)]
                for lo, hi in pairs:
                    planned.add(lo, hi)
                return out

            wanted = new_part(first_spans(self.index))
            for start, end in clips:
                head_end = min(end, ms_after_next_keyframe(self.index, start))
                wanted += new_part(needed_spans(self.index, start, head_end))
                wanted += new_part(needed_spans(self.index, start, end))
        with self._cond:
            self._queue.extend(wanted)
            self._cond.notify_all()
            if self._thread is None:
                self._thread = threading.Thread(target=self._fetch, daemon=True, name="fetch")
                self._thread.start()

    def wait_for(self, start_ms: int, end_ms: int, cancelled: Callable[[], bool]) -> None:
        """Block until the clip's bytes are here; FetchError when they cannot be had.
        Returns early (without raising) when cancelled() turns true."""
        spans = needed_spans(self.index, start_ms, end_ms) + first_spans(self.index)
        with self._cond:
            gaps = [g for lo, hi in spans for g in self._have.missing(lo, hi)]
            # The queued spans holding them go next, after other jobs' waits: two jobs
            # starting together get both their heads before either clip's rest.
            hit = [q for q in self._queue if any(lo < q[1] and q[0] < hi for lo, hi in gaps)]
            self._queue = [q for q in self._queue if q not in hit]
            queued = _Spans()
            for lo, hi in [*self._urgent, *self._queue, *hit]:
                queued.add(lo, hi)
            # extra: a job the plan did not know (or the span being fetched, which then
            # finds nothing missing)
            extra = [g for lo, hi in gaps for g in queued.missing(lo, hi)]
            if hit or extra:
                self._urgent += hit + extra
                self._cond.notify_all()
            while True:
                if self._error is not None:
                    raise FetchError(self._error)
                if self._closed:
                    raise FetchError("the batch ended")
                if all(self._have.covers(lo, hi) for lo, hi in spans) or cancelled():
                    return
                self._cond.wait(0.1)

    def _fetch(self) -> None:
        try:
            with open(self.path, "r+b") as out:
                while True:
                    with self._cond:
                        while not self._urgent and not self._queue and not self._closed:
                            self._cond.wait()
                        if self._closed:
                            return
                        lo, hi = (self._urgent or self._queue).pop(0)
                        gaps = self._have.missing(lo, hi)
                    for a, b in gaps:
                        ok = self.http.copy_to(out, a, b - a, lambda: self._closed, self._got)
                        if not ok:
                            return
        except (RangeError, OSError) as exc:
            with self._cond:
                self._error = str(exc)
                self._cond.notify_all()

    def _got(self, lo: int, hi: int) -> None:
        with self._cond:
            self._have.add(lo, hi)
            self._cond.notify_all()

    def fetched_bytes(self) -> int:
        return self.http.bytes_read

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        # The fetch stops at its next chunk; nobody waits for it.


def is_direct_mp4(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(DIRECT_SUFFIXES)


@dataclass(frozen=True)
class MediaUrls:
    """Where yt-dlp says the media is: one URL, or a video and an audio one (DASH)."""

    video: str
    audio: str | None
    headers: dict[str, str]


def media_urls(info_json: Path) -> MediaUrls | str:
    """The media URL(s) from yt-dlp's JSON, or why they cannot be read by ranges."""
    try:
        info = json.loads(info_json.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return f"yt-dlp's information is unreadable: {exc}"
    formats = info.get("requested_formats") or [info]
    picked = []
    for f in formats:
        proto = str(f.get("protocol", ""))
        url = f.get("url")
        if not isinstance(url, str) or proto not in ("http", "https"):
            return f"the media is streamed ({proto or 'unknown protocol'}), not one file"
        if str(f.get("ext", "")) not in ("mp4", "m4a", "m4v", "mov"):
            return f"the media is {f.get('ext')}, not MP4"
        picked.append(f)
    headers = {str(k): str(v) for k, v in (picked[0].get("http_headers") or {}).items()}
    if len(picked) == 1:
        return MediaUrls(picked[0]["url"], None, headers)
    video = next((f for f in picked if f.get("vcodec") not in (None, "none")), picked[0])
    audio = next((f for f in picked if f is not video), None)
    return MediaUrls(video["url"], audio["url"] if audio else None, headers)


@dataclass
class BatchMedia:
    video: SparseSource
    audio: SparseSource | None  # None: the audio is in the video's file

    def sources(self) -> list[SparseSource]:
        return [self.video] + ([self.audio] if self.audio else [])

    def audio_range(self, start_ms: int, end_ms: int) -> tuple[int, int]:
        """The part of a separate audio file a clip needs: from the video's keyframe
        before its start (a keyframe cut copies the audio from there)."""
        return int(keyframe_before_s(self.video.index, start_ms) * 1000), end_ms

    def wait_for(self, start_ms: int, end_ms: int, cancelled: Callable[[], bool]) -> None:
        """Block until the clip's bytes are here in every file (see SparseSource)."""
        self.video.wait_for(start_ms, end_ms, cancelled)
        if self.audio is not None:
            self.audio.wait_for(*self.audio_range(start_ms, end_ms), cancelled)


class BatchSources:
    """The sparse copies of a batch, one per source URL, shared by its jobs."""

    def __init__(self, batch_clips: Callable[[str], Clips], timeout_s: float = TIMEOUT_S) -> None:
        self._batch_clips = batch_clips
        self.timeout_s = timeout_s  # a server silent this long has stalled
        self._lock = threading.Lock()
        self._media: dict[str, BatchMedia | str] = {}
        self._busy: dict[str, threading.Event] = {}

    def get(
        self,
        url: str,
        folder: Callable[[], Path],
        resolve: Callable[[], MediaUrls | str],
        cancelled: Callable[[], bool],
        log: Callable[[str], None] = lambda line: None,
    ) -> BatchMedia | str | None:
        """The batch's copy of url, opening it first if no job has; a reason string
        when it cannot be read by ranges; None when cancelled meanwhile. The opening
        runs on its own thread: a server that never answers cannot hold a cancel up."""
        with self._lock:
            got = self._media.get(url)
            if got is not None:
                return got
            busy = self._busy.get(url)
            if busy is None:
                busy = self._busy[url] = threading.Event()
                if is_direct_mp4(url):
                    log(f"[clipdesk] reading the MP4 index of {url} by byte ranges")
                args = (url, folder, resolve, cancelled, busy)
                threading.Thread(target=self._opener, args=args, daemon=True).start()
        while not busy.wait(0.1):
            if cancelled():
                return None
        with self._lock:
            got = self._media.get(url)
        if got is None:  # the job that opened it was cancelled, or the batch ended
            return None if cancelled() else "the source could not be opened for the batch"
        return got

    def _opener(
        self,
        url: str,
        folder: Callable[[], Path],
        resolve: Callable[[], MediaUrls | str],
        cancelled: Callable[[], bool],
        busy: threading.Event,
    ) -> None:
        result: BatchMedia | str = "the source could not be opened"
        try:
            result = self._open(url, folder(), resolve)
        except OSError as exc:
            result = f"cannot keep a copy of the source: {exc.strerror or exc}"
        finally:
            with self._lock:
                closed = self._busy.get(url) is not busy
                if not closed and not (isinstance(result, str) and cancelled()):
                    self._media[url] = result
                if not closed:
                    del self._busy[url]
            if closed and isinstance(result, BatchMedia):
                for source in result.sources():
                    source.close()
            busy.set()

    def _open(
        self, url: str, folder: Path, resolve: Callable[[], MediaUrls | str]
    ) -> BatchMedia | str:
        if is_direct_mp4(url):
            urls: MediaUrls | str = MediaUrls(url, None, {})
        else:
            urls = resolve()
        if isinstance(urls, str):
            return urls
        t = self.timeout_s
        try:
            video = SparseSource.open(urls.video, folder, urls.headers, t)
            audio = SparseSource.open(urls.audio, folder, urls.headers, t) if urls.audio else None
        except FetchError as exc:
            return StallReason(exc) if exc.stalled else str(exc)
        clips = self._batch_clips(url)
        media = BatchMedia(video, audio)
        video.plan(clips)
        if audio is not None:
            audio.plan([media.audio_range(*c) for c in clips])
        return media

    def close(self) -> None:
        with self._lock:
            media = [m for m in self._media.values() if isinstance(m, BatchMedia)]
            self._media.clear()
            self._busy.clear()  # an opening still under way closes what it opens
        for m in media:
            for s in m.sources():
                s.close()
