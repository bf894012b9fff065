"""Project files under faults and hostile bytes: cut short, altered, alias bombs, huge,
not regular files, of a newer schema. Each is refused whole (or opened read-only), never
applied in part; a good backup of the previous version is used instead."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from clipdesk.core.bounds import Timebase
from clipdesk.core.clip_store import ClipStore
from clipdesk.core.episode import Clip, ClipKind, Episode, ReviewStatus, SourceFormat
from clipdesk.core.project_file import (
    Project,
    ProjectFileError,
    ProjectReadOnly,
    backup_path,
    project_path,
    read_project,
)
from clipdesk.core.project_text import MAX_PROJECT_BYTES, seal

ROOT = Path(__file__).resolve().parents[2]


def open_doc(doc: Path) -> tuple[ClipStore, Project]:
    clips = [
        Clip("highlight-1", ClipKind.HIGHLIGHT, "Opening", 10_000, 20_000, line=5),
        Clip("highlight-2", ClipKind.HIGHLIGHT, "Second", 30_000, 45_000, line=9),
        Clip("segment-1", ClipKind.SEGMENT, "Segment", 50_000, None, line=12),
    ]
    store = ClipStore(Episode(doc, SourceFormat.SHOW_NOTES, clips=clips))
    return store, Project(doc, store, Timebase(duration_ms=600_000))


def state(store: ClipStore) -> list[tuple]:
    return [(c.id, c.start_ms, c.end_ms, c.title, c.review, c.note) for c in store]


@pytest.fixture()
def doc(tmp_path: Path) -> Path:
    path = tmp_path / "episode.md"
    path.write_text("# notes\n")
    return path


def test_truncated_file_is_refused_and_the_backup_restores_the_rejection(doc: Path) -> None:
    store, project = open_doc(doc)
    store.update("highlight-1", note="first pass")
    store.update("highlight-2", review=ReviewStatus.REJECTED)
    project.save()
    store.update("highlight-1", note="second pass")
    project.save()  # the first version is now the backup
    assert read_project(backup_path(project.path))["clips"]["highlight-1"]["note"] == "first pass"
    project.release()
    whole = project.path.read_bytes()
    # Cut just before the rejection: still valid YAML, still schema 1.
    project.path.write_bytes(whole[: whole.index(b"  highlight-2:")])
    store2, project2 = open_doc(doc)
    result = project2.load()
    assert "is incomplete: its end marker is missing" in result.messages[0]
    assert result.moved_aside is not None and result.moved_aside.read_bytes() != whole
    assert (
        "the previous version was restored from episode.md.clipdesk.yaml.bak"
        in (result.messages[0])
    )
    assert store2.get("highlight-2").review is ReviewStatus.REJECTED
    assert store2.get("highlight-1").note == "first pass"
    project2.release()


def test_altered_file_fails_its_checksum(doc: Path) -> None:
    store, project = open_doc(doc)
    store.update("highlight-2", review=ReviewStatus.REJECTED)
    project.save()
    project.release()
    project.path.write_bytes(project.path.read_bytes().replace(b"rejected", b"approved"))
    with pytest.raises(ProjectFileError, match="does not match its checksum"):
        read_project(project.path)


BOMB = "\n".join(
    ["schema: 1", "a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]"]
    + [
        f"{n}: &{n} [{','.join([f'*{p}'] * 9)}]"
        for p, n in zip("abcdefghi", "bcdefghij", strict=True)
    ]
    + ["order: *j", ""]
)


def test_alias_bomb_is_refused_without_expanding_it(tmp_path: Path) -> None:
    """In a child limited to 1 GB of address space: the bomb's expansion (a message
    quoting the found value) would need gigabytes."""
    path = tmp_path / "bomb.clipdesk.yaml"
    path.write_bytes(seal(BOMB))
    assert len(BOMB) < 400
    code = textwrap.dedent(
        f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        from pathlib import Path
        from clipdesk.core.project_file import ProjectFileError, read_project
        try:
            read_project(Path({str(path)!r}))
        except ProjectFileError as exc:
            print("refused:", exc.message)
        """
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT / "desktop"))
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout == "refused: uses a YAML anchor or alias at line 2\n"


def test_writer_never_writes_aliases(doc: Path) -> None:
    _, project = open_doc(doc)
    shared = {"codec": "h264"}
    project.set_export_settings({"a": shared, "b": shared})  # one object, twice
    project.save()
    assert b"&" not in project.path.read_bytes() and read_project(project.path)
    project.release()


