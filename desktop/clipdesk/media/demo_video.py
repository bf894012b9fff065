"""Generate a demo video with ffmpeg: test pattern, burnt-in timecode and frame
number, and a tone. Used by the built-in example, the tests and the benchmarks.
"""

from __future__ import annotations

import logging
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path


def make_demo_video(
    path: Path | str,
    duration_s: float = 60.0,
    width: int = 640,
    height: int = 360,
    fps: int = 25,
    gop: int = 50,
    tone_hz: int = 440,
) -> Path:
    """Write an H.264/AAC MP4 (faststart) and return its path.

    The frame number is drawn on every frame so a test can tell which source
    frame a cut clip starts on. Written to a temporary name, then renamed, so
    a half-written file never looks finished.
    """
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise FileNotFoundError("ffmpeg is not installed (Debian/Ubuntu: apt-get install ffmpeg)")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part.mp4")
    font = max(12, height // 12)
    draw = (
        f"drawtext=text='%{{pts\\:hms}}  #%{{n}}':fontsize={font}:fontcolor=white:"
        f"box=1:boxcolor=black@0.7:boxborderw=8:x=(w-text_w)/2:y=h-text_h-{font}"
    )
    argv = [
        ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
        "-f", "lavfi", "-i", f"testsrc2=size={width}x{height}:rate={fps}:duration={duration_s}",
        "-f", "lavfi", "-i", f"sine=frequency={tone_hz}:sample_rate=48000:duration={duration_s}",
        "-vf", draw,
        "-c:v", "libx264", "-preset", "ultrafast", "-crf", "30", "-g", str(gop),
        "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "64k", "-shortest", "-movflags", "+faststart",
        "-f", "mp4", str(tmp),
    ]  # fmt: skip
    logging.getLogger(__name__).info("run %s", shlex.join(argv))
    try:
        subprocess.run(argv, check=True, capture_output=True, text=True)
        os.replace(tmp, path)
    except subprocess.CalledProcessError as exc:
        raise RuntimeError(f"ffmpeg could not make {path}: {exc.stderr.strip()}") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return path


def main(argv: list[str] | None = None) -> int:
    import argparse

    p = argparse.ArgumentParser(description="Generate a Clipdesk demo video with ffmpeg")
    p.add_argument("output", type=Path)
    p.add_argument("--duration", type=float, default=60.0, help="seconds")
    p.add_argument("--size", default="640x360", help="WIDTHxHEIGHT")
    p.add_argument("--fps", type=int, default=25)
    p.add_argument("--if-missing", action="store_true", help="do nothing if the file exists")
    a = p.parse_args(argv)
    if a.if_missing and a.output.exists():
        return 0
    w, _, h = a.size.partition("x")
    make_demo_video(a.output, a.duration, int(w), int(h), a.fps)
    return 0


if __name__ == "__main__":
    sys.exit(main())
