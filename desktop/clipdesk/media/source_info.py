"""Read a remote source's information (yt-dlp -J) once and share it between
the jobs that cut clips from it.

Every yt-dlp run otherwise repeats the extraction (page, player, format list):
seconds per clip on video sites, and many quick repeats can trip their rate
limits. Jobs then run `yt-dlp --load-info-json FILE --download-sections ...`,
so yt-dlp still does the cut. The files live in a private temporary folder;
stream URLs in them expire, so entries are only trusted for a while.
"""

from __future__ import annotations

import json
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

READY_TTL_S = 1800.0  # stream URLs of video sites last hours; stay well inside that
FAILED_TTL_S = 60.0  # the rest of a batch goes straight to the URL, a retry later asks again

# Writes the file; returns "ok", "failed", "cancelled" or "stalled".
Resolve = Callable[[Path], str]


class SourceStalled(Exception):
    """Reading the source's information stalled: the rest of the batch is not tried
    against it (each try would wait as long again)."""


@dataclass
class _Entry:
    state: str  # "resolving", "ready", "failed" or "stalled"
    path: Path | None = None
    at: float = 0.0
    done: threading.Event = field(default_factory=threading.Event)


class SourceInfoCache:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[str, _Entry] = {}
        self._tmp: tempfile.TemporaryDirectory[str] | None = None

    def folder(self) -> Path:
        with self._lock:
            if self._tmp is None:
                self._tmp = tempfile.TemporaryDirectory(prefix="clipdesk-sources-")
            return Path(self._tmp.name)

    def get(self, url: str, resolve: Resolve, cancelled: Callable[[], bool]) -> Path | None:
        """The shared information file for url, reading it first if nobody has;
        None when it cannot be had (the caller then hands yt-dlp the URL). Raises
        SourceStalled when the reading stalled, in this call or earlier in the batch."""
        folder = self.folder()
        while True:
            with self._lock:
                entry = self._entries.get(url)
                now = self._clock()
                if entry is not None and entry.state == "ready" and now - entry.at < READY_TTL_S:
                    return entry.path
                if entry is not None and entry.state == "failed" and now - entry.at < FAILED_TTL_S:
                    return None
                if entry is not None and entry.state == "stalled":
                    raise SourceStalled(url)
                owner = entry is None or entry.state != "resolving"
                if owner:
                    entry = _Entry("resolving")
                    self._entries[url] = entry
            assert entry is not None
            if owner:
                return self._resolve(url, entry, folder / f"{uuid.uuid4().hex}.info.json", resolve)
            # Another job is reading it: wait, but stay cancellable.
            while not entry.done.wait(0.1):
                if cancelled():
                    return None

    def _resolve(self, url: str, entry: _Entry, path: Path, resolve: Resolve) -> Path | None:
        outcome = "failed"
        try:
            outcome = resolve(path)
            if outcome == "ok" and not is_single_video(path):
                outcome = "failed"
        finally:
            with self._lock:
                if outcome == "cancelled":
                    # Not the source's fault: the next job asks again.
                    self._entries.pop(url, None)
                else:
                    states = {"ok": "ready", "stalled": "stalled"}
                    entry.state = states.get(outcome, "failed")
                    entry.path = path if outcome == "ok" else None
                    entry.at = self._clock()
            entry.done.set()
        if outcome != "ok":
            path.unlink(missing_ok=True)
            if outcome == "stalled":
                raise SourceStalled(url)
            return None
        return path

    def forget(self, url: str, path: Path) -> None:
        """Drop an entry that did not work (expired stream URLs): the next job re-reads."""
        with self._lock:
            entry = self._entries.get(url)
            if entry is not None and entry.path == path:
                del self._entries[url]

    def close(self) -> None:
        with self._lock:
            if self._tmp is not None:
                self._tmp.cleanup()
                self._tmp = None
            self._entries.clear()


def is_single_video(path: Path) -> bool:
    """A playlist's information would make --load-info-json fetch every entry."""
    try:
        with open(path, encoding="utf-8") as f:
            info = json.load(f)
    except (OSError, ValueError):
        return False
    if not isinstance(info, dict) or info.get("_type", "video") != "video":
        return False
    return bool(info.get("formats") or info.get("url"))
