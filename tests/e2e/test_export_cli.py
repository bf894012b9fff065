"""`clipdesk export` as a user runs it: a child process, exit codes, --json."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from tests.support.demo_notes import show_notes
from tests.support.project_files import write_project

from clipdesk.media.demo_video import make_demo_video

pytestmark = pytest.mark.network
ROOT = Path(__file__).resolve().parents[2]


def clipdesk(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "clipdesk", "export", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=ROOT,
    )


def json_lines(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]


def test_export_json_and_conflicts(range_server, tmp_path: Path) -> None:
    doc = show_notes(tmp_path, range_server.url("demo.mp4"))
    out = tmp_path / "out"
    run = clipdesk(str(doc), "--out", str(out), "--only", "highlights", "--json")
    assert run.returncode == 0, run.stderr
    events = json_lines(run.stdout)
    summary = events[-1]
    assert summary["event"] == "summary" and summary["ok"] is True
    assert summary["counts"] == {"queued": 0, "running": 0, "done": 2, "failed": 0, "cancelled": 0}
    names = sorted(Path(j["file"]).name for j in summary["jobs"])
    assert names == ["demo1234567-01-the-first-moment.mp4", "demo1234567-02-a-second-moment.mp4"]
    assert sorted(p.name for p in out.iterdir()) == names
    job_events = [e for e in events if e["event"] == "job"]
    assert {"id", "n", "state", "progress", "speed", "eta_s", "file", "error"} <= set(job_events[0])
    assert {e["state"] for e in job_events} == {"queued", "running", "done"}
    assert summary["jobs"][1]["start_ms"] == 21_000 and summary["jobs"][1]["end_ms"] == 23_500

    # Again: the files exist and are skipped, not overwritten.
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    run = clipdesk(str(doc), "--out", str(out), "--only", "highlights")
    assert run.returncode == 0, run.stderr
    assert run.stdout.count("exists, skipped") == 2
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before
    run = clipdesk(str(doc), "--out", str(out), "--only", "highlights", "--on-conflict",
                   "rename", "--mode", "fast", "--jobs", "1")  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "[1/2] done" in run.stdout and "[2/2] done" in run.stdout
    assert len(list(out.iterdir())) == 4
    assert (out / "demo1234567-01-the-first-moment-2.mp4").is_file()


def test_project_file_is_applied(demo_video: Path, tmp_path: Path) -> None:
    """Review, edited bounds, added and deleted clips and the offset come from the project
    file, as in the window; --no-project exports the document alone."""
    doc = show_notes(tmp_path, "https://www.example.org/watch?v=demo1234567")
    project = write_project(
        doc,
        """schema: 1
offset_ms: 2000
clips:
  highlight-1: {review: approved}
  highlight-2: {review: approved, start_ms: 20000, end_ms: 22000}
  key-point-1: {review: approved}
deleted: [key-point-1]
added:
  - {id: clip-1, kind: clip, title: Added, start_ms: 40000, end_ms: 41000, review: approved}
  - {id: clip-2, kind: clip, title: Not approved, start_ms: 45000, end_ms: 46000}
