"""The PyInstaller app, built (about 90 s here, so deselected by default: run with
`-m slow`) and checked by packaging/check_app.py: the command line from another folder,
the window playing the example under Xvfb, an export through its bundled yt-dlp."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.xvfb, pytest.mark.network]


def test_built_app_runs_from_anywhere(tmp_path: Path) -> None:
    shot = tmp_path / "app-window.png"
    run = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "check_app.py"), "--screenshot", str(shot)],
        capture_output=True, text=True, timeout=1_200,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert "ok    window: the example plays" in run.stdout
    assert run.stdout.rstrip().endswith("all checks passed")
    assert shot.stat().st_size > 20_000
