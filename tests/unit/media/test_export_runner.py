"""One job with the real ffmpeg and ffprobe: exact and fast cuts, progress,
cancel, and the faults that must leave nothing half-written behind."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from export_frames import assert_starts_on_frame, local_job
from tests.support.processes import group_alive

from clipdesk.core.export_plan import ExportMode
from clipdesk.core.naming import ConflictPolicy
from clipdesk.media.job_runner import JobRunner, Outcome
from clipdesk.media.probe import probe_media
from clipdesk.media.progress import Progress
from clipdesk.media.tools import Tools, find_tools

TOOLS = find_tools()


def run(job, tools: Tools = TOOLS, **kw) -> tuple[Outcome, str, list[Progress], JobRunner]:
    seen: list[Progress] = []
    runner = JobRunner(job, tools, on_progress=seen.append, **kw)
    result = runner.run()
    return result.outcome, result.error or result.output, seen, runner


def only_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("mode", [ExportMode.EXACT, ExportMode.FAST])
def test_local_cut(demo_video: Path, tmp_path: Path, mode: ExportMode) -> None:
    out = tmp_path / "out" / "clip.mp4"
    outcome, detail, seen, _ = run(local_job(demo_video, out, 13_520, 17_520, mode))
    assert outcome is Outcome.DONE, detail
    assert detail == str(out)
    info = probe_media(TOOLS.ffprobe, out)
    assert info.has_video and info.has_audio
    assert abs(info.duration_s - 4.0) <= 0.04 + 1e-3
    assert_starts_on_frame(out, demo_video, 13_520)
    assert only_files(out.parent) == ["clip.mp4"]  # the temporary folder is gone
    assert seen[-1].done and seen[-1].fraction == 1.0


def test_real_progress_while_cutting(demo_video: Path, tmp_path: Path) -> None:
    outcome, detail, seen, _ = run(local_job(demo_video, tmp_path / "c.mp4", 1_000, 15_000))
    assert outcome is Outcome.DONE, detail
    fractions = [p.fraction for p in seen]
    assert fractions == sorted(fractions)
    assert any(0.0 < f < 1.0 for f in fractions), fractions  # not a jump from 0 to 100
    assert any(p.speed and p.eta_s is not None for p in seen if not p.done)


def cancel_on_progress(runner_box: list[JobRunner], t_cancel: list[float]):
    def on_progress(p: Progress) -> None:
        if p.fraction > 0 and not t_cancel:
            t_cancel.append(time.monotonic())
            threading.Thread(target=runner_box[0].cancel).start()

    return on_progress


def test_cancel_mid_job(demo_video: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    # Starting after a keyframe: the smart cut has a head to encode (in this process).
    job = local_job(demo_video, out_dir / "long.mp4", 1_000, 50_000)
    t_cancel: list[float] = []
    box: list[JobRunner] = []
    runner = JobRunner(job, TOOLS, on_progress=cancel_on_progress(box, t_cancel))
    box.append(runner)
    result = runner.run()
    t_done = time.monotonic()
    assert result.outcome is Outcome.CANCELLED
    assert t_cancel and t_done - t_cancel[0] < 2.0
    assert only_files(out_dir) == []
    # Nothing of the job goes on: no child, no decoding thread.
    assert runner.pgid is None or not group_alive(runner.pgid)
    assert not [t for t in threading.enumerate() if t.name == "decode-ahead"]


def test_cancel_kills_a_tool_that_ignores_sigint(demo_video: Path, tmp_path: Path) -> None:
    stubborn = tmp_path / "ffmpeg-ignoring-sigint"
    stubborn.write_text(
        "#!/bin/sh\ntrap '' INT\necho out_time_us=100000\necho progress=continue\nexec sleep 30\n"
    )
    stubborn.chmod(0o755)
    tools = Tools(str(stubborn), TOOLS.ffprobe, TOOLS.ytdlp)
    # Fast mode from a Matroska file: ffmpeg cuts it (an MP4 is cut in this process).
    mkv = tmp_path / "demo.mkv"
    subprocess.run([TOOLS.ffmpeg, "-v", "error", "-i", str(demo_video), "-c", "copy", str(mkv)],
                   check=True)  # fmt: skip
    out_dir = tmp_path / "out"
    t_cancel: list[float] = []
    box: list[JobRunner] = []
    log: list[str] = []
    runner = JobRunner(
        local_job(mkv, out_dir / "x.mp4", 1_000, 4_000, ExportMode.FAST),
        tools,
        on_progress=cancel_on_progress(box, t_cancel),
        on_log=log.append,
        grace_s=0.5,
    )
    box.append(runner)
    result = runner.run()
    assert result.outcome is Outcome.CANCELLED
    assert time.monotonic() - t_cancel[0] < 2.0
    assert any("killing" in line for line in log)
    assert runner.pgid is not None and not group_alive(runner.pgid)
    assert only_files(out_dir) == []


def test_missing_ffmpeg(demo_video: Path, tmp_path: Path) -> None:
    tools = find_tools(env={"PATH": str(tmp_path), "CLIPDESK_FFPROBE": TOOLS.ffprobe})
    outcome, detail, _, _ = run(local_job(demo_video, tmp_path / "o" / "x.mp4", 0, 2_000), tools)
    assert outcome is Outcome.FAILED
    assert "ffmpeg not found on PATH" in detail
    assert not (tmp_path / "o").exists()


@pytest.fixture()
def mounted_dir(tmp_path: Path) -> Iterator[callable]:
    """Mount a small tmpfs (root only): read-only or tiny, for real EROFS/ENOSPC."""
    mounts: list[Path] = []

    def mount(options: str) -> Path:
        target = tmp_path / f"mnt{len(mounts)}"
        target.mkdir()
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(target)], capture_output=True
        )
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
        mounts.append(target)
        return target

    yield mount
    for m in mounts:
        subprocess.run(["umount", "-l", str(m)], capture_output=True)


def read_only_dir(tmp_path: Path, mounted_dir) -> Path:
    if os.geteuid() != 0:
        folder = tmp_path / "ro"
        folder.mkdir()
        folder.chmod(0o555)
        return folder
    return mounted_dir("ro,size=1m")


def test_read_only_output_folder(demo_video: Path, tmp_path: Path, mounted_dir) -> None:
    folder = read_only_dir(tmp_path, mounted_dir)
    outcome, detail, _, _ = run(local_job(demo_video, folder / "x.mp4", 0, 2_000))
    assert outcome is Outcome.FAILED
    assert f"cannot write to the output folder {folder}" in detail
    assert "Read-only file system" in detail or "Permission denied" in detail
    assert only_files(folder) == []


def test_full_output_folder(demo_video: Path, tmp_path: Path, mounted_dir) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to mount a tiny tmpfs")
    folder = mounted_dir("size=200k")
    outcome, detail, _, _ = run(local_job(demo_video, folder / "x.mp4", 0, 20_000))
    assert outcome is Outcome.FAILED
    assert "No space left on device" in detail, detail
    assert only_files(folder) == []


def test_file_appearing_meanwhile_is_not_overwritten(demo_video: Path, tmp_path: Path) -> None:
    target = tmp_path / "x.mp4"
    job = local_job(demo_video, target, 0, 1_000, ExportMode.FAST)
    target.write_bytes(b"precious")
    outcome, detail, _, _ = run(job)
    assert outcome is Outcome.FAILED and "appeared in the output folder" in detail
    assert target.read_bytes() == b"precious"
    job = local_job(demo_video, target, 0, 1_000, ExportMode.FAST, ConflictPolicy.RENAME)
    outcome, detail, _, _ = run(job)
    assert outcome is Outcome.DONE and detail == str(tmp_path / "x-2.mp4")
    assert target.read_bytes() == b"precious"
    job = local_job(demo_video, target, 0, 1_000, ExportMode.FAST, ConflictPolicy.OVERWRITE)
    outcome, detail, _, _ = run(job)
    assert outcome is Outcome.DONE and target.stat().st_size > 1000
    assert only_files(tmp_path) == ["x-2.mp4", "x.mp4"]


def test_stale_temporaries_of_the_job_are_removed(demo_video: Path, tmp_path: Path) -> None:
    job = local_job(demo_video, tmp_path / "x.mp4", 0, 1_000, ExportMode.FAST)
    stale = tmp_path / f".clipdesk-part-{job.job_id}-dead00"
    stale.mkdir()
    (stale / "clip.mp4").write_bytes(b"half")
    other = tmp_path / ".clipdesk-part-someotherjob-dead00"  # another job's: left alone
    other.mkdir()
    outcome, detail, _, _ = run(job)
    assert outcome is Outcome.DONE, detail
    assert only_files(tmp_path) == [other.name, "x.mp4"]


def test_clip_past_the_end(demo_video: Path, tmp_path: Path) -> None:
    outcome, detail, _, _ = run(local_job(demo_video, tmp_path / "x.mp4", 58_000, 65_000))
    assert outcome is Outcome.FAILED
    assert "runs past the end of the media (0:01:00.000)" in detail
    assert only_files(tmp_path) == []


def test_result_checked_by_ffprobe(tmp_path: Path) -> None:
    """A source without audio gives a clip without audio: refused."""
    silent = tmp_path / "silent.mp4"
    subprocess.run(
        [TOOLS.ffmpeg, "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25:d=3",
         "-c:v", "libx264", "-preset", "ultrafast", str(silent)],
        check=True,
    )  # fmt: skip
    out = tmp_path / "out"
    outcome, detail, _, _ = run(local_job(silent, out / "x.mp4", 0, 2_000))
    assert outcome is Outcome.FAILED and detail == "the result has no audio stream"
    assert only_files(out) == []


@pytest.mark.parametrize("mode", [ExportMode.EXACT, ExportMode.FAST])
def test_the_folders_lock_stays_when_a_job_falls_back_to_ffmpeg(
    mode: ExportMode, tmp_path: Path
) -> None:
    """A cut in the process that cannot be done (here: mpeg4 video for the smart cut, and
    audio that starts after the video for the keyframe cut) clears the job's folder for
    ffmpeg, but keeps the lock file that marks the folder as in use: without it another
    job's clean-up would take the folder as stale and remove it under ffmpeg."""
    src = tmp_path / "late-audio.mp4"
    subprocess.run(
        [TOOLS.ffmpeg, "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25:d=6",
         "-itsoffset", "1", "-f", "lavfi", "-i", "sine=d=5", "-c:v", "mpeg4", "-c:a", "aac",
         str(src)],
        check=True,
    )  # fmt: skip
    seen = tmp_path / "seen.txt"
    tool = tmp_path / "ffmpeg-watching"
    tool.write_text(
        f'#!/bin/sh\nfor a; do last="$a"; done\nls -A "$(dirname "$last")" > {seen}\n'
        f'exec {TOOLS.ffmpeg} "$@"\n'
    )
    tool.chmod(0o755)
    tools = Tools(str(tool), TOOLS.ffprobe, TOOLS.ytdlp)
    log: list[str] = []
    spec = local_job(src, tmp_path / "out" / "x.mp4", 0, 2_000, mode)
    result = JobRunner(spec, tools, on_log=log.append).run()
    assert result.outcome is Outcome.DONE, result.error
    assert any("no smart cut" in line or "no keyframe cut" in line for line in log), log
    assert seen.read_text().split() == [".owner"]