""",
    )
    out = tmp_path / "out"
    run = clipdesk(str(doc), "--out", str(out), "--only", "approved", "--media",
                   str(demo_video), "--mode", "fast", "--json")  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    # Edits to a clip that is also deleted: the project's own messages go to stderr.
    assert run.stderr == (
        "clipdesk export: warning: notes.md.clipdesk.yaml: clip 'key-point-1' is no longer "
        "in the document; its edits were dropped.\n"
    )
    summary = json_lines(run.stdout)[-1]
    ranges = {j["clip_id"]: (j["start_ms"], j["end_ms"]) for j in summary["jobs"]}
    # Document times moved by the offset: highlight-1 is 0:04-0:06 in the document.
    assert ranges == {
        "highlight-1": (6000, 8000),
        "highlight-2": (22000, 24000),
        "clip-1": (42000, 43000),
    }
    assert summary["counts"]["done"] == 3 and len(list(out.iterdir())) == 3
    assert project.is_file()  # exporting only reads the project file

    run = clipdesk(str(doc), "--out", str(out), "--only", "approved", "--no-project",
                   "--media", str(demo_video), "--json")  # fmt: skip
    assert run.returncode == 1 and json_lines(run.stdout)[-1]["note"] == "nothing to export"


def test_bad_project_file_warns_and_exports_the_document(demo_video: Path, tmp_path: Path) -> None:
    doc = show_notes(tmp_path, "https://www.example.org/watch?v=demo1234567")
    project = write_project(doc, "schema: 1\noffset_ms: [oops\n")
    out = tmp_path / "out"
    run = clipdesk(str(doc), "--out", str(out), "--only", "highlights", "--media",
                   str(demo_video), "--mode", "fast", "--jobs", "1", "--json")  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"{project}: is not valid YAML" in run.stderr
    assert "exporting the document without it" in run.stderr and "Traceback" not in run.stderr
    jobs = json_lines(run.stdout)[-1]["jobs"]
    assert [(j["start_ms"], j["end_ms"]) for j in jobs] == [(4000, 6000), (21000, 23500)]
    assert project.read_text(encoding="utf-8").startswith("schema: 1")  # left where it was


def test_failures_exit_1(range_server, tmp_path: Path) -> None:
    doc = show_notes(tmp_path, range_server.url("missing.mp4"))
    run = clipdesk(str(doc), "--out", str(tmp_path / "o"), "--only", "highlights", "--json")
    assert run.returncode == 1
    summary = json_lines(run.stdout)[-1]
    assert summary["ok"] is False and summary["counts"]["failed"] == 2
    assert all("HTTP Error 404" in j["error"] for j in summary["jobs"])
    assert list((tmp_path / "o").iterdir()) == []


def test_missing_ffmpeg(range_server, demo_video: Path, tmp_path: Path) -> None:
    doc = show_notes(tmp_path, range_server.url("demo.mp4"))
    env = dict(os.environ, PATH=str(tmp_path / "empty-bin"))
    run = clipdesk(str(doc), "--out", str(tmp_path / "o"), "--media", str(demo_video), env=env)
    assert run.returncode == 1
    lines = [line for line in run.stdout.splitlines() if " failed " in line]
    assert len(lines) == 4 and all("ffmpeg not found on PATH" in line for line in lines)
    assert not (tmp_path / "o").exists() or list((tmp_path / "o").iterdir()) == []


def test_unknown_end_is_reported_and_fails(tmp_path: Path, demo_video: Path) -> None:
    doc = tmp_path / "segments.txt"
    doc.write_text(
        "Key Takeaways\n\n- One\n\nSegments\n\nStart\nCopied to clipboard!\n(00:00:00)\n"
        "- Summary: the start\n\nLast\nCopied to clipboard!\n(00:00:02)\n- Summary: the end\n",
        encoding="utf-8",
    )
    run = clipdesk(str(doc), "--out", str(tmp_path / "o"), "--media", str(demo_video),
                   "--mode", "fast")  # fmt: skip
    assert run.returncode == 1, run.stdout + run.stderr
    assert "end time is unknown" in run.stdout
    assert len(list((tmp_path / "o").iterdir())) == 1  # the other segment was exported


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope.md", "--out", "{tmp}/o"], "nope.md"),
        (["tests/documents/not-show-notes.md", "--out", "{tmp}/o"], "not-show-notes.md:"),
        (["{doc}", "--out", "{tmp}/o", "--jobs", "0"], "--jobs must be between 1 and 16"),
        (["{doc}", "--out", "{doc}"], "is not a folder"),
        (["{doc}", "--out", "{tmp}/o", "--media", "ftp://host/v.mp4"], "unsupported media"),
        (["{doc}", "--out", "{tmp}/o", "--media", "{tmp}/none.mp4"], "media file not found"),
        (["{doc}", "--out", "{tmp}/o", "--template", "{{nope}}"], "unknown field {nope}"),
        (["{doc}", "--out", "{tmp}/o", "--mode", "slow"], "invalid choice: 'slow'"),
    ],
)
def test_bad_input_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    doc = show_notes(tmp_path, "https://www.example.org/watch?v=demo1234567")
    run = clipdesk(*(a.format(tmp=tmp_path, doc=doc) for a in args))
    assert run.returncode == 2
    assert message in run.stderr
    assert "Traceback" not in run.stderr and run.stdout == ""
    assert not (tmp_path / "o").exists()


def test_hostile_commands_never_reach_ytdlp(range_server, media_dir: Path, tmp_path: Path) -> None:
    """Only the media URL and each clip's range reach yt-dlp, whatever the document says."""
    video = media_dir / "export-long.mp4"
    if not video.exists():
        make_demo_video(video, duration_s=125, width=160, height=90, fps=10)
    record = tmp_path / "argv.jsonl"
    spy = tmp_path / "yt-dlp-spy"
    spy.write_text(
        f"#!{sys.executable}\n"
        "import json, runpy, sys\n"
        f"with open({str(record)!r}, 'a') as f:\n"
        "    f.write(json.dumps(sys.argv[1:]) + '\\n')\n"
        "sys.argv = ['yt-dlp', *sys.argv[1:]]\n"
        "runpy.run_module('yt_dlp', run_name='__main__')\n"
    )
    spy.chmod(0o755)
    url = range_server.url("export-long.mp4")
    # Without Range support the clips are cut by yt-dlp (a direct .mp4 that can be read
    # by ranges never reaches it).
    range_server.faults["export-long.mp4"] = "norange"
    env = dict(os.environ, CLIPDESK_YTDLP=str(spy))
    out = tmp_path / "out"
    run = clipdesk("tests/documents/hostile.md", "--out", str(out), "--media", url,
                   "--mode", "fast", "--jobs", "3", "--json", env=env)  # fmt: skip
    # Its highlight "Not yt-dlp" has neither a clip command nor a time: a clip the
    # document names that cannot be exported, so the export as a whole fails.
    assert run.returncode == 1, run.stdout + run.stderr
    unreadable = [e for e in json_lines(run.stdout) if e["event"] == "skipped"]
    assert [e["reason"].split(": ", 1)[1] for e in unreadable] == [
        "highlight 'Not yt-dlp' has no clip command and no time; skipped"
    ]
    calls = [json.loads(line) for line in record.read_text().splitlines()]
    # The source is read once (yt-dlp -J), then each clip is cut from that reading.
    [info] = [argv for argv in calls if "-J" in argv]
    cuts = [argv for argv in calls if "-J" not in argv]
    assert info[-2:] == ["--", url] and info.count(url) == 1
    assert len(cuts) == 6 == len(list(out.iterdir()))
    sections = set()
    for argv in [info, *cuts]:
        if argv is not info:
            i = argv.index("--load-info-json")
            assert argv[i + 1].endswith(".info.json") and "clipdesk-sources-" in argv[i + 1]
            assert not Path(argv[i + 1]).parent.exists()  # removed when the batch ended
            assert url not in argv
            sections.add(argv[argv.index("--download-sections") + 1])
        text = " ".join(argv)
        for bad in ("exec", "rm -rf", "cron", "evil", "passwd", "batch-file", "curl", "touch",
                    "example.org", "`id`", "$("):  # fmt: skip
            assert bad not in text
    assert sections == {f"*{s}.000-{s + 10}.000" for s in (10, 30, 50, 70, 90, 110)}
    assert not Path("/tmp/clipdesk-pwned").exists()


