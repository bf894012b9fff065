"""ffprobe: what a written clip contains, and whether it is what was asked for."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from clipdesk.core.timecode import format_clock

if TYPE_CHECKING:
    from clipdesk.core.export_plan import JobSpec

_ENTRIES = "format=duration:stream=codec_type,avg_frame_rate,r_frame_rate,width,height"


class ProbeError(RuntimeError):
    pass


@dataclass(frozen=True)
class MediaInfo:
    duration_s: float | None
    has_video: bool
    has_audio: bool
    fps: float | None
    width: int = 0
    height: int = 0


def probe_media(ffprobe: str, path: Path | str, timeout: float = 30.0) -> MediaInfo:
    argv = [
        ffprobe, "-v", "error", "-print_format", "json",
        "-show_entries", _ENTRIES,
        "--", str(path),
    ]  # fmt: skip
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ProbeError(f"ffprobe could not run: {exc}") from exc
    if done.returncode != 0:
        msg = done.stderr.strip().splitlines()[-1:] or [f"exit {done.returncode}"]
        raise ProbeError(f"ffprobe cannot read {Path(path).name}: {msg[0]}")
    try:
        data = json.loads(done.stdout or "{}")
    except json.JSONDecodeError as exc:
        raise ProbeError(f"ffprobe gave unreadable output: {exc}") from exc
    streams = data.get("streams") or []
    video = next((s for s in streams if s.get("codec_type") == "video"), None)
    audio = any(s.get("codec_type") == "audio" for s in streams)
    fps = None
    if video:
        for key in ("avg_frame_rate", "r_frame_rate"):
            try:
                rate = Fraction(video.get(key, "0/0"))
            except (ValueError, ZeroDivisionError):
                continue
            if rate > 0:
                fps = float(rate)
                break
    try:
        duration = float(data.get("format", {}).get("duration"))
    except (TypeError, ValueError):
        duration = None
    return MediaInfo(
        duration_s=duration,
        has_video=video is not None,
        has_audio=audio,
        fps=fps,
        width=int((video or {}).get("width") or 0),
        height=int((video or {}).get("height") or 0),
    )


# H.264 allows at most 16 frames of reordering: a stream copy cut by decode time keeps
# up to that many frames presented after the out point.
MAX_REORDER_FRAMES = 16


def preroll_s(ffprobe: str, path: Path | str, timeout: float = 30.0) -> float:
    """How far before its presented start a stream-copied clip's video begins: a
    keyframe cut starts at the keyframe before the in point, and the frames up to the
    in point are kept with negative timestamps (an edit list hides them)."""
    argv = [
        ffprobe, "-v", "error", "-select_streams", "v:0", "-read_intervals", "%+#64",
        "-show_entries", "packet=pts_time", "-of", "csv=p=0", "--", str(path),
    ]  # fmt: skip
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ProbeError(f"ffprobe could not run: {exc}") from exc
    times = []
    for line in done.stdout.splitlines():
        try:
            times.append(float(line.strip().strip(",")))
        except ValueError:
            continue
    return max(0.0, -min(times)) if times else 0.0


def check_clip(
    info: MediaInfo, expected_ms: int, keyframe_cut_preroll_s: float | None = None
) -> str | None:
    """Why a written clip is not right, or None: it needs video and audio and a
    duration within one frame of the requested length. A keyframe cut (fast mode: give
    its preroll_s) may also run longer by what such a cut really gives: the frames from
    the keyframe before the in point, and the reordered frames after the out point."""
    if not info.has_video:
        return "the result has no video stream"
    if not info.has_audio:
        return "the result has no audio stream"
    if info.duration_s is None:
        return "the result has no duration"
    frame_s = 1.0 / info.fps if info.fps else 0.04
    expected_s = expected_ms / 1000.0
    # A millisecond of slack for container timestamp rounding.
    over = frame_s + 0.001
    if keyframe_cut_preroll_s is not None:
        over += keyframe_cut_preroll_s + MAX_REORDER_FRAMES * frame_s
    if expected_s - info.duration_s > frame_s + 0.001 or info.duration_s - expected_s > over:
        allowed = (
            "more than one frame off"
            if keyframe_cut_preroll_s is None
            else ("more than a keyframe cut allows")
        )
        return f"the result lasts {info.duration_s:.3f} s, not {expected_s:.3f} s ({allowed})"
    return None


def past_the_end(spec: JobSpec, duration_s: float | None, fps: float | None) -> str | None:
    """Why the clip cannot be cut from media this long, or None."""
    if duration_s is None:
        return None
    length_ms = round(duration_s * 1000)
    frame_ms = 1000 / fps if fps else 40
    if spec.start_ms >= length_ms or spec.end_ms > length_ms + frame_ms:
        return (
            f"the clip ({format_clock(spec.start_ms)}-{format_clock(spec.end_ms)}) runs past "
            f"the end of the media ({format_clock(length_ms)})"
        )
    return None
