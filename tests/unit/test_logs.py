"""The log file: where it is, its level, its size bound, and what it never holds."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from clipdesk import logs


@pytest.fixture()
def log_dir(tmp_path: Path):
    yield tmp_path / "log"
    logs.stop_logging()


def clipdesk(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    inherited = {k: v for k, v in os.environ.items() if k != "CLIPDESK_LOG_LEVEL"}
    env = {**inherited, "CLIPDESK_CONFIG_DIR": str(tmp_path), **env}
    return subprocess.run(
        [sys.executable, "-m", "clipdesk", *args], capture_output=True, text=True,
        timeout=60, env=env,
    )  # fmt: skip


def test_the_command_line_logs_to_the_state_folder(tmp_path: Path, docs_dir: Path) -> None:
    doc = str(docs_dir / "harbour-lights.md")
    run = clipdesk(tmp_path, "inspect", doc, "--log-level", "debug")
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""  # the log goes to its file, not to the terminal
    text = (tmp_path / "state" / "log" / "clipdesk.log").read_text()
    stamp = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}"
    line = rf"{stamp} INFO    \d+ MainThread clipdesk.cli: clipdesk \S+ started: inspect "
    assert re.fullmatch(line + re.escape(doc) + "\n", text), text


def test_level_from_the_environment_and_the_command_line(tmp_path: Path) -> None:
    log = tmp_path / "state" / "log" / "clipdesk.log"
    assert clipdesk(tmp_path, "--version", CLIPDESK_LOG_LEVEL="warning").returncode == 0
    assert not log.exists() or "started" not in log.read_text()
    # --log-level wins over the environment, before or after a subcommand.
    run = clipdesk(tmp_path, "--version", "--log-level=info", CLIPDESK_LOG_LEVEL="error")
    assert run.returncode == 0 and "started" in log.read_text()
    run = clipdesk(tmp_path, "--version", CLIPDESK_LOG_LEVEL="chatty")
    assert run.returncode == 0
    assert "CLIPDESK_LOG_LEVEL='chatty' is not one of debug, info" in log.read_text()
    run = clipdesk(tmp_path, "--log-level", "loud", "--version")
    assert run.returncode == 2 and "invalid choice: 'loud'" in run.stderr


def test_rotation_bounds_the_size_and_keeps_the_last_lines(log_dir: Path) -> None:
    path = logs.setup_logging("info", log_dir, max_bytes=4_000, backups=2)
    log = logging.getLogger("clipdesk.test")
    for n in range(400):
        log.info("line %03d %s", n, "x" * 40)
    logs.stop_logging()
    files = sorted(p.name for p in log_dir.iterdir())
    assert files == ["clipdesk.log", "clipdesk.log.1", "clipdesk.log.2"]
    assert all((log_dir / f).stat().st_size <= 4_000 for f in files)
    tail = logs.last_lines(30, log_dir)
    assert len(tail) == 30
    assert [int(line.split("line ")[1][:3]) for line in tail] == list(range(370, 400))
    assert path == log_dir / "clipdesk.log"


def test_secrets_never_reach_the_file(log_dir: Path) -> None:
    logs.setup_logging("debug", log_dir)
    log = logging.getLogger("clipdesk.test")
    log.info("opening %s", "https://cdn.example/v.mp4?expire=1&token=SECRET1")
    try:
        raise RuntimeError("server said 403 for https://h.example/x?sig=SECRET2")
    except RuntimeError:
        log.exception("failed with headers Authorization: Bearer SECRET3")
    logging.getLogger("urllib3").info("not wanted: a library below WARNING")
    logs.stop_logging()
    text = (log_dir / "clipdesk.log").read_text()
    assert "SECRET" not in text
    assert "https://cdn.example/v.mp4?expire=1&token=REDACTED" in text
    assert "RuntimeError: server said 403 for https://h.example/x?sig=REDACTED" in text
    assert "not wanted" not in text


def test_an_unwritable_log_folder_is_not_fatal(tmp_path: Path, docs_dir: Path) -> None:
    blocker = tmp_path / "state"
    blocker.write_text("a file where the folder should be")
    run = clipdesk(tmp_path, "inspect", str(docs_dir / "harbour-lights.md"))
    assert run.returncode == 0
    assert run.stderr.startswith("clipdesk: no log file (")
