"""Resolve a page URL (or a direct media URL) to streams libvlc can play, with yt-dlp.

A single progressive file with audio and video is preferred: libvlc then seeks one
stream. Otherwise the best video is returned with the best audio to be attached as
a slave input. Results are cached until the stream URLs expire (signed URLs carry an
``expire`` parameter), then resolved again.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

# Progressive first (one stream to seek), then split video+audio, then anything.
FORMAT_SELECTOR = "best[vcodec!=none][acodec!=none]/bestvideo*+bestaudio/best"
DEFAULT_TTL_S = 3 * 3600.0
EXPIRY_MARGIN_S = 300.0  # re-resolve a little before the server says the URL dies

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_PATH_EXPIRE = re.compile(r"/expire/(\d+)(?:/|$)")
logger = logging.getLogger(__name__)


class StreamError(Exception):
    """A URL that cannot be resolved to something playable; str() is for the user."""


@dataclass(frozen=True)
class ResolvedStream:
    page_url: str
    video_url: str
    audio_url: str | None  # None when video_url carries the audio too
    title: str = ""
    duration_s: float | None = None
    expires_at: float = 0.0  # time.time() seconds
    http_headers: dict[str, str] = field(default_factory=dict)

    def expired(self, now: float | None = None) -> bool:
        return (time.time() if now is None else now) >= self.expires_at


def ydl_options(format_selector: str = FORMAT_SELECTOR) -> dict[str, Any]:
    """Options for extraction only: no downloads, no files written, no prompts, fail fast."""
    return {
        "format": format_selector,
        "quiet": True,
        "no_warnings": True,
        "noprogress": True,
        "skip_download": True,
        "noplaylist": True,
        "cachedir": False,
        "socket_timeout": 15,
        "extractor_retries": 1,
        "retries": 1,
        "color": {"stderr": "no_color", "stdout": "no_color"},
        "logger": _SilentLogger(),
    }


class _SilentLogger:
    """yt-dlp otherwise prints to the terminal; errors reach the user via StreamError."""

    def debug(self, msg: str) -> None:
        pass

    def info(self, msg: str) -> None:
        pass

    def warning(self, msg: str) -> None:
        pass

    def error(self, msg: str) -> None:
        pass


def url_expiry(url: str) -> float | None:
    """The epoch second a signed stream URL stops working, when it says so."""
    parts = urlsplit(url)
    values = parse_qs(parts.query).get("expire")
    if values and values[0].isdigit():
        return float(values[0])
    m = _PATH_EXPIRE.search(parts.path)
    return float(m.group(1)) if m else None


def pick_streams(info: dict[str, Any]) -> tuple[str, str | None, dict[str, str]]:
    """(video_url, audio_url or None, http headers) from an extract_info result."""
    requested = info.get("requested_formats")
    if requested:
        video = next((f for f in requested if f.get("vcodec") not in (None, "none")), None)
        audio = next(
            (f for f in requested if f is not video and f.get("acodec") not in (None, "none")),
            None,
        )
        video = video or requested[0]
        if not video.get("url"):
            raise StreamError("yt-dlp returned a format without a URL")
        headers = dict(video.get("http_headers") or {})
        return video["url"], (audio or {}).get("url"), headers
    url = info.get("url")
    if not url:
        raise StreamError("yt-dlp found no playable stream")
    return url, None, dict(info.get("http_headers") or {})


class StreamResolver:
    """Thread-safe cached resolution. Call resolve() from a worker thread, never the GUI."""

    def __init__(
        self,
        ttl_s: float = DEFAULT_TTL_S,
        clock: Callable[[], float] = time.time,
        extract: Callable[[str], dict[str, Any]] | None = None,
    ) -> None:
        self.ttl_s = ttl_s
        self._clock = clock
        self._extract = extract or extract_with_ytdlp
        self._cache: dict[str, ResolvedStream] = {}
        self._lock = threading.Lock()
        self.extractions = 0  # how many times yt-dlp actually ran (tests and logs)

    def cached(self, url: str) -> ResolvedStream | None:
        with self._lock:
            hit = self._cache.get(url)
        if hit is not None and not hit.expired(self._clock()):
            return hit
        return None

    def invalidate(self, url: str) -> None:
        with self._lock:
            self._cache.pop(url, None)

    def resolve(self, url: str, force: bool = False) -> ResolvedStream:
        if not re.match(r"^https?://", url, re.IGNORECASE):
            raise StreamError(f"not an http(s) URL: {url}")
        if not force:
            hit = self.cached(url)
            if hit is not None:
                return hit
        info = self._extract(url)
        self.extractions += 1
        video, audio, headers = pick_streams(info)
        now = self._clock()
        expiries = [e for e in (url_expiry(video), audio and url_expiry(audio)) if e]
        expires_at = now + self.ttl_s
        if expiries:
            expires_at = min(expires_at, min(expiries) - EXPIRY_MARGIN_S)
        duration = info.get("duration")
        stream = ResolvedStream(
            page_url=url,
            video_url=video,
            audio_url=audio,
            title=str(info.get("title") or ""),
            duration_s=float(duration) if isinstance(duration, (int, float)) else None,
            expires_at=expires_at,
            http_headers=headers,
        )
        with self._lock:
            self._cache[url] = stream
        return stream


def extract_with_ytdlp(url: str, format_selector: str = FORMAT_SELECTOR) -> dict[str, Any]:
    import yt_dlp  # imported late: it is slow to import and only needed for URLs

    logger.info("yt-dlp: resolving %s", url)  # the log's formatter hides URL tokens
    try:
        with yt_dlp.YoutubeDL(ydl_options(format_selector)) as ydl:
            info = ydl.extract_info(url, download=False)
    except yt_dlp.utils.DownloadError as exc:
        raise StreamError(_clean(str(exc)) or f"yt-dlp could not resolve {url}") from exc
    except Exception as exc:  # yt-dlp raises many kinds; the user needs one message
        raise StreamError(f"yt-dlp could not resolve {url}: {_clean(str(exc))}") from exc
    if not isinstance(info, dict):
        raise StreamError(f"yt-dlp found nothing to play at {url}")
    if info.get("_type") == "playlist":
        entries = [e for e in info.get("entries") or [] if isinstance(e, dict)]
        if not entries:
            raise StreamError(f"{url} is a playlist with no playable entry")
        info = entries[0]
    return info


def _clean(message: str) -> str:
    return _ANSI.sub("", message).removeprefix("ERROR: ").strip()
