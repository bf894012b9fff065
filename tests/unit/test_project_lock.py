"""One writer per project file: a second opener (another process or another window of
this one) gets it read-only and saves nothing, and a lock of a killed holder is stale."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from clipdesk.core.bounds import Timebase
from clipdesk.core.clip_store import ClipStore
from clipdesk.core.episode import Clip, ClipKind, Episode, SourceFormat
from clipdesk.core.project_file import Project, ProjectReadOnly, read_project
from clipdesk.core.project_lock import acquire, lock_path

ROOT = Path(__file__).resolve().parents[2]


def open_doc(doc: Path) -> tuple[ClipStore, Project]:
    clips = [Clip("highlight-1", ClipKind.HIGHLIGHT, "Opening", 10_000, 20_000, line=5)]
    store = ClipStore(Episode(doc, SourceFormat.SHOW_NOTES, clips=clips))
    return store, Project(doc, store, Timebase(duration_ms=600_000))


HOLDER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    sys.path.insert(0, sys.argv[2])
    from tests.unit.test_project_lock import open_doc
    store, project = open_doc(Path(sys.argv[1]))
    result = project.load()
    assert not result.read_only, result.messages
    store.update("highlight-1", note="written by the other window")
    project.save()
    print("ready", flush=True)
    sys.stdin.read()
    """
)


@pytest.fixture()
def doc(tmp_path: Path) -> Path:
    path = tmp_path / "episode.md"
    path.write_text("# notes\n")
    return path


def test_second_process_opens_read_only_and_never_overwrites(doc: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(doc), str(ROOT)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT / "desktop")),
    )
    try:
        assert child.stdout is not None and child.stdout.readline() == "ready\n"
        store, project = open_doc(doc)
        result = project.load()
        assert result.loaded and project.read_only
        host = socket.gethostname()
        assert f"is open in Clipdesk (process {child.pid} on {host})" in result.messages[0]
        assert "read-only" in result.messages[0]
        assert store.get("highlight-1").note == "written by the other window"  # shown
        store.update("highlight-1", note="mine")
        with pytest.raises(ProjectReadOnly):
            project.save()
        data = read_project(project.path)
        assert data["clips"]["highlight-1"]["note"] == "written by the other window"
        # The holder dies without a word: its lock is stale, the next opener writes.
        child.send_signal(signal.SIGKILL)
        child.wait(10)
        store, again = open_doc(doc)
        assert not again.load().read_only
        store.update("highlight-1", note="after the crash")
        again.save()
        assert read_project(again.path)["clips"]["highlight-1"]["note"] == "after the crash"
        again.release()
        assert not lock_path(again.path).exists()
    finally:
        child.kill()
        child.wait()


def test_two_openers_in_one_process_conflict_until_release(doc: Path) -> None:
    _, first = open_doc(doc)
    assert not first.load().read_only
    _, second = open_doc(doc)
    assert second.load().read_only == f"{doc.name}.clipdesk.yaml is open in Clipdesk " + (
        f"(process {os.getpid()} on {socket.gethostname()})"
    )
    first.release()
    _, third = open_doc(doc)
    assert not third.load().read_only
    third.release()


def test_lock_file_left_by_a_dead_process_is_taken(doc: Path) -> None:
    lock = lock_path(doc.with_name(doc.name + ".clipdesk.yaml"))
    lock.write_text("pid: 999999\nhost: elsewhere\n")  # no one holds its flock
    got = acquire(doc.with_name(doc.name + ".clipdesk.yaml"))
    assert got.held  # type: ignore[union-attr]
    assert lock.read_text().startswith(f"pid: {os.getpid()}\n")
    got.release()  # type: ignore[union-attr]
