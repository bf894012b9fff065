"""Versions and folders for About, Report a problem and `clipdesk --version`."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

from clipdesk import __version__, diagnostics, logs


def clipdesk(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CLIPDESK_CONFIG_DIR": str(tmp_path)}
    return subprocess.run(
        [sys.executable, "-m", "clipdesk", *args], capture_output=True, text=True,
        timeout=60, env=env,
    )  # fmt: skip


def test_version(tmp_path: Path) -> None:
    run = clipdesk(tmp_path, "--version")
    assert run.returncode == 0 and run.stdout == f"clipdesk {__version__}\n"


def test_verbose_version_names_every_part_and_folder(tmp_path: Path) -> None:
    import vlc
    from PySide6 import QtCore
    from yt_dlp.version import __version__ as ytdlp

    run = clipdesk(tmp_path, "--version", "--verbose")
    assert run.returncode == 0, run.stderr
    fields = dict(line.split(":", 1) for line in run.stdout.splitlines()[1:] if line.strip())
    fields = {k: v.strip() for k, v in fields.items()}
    assert fields["Clipdesk"] == __version__
    assert fields["Qt"] == QtCore.qVersion()
    assert fields["libvlc"] == vlc.libvlc_get_version().decode()
    assert fields["python-vlc"] == vlc.__version__ and fields["yt-dlp"] == ytdlp
    assert fields["ffmpeg"].split()[0][0].isdigit() and "/ffmpeg)" in fields["ffmpeg"]
    assert fields["settings"] == str(tmp_path / "clipdesk.ini")
    assert fields["cache"] == str(tmp_path / "cache")
    assert fields["log"] == str(tmp_path / "state" / "log" / "clipdesk.log")


def test_problem_report_has_versions_and_the_last_log_lines(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("CLIPDESK_CONFIG_DIR", str(tmp_path))
    logs.setup_logging("info")
    try:
        for n in range(5):
            logging.getLogger("clipdesk.test").info("step %d of https://h/x?token=abc", n)
    finally:
        logs.stop_logging()
    report = diagnostics.problem_report(log_lines=3)
    assert report.startswith("Clipdesk:")
    assert "Last 3 log lines:" in report
    tail = report.split("Last 3 log lines:\n")[1].splitlines()
    assert [line.split("clipdesk.test: ")[1] for line in tail] == [
        f"step {n} of https://h/x?token=REDACTED" for n in (2, 3, 4)
    ]
