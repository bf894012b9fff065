"""The argument lists handed to yt-dlp and ffmpeg."""

import shlex
from pathlib import Path

import pytest
from export_frames import local_job

from clipdesk.core.export_plan import ExportMode, PlanError, SourceKind
from clipdesk.media.cut_commands import ffmpeg_cut_argv, ytdlp_cut_argv
from clipdesk.media.tools import ToolMissing, Tools

TOOLS = Tools("/usr/bin/ffmpeg", "/usr/bin/ffprobe", ("/py", "-m", "yt_dlp"))
URL = "https://www.example.org/watch?v=abc"


def remote(mode: ExportMode, url: str = URL):
    return local_job(url, Path("/out/x.mp4"), 117_000, 180_500, mode, kind=SourceKind.REMOTE)


def test_ytdlp_exact() -> None:
    argv = ytdlp_cut_argv(TOOLS, remote(ExportMode.EXACT))
    assert argv[:3] == ["/py", "-m", "yt_dlp"]
    assert argv[-2:] == ["--", URL]  # the URL cannot be read as an option
    assert "--ignore-config" in argv  # no user config can add --exec
    i = argv.index("--download-sections")
    assert argv[i + 1] == "*117.000-180.500"
    assert "--force-keyframes-at-cuts" in argv
    ffmpeg_args = argv[argv.index("--downloader-args") + 1]
    assert ffmpeg_args.startswith("ffmpeg_o:")
    out = shlex.split(ffmpeg_args.removeprefix("ffmpeg_o:"))
    assert out[:2] == ["-progress", "pipe:1"]
    assert out[out.index("-t") + 1] == "63.500"
    assert "libx264" in out
    assert argv[argv.index("-o") + 1] == "clip.%(ext)s"
    assert argv[argv.index("--ffmpeg-location") + 1] == "/usr/bin/ffmpeg"


def test_ytdlp_fast_copies() -> None:
    argv = ytdlp_cut_argv(TOOLS, remote(ExportMode.FAST))
    assert "--force-keyframes-at-cuts" not in argv
    out = argv[argv.index("--downloader-args") + 1]
    assert "libx264" not in out and "-t" not in shlex.split(out.removeprefix("ffmpeg_o:"))


def test_ytdlp_refuses_non_web_sources() -> None:
    with pytest.raises(PlanError):
        ytdlp_cut_argv(TOOLS, remote(ExportMode.EXACT, url="file:///etc/passwd"))


def test_ffmpeg_local_exact_and_fast() -> None:
    job = local_job("/m/v.mp4", Path("/o/x.mp4"), 3_500, 7_500)
    argv = ffmpeg_cut_argv(TOOLS, job, "/o/tmp/clip.mp4")
    assert argv[0] == "/usr/bin/ffmpeg"
    # Seek before the input, length after it: frame-exact with re-encoding.
    assert argv.index("-ss") < argv.index("-i") < argv.index("-t")
    assert argv[argv.index("-ss") + 1] == "3.500" and argv[argv.index("-t") + 1] == "4.000"
    assert argv[-1] == "/o/tmp/clip.mp4"
    fast = ffmpeg_cut_argv(TOOLS, local_job("/m/v.mp4", Path("/o/x.mp4"), 3_500, 7_500,
                                            ExportMode.FAST), "/o/t.mp4")  # fmt: skip
    assert fast[fast.index("-c") + 1] == "copy"


def test_missing_tools_named() -> None:
    tools = Tools(None, "/usr/bin/ffprobe", None, (("ffmpeg", "ffmpeg not found on PATH"),))
    with pytest.raises(ToolMissing, match="ffmpeg not found on PATH"):
        ffmpeg_cut_argv(tools, local_job("/m/v.mp4", Path("/o/x.mp4"), 0, 1000), "/o/t.mp4")
    with pytest.raises(ToolMissing, match=r"yt-dlp not found|ytdlp not found"):
        ytdlp_cut_argv(tools, remote(ExportMode.EXACT))
