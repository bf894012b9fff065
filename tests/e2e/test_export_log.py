"""A real export from a signed URL: the log file shows every tool command line that ran,
and none of the URL's token."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.support.demo_notes import show_notes

pytestmark = pytest.mark.network


def test_export_logs_tool_commands_without_the_token(range_server, tmp_path: Path) -> None:
    # Served without ranges, so the clips are cut by yt-dlp, whose command lines are logged.
    range_server.faults["demo.mp4"] = "norange"
    signed = range_server.url("demo.mp4") + "?expire=1767225600&token=SECRET123&sig=SECRET456"
    doc = show_notes(tmp_path, signed)
    env = {**os.environ, "CLIPDESK_CONFIG_DIR": str(tmp_path / "config")}
    run = subprocess.run(
        [sys.executable, "-m", "clipdesk", "export", str(doc), "--out", str(tmp_path / "out"),
         "--only", "highlights", "--jobs", "1", "--log-level", "debug"],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    log = (tmp_path / "config" / "state" / "log" / "clipdesk.log").read_text()
    assert "SECRET" not in log
    runs = [line for line in log.splitlines() if "clipdesk.media.job_runner: run [pid" in line]
    # yt-dlp reads the page once (the URL, its token hidden), then cuts each clip from
    # that reading: three whole command lines.
    assert len(runs) == 3, log
    assert " -J -- 'http://127.0.0.1:" in runs[0]
    assert runs[0].endswith("/demo.mp4?expire=1767225600&token=REDACTED&sig=REDACTED'")
    assert all("--download-sections" in r and "--load-info-json" in r for r in runs[1:])
    assert log.count("status 0") == 3
