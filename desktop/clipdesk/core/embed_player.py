"""Bounds from an embedded player: `<iframe src="https://www.youtube.com/embed/ID?start=162&end=210">`.

The iframe is untrusted text like a clip command: only the video id and the
numbers are taken from it, and only from YouTube's two embed hosts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

EMBED_HOSTS = {
    "youtube.com",
    "www.youtube.com",
    "m.youtube.com",
    "youtube-nocookie.com",
    "www.youtube-nocookie.com",
}
IFRAME_SRC = re.compile(
    r"<iframe\b[^>]*?\bsrc\s*=\s*(?P<q>[\"'])(?P<src>[^\"'<>\s]{1,600})(?P=q)", re.I | re.S
)
_EMBED_PATH = re.compile(r"/embed/(?P<id>[\w-]{6,20})/?")
_SECONDS = re.compile(r"(?P<n>\d{1,6})s?")
_UNITS = re.compile(r"(?:(?P<h>\d{1,2})h)?(?:(?P<m>\d{1,3})m)?(?:(?P<s>\d{1,5})s)?")
# Where the numbers stand in the line, for writing edited bounds back.
VALUE = re.compile(r"[?&](?:amp;)?(?P<key>start|end|t)=(?P<val>\d{1,6})")


@dataclass
class Embed:
    video_id: str
    start_ms: int | None
    end_ms: int | None
    problem: str = ""  # why nothing was taken, for a warning


def parse_embed(tag: str) -> Embed | None:
    """The embed an <iframe …> tag points at, or None when the text holds no iframe."""
    m = IFRAME_SRC.search(tag)
    if m is None:
        return None if "<iframe" not in tag.lower() else Embed("", None, None, "no src")
    src = m.group("src").replace("&amp;", "&")
    parts = urlsplit(src if "//" in src else "https://" + src)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or host not in EMBED_HOSTS:
        return Embed("", None, None, f"an embedded player from {host or 'nowhere'!r}")
    pm = _EMBED_PATH.fullmatch(parts.path)
    if pm is None:
        return Embed("", None, None, "an embedded player without a video id")
    query = dict(parse_qsl(parts.query))
    start = _seconds(query.get("start")) if "start" in query else _seconds(query.get("t"))
    end = _seconds(query.get("end"))
    return Embed(pm.group("id"), start, end)


def _seconds(value: str | None) -> int | None:
    if not value:
        return None
    m = _SECONDS.fullmatch(value)
    if m:
        return int(m.group("n")) * 1000
    u = _UNITS.fullmatch(value)
    if u and any(u.groups()):
        h, mi, s = (int(g or 0) for g in u.groups())
        return ((h * 60 + mi) * 60 + s) * 1000
    return None
