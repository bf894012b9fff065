"""The project file: round trip, atomic writes, validation and corrupt files."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
import yaml

from clipdesk.core.atomic_file import write_atomic
from clipdesk.core.bounds import Timebase
from clipdesk.core.clip_store import ClipStore
from clipdesk.core.episode import Clip, ClipKind, Episode, ReviewStatus, SourceFormat
from clipdesk.core.project_file import (
    MediaBinding,
    Project,
    ProjectFileError,
    project_path,
    read_project,
)
from clipdesk.core.project_text import END_MARKER, seal


def open_doc(doc: Path) -> tuple[ClipStore, Timebase, Project]:
    """What opening a document does: read it (here: build it), then its project."""
    clips = [
        Clip("hl-1", ClipKind.HIGHLIGHT, "Opening", 10_000, 20_000, line=5),
        Clip("hl-2", ClipKind.HIGHLIGHT, "Second", 30_000, 45_000, line=9),
        Clip("seg-1", ClipKind.SEGMENT, "Segment", 50_000, None, line=12),
    ]
    store = ClipStore(Episode(doc, SourceFormat.SHOW_NOTES, clips=clips))
    tb = Timebase(duration_ms=600_000)
    return store, tb, Project(doc, store, tb)


@pytest.fixture()
def doc(tmp_path: Path) -> Path:
    path = tmp_path / "episode.md"
    path.write_text("# notes\n")
    return path


def test_project_path_beside_document(doc: Path) -> None:
    assert project_path(doc) == doc.parent / "episode.md.clipdesk.yaml"


def test_no_project_file_opens_clean(doc: Path) -> None:
    store, _, project = open_doc(doc)
    result = project.load()
    assert not result.loaded and result.messages == [] and len(store) == 3


def test_round_trip_restores_everything(doc: Path) -> None:
    store, tb, project = open_doc(doc)
    store.update("hl-1", start_ms=11_040, end_ms=19_500, note="tighter", title="Open")
    store.update("hl-2", review=ReviewStatus.REJECTED)
    store.remove("seg-1")
    store.insert(0, Clip("clip-1", ClipKind.CLIP, "Mine", 1_000, 4_000, note="new"))
    tb.offset_ms = -872_000
    project.set_media(MediaBinding("/videos/ep.mp4", duration_ms=900_000, fps=29.97))
    project.set_export_settings({"template": "{n}-{title}", "crf": 20})
    project.set_export_queue([{"clip": "hl-1", "state": "queued"}])
    project.save()
    text = project.path.read_text()
    data = yaml.safe_load(text)
    assert data["schema"] == 1
    assert data["clips"] == {
        "hl-1": {
            "match": {"kind": "highlight", "title": "Opening", "start_ms": 10_000},
            "start_ms": 11_040,
            "end_ms": 19_500,
            "title": "Open",
            "note": "tighter",
        },
        "hl-2": {
            "match": {"kind": "highlight", "title": "Second", "start_ms": 30_000},
            "review": "rejected",
        },
    }
    assert data["deleted"] == [
        {"id": "seg-1", "kind": "segment", "title": "Segment", "start_ms": 50_000}
    ]
    assert data["order"] == ["clip-1", "hl-1", "hl-2"]

    store2, tb2, project2 = open_doc(doc)
    heard: list[str] = []
    store2.subscribe(lambda kind, *_: heard.append(kind))
    result = project2.load()
    assert result.loaded and result.messages == [] and heard == ["reset"]
    assert [c.id for c in store2] == ["clip-1", "hl-1", "hl-2"]
    hl1 = store2.get("hl-1")
    assert (hl1.start_ms, hl1.end_ms, hl1.title, hl1.note) == (11_040, 19_500, "Open", "tighter")
    assert hl1.kind is ClipKind.HIGHLIGHT and hl1.line == 5 and hl1.bounds_edited
    assert store2.get("hl-2").review is ReviewStatus.REJECTED
    added = store2.get("clip-1")
    assert (added.kind, added.start_ms, added.end_ms, added.note) == (
        ClipKind.CLIP,
        1_000,
        4_000,
        "new",
    )
    assert tb2.offset_ms == -872_000 and tb2.duration_ms == 900_000 and tb2.fps == 29.97
    assert project2.media == MediaBinding("/videos/ep.mp4", 900_000, 29.97)
    assert project2.export_settings == {"template": "{n}-{title}", "crf": 20}
    assert project2.export_queue == [{"clip": "hl-1", "state": "queued"}]
    # Saving again without edits writes the same content (apart from the time stamp).
    project2.save()
    again = yaml.safe_load(project2.path.read_text())
    assert {k: v for k, v in again.items() if k != "saved_at"} == {
        k: v for k, v in data.items() if k != "saved_at"
    }


def test_document_changed_since_warns_and_keeps_the_rest(doc: Path) -> None:
    store, _, project = open_doc(doc)
    store.update("hl-1", note="keep me")
    project.save()
    data = yaml.safe_load(project.path.read_text())
    data["clips"]["gone-1"] = {"note": "orphan"}
    data["deleted"].append("gone-2")  # a bare id, as a hand-written file may have it
    data["clips"]["hl-2"] = {"start_ms": 50_000, "note": "bounds bad"}  # past its end
    project.path.write_bytes(seal(yaml.safe_dump(data)))
    store2, _, project2 = open_doc(doc)
    result = project2.load()
    assert result.loaded
    text = "\n".join(result.messages)
    assert "'gone-1' is no longer in the document" in text
    assert "'gone-2' is no longer in the document" in text
    assert "'hl-2'" in text and "must be after the in point" in text
    assert store2.get("hl-1").note == "keep me"
    assert store2.get("hl-2").start_ms == 30_000 and store2.get("hl-2").note == "bounds bad"


CORRUPT = [
    ("{{{ not yaml", "is not valid YAML at line"),
    ("- just\n- a list\n", "no mapping at the top"),
    ("clips: {}\n", "no valid schema number"),
    ("schema: 1\nclips:\n  hl-1: {start_ms: '10'}\n", "clips.hl-1.start_ms must be a whole"),
    ("schema: 1\nclips:\n  hl-1: {colour: red}\n", "unknown fields ['colour']"),
    ("schema: 1\nclips:\n  hl-1: {review: maybe}\n", "review must be one of"),
    ("schema: 1\nadded: [{id: x}]\n", "added[0] has no start_ms"),
    ("schema: 1\nexport_queue: [1, 2]\n", "list of mappings"),
    ("schema: 1\nmedia: {path: x}\n", "'source' path or URL"),
    ("schema: 1\noffset_ms: true\n", "offset_ms must be a whole number"),
    ("schema: 1\nx: !!python/object/apply:os.system ['echo hi']\n", "is not valid YAML"),
    ("schema: 1\nsaved: 2026-02-31\n", "cannot be read (ValueError"),
]


@pytest.mark.parametrize(("text", "message"), CORRUPT)
def test_corrupt_file_is_moved_aside(doc: Path, text: str, message: str) -> None:
    path = project_path(doc)
    path.write_bytes(seal(text))  # whole, as Clipdesk seals it, but wrong inside
    with pytest.raises(ProjectFileError, match=message.replace("[", r"\[").replace("(", r"\(")):
        read_project(path)
    store, tb, project = open_doc(doc)
    result = project.load()
    assert not result.loaded
    assert result.moved_aside is not None and result.moved_aside.read_bytes() == seal(text)
    assert result.moved_aside.name.startswith("episode.md.clipdesk.yaml.corrupt-")
    assert not path.exists()
    assert str(path) in result.messages[0] and "opens without it" in result.messages[0]
    assert [c.id for c in store] == ["hl-1", "hl-2", "seg-1"] and tb.offset_ms == 0


def test_unreadable_file_is_moved_aside(doc: Path) -> None:
    path = project_path(doc)
    body = b"schema: 1\nnote: \xff\xfe\n"  # whole and sealed, but not UTF-8
    path.write_bytes(body + f"{END_MARKER}{hashlib.sha256(body).hexdigest()}\n".encode())
    _, _, project = open_doc(doc)
    result = project.load()
    assert result.moved_aside is not None and "cannot be read" in result.messages[0]


def test_atomic_write_leaves_no_temporaries(tmp_path: Path) -> None:
    target = tmp_path / "a.yaml"
    write_atomic(target, "one\n")
    write_atomic(target, "two\n")
    assert target.read_text() == "two\n"
    assert os.listdir(tmp_path) == ["a.yaml"]


def test_edits_follow_their_clips_when_the_document_shifts_ids(doc: Path) -> None:
    store, _, project = open_doc(doc)
    store.update("hl-2", note="second's note", start_ms=31_000)
    store.update("hl-1", review=ReviewStatus.APPROVED)
    store.remove("seg-1")
    project.save()

    # The document gained a highlight at the top: the reader numbers it hl-1.
    clips = [
        Clip("hl-1", ClipKind.HIGHLIGHT, "Cold open", 1_000, 5_000, line=2),
        Clip("hl-2", ClipKind.HIGHLIGHT, "Opening", 10_000, 20_000, line=5),
        Clip("hl-3", ClipKind.HIGHLIGHT, "Second", 30_000, 45_000, line=9),
        Clip("seg-1", ClipKind.SEGMENT, "Segment", 50_000, None, line=12),
    ]
    store2 = ClipStore(Episode(doc, SourceFormat.SHOW_NOTES, clips=clips))
    result = Project(doc, store2, Timebase()).load()
    assert result.messages == []
    assert [c.id for c in store2] == ["hl-2", "hl-3", "hl-1"]  # the saved order, then new
    assert store2.get("hl-1").review is ReviewStatus.UNREVIEWED
    assert store2.get("hl-2").review is ReviewStatus.APPROVED
    assert (store2.get("hl-3").note, store2.get("hl-3").start_ms) == ("second's note", 31_000)

    # A clip whose title changed in the document no longer matches: its edits drop.
    clips = [
        Clip("hl-1", ClipKind.HIGHLIGHT, "Opening", 10_000, 20_000, line=5),
        Clip("hl-2", ClipKind.HIGHLIGHT, "Second, retitled", 30_000, 45_000, line=9),
    ]
    store3 = ClipStore(Episode(doc, SourceFormat.SHOW_NOTES, clips=clips))
    result = Project(doc, store3, Timebase()).load()
    assert store3.get("hl-2").note == "" and store3.get("hl-1").review is ReviewStatus.APPROVED
    assert any("'hl-2' is no longer in the document" in m for m in result.messages)


def test_document_saved_rebases_the_edits(doc: Path) -> None:
    store, _, project = open_doc(doc)
    store.update("hl-1", start_ms=12_000, note="kept")
    store.update("hl-2", title="Renamed")
    store.remove("seg-1")
    store.insert(0, Clip("clip-1", ClipKind.CLIP, "Mine", 1_000, 4_000))
    project.document_saved()  # the document now says 12 s; nothing else of this
    data = project.to_data()
    assert data["clips"] == {
        "hl-1": {
            "match": {"kind": "highlight", "title": "Opening", "start_ms": 12_000},
            "note": "kept",
        },
        "hl-2": {
            "match": {"kind": "highlight", "title": "Second", "start_ms": 30_000},
            "title": "Renamed",
        },
    }
    assert [d["id"] for d in data["deleted"]] == ["seg-1"]
    assert [a["id"] for a in data["added"]] == ["clip-1"]


def test_load_removes_temporaries_of_a_killed_writer(doc: Path) -> None:
    store, _, project = open_doc(doc)
    store.update("hl-1", note="saved")
    project.save()
    stale = doc.parent / ".episode.md.clipdesk.yaml.k3j2_x.tmp"
    stale.write_text("schema: 1\nclips: {hl-")  # cut short by the kill
    other = doc.parent / ".notes.tmp"
    other.write_text("not ours")
    _, _, project2 = open_doc(doc)
    assert project2.load().loaded
    assert not stale.exists() and other.exists()


def test_failed_write_keeps_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "a.yaml"
    write_atomic(target, "old\n")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="No space"):
        write_atomic(target, "new\n")
    assert target.read_text() == "old\n" and os.listdir(tmp_path) == ["a.yaml"]


def test_export_state_must_be_plain(doc: Path) -> None:
    _, _, project = open_doc(doc)
    with pytest.raises(TypeError, match="plain data"):
        project.set_export_settings({"when": object()})


@pytest.mark.parametrize("seed", ["000_6bff21266dae52fe.txt", "001_3baa9c223fab6a12.txt"])
def test_round_trip_over_a_real_document(seeds_dir: Path, tmp_path: Path, seed: str) -> None:
    import dataclasses
    import shutil

    from clipdesk.core.bounds import align_offset
    from clipdesk.core.reader import read_document

    doc = tmp_path / seed
    shutil.copy(seeds_dir / seed, doc)
    original = doc.read_bytes()

    def open_real() -> tuple[ClipStore, Timebase, Project]:
        episode = read_document(doc)
        store = ClipStore(episode)
        timebase = Timebase(duration_ms=episode.duration_ms)
        return store, timebase, Project(doc, store, timebase)

    store, tb, project = open_real()
    first, second, third = store[0], store[1], store[2]
    if seed.startswith("001"):
        # Format B lists at 00:16:29 a topic the video has at 1:57.
        topic = next(c for c in store if c.start_ms == 989_000)
        tb.offset_ms = align_offset(117_000, topic)
    store.update(first.id, start_ms=first.start_ms + 1_040, review=ReviewStatus.APPROVED)
    store.update(second.id, note="ümlaut — and a: colon\nand a second line", title="Renamed")
    store.remove(third.id)
    store.insert(1, Clip("clip-1", ClipKind.CLIP, "Mine", 5_000, 9_000))
    project.save()
    expected = [dataclasses.asdict(c) for c in store]
    assert doc.read_bytes() == original  # the document changes only on Save Document

    store2, tb2, project2 = open_real()
    result = project2.load()
    assert result.loaded and result.messages == []
    assert [dataclasses.asdict(c) for c in store2] == expected
    assert tb2.offset_ms == tb.offset_ms
    if seed.startswith("001"):
        assert tb2.offset_ms == -872_000
