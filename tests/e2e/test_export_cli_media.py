"""`clipdesk export` picks the media as the window does: the project's media binding, a
video beside the document, then the document's URL (one rule, clipdesk.core.export_request)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tests.support.demo_notes import show_notes
from tests.support.project_files import write_project

pytestmark = pytest.mark.network
ROOT = Path(__file__).resolve().parents[2]
# A URL nobody serves: a job that used it would fail.
DEAD_URL = "http://127.0.0.1:9/never.mp4"


def export(doc: Path, out: Path) -> dict:
    run = subprocess.run(
        [sys.executable, "-m", "clipdesk", "export", str(doc), "--out", str(out), "--only",
         "highlights", "--mode", "fast", "--json"],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    return json.loads(run.stdout.splitlines()[-1])


def test_a_video_beside_the_document_is_cut_instead_of_the_url(
    demo_video: Path, tmp_path: Path
) -> None:
    doc = show_notes(tmp_path, DEAD_URL)
    shutil.copy(demo_video, tmp_path / "notes.mp4")
    summary = export(doc, tmp_path / "out")
    assert summary["counts"]["done"] == 2  # cut from the URL, both would have failed


def test_the_project_media_binding_comes_first(demo_video: Path, tmp_path: Path) -> None:
    doc = show_notes(tmp_path, DEAD_URL)
    (tmp_path / "notes.mp4").write_bytes(b"not a video")  # beside, but the binding wins
    bound = shutil.copy(demo_video, tmp_path / "recorded.mp4")
    write_project(doc, {"schema": 1, "media": {"source": str(bound), "duration_ms": 60_000}})
    summary = export(doc, tmp_path / "out")
    assert summary["counts"]["done"] == 2  # the file beside or the URL would have failed
