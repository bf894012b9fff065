"""Finding ffmpeg, ffprobe and yt-dlp."""

import os
import sys
from pathlib import Path

from clipdesk.media.tools import find_tools


def test_found_on_path() -> None:
    tools = find_tools()
    assert tools.ffmpeg and os.access(tools.ffmpeg, os.X_OK)
    assert tools.ffprobe and os.access(tools.ffprobe, os.X_OK)
    assert tools.ytdlp == (sys.executable, "-m", "yt_dlp")
    tools.need("ffmpeg", "ffprobe", "ytdlp")


def test_missing_from_path(tmp_path: Path) -> None:
    tools = find_tools(env={"PATH": str(tmp_path)})
    assert tools.ffmpeg is None and tools.ffprobe is None
    assert "ffmpeg not found on PATH" in dict(tools.problems)["ffmpeg"]
    assert "apt-get install ffmpeg" in dict(tools.problems)["ffmpeg"]


def test_override_that_is_not_there(tmp_path: Path) -> None:
    bad = str(tmp_path / "no-ffmpeg")
    tools = find_tools(env={"PATH": os.environ["PATH"], "CLIPDESK_FFMPEG": bad})
    assert tools.ffmpeg is None
    assert dict(tools.problems)["ffmpeg"] == f"ffmpeg not found at {bad!r} (set by CLIPDESK_FFMPEG)"
    assert tools.ffprobe is not None
