"""`clipdesk pauses` and `clipdesk export --snap-to-pauses` as a user runs them."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.support.speech_audio import SpeechTrack, synthetic_speech, write_wav

from clipdesk.media.probe import probe_media

ROOT = Path(__file__).resolve().parents[2]
GAPS_MS = [400, 250, 700, 300]


def clipdesk(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "clipdesk", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=ROOT,
    )


@pytest.fixture(scope="module")
def talk(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SpeechTrack]:
    """A 25 fps H.264 video (B-frames, 2 s keyframes) over speech with known pauses."""
    folder = tmp_path_factory.mktemp("talk")
    track = synthetic_speech(GAPS_MS, seed=21)
    wav = write_wav(track, folder / "talk.wav")
    video = folder / "talk.mp4"
    seconds = f"{track.duration_ms / 1000:.3f}"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x180:rate=25",
         "-i", str(wav), "-t", seconds, "-map", "0:v", "-map", "1:a",
         "-c:v", "libx264", "-preset", "ultrafast", "-bf", "2", "-g", "50", "-pix_fmt", "yuv420p",
         "-c:a", "aac", "-b:a", "96k", str(video)],
        check=True,
    )  # fmt: skip
    return video, track


@pytest.fixture()
def env(tmp_path: Path) -> dict[str, str]:
    return dict(os.environ, CLIPDESK_CONFIG_DIR=str(tmp_path / "config"))


def test_pauses_json_and_table(talk: tuple[Path, SpeechTrack], env: dict[str, str]) -> None:
    video, track = talk
    run = clipdesk("pauses", str(video), "--json", env=env)
    assert run.returncode == 0, run.stderr
    assert "analysing talk.mp4: 100%" in run.stderr
    data = json.loads(run.stdout)
    assert data["from_cache"] is False and data["duration_ms"] > 0
    first, last = track.speech_ms[0][0], track.speech_ms[-1][1]
    # Between the first word and the last (the lead-in and the tail are silent too).
    inner = [p for p in data["pauses"] if p["end_ms"] > first + 20 and p["start_ms"] < last - 20]
    assert len(inner) == len(track.pauses_ms)
    for p, (a, b) in zip(inner, track.pauses_ms, strict=True):
        assert set(p) == {"start_ms", "end_ms", "depth"}
        assert abs(p["start_ms"] - a) <= 20 and abs(p["end_ms"] - b) <= 20 and p["depth"] > 20

    # Again, as a table: from the cache, even with ffmpeg gone.
    run = clipdesk("pauses", str(video), env=dict(env, CLIPDESK_FFMPEG="/nonexistent/ffmpeg"))
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith(f"{len(data['pauses'])} pauses in ")


def test_pauses_bad_media_is_one_line_and_status_2(tmp_path: Path, env: dict[str, str]) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("# not media\n")
    run = clipdesk("pauses", str(notes), env=env)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "notes.md" in run.stderr.strip().splitlines()[-1]
    run = clipdesk("pauses", str(tmp_path / "gone.mp4"), env=env)
    assert run.returncode == 2 and "media file not found" in run.stderr


def notes_for(folder: Path, track: SpeechTrack) -> tuple[Path, list[tuple[int, int]]]:
    """Two highlights whose bounds sit 300 ms inside words next to known pauses."""
    (_, g1b), (g2a, g2b), (g3a, _) = track.pauses_ms[:3]
    clips = [(g1b + 300, g2a - 300), (g2b + 300, g3a - 250)]
    body = "\n".join(
        f'### Clip {i}\n\n```bash\nyt-dlp --download-sections "*{s / 1000:.3f}-{e / 1000:.3f}" '
        f'"https://example.com/watch?v=talk"\n```\n'
        for i, (s, e) in enumerate(clips, start=1)
    )
    doc = folder / "talk.md"
    doc.write_text(
        "---\nvideo_id: talk0000001\ntitle: Talk\nurl: https://example.com/watch?v=talk\n---\n\n"
        f"## Highlights\n\n{body}",
        encoding="utf-8",
    )
    return doc, clips


def test_export_snaps_to_pauses_and_reports_each_move(
    talk: tuple[Path, SpeechTrack], tmp_path: Path, env: dict[str, str]
) -> None:
    video, track = talk
    doc, clips = notes_for(tmp_path, track)
    out = tmp_path / "out"
    run = clipdesk(
        "export", str(doc), "--media", str(video), "--out", str(out), "--snap-to-pauses",
        "--json", env=env,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    events = [json.loads(line) for line in run.stdout.splitlines()]
    moves = [e for e in events if e["event"] == "snapped"]
    gaps = track.pauses_ms
    expected = [
        ("highlight-1", "start", clips[0][0], gaps[0][1] - 120),
        ("highlight-1", "end", clips[0][1], gaps[1][0] + 120),
        ("highlight-2", "start", clips[1][0], gaps[1][1] - 120),
        ("highlight-2", "end", clips[1][1], gaps[2][0] + 120),
    ]
    assert len(moves) == 4
    for move, (clip_id, bound, was, want) in zip(moves, expected, strict=True):
        assert (move["clip_id"], move["bound"], move["snapped_from"]) == (clip_id, bound, was)
        assert abs(move["snapped_to"] - want) <= 20, (move, want)
    summary = events[-1]
    assert summary["ok"] is True
    for job, move_in, move_out in zip(summary["jobs"], moves[::2], moves[1::2], strict=True):
        assert (job["start_ms"], job["end_ms"]) == (move_in["snapped_to"], move_out["snapped_to"])
        info = probe_media("ffprobe", job["file"])
        assert info.duration_s is not None
        want_s = (move_out["snapped_to"] - move_in["snapped_to"]) / 1000
        assert abs(info.duration_s - want_s) <= 0.041

    # A reach shorter than the moves: nothing moves, and it says so.
    run = clipdesk(
        "export", str(doc), "--media", str(video), "--out", str(tmp_path / "out2"),
        "--snap-to-pauses", "300", env=env,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert sum(line.startswith("snapped: highlight-") for line in lines) == 0  # 420 ms > 300
    assert "snapped 0 bounds of 2 clips to pauses" in lines


def test_ctrl_c_stops_the_analysis_and_its_ffmpeg(
    talk: tuple[Path, SpeechTrack], tmp_path: Path, env: dict[str, str]
) -> None:
    video, _ = talk
    log = tmp_path / "ffmpeg.log"
    script = tmp_path / "slow-ffmpeg.sh"
    # -re: decoding at playback speed, so it is still running when Ctrl-C comes.
    script.write_text(
        f'#!/bin/sh\necho "$$" >> "{log}"\nexec "{shutil.which("ffmpeg")}" -re "$@"\n'
    )
    script.chmod(0o755)
    proc = subprocess.Popen(
        [sys.executable, "-m", "clipdesk", "pauses", str(video)],
        env=dict(env, CLIPDESK_FFMPEG=str(script)),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while not (log.exists() and log.read_text().strip()) and time.monotonic() < deadline:
        time.sleep(0.05)
    pid = int(log.read_text().split()[0])
    proc.send_signal(signal.SIGINT)
    assert proc.wait(10) == 130
    proc.communicate()
    state = Path(f"/proc/{pid}/stat").read_text() if Path(f"/proc/{pid}").exists() else "gone"
    assert state == "gone", f"ffmpeg outlived the interrupted command: {state}"
    assert not list(Path(env["CLIPDESK_CONFIG_DIR"]).rglob("*.npz"))
