"""Thumbnails for the timeline strip: frames taken by ffmpeg at a given spacing and
height, as JPEG files cached per source, spacing, height and range.

By default only keyframes are decoded (-skip_frame nokey): a 4-hour episode is then one
fast pass, and a thumbnail shows the keyframe at or before its time (at most one
keyframe interval early, 2-4 s in usual encodes). A zoomed-in view asks for a range with
exact=True: every frame of that range is decoded and each thumbnail is the frame at its
time. Local files and direct http(s) media URLs are read by ffmpeg; a page URL must be
resolved to its stream first (media.stream_resolver).

Call extract_thumbnails() (or ThumbnailTask.run()) on a worker; cancel from any thread.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from clipdesk import app_dirs
from clipdesk.core.atomic_file import write_atomic
from clipdesk.media.audio_decode import AnalysisCancelled, CancelToken
from clipdesk.media.media_location import MediaLocation, SourceError
from clipdesk.media.probe import ProbeError, probe_media
from clipdesk.media.tools import ToolMissing, Tools, find_tools

THUMBNAIL_VERSION = 1
MIN_SPACING_MS = 40
MIN_HEIGHT, MAX_HEIGHT = 16, 720
INDEX = "index.json"


class ThumbnailError(RuntimeError):
    """Thumbnails cannot be made; str() names the source and says why, for the user."""


@dataclass(frozen=True)
class Thumbnail:
    time_ms: int
    path: Path


@dataclass(frozen=True)
class ThumbnailStrip:
    spacing_ms: int
    height: int
    thumbnails: tuple[Thumbnail, ...]
    from_cache: bool = False

    def at(self, ms: int) -> Thumbnail | None:
        """The thumbnail covering ms: the last one at or before it."""
        if not self.thumbnails:
            return None
        first = self.thumbnails[0].time_ms
        i = (ms - first) // self.spacing_ms
        return self.thumbnails[max(0, min(len(self.thumbnails) - 1, i))]


def thumbnail_argv(
    ffmpeg: str,
    source: str,
    out_pattern: str,
    spacing_ms: int,
    height: int,
    start_ms: int = 0,
    end_ms: int | None = None,
    exact: bool = False,
) -> list[str]:
    argv = [ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error"]
    if not exact:
        argv += ["-skip_frame", "nokey"]
    if start_ms:
        argv += ["-ss", f"{start_ms / 1000:.3f}"]
    if end_ms is not None:
        argv += ["-t", f"{(end_ms - start_ms) / 1000:.3f}"]
    # One output frame per spacing from the range's start: the frame shown at that time
    # (round=up puts a frame at exactly n * spacing in slot n, not n + 1).
    rate = f"1000/{spacing_ms}"
    argv += [
        "-i", source,
        "-map", "0:v:0", "-an", "-sn", "-dn",
        "-vf", f"fps=fps={rate}:start_time=0:round=up,scale=-2:{height}:flags=bilinear",
        "-q:v", "5", "-start_number", "0",
        "-progress", "pipe:1", "-nostats",
        out_pattern,
    ]  # fmt: skip
    return argv


def extract_thumbnails(
    location: str | Path | MediaLocation,
    spacing_ms: int,
    height: int = 72,
    start_ms: int = 0,
    end_ms: int | None = None,
    exact: bool = False,
    tools: Tools | None = None,
    cancel: CancelToken | None = None,
    on_progress: Callable[[int, int | None], None] | None = None,
    cache_root: Path | None = None,
) -> ThumbnailStrip:
    """Thumbnails every spacing_ms over [start_ms, end_ms) (the whole source by default).
    Blocks. Raises ThumbnailError, AnalysisCancelled."""
    if spacing_ms < MIN_SPACING_MS:
        raise ThumbnailError(f"thumbnail spacing must be at least {MIN_SPACING_MS} ms")
    if not MIN_HEIGHT <= height <= MAX_HEIGHT:
        raise ThumbnailError(f"thumbnail height must be {MIN_HEIGHT}-{MAX_HEIGHT} pixels")
    if start_ms < 0 or (end_ms is not None and end_ms <= start_ms):
        raise ThumbnailError(f"not a range: {start_ms}-{end_ms} ms")
    try:
        source = location if isinstance(location, MediaLocation) else MediaLocation.of(location)
        key = source.cache_key(
            "thumbnails",
            v=THUMBNAIL_VERSION,
            spacing=spacing_ms,
            height=height,
            start=start_ms,
            end=end_ms,
            exact=exact,
        )
    except (SourceError, OSError) as exc:
        raise ThumbnailError(str(exc)) from exc
    root = cache_root if cache_root is not None else app_dirs.cache_dir() / "thumbnails"
    folder = root / key
    cached = _load(folder, spacing_ms, height)
    if cached is not None:
        return cached
    cancel = cancel or CancelToken()
    tools = tools or find_tools()
    try:
        tools.need("ffmpeg")
    except ToolMissing as exc:
        raise ThumbnailError(str(exc)) from exc
    assert tools.ffmpeg is not None
    total_ms = _span_ms(source, tools, start_ms, end_ms)
    root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{key}.part-", dir=root))
    try:
        argv = thumbnail_argv(
            tools.ffmpeg, source.location, str(work / "%06d.jpg"), spacing_ms, height,
            start_ms, end_ms, exact,
        )  # fmt: skip
        _run(argv, source.name, cancel, on_progress or (lambda d, t: None), total_ms)
        frames = sorted(work.glob("*.jpg"))
        if not frames:
            raise ThumbnailError(f"{source.name}: no frames could be taken")
        index = {
            "spacing_ms": spacing_ms,
            "height": height,
            "frames": [[start_ms + i * spacing_ms, f.name] for i, f in enumerate(frames)],
        }
        write_atomic(work / INDEX, json.dumps(index))
        with contextlib.suppress(OSError):
            shutil.rmtree(folder)  # a stale, unindexed folder of an older attempt
        os.replace(work, folder)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    strip = _load(folder, spacing_ms, height)
    if strip is None:
        raise ThumbnailError(f"{source.name}: the thumbnails could not be stored in {root}")
    return ThumbnailStrip(strip.spacing_ms, strip.height, strip.thumbnails, from_cache=False)


def _span_ms(source: MediaLocation, tools: Tools, start_ms: int, end_ms: int | None) -> int | None:
    if end_ms is not None:
        return end_ms - start_ms
    if not tools.ffprobe:
        return None
    try:
        info = probe_media(tools.ffprobe, source.location)
    except ProbeError as exc:
        raise ThumbnailError(str(exc)) from exc
    if not info.has_video:
        raise ThumbnailError(f"{source.name}: has no video stream")
    return round(info.duration_s * 1000) - start_ms if info.duration_s else None


def _run(
    argv: list[str],
    name: str,
    cancel: CancelToken,
    progress: Callable[[int, int | None], None],
    total_ms: int | None,
) -> None:
    cancel.check()
    with tempfile.TemporaryFile() as err:
        try:
            proc = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=err,
                start_new_session=True,
            )
        except OSError as exc:
            raise ThumbnailError(f"{name}: ffmpeg could not start: {exc}") from exc
        cancel.attach(proc)
        try:
            assert proc.stdout is not None
            for raw in proc.stdout:
                key, _, value = raw.decode("ascii", "replace").strip().partition("=")
                if key == "out_time_us" and value.isdigit():
                    progress(int(value) // 1000, total_ms)
            rc = proc.wait()
        finally:
            cancel.detach(proc)
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        cancel.check()
        if rc != 0:
            err.seek(0)
            lines = err.read().decode("utf-8", "replace").strip().splitlines()
            raise ThumbnailError(f"{name}: {lines[-1] if lines else f'ffmpeg exit {rc}'}")
    if total_ms:
        progress(total_ms, total_ms)


def _load(folder: Path, spacing_ms: int, height: int) -> ThumbnailStrip | None:
    try:
        index = json.loads((folder / INDEX).read_text(encoding="utf-8"))
        frames = [Thumbnail(int(t), folder / Path(str(name)).name) for t, name in index["frames"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if index.get("spacing_ms") != spacing_ms or not all(f.path.is_file() for f in frames):
        return None
    return ThumbnailStrip(spacing_ms, height, tuple(frames), from_cache=True)


class ThumbnailTask:
    """One extraction for a worker thread: run() blocks; cancel() from any thread kills it."""

    def __init__(self, location: str | Path | MediaLocation, spacing_ms: int, **options: object):
        self.location = location
        self.spacing_ms = spacing_ms
        self.options = options
        self.token = CancelToken()

    def run(self) -> ThumbnailStrip:
        return extract_thumbnails(
            self.location,
            self.spacing_ms,
            cancel=self.token,
            **self.options,  # type: ignore[arg-type]
        )

    def cancel(self) -> None:
        self.token.cancel()


__all__ = [
    "AnalysisCancelled",
    "Thumbnail",
    "ThumbnailError",
    "ThumbnailStrip",
    "ThumbnailTask",
    "extract_thumbnails",
]
