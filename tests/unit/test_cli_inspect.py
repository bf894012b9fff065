import json
import subprocess
import sys


def clipdesk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "clipdesk", *args], capture_output=True, text=True, timeout=60
    )


def test_inspect_table(docs_dir) -> None:
    r = clipdesk("inspect", str(docs_dir / "harbour-lights.md"))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("Harbour Lights #212")
    assert (
        "4 highlights, 5 key points, 0 segments, 0 clips, 7 transcript lines, 0 takeaways, "
        "0 mentions, 0 quotes, 0 lines not understood, 0 warnings"
    ) in r.stdout
    assert any(ln.startswith("highlight  1  0:18:52.500  0:19:40.000") for ln in lines)
    assert r.stderr == ""


def test_inspect_json_shape(docs_dir) -> None:
    r = clipdesk("inspect", str(docs_dir / "night-shift.txt"), "--json")
    assert r.returncode == 0
    data = json.loads(r.stdout)
    assert set(data) >= {"schema", "document", "format", "episode", "clips", "transcript",
                         "takeaways", "mentions", "warnings", "counts"}  # fmt: skip
    assert data["format"] == "segments"
    clip = data["clips"][1]
    assert clip == clip | {"id": "segment-2", "kind": "segment", "index": 2,
                           "start_ms": 270_000, "end_ms": 1_145_500, "start": "0:04:30.000"}  # fmt: skip
    assert data["warnings"] == [
        {"line": 26, "message": "the last segment has no end: the document gives no duration"}
    ]
    assert "night-shift.txt:26: warning: the last segment" in r.stderr


def test_inspect_refuses_bad_input_with_status_2(docs_dir, tmp_path) -> None:
    binary = tmp_path / "movie.md"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    for path, expect in [
        (docs_dir / "not-show-notes.md", "not-show-notes.md:1: not a show-notes document"),
        (binary, "movie.md:1: not a text document"),
        (tmp_path / "missing.md", "missing.md: no such file"),
    ]:
        r = clipdesk("inspect", str(path), "--json")
        assert r.returncode == 2
        assert r.stdout == ""
        assert expect in r.stderr
        assert "Traceback" not in r.stderr
        assert len(r.stderr.strip().splitlines()) == 1


def test_inspect_into_a_closed_pipe(seeds_dir) -> None:
    """Like `clipdesk inspect DOC | head -1`: the reader goes away early."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "clipdesk", "inspect", str(seeds_dir / "000_6bff21266dae52fe.txt")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(30)
    assert "Traceback" not in err
