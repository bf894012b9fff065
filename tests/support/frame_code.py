"""Test media whose every frame says which frame it is.

Each frame is a grid of black and white blocks: the frame number in binary, then the
same bits inverted, so a picture read off the screen is either one exact frame number
or unreadable (the black surface before the first frame, a half-drawn picture). The
video is encoded like real sources are (x264 with B-frames, a keyframe every 2 s, AAC
audio), and read back with ffmpeg from the beginning to check the code survived.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

COLS, ROWS = 6, 4
BITS = COLS * ROWS // 2  # 12 bits: up to 4096 frames
WIDTH, HEIGHT = 384, 216  # 16:9, blocks of 64 x 54
BLOCK_W, BLOCK_H = WIDTH // COLS, HEIGHT // ROWS
BLACK, WHITE = 16, 235
DARK, LIGHT = 80, 175  # a sample between these is neither: the picture is unreadable


def _bits(frame: int) -> list[bool]:
    value = [bool(frame >> i & 1) for i in range(BITS)]
    return value + [not b for b in value]


def frame_picture(frame: int) -> bytes:
    """One grey (8-bit) picture of the code for frame."""
    bits = _bits(frame)
    rows = []
    for r in range(ROWS):
        line = b"".join(
            bytes([WHITE if bits[r * COLS + c] else BLACK]) * BLOCK_W for c in range(COLS)
        )
        rows.append(line * BLOCK_H)
    return b"".join(rows)


def make_coded_video(path: Path, fps: Fraction, seconds: float) -> Path:
    """x264 (B-frames, keyframe every 2 s, no scene-cut keyframes) and AAC, in MP4."""
    frames = round(seconds * fps)
    if frames > 1 << BITS:
        raise ValueError(f"{frames} frames do not fit in {BITS} bits")
    gop = round(2 * fps)
    rate = f"{fps.numerator}/{fps.denominator}"
    argv = [
        "ffmpeg", "-v", "error", "-nostdin", "-y",
        "-f", "rawvideo", "-pix_fmt", "gray", "-s", f"{WIDTH}x{HEIGHT}", "-r", rate, "-i", "-",
        "-f", "lavfi", "-i", f"sine=frequency=330:sample_rate=48000:duration={seconds}",
        "-c:v", "libx264", "-preset", "veryfast", "-bf", "3", "-g", str(gop),
        "-keyint_min", str(gop), "-sc_threshold", "0", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "64k", "-shortest", "-movflags", "+faststart", str(path),
    ]  # fmt: skip
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdin is not None
    try:
        for n in range(frames):
            proc.stdin.write(frame_picture(n))
    finally:
        proc.stdin.close()
    assert proc.stderr is not None
    err = proc.stderr.read()
    if proc.wait(timeout=300):
        raise RuntimeError(f"ffmpeg could not make {path}: {err.decode(errors='replace')}")
    return path


def read_code(pixel: Callable[[float, float], int]) -> int | None:
    """The frame number in a picture, from pixel(x, y) -> lightness 0-255 at relative
    coordinates (0..1 across the picture); None when any block is not clearly black or
    white or the inverted half disagrees."""
    bits = []
    for r in range(ROWS):
        for c in range(COLS):
            v = pixel((c + 0.5) / COLS, (r + 0.5) / ROWS)
            if DARK < v < LIGHT:
                return None
            bits.append(v >= LIGHT)
    value, check = bits[:BITS], bits[BITS:]
    if any(a == b for a, b in zip(value, check, strict=True)):
        return None
    return sum(1 << i for i, b in enumerate(value) if b)


def decoded_codes(path: Path) -> list[int | None]:
    """Every frame's code as ffmpeg decodes the file from the beginning."""
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-nostdin", "-i", str(path), "-map", "0:v:0",
         "-f", "rawvideo", "-pix_fmt", "gray", "-fps_mode", "passthrough", "-"],
        check=True, capture_output=True, timeout=300,
    ).stdout  # fmt: skip
    size = WIDTH * HEIGHT
    codes = []
    for start in range(0, len(raw) - size + 1, size):
        frame = raw[start : start + size]

        def pixel(x: float, y: float, frame: bytes = frame) -> int:
            return frame[int(y * HEIGHT) * WIDTH + int(x * WIDTH)]

        codes.append(read_code(pixel))
    return codes
