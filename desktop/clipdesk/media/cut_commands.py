"""Argument lists for cutting one clip: yt-dlp for remote sources, ffmpeg for
local files. Only the source location and the range come from the document;
the job spec validated the URL's scheme.
"""

from __future__ import annotations

import shlex

from clipdesk.core.export_plan import ExportMode, JobSpec, SourceKind, check_url
from clipdesk.media.tools import Tools

# Frame-exact output for the exact mode: H.264/AAC in MP4, quick to encode.
ENCODE_ARGS = (
    "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p",
    "-c:a", "aac", "-b:a", "160k",
)  # fmt: skip
PASSTHROUGH_ARGS = ("-fps_mode", "passthrough", "-vf", "setpts=PTS-STARTPTS")
PROGRESS_ARGS = ("-progress", "pipe:1", "-stats_period", "0.25", "-nostats")
YTDLP_OUTPUT = "clip.%(ext)s"  # inside the job's private temporary folder


def seconds(ms: int) -> str:
    return f"{ms / 1000:.3f}"


def ffmpeg_cut_argv(tools: Tools, spec: JobSpec, out_path: str) -> list[str]:
    """ffmpeg cutting a local file. Exact: seek then re-encode with an output
    duration (frame-exact). Fast: stream copy from the keyframe before start."""
    tools.need("ffmpeg")
    assert tools.ffmpeg is not None
    argv = [tools.ffmpeg, "-hide_banner", "-nostdin", "-y", *PROGRESS_ARGS]
    if spec.mode is ExportMode.EXACT:
        argv += ["-ss", seconds(spec.start_ms), "-i", spec.source]
        argv += ["-t", seconds(spec.duration_ms), *ENCODE_ARGS, *PASSTHROUGH_ARGS]
    else:
        argv += ["-ss", seconds(spec.start_ms), "-t", seconds(spec.duration_ms)]
        argv += ["-i", spec.source, "-c", "copy"]
    argv += ["-map", "0:v:0", "-map", "0:a:0?", "-movflags", "+faststart", "-f", "mp4", out_path]
    return argv


def ytdlp_info_argv(tools: Tools, url: str) -> list[str]:
    """yt-dlp printing the source's information as JSON (read once per batch)."""
    tools.need("ytdlp")
    assert tools.ytdlp is not None
    return [
        *tools.ytdlp, "--ignore-config", "--no-playlist", "--no-cache-dir",
        "--socket-timeout", "20", "-S", "ext:mp4:m4a", "-J", "--", check_url(url),
    ]  # fmt: skip


def ytdlp_cut_argv(tools: Tools, spec: JobSpec, info_json: str | None = None) -> list[str]:
    """yt-dlp downloading just the clip's range. Run it in the job's temporary
    folder: the result lands there as clip.<ext>. With info_json (our own file
    from ytdlp_info_argv for this URL) yt-dlp skips the extraction."""
    tools.need("ytdlp", "ffmpeg")
    assert tools.ytdlp is not None and tools.ffmpeg is not None
    url = check_url(spec.source)
    # ffmpeg (run by yt-dlp for the section) writes -progress to the inherited
    # stdout, which is our pipe: real progress instead of a jump to 100 %.
    out_args = list(PROGRESS_ARGS)
    if spec.mode is ExportMode.EXACT:
        # An output duration as well as yt-dlp's input -t: exact frame count. Frames
        # keep their own timing, moved to start at 0: where the seek lands between two
        # frames (an MPEG-TS source's video starts after its audio) a constant frame
        # rate would repeat the first frame and shift the clip by one.
        out_args += ["-t", seconds(spec.duration_ms), *ENCODE_ARGS, *PASSTHROUGH_ARGS]
    argv = [
        *tools.ytdlp,
        "--ignore-config", "--no-playlist", "--no-part", "--no-mtime", "--newline",
        "--no-cache-dir", "--socket-timeout", "20", "--retries", "2",
        "--ffmpeg-location", tools.ffmpeg,
        "-S", "ext:mp4:m4a", "--merge-output-format", "mp4",
        "--download-sections", f"*{seconds(spec.start_ms)}-{seconds(spec.end_ms)}",
    ]  # fmt: skip
    if spec.mode is ExportMode.EXACT:
        argv.append("--force-keyframes-at-cuts")
    argv += ["--downloader-args", "ffmpeg_o:" + shlex.join(out_args)]
    argv += ["-o", YTDLP_OUTPUT]
    argv += ["--load-info-json", info_json] if info_json else ["--", url]
    return argv


def cut_argv(tools: Tools, spec: JobSpec, out_path: str, info_json: str | None = None) -> list[str]:
    if spec.source_kind is SourceKind.REMOTE:
        return ytdlp_cut_argv(tools, spec, info_json)
    return ffmpeg_cut_argv(tools, spec, out_path)
