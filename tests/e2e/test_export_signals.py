"""Signals to a real `clipdesk export` and its real process tree: SIGTERM and SIGHUP
cancel as Ctrl-C does; after SIGKILL no yt-dlp or ffmpeg outlives it, and the next run
in that output folder removes the temporary folder the killed run left, and says so."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.support.processes import alive, descendants
from tests.support.x264_media import make_x264_source

pytestmark = pytest.mark.network
ROOT = Path(__file__).resolve().parents[2]


def wait_for(what, timeout_s: float = 30.0, step_s: float = 0.05):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = what()
        if value:
            return value
        time.sleep(step_s)
    return what()


def export(doc: Path, out: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "clipdesk", "export", str(doc), "--out", str(out), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip


def long_clip(tmp_path: Path, url: str) -> Path:
    doc = tmp_path / "long.md"
    doc.write_text(
        f"---\nvideo_id: long\nurl: {url}\n---\n\n## Highlights\n\n### Most of it\n\n"
        f'```bash\nyt-dlp --download-sections "*0:01-0:55" "{url}"\n```\n',
        encoding="utf-8",
    )
    return doc


def source(tmp_path: Path, smart: bool) -> Path:
    """One long GOP made by x264: the whole clip is a smart cut's head, encoded in the
    process. In MPEG-4 part 2: no smart cut, an ffmpeg child re-encodes the clip."""
    if smart:
        return make_x264_source(tmp_path / "long-gop.mp4", "25", 60.0, 3, 60.0, "640x360")
    path = tmp_path / "mpeg4.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-nostdin", "-f", "lavfi", "-i",
         "testsrc2=size=640x360:rate=25:duration=60", "-f", "lavfi", "-i",
         "sine=frequency=440:duration=60", "-c:v", "mpeg4", "-q:v", "5", "-c:a", "aac",
         str(path)],
        check=True,
    )  # fmt: skip
    return path


@pytest.mark.parametrize(
    ("sig", "smart"), [(signal.SIGTERM, True), (signal.SIGHUP, False), (signal.SIGTERM, False)]
)
def test_sigterm_and_sighup_cancel_like_ctrl_c(
    tmp_path: Path, sig: signal.Signals, smart: bool
) -> None:
    doc = long_clip(tmp_path, "https://www.example.org/watch?v=long")
    out = tmp_path / "out"
    proc = export(doc, out, "--media", str(source(tmp_path, smart)))
    assert proc.stdout is not None
    for line in proc.stdout:
        if "running" in line and " 0.0%" not in line:
            break
    tree = descendants(proc.pid)
    if smart:
        assert "ffmpeg" not in tree.values(), tree
    else:
        assert "ffmpeg" in tree.values(), tree
    sent = time.monotonic()
    proc.send_signal(sig)
    rest, err = proc.communicate(timeout=30)
    assert proc.returncode == 128 + sig, err
    assert time.monotonic() - sent < 5.0
    assert f"stopped by {sig.name}: 0 done, 0 failed, 1 cancelled" in rest
    assert "Traceback" not in err
    assert list(out.iterdir()) == []
    assert not [p for p in tree if alive(p)]


def test_sigkill_leaves_no_tool_running_and_the_next_run_cleans_up(
    range_server, media_dir: Path, tmp_path: Path
) -> None:
    shutil.copy(media_dir / "demo.mp4", media_dir / "slow.mp4")
    # No ranges: the batch cannot read the file itself, so yt-dlp's ffmpeg reads it,
    # gets 300 KB, then waits.
    range_server.faults["slow.mp4"] = "norange+stall"
    doc = long_clip(tmp_path, range_server.url("slow.mp4"))
    out = tmp_path / "out"
    proc = export(doc, out, "--stall-timeout", "600")
    try:
        tree = wait_for(
            lambda: (t := descendants(proc.pid)) and "ffmpeg" in t.values() and t,
        )
        assert tree and "ffmpeg" in tree.values(), tree
        names = set(tree.values())
        assert names & {"yt-dlp", "python", "python3"} or len(tree) >= 3, tree
        parts = [p.name for p in out.iterdir()]
        assert len(parts) == 1 and parts[0].startswith(".clipdesk-part-"), parts
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        survivors = wait_for(lambda: not [p for p in tree if alive(p)], timeout_s=10)
        assert survivors, {p: n for p, n in tree.items() if alive(p)}
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()  # type: ignore[union-attr]
        proc.stderr.close()  # type: ignore[union-attr]
    assert [p.name for p in out.iterdir()] == parts  # left behind by the killed run
    # The next run in that folder: the part folder's lock is free, so it goes.
    range_server.faults.pop("slow.mp4")
    short = tmp_path / "short.md"
    short.write_text(doc.read_text().replace("*0:01-0:55", "*0:01-0:02"), encoding="utf-8")
    again = subprocess.run(
        [sys.executable, "-m", "clipdesk", "export", str(short), "--out", str(out),
         "--mode", "fast"],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert again.returncode == 0, again.stdout + again.stderr
    assert (
        f"clipdesk export: warning: removed 1 temporary folder left in {out} by an "
        f"interrupted run: {parts[0]}\n"
    ) in again.stderr
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []
