"""A media source as the analysers see it: a local file or an http(s) URL, with the key
its derived data (peaks, thumbnails) is cached under.

A file is keyed by its resolved path, size and modification time, so an edited or
replaced file is analysed afresh; a URL by the URL and the yt-dlp format asked for, so
looking a cached URL up costs no network.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

AUDIO_FORMAT = "bestaudio/best"  # yt-dlp selector: the audio alone when the site has it


class SourceError(ValueError):
    """A location that is neither a readable file nor an http(s) URL; str() is for the user."""


@dataclass(frozen=True)
class MediaLocation:
    """Where a source is, for the analysers (not an export plan's MediaSource)."""

    location: str  # an absolute path or an http(s) URL
    is_url: bool

    @classmethod
    def of(cls, location: str | Path) -> MediaLocation:
        text = str(location).strip()
        parts = urlsplit(text)
        if parts.scheme.lower() in ("http", "https"):
            if not parts.netloc or any(c.isspace() for c in text):
                raise SourceError(f"not a usable URL: {text!r}")
            return cls(text, True)
        if parts.scheme.lower() == "file":
            text = parts.path
        elif len(parts.scheme) > 1:  # one letter is a Windows drive
            raise SourceError(f"unsupported media location {text!r}: use a file or an http(s) URL")
        path = Path(text).expanduser()
        if not path.is_file():
            raise SourceError(f"media file not found: {path}")
        return cls(str(path.resolve()), False)

    @property
    def name(self) -> str:
        """For messages: the file name or the URL."""
        return self.location if self.is_url else Path(self.location).name

    def cache_key(self, purpose: str, **params: object) -> str:
        """A file-name-safe key for data derived from this source for purpose."""
        if self.is_url:
            ident: dict[str, object] = {"url": self.location, "format": AUDIO_FORMAT}
        else:
            st = Path(self.location).stat()
            ident = {"path": self.location, "size": st.st_size, "mtime_ns": st.st_mtime_ns}
        blob = json.dumps({"purpose": purpose, **ident, **params}, sort_keys=True)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:32]