def test_ctrl_c_cancels_and_cleans_up(demo_video: Path, tmp_path: Path) -> None:
    doc = tmp_path / "long.md"
    doc.write_text(
        "---\nvideo_id: long\nurl: https://www.example.org/watch?v=long\n---\n\n"
        "## Highlights\n\n### Most of it\n\n```bash\n"
        'yt-dlp --download-sections "*0:01-0:55" "https://www.example.org/watch?v=long"\n```\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "clipdesk", "export", str(doc), "--out", str(out),
         "--media", str(demo_video)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    assert proc.stdout is not None
    for line in proc.stdout:
        if "running" in line and " 0.0%" not in line:
            break
    proc.send_signal(signal.SIGINT)
    rest, err = proc.communicate(timeout=20)
    assert proc.returncode == 130, err
    assert "interrupted: 0 done, 0 failed, 1 cancelled" in rest
    assert "Traceback" not in err
    assert list(out.iterdir()) == []


BAD_TIMES = """---
video_id: demo1234567
title: Demo
duration: 60
url: https://www.example.org/watch?v=demo1234567
---

## Highlights

### Good one

```bash
yt-dlp --download-sections "*0:04-0:06" "https://www.example.org/watch?v=demo1234567"
```

### Bad time

```bash
yt-dlp --download-sections "*99:99-100:10" "https://www.example.org/watch?v=demo1234567"
```

## Key Points

- **Point** ([0:30](https://www.example.org/watch?v=demo1234567&t=30s)) - talk
"""


def test_document_warnings_are_printed_and_an_unreadable_clip_fails(
    demo_video: Path, tmp_path: Path
) -> None:
    doc = tmp_path / "bad.md"
    doc.write_text(BAD_TIMES, encoding="utf-8")
    out = tmp_path / "out"
    inspect = subprocess.run(
        [sys.executable, "-m", "clipdesk", "inspect", str(doc)],
        capture_output=True, text=True, timeout=60, cwd=ROOT,
    )  # fmt: skip
    run = clipdesk(str(doc), "--out", str(out), "--only", "highlights", "--media",
                   str(demo_video), "--mode", "fast", "--json")  # fmt: skip
    assert inspect.stderr and inspect.stderr in run.stderr  # the same warnings, same form
    assert f"{doc}:16: warning: highlight 'Bad time' has no clip command" in run.stderr
    assert run.returncode == 1, run.stdout + run.stderr
    events = json_lines(run.stdout)
    bad = [e for e in events if e["event"] == "skipped"]
    assert len(bad) == 1 and bad[0]["error"] is True and bad[0]["clip_id"] is None
    assert bad[0]["reason"].startswith("line 16: highlight 'Bad time'")
    summary = events[-1]
    assert summary["ok"] is False and summary["counts"]["done"] == 1
    assert summary["not_exported"] == 1
    # Only key points: the unreadable highlight is not part of that export.
    run = clipdesk(str(doc), "--out", str(out), "--only", "key-points", "--media",
                   str(demo_video), "--mode", "fast")  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
