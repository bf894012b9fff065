"""Exact still frames decoded by ffmpeg, for the paused player.

libvlc 3 cannot say which frame it shows while paused: a paused seek lands one to
three frames off on sources with B-frames, its reported time is the demuxer's and a
first next_frame after a seek may not move. ffmpeg's input seek decodes from the
keyframe before and drops frames before the asked time, which is exact: a run of
frames from a given frame number, as RGB pictures, is what the window shows while
paused.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import dataclass

MAX_WIDTH = 960  # stills are scaled down to this; the view scales them to its size
SEEK_LEAD = 0.25  # seek a quarter frame before the frame's start (rounded timestamps)


@dataclass(frozen=True)
class Still:
    frame: int
    width: int
    height: int
    rgb: bytes  # width * height * 3 bytes, rows top to bottom


def grab_argv(
    ffmpeg: str,
    location: str,
    first: int,
    count: int,
    fps: float,
    headers: Sequence[tuple[str, str]] = (),
) -> list[str]:
    """ffmpeg writing frames first .. first + count - 1 as PPM pictures to stdout."""
    argv = [ffmpeg, "-v", "error", "-nostdin"]
    if headers:
        argv += ["-headers", "".join(f"{name}: {value}\r\n" for name, value in headers)]
    if first > 0:
        argv += ["-ss", f"{(first - SEEK_LEAD) / fps:.6f}"]
    argv += [
        "-i", location, "-map", "0:v:0", "-an", "-sn", "-dn", "-frames:v", str(count),
        "-vf", f"scale='min({MAX_WIDTH},iw)':-2", "-fps_mode", "passthrough",
        "-f", "image2pipe", "-c:v", "ppm", "-",
    ]  # fmt: skip
    return argv


def parse_ppm_stream(data: bytes, first: int) -> list[Still]:
    """Split ffmpeg's concatenated binary PPM (P6, 8-bit) pictures."""
    stills: list[Still] = []
    pos = 0
    while pos < len(data):
        fields: list[bytes] = []
        while len(fields) < 4:  # magic, width, height, maxval; then one whitespace byte
            while pos < len(data) and data[pos : pos + 1].isspace():
                pos += 1
            end = pos
            while end < len(data) and not data[end : end + 1].isspace():
                end += 1
            if end == pos:
                return stills  # truncated header: the pictures before it stand
            fields.append(data[pos:end])
            pos = end
        if fields[0] != b"P6" or fields[3] != b"255":
            raise ValueError(f"ffmpeg wrote {fields[0]!r} pictures, not 8-bit PPM")
        width, height = int(fields[1]), int(fields[2])
        pos += 1
        size = width * height * 3
        if pos + size > len(data):
            return stills
        stills.append(Still(first + len(stills), width, height, data[pos : pos + size]))
        pos += size
    return stills


def grab_frames(
    ffmpeg: str,
    location: str,
    first: int,
    count: int,
    fps: float,
    headers: Sequence[tuple[str, str]] = (),
    timeout: float = 30.0,
) -> list[Still]:
    """Frames first .. first + count - 1 (fewer at the end of the media)."""
    argv = grab_argv(ffmpeg, location, first, count, fps, headers)
    try:
        done = subprocess.run(argv, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"ffmpeg took more than {timeout:g} s to decode a frame") from None
    if done.returncode:
        reason = done.stderr.decode(errors="replace").strip().splitlines()
        raise RuntimeError(f"ffmpeg could not decode a frame: {reason[-1] if reason else '?'}")
    return parse_ppm_stream(done.stdout, first)
