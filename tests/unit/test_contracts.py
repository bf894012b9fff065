"""The import-linter contracts in pyproject.toml hold, and they do catch what they forbid:
each case copies the package, adds one bad import and expects lint-imports to fail on it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import clipdesk

ROOT = Path(__file__).resolve().parents[2]
PKG = Path(clipdesk.__file__).parent
LINT = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT.exists(), reason="import-linter is not installed")


def lint(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT), "--no-cache", "--no-logo", str(tree / "pyproject.toml")],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    shutil.copytree(PKG, tmp_path / "clipdesk", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def add_import(tree: Path, module: str, line: str) -> None:
    path = tree / "clipdesk" / (module.replace(".", "/") + ".py")
    path.write_text(path.read_text() + f"\n{line}\n")


def test_the_package_keeps_its_contracts(tree: Path) -> None:
    run = lint(tree)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("core.timecode", "import PySide6.QtCore", "Qt stays out of core and media"),
        ("media.probe", "from shiboken6 import isValid", "Qt stays out of core and media"),
        ("core.episode", "import clipdesk.media.probe", "Layers"),
        ("ui.common.messages", "from clipdesk.ui.player import player", "Layers"),
        ("ui.review.sync", "from clipdesk.ui.editing import timeline", "Layers"),
        ("ui.export.export_dialog", "import clipdesk.ui.editing.edit_session", "Layers"),
        # Circles inside one layer, hidden behind TYPE_CHECKING: still circles.
        (
            "ui.player.backend",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
            "    from clipdesk.ui.player.vlc_backend import VlcBackend",
            "No import circles",
        ),
    ],
)
def test_a_forbidden_import_breaks_a_contract(
    tree: Path, module: str, line: str, broken: str
) -> None:
    add_import(tree, module, line)
    run = lint(tree)
    assert run.returncode != 0
    report = run.stdout.split("Broken contracts", 1)[-1]
    assert broken in report, run.stdout
