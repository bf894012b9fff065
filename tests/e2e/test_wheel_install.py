"""A wheel built as a release is (`python -m build`: sdist, then the wheel from it) runs
from a clean virtual environment, with its resources taken from the package."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from clipdesk import __version__

ROOT = Path(__file__).resolve().parents[2]
# What is not source: the environment, build output, generated media, test output.
IGNORE = shutil.ignore_patterns(
    ".venv", ".git", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", "*.mp4",
    "artifacts", ".hypothesis",
)  # fmt: skip


def run(argv: list[str], **kw) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(argv, capture_output=True, text=True, timeout=300, **kw)
    assert done.returncode == 0, f"{argv}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("src") / "clipdesk"
    shutil.copytree(ROOT, src, ignore=IGNORE)
    out = src.parent / "dist"
    run([sys.executable, "-m", "build", "--outdir", str(out), str(src)])
    (built,) = out.glob("clipdesk-*.whl")
    return built


def test_wheel_holds_the_resources_but_not_the_generated_video(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "clipdesk/resources/example/example-episode.md" in names
    assert "clipdesk/resources/icons/clipdesk.svg" in names
    assert "clipdesk/resources/icons/hicolor/256x256/apps/clipdesk.png" in names
    assert not [n for n in names if n.endswith(".mp4")]


def test_installed_wheel_runs_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "-q"]
    run([*pip, "--no-deps", "--no-index", str(wheel)])
    # The headless commands need PyYAML alone (Qt, libvlc and yt-dlp are for the window
    # and URLs): the version this checkout runs comes from pip's cache.
    import yaml

    run([*pip, "--no-deps", f"PyYAML=={yaml.__version__}"])
    env = {
        k: v for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "CLIPDESK_RESOURCES_DIR", "VIRTUAL_ENV")
    }  # fmt: skip
    env["CLIPDESK_CONFIG_DIR"] = str(tmp_path / "config")
    clipdesk = str(venv / "bin" / "clipdesk")
    kw = {"env": env, "cwd": tmp_path}
    assert run([clipdesk, "--version"], **kw).stdout == f"clipdesk {__version__}\n"
    where = run(
        [str(python), "-c", "import json, clipdesk.resource_files as r; print(json.dumps("
         "[str(r.resources_dir()), str(r.example_document()), str(r.example_video())]))"],
        **kw,
    )  # fmt: skip
    resources, example, video = map(Path, json.loads(where.stdout))
    site = venv / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    assert resources == site / "site-packages" / "clipdesk" / "resources"
    # No video in the package: it would be generated in the user's cache, not beside it.
    assert video == tmp_path / "config" / "cache" / "example.mp4"
    inspect = run([clipdesk, "inspect", str(example), "--json"], **kw)
    data = json.loads(inspect.stdout)
    assert data["document"] == str(example) and data["counts"]["highlight"] > 0
    verbose = run([clipdesk, "--version", "--verbose"], **kw).stdout
    assert f"resources:  {resources}" in verbose
    assert "PySide6:    not found" in verbose  # this venv really has only PyYAML