def test_oversized_file_is_refused_unread(doc: Path) -> None:
    path = project_path(doc)
    with open(path, "wb") as f:
        f.truncate(MAX_PROJECT_BYTES + 1)  # sparse: costs no disk
    with pytest.raises(ProjectFileError, match="is too large"):
        read_project(path)


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_fifo_or_device_as_project_file_is_refused_at_once(doc: Path, kind: str) -> None:
    path = project_path(doc)
    if kind == "fifo":
        os.mkfifo(path)  # no writer: a plain read would block forever
    else:
        path.symlink_to("/dev/zero")  # a plain read would never end
    outcome: list[object] = []

    def read() -> None:
        try:
            read_project(path)
        except ProjectFileError as exc:
            outcome.append(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(20)
    assert not reader.is_alive(), "the read blocked"
    assert "is not a regular file" in str(outcome[0])
    # The window moves it aside like any unusable file and opens the document.
    store, project = open_doc(doc)
    result = project.load()
    assert result.moved_aside is not None and "is not a regular file" in result.messages[0]
    assert state(store) == state(open_doc(doc)[0])
    project.release()


def test_newer_schema_opens_read_only_and_is_never_written(doc: Path) -> None:
    path = project_path(doc)
    newer = b"schema: 2\nclips: {highlight-1: {note: from the future}}\nnew_field: [1, 2]\n"
    path.write_bytes(newer)
    store, project = open_doc(doc)
    result = project.load()
    assert result.moved_aside is None and result.read_only
    assert "uses schema 2, newer than this Clipdesk reads (1)" in result.messages[0]
    assert "left as it is" in result.messages[0]
    store.update("highlight-1", note="an edit here")
    with pytest.raises(ProjectReadOnly):
        project.save()
    assert path.read_bytes() == newer
    assert sorted(p.name for p in doc.parent.iterdir()) == [doc.name, path.name]


# -- the reader as a whole: edits exactly as written, or a refusal -------------------

EDITS = st.lists(
    st.tuples(
        st.sampled_from(["highlight-1", "highlight-2", "segment-1"]),
        st.sampled_from(["note", "title", "review", "start_ms"]),
        st.integers(min_value=0, max_value=9),
    ),
    min_size=1,
    max_size=6,
)


def _edit(store: ClipStore, clip_id: str, what: str, n: int) -> None:
    clip = store.get(clip_id)
    if what == "note":
        store.update(clip_id, note=f"note {n} ünïcode & *stars*")
    elif what == "title":
        store.update(clip_id, title=f"Title {n}: a 'quoted' # thing")
    elif what == "review":
        store.update(clip_id, review=list(ReviewStatus)[n % len(ReviewStatus)])
    elif clip.end_ms is None or clip.start_ms + 1 + n < clip.end_ms:
        store.update(clip_id, start_ms=clip.start_ms + 1 + n)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# A byte flipped into the schema number: the file reads as written by a newer Clipdesk.
@example(
    edits=[("highlight-1", "note", 0), ("highlight-1", "review", 1), ("highlight-2", "note", 0),
           ("segment-1", "note", 0)],
    cut=0.515625,
    flips=[(0.1640625, 49)],
)  # fmt: skip
@given(
    edits=EDITS,
    cut=st.floats(min_value=0.0, max_value=1.0),
    flips=st.lists(st.tuples(st.floats(0.0, 1.0), st.integers(0, 255)), max_size=3),
)
def test_any_damage_gives_the_edits_as_written_or_a_refusal(
    tmp_path_factory: pytest.TempPathFactory, edits, cut: float, flips
) -> None:
    doc = tmp_path_factory.mktemp("prop") / "episode.md"
    doc.write_text("# notes\n")
    store, project = open_doc(doc)
    for clip_id, what, n in edits:
        _edit(store, clip_id, what, n)
    project.save()
    project.release()
    written = state(store)
    whole = project.path.read_bytes()
    damaged = bytearray(whole[: round(len(whole) * cut)] if cut < 1.0 else whole)
    for where, value in flips:
        if damaged:
            damaged[min(int(where * len(damaged)), len(damaged) - 1)] = value
    project.path.write_bytes(bytes(damaged))
    fresh, again = open_doc(doc)
    clean = state(fresh)
    result = again.load()
    again.release()
    if result.loaded:
        assert state(fresh) == written, "applied a file that differs from what was written"
    else:
        assert state(fresh) == clean, "refused, yet changed the clips"
        if result.read_only:  # damage that reads as a newer schema: left as it is
            assert project.path.read_bytes() == bytes(damaged)
        else:
            assert result.moved_aside is not None
    if bytes(damaged) == whole:
        assert result.loaded


def test_yaml_of_the_reference_is_plain(doc: Path) -> None:
    """The marker is a YAML comment: the file stays readable by any YAML tool."""
    store, project = open_doc(doc)
    store.update("highlight-1", note="x")
    project.save()
    project.release()
    assert yaml.safe_load(project.path.read_text())["clips"]["highlight-1"]["note"] == "x"
