"""Where a document's media is: the rules every reader of a location shares.

One URL test (http and https only), one list of media file endings, and the video
found beside a document. The window's player and every export use these.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from clipdesk.core.episode import Episode

VIDEO_EXTS = (".mp4", ".mkv", ".webm", ".mov", ".m4v", ".avi", ".mp3", ".m4a", ".opus")
_STEM = re.compile(r"[\w.-]+")


def is_url(location: str) -> bool:
    """An http(s) URL with a host (what yt-dlp is given); anything else is a path."""
    parts = urlsplit(location.strip())
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def sidecar_media(document: Path, episode: Episode) -> Path | None:
    """A media file beside the document, named like the document or its video_id."""
    stems = [document.stem]
    if episode.video_id and _STEM.fullmatch(episode.video_id):
        stems.append(episode.video_id)
    for stem in stems:
        for ext in VIDEO_EXTS:
            candidate = document.with_name(stem + ext)
            if candidate.is_file():
                return candidate
    return None
