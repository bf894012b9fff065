"""Checks a smart-cut clip passes before it is kept: it decodes without errors where
its parts join, its timestamps start at 0, it has video and audio within one frame
of the requested length, and its first frame is the source frame at the in point.

Every part of a clip (re-encoded head, copied run, re-encoded tail) starts on an IDR
frame, so each join is decoded from that frame for a moment (a short tail whole): the
copied middle is the source's own bytes and decoding all of it again would cost more
than the cut itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from clipdesk.media.child_procs import Cancelled, Children
from clipdesk.media.mp4_index import FileBytes, Mp4Error, read_index
from clipdesk.media.probe import MediaInfo, check_clip
from clipdesk.media.smart_cut import Frames

JOIN_CHECK_S = 0.25  # past the reordering delay of any B-frame pyramid


@dataclass(frozen=True)
class Window:
    start_s: float
    end_s: float


def psnr(a: bytes, b: bytes) -> float:
    if not a or len(a) != len(b):
        return 0.0
    mse = sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) / len(a)
    return 99.0 if mse == 0 else 10 * math.log10(255 * 255 / mse)


def check_smart_clip(
    ffmpeg: str,
    path: Path,
    expected_ms: int,
    windows: list[Window],
    reference: tuple[bytes, Path | None],
    gray_filter: str,
    work: Path,
    children: Children,
    min_psnr: float = 30.0,
) -> str | None:
    """Why the clip must not be kept, or None. reference: the source frame at the in
    point as small gray pixels, or a file whose first frame it is (decoded here).
    One ffmpeg run decodes the joins, the first frame and the first audio, and says
    when each stream's first decoded frame is presented."""
    try:
        index = read_index(FileBytes(path))
    except (Mp4Error, OSError) as exc:
        return f"the clip cannot be read back: {exc}"
    video, audio = index.video(), index.audio()
    fps = video.timescale / Frames(video).step if video is not None and video.count > 1 else None
    duration = None
    if video is not None:
        duration = video.duration() / video.timescale
    info = MediaInfo(duration, video is not None, audio is not None, fps)
    why = check_clip(info, expected_ms)
    if why:
        return why
    decoded = _decode(ffmpeg, path, windows, reference[1], gray_filter, work, children, expected_ms)
    if children.cancelled():
        raise Cancelled
    if isinstance(decoded, str):
        return decoded
    first, ref, starts = decoded
    for kind, start in starts.items():
        if abs(start) > 0.001:
            return f"the {kind} starts at {start:.3f} s, not 0"
    quality = psnr(first, reference[0] or ref)
    if quality < min_psnr:
        return f"the first frame is not the source frame at the in point (PSNR {quality:.1f} dB)"
    return None


def _decode(
    ffmpeg: str,
    path: Path,
    windows: list[Window],
    ref_file: Path | None,
    gray_filter: str,
    work: Path,
    children: Children,
    expected_ms: int,
) -> tuple[bytes, bytes, dict[str, float]] | str:
    """The clip's first frame (above the reference's) as gray pixels on stdout, the
    first video and audio frames' times (framecrc), every join window decoded."""
    argv = [ffmpeg, "-hide_banner", "-nostdin", "-v", "error", "-threads", "1"]
    spans = _spans(windows, expected_ms / 1000)
    for w in spans:
        if w.start_s > 0:  # just past the part's IDR frame: the seek lands on it
            argv += ["-ss", f"{w.start_s + 0.0005:.4f}"]
        argv += ["-t", f"{w.end_s - w.start_s:.3f}", "-i", str(path)]
    if ref_file is not None:
        argv += ["-i", str(ref_file)]
    graph = [f"[0:v:0]split[v0][f0];[f0]trim=end_frame=1,{gray_filter}[g0]"]
    shown = "[g0]"
    if ref_file is not None:  # one picture on stdout: the clip's frame above the source's
        graph.append(f"[{len(spans)}:v:0]trim=end_frame=1,{gray_filter}[g1];[g0][g1]vstack[g]")
        shown = "[g]"
    times = {"video": work / "first-video.crc", "audio": work / "first-audio.crc"}
    argv += ["-filter_complex", ";".join(graph), "-map", shown, "-f", "rawvideo", "-"]
    argv += ["-map", "[v0]", "-f", "null", "-"]
    argv += ["-map", "0:a:0", "-frames:a", "1", "-c:a", "pcm_s16le", "-f", "framecrc",
             "-y", str(times["audio"])]  # fmt: skip
    argv += ["-map", "0:v:0", "-frames:v", "1", "-f", "framecrc", "-y", str(times["video"])]
    for k in range(1, len(spans)):
        argv += ["-map", f"{k}:v", "-map", f"{k}:a?", "-f", "null", "-"]
    done = children.run(argv)
    if done.rc != 0 or done.stderr.strip():
        return f"the clip does not decode cleanly: {done.stderr.strip()[-200:]}"
    n = len(done.stdout) // (2 if ref_file is not None else 1)
    if n == 0:
        return "the clip's first frame does not decode"
    starts = {}
    for kind, crc in times.items():
        start = _first_time(crc)
        if start is None:
            return f"the clip's {kind} does not decode"
        starts[kind] = start
    return done.stdout[:n], done.stdout[n:], starts


def _first_time(crc: Path) -> float | None:
    """The presentation time of the first frame in a framecrc file."""
    try:
        lines = crc.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    base = None
    for line in lines:
        if line.startswith("#tb 0:"):
            num, _, den = line.split(":", 1)[1].strip().partition("/")
            base = int(num) / int(den)
        elif line and not line.startswith("#") and base is not None:
            fields = [f.strip() for f in line.split(",")]
            return int(fields[2]) * base
    return None


def _spans(windows: list[Window], length_s: float) -> list[Window]:
    """The start of every part, decoded for JOIN_CHECK_S (a short part whole)."""
    out = [Window(0.0, min(length_s, JOIN_CHECK_S))]
    for w in sorted(windows, key=lambda w: w.start_s):
        if w.start_s > 0:
            out.append(Window(w.start_s, min(w.end_s, w.start_s + JOIN_CHECK_S)))
    return out
