"""Test helpers for exported clips: decoded frames as gray pixels, and jobs."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

from clipdesk.core.export_plan import ExportMode, JobSpec, SourceKind
from clipdesk.core.naming import ConflictPolicy

FFMPEG = shutil.which("ffmpeg") or "ffmpeg"


def gray_frame(path: Path | str, at_s: float | None = None) -> bytes:
    """One decoded frame (the first, or the one at at_s) as 8-bit gray pixels."""
    seek = ["-ss", f"{at_s:.3f}"] if at_s is not None else []
    argv = [FFMPEG, "-v", "error", "-nostdin", *seek, "-i", str(path), "-frames:v", "1",
            "-f", "rawvideo", "-pix_fmt", "gray", "-"]  # fmt: skip
    return subprocess.run(argv, capture_output=True, check=True).stdout


def frame_diff(a: bytes, b: bytes) -> float:
    assert a and len(a) == len(b)
    return sum(abs(x - y) for x, y in zip(a, b, strict=True)) / len(a)


def assert_starts_on_frame(clip: Path, source: Path | str, start_ms: int, fps: int = 25) -> None:
    """The clip's first frame is the source frame at start, not a neighbour."""
    first = gray_frame(clip)
    at = frame_diff(first, gray_frame(source, start_ms / 1000))
    step = 1 / fps
    before = frame_diff(first, gray_frame(source, start_ms / 1000 - step))
    after = frame_diff(first, gray_frame(source, start_ms / 1000 + step))
    assert at < 1.5, f"first frame differs from the source at {start_ms} ms by {at:.2f}"
    assert at < 0.5 * min(before, after), (at, before, after)


def local_job(
    source: Path | str,
    out: Path,
    start_ms: int,
    end_ms: int,
    mode: ExportMode = ExportMode.EXACT,
    conflict: ConflictPolicy = ConflictPolicy.SKIP,
    kind: SourceKind = SourceKind.LOCAL,
    title: str = "clip",
) -> JobSpec:
    return JobSpec(
        job_id=uuid.uuid4().hex[:12],
        clip_id=f"c{start_ms}",
        title=title,
        kind="highlight",
        index=1,
        source_kind=kind,
        source=str(source),
        start_ms=start_ms,
        end_ms=end_ms,
        output=str(out),
        mode=mode,
        conflict=conflict,
    )
