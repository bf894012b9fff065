"""Checks a smart-cut clip passes before it is kept: it decodes without errors where
its parts join, its timestamps start at 0, it has video and audio within one frame
of the requested length, and its first frame is the source frame at the in point.

The copied middle of a clip is the source's own bytes: decoding it again proves
nothing new, so the decode check covers the re-encoded head and tail with a margin
of copied frames on each side of every join (and the whole clip when it is short).
"""

from __future__ import annotations

import contextlib
import json
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from clipdesk.media.child_procs import Cancelled, run_child
from clipdesk.media.probe import MediaInfo, check_clip

JOIN_MARGIN_S = 0.25  # past the reordering delay of any B-frame pyramid


@dataclass(frozen=True)
class Window:
    start_s: float
    end_s: float


def psnr(a: bytes, b: bytes) -> float:
    if not a or len(a) != len(b):
        return 0.0
    mse = sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) / len(a)
    return 99.0 if mse == 0 else 10 * math.log10(255 * 255 / mse)


def probe_streams(ffprobe: str, path: Path, cancelled: Callable[[], bool]) -> dict:
    argv = [
        ffprobe, "-v", "error", "-print_format", "json", "-show_entries",
        "format=duration:stream=codec_type,start_time,avg_frame_rate,r_frame_rate,width,height",
        "--", str(path),
    ]  # fmt: skip
    done = run_child(argv, cancelled)
    if done.rc != 0:
        raise ValueError(f"ffprobe cannot read the clip: {done.stderr.strip()[-200:]}")
    return json.loads(done.stdout or b"{}")


def check_smart_clip(
    ffmpeg: str,
    ffprobe: str,
    path: Path,
    expected_ms: int,
    windows: list[Window],
    reference: tuple[bytes, Path | None],
    gray_filter: str,
    cancelled: Callable[[], bool],
    min_psnr: float = 30.0,
) -> str | None:
    """Why the clip must not be kept, or None. reference: the source frame at the in
    point as small gray pixels, or a file whose first frame it is (decoded here).
    ffprobe (streams, timestamps) and ffmpeg (pixels, joins) run side by side."""
    probed: list[dict | str] = []

    def probe() -> None:
        try:
            probed.append(probe_streams(ffprobe, path, cancelled))
        except (ValueError, Cancelled) as exc:
            probed.append(str(exc) or "cancelled")

    t = threading.Thread(target=probe, daemon=True)
    t.start()
    decoded = _decode(ffmpeg, path, windows, reference[1], gray_filter, cancelled, expected_ms)
    t.join()
    if cancelled():
        raise Cancelled
    data = probed[0] if probed else "ffprobe did not answer"
    if isinstance(data, str):
        return data
    why = _stream_problem(data, expected_ms)
    if why:
        return why
    if isinstance(decoded, str):
        return decoded
    first, ref = decoded
    ref = reference[0] or ref
    quality = psnr(first, ref)
    if quality < min_psnr:
        return f"the first frame is not the source frame at the in point (PSNR {quality:.1f} dB)"
    return None


def _stream_problem(data: dict, expected_ms: int) -> str | None:
    streams = data.get("streams") or []
    video = next((s for s in streams if s.get("codec_type") == "video"), None)
    fps = None
    if video:
        num, _, den = str(video.get("avg_frame_rate", "0/0")).partition("/")
        with contextlib.suppress(ValueError, ZeroDivisionError):
            fps = float(num) / float(den) or None
    try:
        duration = float((data.get("format") or {}).get("duration"))
    except (TypeError, ValueError):
        duration = None
    info = MediaInfo(
        duration, video is not None, any(s.get("codec_type") == "audio" for s in streams), fps
    )
    why = check_clip(info, expected_ms)
    if why:
        return why
    for s in streams:
        try:
            start = float(s.get("start_time"))
        except (TypeError, ValueError):
            return f"the {s.get('codec_type')} stream has no start time"
        if abs(start) > 0.001:
            return f"the {s.get('codec_type')} stream starts at {start:.3f} s, not 0"
    return None


def _decode(
    ffmpeg: str,
    path: Path,
    windows: list[Window],
    ref_file: Path | None,
    gray_filter: str,
    cancelled: Callable[[], bool],
    expected_ms: int,
) -> tuple[bytes, bytes] | str:
    """One ffmpeg run: the clip's first frame (and the reference's) as gray pixels on
    stdout, and every join window decoded with errors reported."""
    argv = [ffmpeg, "-hide_banner", "-nostdin", "-v", "error"]
    spans = _merge(windows, expected_ms / 1000)
    for w in spans:
        if w.start_s > 0:
            argv += ["-ss", f"{w.start_s:.3f}"]
        argv += ["-t", f"{w.end_s - w.start_s:.3f}", "-i", str(path)]
    if ref_file is not None:
        argv += ["-i", str(ref_file)]
    # The first window starts at 0 (a clip always begins with a join or a copy).
    graph = [f"[0:v:0]split[v0][f0];[f0]trim=end_frame=1,{gray_filter}[g0]"]
    shown = "[g0]"
    if ref_file is not None:  # one picture on stdout: the clip's frame above the source's
        graph.append(f"[{len(spans)}:v:0]trim=end_frame=1,{gray_filter}[g1];[g0][g1]vstack[g]")
        shown = "[g]"
    argv += ["-filter_complex", ";".join(graph), "-map", shown, "-f", "rawvideo", "-"]
    argv += ["-map", "[v0]", "-map", "0:a?", "-f", "null", "-"]
    for k in range(1, len(spans)):
        argv += ["-map", f"{k}:v", "-map", f"{k}:a?", "-f", "null", "-"]
    done = run_child(argv, cancelled)
    if done.rc != 0 or done.stderr.strip():
        return f"the clip does not decode cleanly: {done.stderr.strip()[-200:]}"
    n = len(done.stdout) // (2 if ref_file is not None else 1)
    if n == 0:
        return "the clip's first frame does not decode"
    return done.stdout[:n], done.stdout[n:]


def _merge(windows: list[Window], length_s: float) -> list[Window]:
    out: list[Window] = []
    for w in sorted(windows, key=lambda w: w.start_s):
        w = Window(max(0.0, w.start_s - JOIN_MARGIN_S), min(length_s, w.end_s + JOIN_MARGIN_S))
        if out and w.start_s <= out[-1].end_s + JOIN_MARGIN_S:
            out[-1] = Window(out[-1].start_s, max(out[-1].end_s, w.end_s))
        else:
            out.append(w)
    if not out or out[0].start_s > 0:  # the first window always starts at 0
        out.insert(0, Window(0.0, min(length_s, JOIN_MARGIN_S)))
    return out
