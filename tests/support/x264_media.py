"""Small test sources made as x264 makes real ones (B-frames or not, a keyframe
interval, 25 or 29.97 fps, noise audio so offsets can be measured), and what the
frame-accuracy tests compare clips with: every frame decoded from the beginning."""

from __future__ import annotations

import array
import shutil
import subprocess
from fractions import Fraction
from pathlib import Path

from clipdesk.media.h264_frames import pixels_psnr as psnr

__all__ = [
    "assert_frames_match", "audio_offset_ms", "frame_ms", "gray_frames", "make_sources",
    "make_x264_source", "pcm", "psnr",
]  # fmt: skip

FFMPEG = shutil.which("ffmpeg") or "ffmpeg"
GRAY = "scale=80:45:flags=area,format=gray"
FRAME = 80 * 45
AUDIO_RATE = 8000


def make_x264_source(
    path: Path,
    fps: str = "25",
    gop_s: float = 2.0,
    bframes: int = 3,
    duration_s: float = 12.0,
    size: str = "320x180",
    pix_fmt: str = "yuv420p",
    preset: str = "veryfast",
    x264_params: str = "",
) -> Path:
    if path.exists():
        return path
    rate = Fraction(fps)
    gop = round(gop_s * rate)
    tmp = path.with_name(f".{path.name}.part.mp4")
    argv = [
        FFMPEG, "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
        "-f", "lavfi", "-i", f"testsrc2=size={size}:rate={fps}:duration={duration_s}",
        "-f", "lavfi",
        "-i", f"anoisesrc=color=pink:seed=3:amplitude=0.3:sample_rate=44100:d={duration_s}",
        "-c:v", "libx264", "-preset", preset, "-crf", "24", "-g", str(gop),
        "-bf", str(bframes), *(["-x264-params", x264_params] if x264_params else []),
        "-pix_fmt", pix_fmt, "-c:a", "aac", "-b:a", "96k",
        "-movflags", "+faststart", str(tmp),
    ]  # fmt: skip
    subprocess.run(argv, check=True)
    tmp.rename(path)
    return path


def make_sources(
    folder: Path, kinds: dict[str, tuple[str, float, int]], duration_s: float
) -> dict[str, Path]:
    """Sources by name, from (frame rate, keyframe interval in s, B-frames)."""
    return {
        name: make_x264_source(folder / f"{name}.mp4", fps, gop, bf, duration_s=duration_s)
        for name, (fps, gop, bf) in kinds.items()
    }


def frame_ms(n: int, fps: Fraction) -> int:
    """The millisecond a frame starts at, as a clip bound typed in ms would give it."""
    return round(n * 1000 / fps)


def assert_frames_match(clip_frames: list[bytes], ref: list[bytes], first: int) -> None:
    """Every frame of the clip is the source frame at its place, not a neighbour."""
    for i, got in enumerate(clip_frames):
        n = first + i
        here = psnr(got, ref[n])
        assert here > 30, f"clip frame {i} is far from source frame {n} ({here:.1f} dB)"
        for other in (n - 1, n + 1):
            if 0 <= other < len(ref) and ref[other] != ref[n]:
                assert here > psnr(got, ref[other]), f"clip frame {i} looks like frame {other}"


def gray_frames(path: Path | str, *input_args: str) -> list[bytes]:
    """Every frame, decoded from the beginning (no seeking), as tiny gray pictures."""
    argv = [FFMPEG, "-v", "error", "-nostdin", *input_args, "-i", str(path),
            "-vf", GRAY, "-fps_mode", "passthrough", "-f", "rawvideo", "-"]  # fmt: skip
    raw = subprocess.run(argv, capture_output=True, check=True).stdout
    return [raw[i : i + FRAME] for i in range(0, len(raw), FRAME)]


def pcm(path: Path | str, *input_args: str) -> array.array:
    argv = [FFMPEG, "-v", "error", "-nostdin", *input_args, "-i", str(path), "-map", "0:a:0",
            "-ac", "1", "-ar", str(AUDIO_RATE), "-f", "s16le", "-"]  # fmt: skip
    out = array.array("h")
    out.frombytes(subprocess.run(argv, capture_output=True, check=True).stdout)
    return out


def audio_offset_ms(
    clip: array.array, source: array.array, start_s: float, reach_ms: int = 40
) -> float:
    """How far the clip's first 100 ms of audio sit from the source's at start_s
    (positive: the clip's audio is late), searched reach_ms either way."""
    n, reach = AUDIO_RATE // 10, AUDIO_RATE * reach_ms // 1000
    at = round(start_s * AUDIO_RATE)
    head = clip[:n]
    assert len(head) == n, "the clip has less than 100 ms of audio"
    scores = []
    for lag in range(-reach, reach + 1):
        lo = at + lag
        if lo < 0 or lo + n > len(source):
            continue
        seg = source[lo : lo + n]
        scores.append((sum(x * y for x, y in zip(head, seg, strict=True)), lag))
    best = max(scores)[1]
    return -best * 1000 / AUDIO_RATE


def idr_pic_ids(path: Path | str) -> list[int | None]:
    """For every picture slice in decode order: its idr_pic_id, or None for a non-IDR
    slice (ffmpeg's trace_headers)."""
    argv = [FFMPEG, "-v", "trace", "-nostdin", "-i", str(path), "-map", "0:v:0", "-c", "copy",
            "-bsf:v", "trace_headers", "-f", "null", "-"]  # fmt: skip
    lines = subprocess.run(argv, capture_output=True, text=True, check=True).stderr.splitlines()
    out: list[int | None] = []
    for line in lines:
        if "trace_headers" not in line:  # the decoder probing the stream logs NALs too
            continue
        if "nal_unit_type: 1(" in line:
            out.append(None)
        elif "idr_pic_id" in line:
            out.append(int(line.rsplit("=", 1)[1]))
    return out
