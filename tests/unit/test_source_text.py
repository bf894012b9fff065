"""Opening documents: what is not a regular text file is refused at once, with the file
named; text in the encodings and line endings real files use is read."""

from __future__ import annotations

import codecs
import os
import socket
import subprocess
import sys

import pytest

from clipdesk.core.errors import DocumentError
from clipdesk.core.reader import read_document
from clipdesk.core.writer import render_document

DOC = (
    "---\ntitle: T\nduration: 100\n---\n\n## Key Points\n\n"
    "- **One** ([0:10](https://v.example/w?v=x&t=10s)) - first\n"
    "- **Two** ([0:20](https://v.example/w?v=x&t=20s)) - second\n"
)


def refused(path) -> DocumentError:
    with pytest.raises(DocumentError) as info:
        read_document(path)
    assert str(info.value).startswith(f"{path}:")
    return info.value


def test_fifo_device_folder_and_socket_are_refused_without_reading(tmp_path) -> None:
    fifo = tmp_path / "notes.md"
    os.mkfifo(fifo)  # nobody writes: reading it would wait forever
    assert "named pipe" in refused(fifo).message
    assert "device" in refused("/dev/zero").message
    assert "folder" in refused(tmp_path).message
    sock_path = tmp_path / "s.md"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(sock_path))
        assert "socket" in refused(sock_path).message


def test_a_file_over_20_mb_is_refused_before_it_is_read(tmp_path) -> None:
    big = tmp_path / "huge.md"
    with open(big, "wb") as f:
        f.truncate(200 * 1024 * 1024)  # sparse: nothing is written, nothing must be read
    assert "too large" in refused(big).message and "200 MB" in refused(big).message


def test_not_text_is_refused(tmp_path) -> None:
    png = tmp_path / "picture.md"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    assert "not a text document" in refused(png).message


@pytest.mark.parametrize(
    ("encode", "name"),
    [
        (lambda t: t.encode("utf-8"), "utf-8"),
        (lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), "utf-8 with BOM"),
        (lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"), "utf-16-le"),
        (lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"), "utf-16-be"),
        (lambda t: t.replace("\n", "\r\n").encode(), "crlf"),
        (lambda t: t.replace("\n", "\r").encode(), "cr"),
    ],
)
def test_encodings_and_line_endings(tmp_path, encode, name) -> None:
    path = tmp_path / "doc.md"
    data = encode(DOC)
    path.write_bytes(data)
    ep = read_document(path)
    assert [(c.title, c.start_ms, c.line) for c in ep.clips] == [
        ("One", 10_000, 8),
        ("Two", 20_000, 9),
    ], name
    assert ep.warnings == []
    assert render_document(ep) == data  # written back in its own encoding and endings


def test_bad_bytes_are_replaced_with_one_warning_naming_the_first_line(tmp_path) -> None:
    path = tmp_path / "latin.md"
    data = DOC.replace("first", "caf\xe9").replace("second", "na\xefve").encode("latin-1")
    path.write_bytes(data)
    ep = read_document(path)
    assert ep.clips[0].summary == "caf\ufffd"
    bad = [w for w in ep.warnings if "UTF-8" in w.message]
    assert [(w.line, w.message) for w in bad] == [
        (8, "not valid UTF-8 (first bad byte 0xe9 on this line): bad bytes are shown as \ufffd")
    ]
    assert render_document(ep) == data  # the bytes themselves are kept


@pytest.mark.parametrize(
    ("meta", "expect"),
    [
        ("a: &x [1, 2]\nb: *x", "frontmatter uses a YAML alias (*name), which is not accepted"),
        ("a: &a [x]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]", "YAML alias"),
        ("deep: " + "[" * 40 + "]" * 40, "frontmatter is nested deeper than 16 levels"),
        ("note: '" + "x" * 70_000 + "'", "KiB, more than the 64 KiB accepted"),
    ],
)
def test_frontmatter_bounds_are_warnings(tmp_path, meta, expect) -> None:
    path = tmp_path / "y.md"
    path.write_text(DOC.replace("title: T", f"title: T\n{meta}"))
    ep = read_document(path)
    assert len(ep.clips) == 2
    assert any(expect in w.message for w in ep.warnings), ep.warnings
    assert ep.title == "y"  # metadata ignored as a whole


def test_inspect_refuses_each_bad_file_with_status_2(tmp_path) -> None:
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    big = tmp_path / "big.md"
    with open(big, "wb") as f:
        f.truncate(200 * 1024 * 1024)
    for path, expect in [
        (fifo, "is a named pipe (FIFO), not a document"),
        ("/dev/zero", "is a device, not a document"),
        (tmp_path, "is a folder, not a document"),
        (big, "too large for a show-notes document"),
    ]:
        # A hang here is the defect: the timeout turns it into a failure.
        r = subprocess.run(
            [sys.executable, "-m", "clipdesk", "inspect", str(path)],
            capture_output=True, text=True, timeout=30,
        )  # fmt: skip
        assert r.returncode == 2, r.stderr
        assert r.stderr == f"{path}: {expect}\n" or (
            r.stderr.startswith(f"{path}: {expect}") and r.stderr.count("\n") == 1
        )
        assert r.stdout == ""


def test_bad_bytes_never_reach_the_output_of_either_reader(tmp_path) -> None:
    path = tmp_path / "seg.txt"
    path.write_bytes(
        b"Key Takeaways\n- caf\xe9 ovens\n\nSegments\nCold Open (00:00:00)\n- Summary: na\xefve.\n"
    )
    r = subprocess.run(
        [sys.executable, "-m", "clipdesk", "inspect", "--json", str(path)],
        capture_output=True, timeout=60,
    )  # fmt: skip
    assert r.returncode == 0
    out = r.stdout.decode("utf-8")  # strict: a raw bad byte would fail here
    assert "caf\ufffd ovens" in out and "na\ufffdve." in out


def test_a_bad_byte_in_the_frontmatter_keeps_the_metadata(tmp_path) -> None:
    path = tmp_path / "fm.md"
    path.write_bytes(DOC.replace("title: T", "title: Caf\xe9 hour").encode("latin-1"))
    ep = read_document(path)
    assert (ep.title, ep.duration_ms) == ("Caf\ufffd hour", 100_000)
    assert [w.line for w in ep.warnings] == [2]  # the one decoding warning
