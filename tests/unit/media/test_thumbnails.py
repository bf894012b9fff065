"""Thumbnails for the timeline strip, taken by real ffmpeg from an x264 encode."""

from __future__ import annotations

import shutil
import stat
import subprocess
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from clipdesk.media.audio_decode import AnalysisCancelled
from clipdesk.media.thumbnails import ThumbnailError, ThumbnailTask, extract_thumbnails
from clipdesk.media.tools import Tools


@pytest.fixture(scope="module")
def ramp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """12 s at 25 fps whose brightness rises with time (luma 16 + 20 a second), x264 with
    B-frames and a keyframe every 2 s: a thumbnail's brightness tells its time."""
    path = tmp_path_factory.mktemp("thumbs") / "ramp.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi",
         "-i", "color=c=gray:s=320x180:r=25:d=12,geq=lum='clip(16+T*20\\,0\\,255)':cb=128:cr=128",
         "-c:v", "libx264", "-preset", "ultrafast", "-bf", "2", "-g", "50", "-pix_fmt", "yuv420p",
         str(path)],
        check=True,
    )  # fmt: skip
    return path


def shown_second(jpeg: Path) -> float:
    """The time a ramp frame shows, from its mean brightness (JPEG is full range)."""
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(jpeg), "-f", "rawvideo", "-pix_fmt", "gray", "pipe:1"],
        capture_output=True,
        check=True,
    ).stdout
    luma = float(np.frombuffer(raw, np.uint8).mean())
    return luma * 219 / 255 / 20


def test_keyframe_thumbnails_at_their_spacing_and_height(ramp: Path, tmp_path: Path) -> None:
    strip = extract_thumbnails(ramp, 2_000, height=72, cache_root=tmp_path)
    assert [t.time_ms for t in strip.thumbnails] == [0, 2_000, 4_000, 6_000, 8_000, 10_000]
    for thumb in strip.thumbnails:
        assert shown_second(thumb.path) == pytest.approx(thumb.time_ms / 1000, abs=0.1)
    size = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "stream=width,height", "-of", "csv=p=0",
         str(strip.thumbnails[0].path)],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert size == "128,72"
    assert strip.at(4_500) == strip.thumbnails[2] and strip.at(-5) == strip.thumbnails[0]


def test_exact_range_shows_the_frame_at_each_time(ramp: Path, tmp_path: Path) -> None:
    strip = extract_thumbnails(
        ramp, 500, height=36, start_ms=3_000, end_ms=6_000, exact=True, cache_root=tmp_path
    )
    assert [t.time_ms for t in strip.thumbnails] == list(range(3_000, 6_000, 500))
    for thumb in strip.thumbnails:
        assert shown_second(thumb.path) == pytest.approx(thumb.time_ms / 1000, abs=0.1)


def test_second_request_is_served_from_the_cache(ramp: Path, tmp_path: Path) -> None:
    first = extract_thumbnails(ramp, 4_000, cache_root=tmp_path)
    gone = Tools(None, None, None, (("ffmpeg", "not here"),))
    again = extract_thumbnails(ramp, 4_000, tools=gone, cache_root=tmp_path)
    assert again.from_cache and not first.from_cache and again.thumbnails == first.thumbnails
    with pytest.raises(ThumbnailError, match="not here"):
        extract_thumbnails(ramp, 3_000, tools=gone, cache_root=tmp_path)
    assert not list(tmp_path.glob(".*.part-*")), "a failed run left its work folder"


def test_bad_requests_are_refused_with_a_message(ramp: Path, tmp_path: Path) -> None:
    with pytest.raises(ThumbnailError, match="spacing"):
        extract_thumbnails(ramp, 10, cache_root=tmp_path)
    with pytest.raises(ThumbnailError, match="height"):
        extract_thumbnails(ramp, 1_000, height=5_000, cache_root=tmp_path)
    with pytest.raises(ThumbnailError, match="media file not found"):
        extract_thumbnails(tmp_path / "missing.mp4", 1_000, cache_root=tmp_path)
    audio = tmp_path / "tone.m4a"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=d=1", str(audio)], check=True
    )
    with pytest.raises(ThumbnailError, match=r"tone\.m4a: has no video stream"):
        extract_thumbnails(audio, 1_000, cache_root=tmp_path)


def test_cancel_kills_ffmpeg_and_leaves_nothing(ramp: Path, tmp_path: Path) -> None:
    log = tmp_path / "runs.log"
    script = tmp_path / "slow-ffmpeg.sh"
    # -re: frames at playback speed, so the 12 s run is still going when cancelled.
    script.write_text(
        f'#!/bin/sh\necho "$$" >> "{log}"\nexec "{shutil.which("ffmpeg")}" -re "$@"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    tools = Tools(str(script), shutil.which("ffprobe"), None)
    task = ThumbnailTask(ramp, 1_000, exact=True, tools=tools, cache_root=tmp_path / "c")
    outcome: list[object] = []
    worker = threading.Thread(target=lambda: _capture(task.run, outcome))
    worker.start()
    deadline = time.monotonic() + 10
    while not (log.exists() and log.read_text().strip()) and time.monotonic() < deadline:
        time.sleep(0.02)
    task.cancel()
    worker.join(5)
    assert not worker.is_alive() and isinstance(outcome[0], AnalysisCancelled)
    pid = int(log.read_text().split()[0])
    assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text()
    assert not list((tmp_path / "c").iterdir())


def _capture(fn, out: list[object]) -> None:  # type: ignore[no-untyped-def]
    try:
        out.append(fn())
    except BaseException as exc:
        out.append(exc)
