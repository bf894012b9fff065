"""The headless commands start without importing what they do not use: no Qt, libvlc or
numpy for any of them, no YAML before a document or project file is read, no HTTP
client before a URL is fetched, no export engine for `--version` or `export --help`.
Each case is a fresh interpreter, as a user's command is; the modules it ended with are
compared (bench/bench_startup.py has the times)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "tests" / "documents"

NEVER = ("PySide6", "shiboken6", "vlc", "numpy", "yt_dlp", "clipdesk.ui", "clipdesk.app")
HTTP = ("http.client", "urllib.request", "ssl")
ENGINE = ("clipdesk.media.export_queue", "clipdesk.media.job_runner", "clipdesk.media.probe")
READING = ("yaml", "clipdesk.core.reader", "clipdesk.core.project_file")

# Runs main(argv), or when argv is null only imports the command line and the export
# command, and writes sys.modules to a file: stdout is the command's own.
CHILD = """
import json, sys
out, argv = sys.argv[1], json.loads(sys.argv[2])
code = 0
try:
    import clipdesk.cli
    if argv is None:
        import clipdesk.cli_export
    else:
        code = clipdesk.cli.main(argv)
except SystemExit as exc:
    code = exc.code
with open(out, "w") as f:
    json.dump({"code": code, "modules": sorted(sys.modules)}, f)
"""


def modules_after(tmp_path: Path, argv: list[str] | None, code: int = 0) -> set[str]:
    out = tmp_path / "modules.json"
    env = {**os.environ, "CLIPDESK_CONFIG_DIR": str(tmp_path / "config")}
    run = subprocess.run(
        [sys.executable, "-c", CHILD, str(out), json.dumps(argv)],
        capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert run.returncode == 0 and out.is_file(), run.stderr
    result = json.loads(out.read_text())
    assert (result["code"] or 0) == code, (result["code"], run.stdout, run.stderr)
    return set(result["modules"])


def loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


def test_importing_the_command_line_loads_only_the_command_line(tmp_path: Path) -> None:
    modules = modules_after(tmp_path, None)
    assert "clipdesk.cli_export" in modules
    assert loaded(modules, NEVER + HTTP + ENGINE + READING + ("logging.handlers",)) == []


def test_version_loads_no_reader_and_no_engine(tmp_path: Path) -> None:
    modules = modules_after(tmp_path, ["--version"])
    # The log file is set up (the start is logged), so logging.handlers is expected.
    assert "logging.handlers" in modules
    unwanted = NEVER + HTTP + ENGINE + READING + ("clipdesk.core.episode",)
    assert loaded(modules, unwanted) == []


def test_export_help_loads_no_reader_and_no_engine(tmp_path: Path) -> None:
    modules = modules_after(tmp_path, ["export", "--help"])
    assert loaded(modules, NEVER + HTTP + ENGINE + READING) == []


def test_inspect_loads_yaml_only_for_frontmatter(tmp_path: Path) -> None:
    plain = modules_after(tmp_path, ["inspect", str(DOCS / "night-shift.txt")])
    assert "clipdesk.core.reader" in plain
    assert loaded(plain, NEVER + HTTP + ENGINE + ("yaml", "clipdesk.cli_pauses")) == []
    with_frontmatter = modules_after(tmp_path, ["inspect", str(DOCS / "harbour-lights.md")])
    assert "yaml" in with_frontmatter
    assert loaded(with_frontmatter, NEVER + HTTP + ENGINE) == []


@pytest.mark.parametrize("mode", ["fast", "exact"])
def test_exporting_a_local_file_loads_no_http_client(
    tmp_path: Path, demo_video: Path, mode: str
) -> None:
    from tests.support.demo_notes import show_notes

    doc = show_notes(tmp_path, "https://www.example.org/watch?v=demo1234567")
    out = tmp_path / "out"
    argv = ["export", str(doc), "--out", str(out), "--media", str(demo_video)]
    modules = modules_after(tmp_path, [*argv, "--only", "highlights", "--mode", mode])
    assert len(list(out.glob("*.mp4"))) == 2  # it did export
    assert "clipdesk.media.export_queue" in modules
    assert loaded(modules, NEVER + HTTP) == []


SEGMENTS = """Demo Night

Segments
The start (00:00:02)
- Summary: the beginning.

The middle (00:00:05)
- Summary: the rest.

The end (00:00:08)
- Summary: no end time, so it cannot be exported.
"""


def test_yaml_loads_for_a_project_file_not_for_a_plain_document(
    tmp_path: Path, demo_video: Path
) -> None:
    from tests.support.project_files import write_project

    doc = tmp_path / "notes.txt"
    doc.write_text(SEGMENTS, encoding="utf-8")
    out = tmp_path / "out"
    argv = ["export", str(doc), "--out", str(out), "--media", str(demo_video), "--mode", "fast"]
    modules = modules_after(tmp_path, argv, code=1)  # the last segment has no end
    assert len(list(out.glob("*.mp4"))) == 2
    assert "clipdesk.core.project_file" in modules
    assert loaded(modules, NEVER + HTTP + ("yaml",)) == []
    # With a project file (deleting the clip that has no end) YAML is read, and applied.
    write_project(doc, {"schema": 1, "deleted": ["segment-3"]})
    modules = modules_after(tmp_path, [*argv, "--on-conflict", "overwrite"])
    assert "yaml" in modules
