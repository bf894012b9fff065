"""Kill the application with SIGKILL mid-edit: the project file must be whole and hold
the edits made up to 2 s before the kill. The child is the real window (offscreen, fake
player) editing through its editing session, so the autosave wiring is under test."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from clipdesk.core.project_file import project_path, read_project

ROOT = Path(__file__).resolve().parents[2]
MAX_LOSS_S = 2.0
# Fifty-nine key points a minute apart; the child edits the first one (1:00).
DOCUMENT = "# Episode\n\n## Key Points\n\n" + "".join(
    f"- **Point {i}** ([{i}:00](https://www.example.org/watch?v=abc&t={i * 60}s)) - talk\n"
    for i in range(1, 60)
)


def read_log(log: Path) -> dict[int, float]:
    edits: dict[int, float] = {}
    if not log.exists():
        return edits
    for line in log.read_text().splitlines():
        first, _, rest = line.partition(" ")
        if first.isdigit() and rest:
            edits[int(first)] = float(rest.split()[0])
    return edits


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)  # polling another process: there is no signal to wait on


def run_and_kill(doc: Path, log: Path, kill_after_edits: int) -> tuple[float, dict[int, float]]:
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        PYTHONPATH=str(ROOT),
        CLIPDESK_CONFIG_DIR=str(log.parent / "config"),
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.support.autosave_child", str(doc), str(log)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for(lambda: len(read_log(log)) >= kill_after_edits, 30, "the child's edits")
        proc.send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read().decode() if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    return killed_at, read_log(log)


def check_recent(doc: Path, killed_at: float, edits: dict[int, float], base_ms: int) -> int:
    """The saved state is whole, one consistent moment, and at most 2 s old."""
    data = read_project(project_path(doc))  # parses and validates
    saved = data["clips"]["key-point-1"]
    n = int(saved["note"].removeprefix("edit "))
    assert saved["start_ms"] == base_ms + 40 * n
    age = killed_at - edits[n]
    print(f"newest saved edit was {age:.3f} s old at the kill")
    assert age <= MAX_LOSS_S, (n, age, max(edits))
    return saved["start_ms"]


def test_sigkill_mid_edit_loses_at_most_two_seconds(tmp_path: Path) -> None:
    doc = tmp_path / "episode.md"
    doc.write_text(DOCUMENT)
    doc.with_suffix(".mp4").write_bytes(b"")  # the media the fake player "opens"
    log = tmp_path / "edits.log"
    killed_at, edits = run_and_kill(doc, log, 37)
    start = check_recent(doc, killed_at, edits, 60_000)

    # The next session opens the file, goes on from there, and is killed in turn.
    log2 = tmp_path / "edits2.log"
    killed_at, edits = run_and_kill(doc, log2, 45)
    assert "loaded=True" in log2.read_text().splitlines()[0]
    check_recent(doc, killed_at, edits, start)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_close_the_window_and_keep_every_edit(
    tmp_path: Path, sig: signal.Signals
) -> None:
    doc = tmp_path / "episode.md"
    doc.write_text(DOCUMENT)
    doc.with_suffix(".mp4").write_bytes(b"")
    log = tmp_path / "edits.log"
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        PYTHONPATH=str(ROOT),
        CLIPDESK_CONFIG_DIR=str(tmp_path / "config"),
        PYTHONFAULTHANDLER="1",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.support.autosave_child", str(doc), str(log)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        wait_for(lambda: len(read_log(log)) >= 10, 30, "the child's edits")
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err.decode()
    last = max(read_log(log))
    saved = read_project(project_path(doc))["clips"]["key-point-1"]
    assert saved["note"] == f"edit {last}"  # closing saved the very last edit
    assert not project_path(doc).with_name(project_path(doc).name + ".lock").exists()
