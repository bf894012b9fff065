"""yt-dlp stream resolution: stream choice, expiry, caching, and real yt-dlp on loopback."""

from __future__ import annotations

import pytest

from clipdesk.media.stream_resolver import (
    EXPIRY_MARGIN_S,
    StreamError,
    StreamResolver,
    pick_streams,
    url_expiry,
)


class Clock:
    def __init__(self) -> None:
        self.t = 1_000_000.0

    def __call__(self) -> float:
        return self.t


def test_progressive_format_is_one_stream() -> None:
    info = {"url": "https://cdn/v.mp4", "http_headers": {"User-Agent": "x"}}
    assert pick_streams(info) == ("https://cdn/v.mp4", None, {"User-Agent": "x"})


def test_split_formats_give_video_with_audio_slave() -> None:
    info = {
        "requested_formats": [
            {"url": "https://cdn/a.m4a", "vcodec": "none", "acodec": "mp4a"},
            {"url": "https://cdn/v.mp4", "vcodec": "avc1", "acodec": "none"},
        ]
    }
    video, audio, _ = pick_streams(info)
    assert (video, audio) == ("https://cdn/v.mp4", "https://cdn/a.m4a")


def test_no_stream_is_an_error() -> None:
    with pytest.raises(StreamError):
        pick_streams({"title": "nothing"})


def test_expiry_from_query_and_path() -> None:
    assert url_expiry("https://r1.example/videoplayback?expire=1700000000&x=1") == 1.7e9
    assert url_expiry("https://m.example/videoplayback/expire/1700000500/id/1") == 1700000500.0
    assert url_expiry("https://plain.example/v.mp4") is None


def test_cache_until_the_url_expires() -> None:
    clock = Clock()
    expire = int(clock.t + 3600)
    calls: list[str] = []

    def extract(url: str) -> dict:
        calls.append(url)
        return {"url": f"https://cdn/v.mp4?expire={expire}&n={len(calls)}", "duration": 60}

    r = StreamResolver(clock=clock, extract=extract)
    first = r.resolve("https://site/watch?v=1")
    assert first.expires_at == expire - EXPIRY_MARGIN_S and first.duration_s == 60.0
    clock.t += 1800
    assert r.resolve("https://site/watch?v=1") is first and len(calls) == 1
    clock.t += 1600  # within the margin before expiry: resolve again
    second = r.resolve("https://site/watch?v=1")
    assert len(calls) == 2 and second.video_url.endswith("n=2")
    r.invalidate("https://site/watch?v=1")
    r.resolve("https://site/watch?v=1")
    assert len(calls) == 3


def test_only_http_urls_are_resolved() -> None:
    r = StreamResolver(extract=lambda url: pytest.fail("must not run"))
    with pytest.raises(StreamError, match="not an http"):
        r.resolve("file:///etc/passwd")


def test_real_ytdlp_resolves_a_loopback_file(range_server) -> None:
    r = StreamResolver()
    url = range_server.url("demo.mp4")
    stream = r.resolve(url)
    assert stream.video_url == url and stream.audio_url is None
    assert stream.expires_at > 0 and r.extractions == 1
    assert r.resolve(url) is stream and r.extractions == 1


def test_real_ytdlp_failure_is_one_clear_message(range_server) -> None:
    range_server.faults["missing.mp4"] = "404"
    with pytest.raises(StreamError) as info:
        StreamResolver().resolve(range_server.url("missing.mp4"))
    text = str(info.value)
    assert "404" in text and "\x1b[" not in text and "Traceback" not in text
