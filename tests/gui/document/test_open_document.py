"""The one owner of the open document: what it holds and what it announces."""

from __future__ import annotations

import shutil
from pathlib import Path

from clipdesk.core.project_file import project_path, read_project
from clipdesk.core.reader import read_document
from clipdesk.ui.document.open_document import OpenDocument
from clipdesk.ui.resources import example_document


def _doc(tmp_path: Path) -> Path:
    doc = tmp_path / "notes.md"
    shutil.copy(example_document(), doc)
    return doc


def _record(document: OpenDocument) -> list[str]:
    heard: list[str] = []
    document.opened.connect(lambda: heard.append(f"opened {document.path.name}"))  # type: ignore[union-attr]
    document.closing.connect(lambda: heard.append("closing"))
    document.closed.connect(lambda: heard.append("closed"))
    document.renamed.connect(lambda p: heard.append(f"renamed {p.name}"))
    document.dirty_changed.connect(lambda d: heard.append(f"dirty {d}"))
    return heard


def test_opening_holds_everything_and_announces_it(qtbot, tmp_path: Path) -> None:
    doc = _doc(tmp_path)
    document = OpenDocument()
    heard = _record(document)
    document.open(doc, read_document(doc))
    assert document.path == doc and document.editable and not document.dirty
    assert document.store is not None and document.store.episode is document.episode
    assert document.project is not None and document.project.timebase is document.timebase
    assert document.autosaver is not None and not document.is_example
    assert heard == ["dirty False", "opened notes.md"]


def test_an_edit_makes_it_dirty_and_closing_saves(qtbot, tmp_path: Path) -> None:
    doc = _doc(tmp_path)
    document = OpenDocument()
    document.open(doc, read_document(doc))
    heard = _record(document)
    clip = document.store[0]  # type: ignore[index]
    document.store.update(clip.id, start_ms=clip.start_ms + 500)  # type: ignore[union-attr]
    assert document.dirty
    assert document.close()
    assert heard == ["dirty True", "closing", "dirty False", "closed"]
    assert document.store is None and document.project is None and document.path is None
    saved = read_project(project_path(doc))
    assert saved["clips"][clip.id]["start_ms"] == clip.start_ms


def test_save_as_renames_and_the_project_file_follows(qtbot, tmp_path: Path) -> None:
    doc = _doc(tmp_path)
    document = OpenDocument()
    document.open(doc, read_document(doc))
    heard = _record(document)
    clip = document.store[0]  # type: ignore[index]
    document.store.update(clip.id, note="Keep")  # type: ignore[union-attr]
    copy = tmp_path / "copy.md"
    assert document.save(copy)
    assert document.path == copy and document.episode.path == copy  # type: ignore[union-attr]
    assert document.project.path == project_path(copy)  # type: ignore[union-attr]
    assert "renamed copy.md" in heard
    assert document.close()
    assert read_project(project_path(copy))["clips"][clip.id]["note"] == "Keep"


def test_the_example_is_not_overwritten(qtbot, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CLIPDESK_CONFIG_DIR", str(tmp_path / "config"))
    document = OpenDocument()
    document.open(example_document(), read_document(example_document()))
    assert document.is_example
    assert document.project.path.parent == tmp_path / "config" / "example"  # type: ignore[union-attr]
    assert not document.save()
    document.close()


def test_shown_without_a_path_it_has_no_project_file(qtbot, tmp_path: Path) -> None:
    doc = _doc(tmp_path)
    document = OpenDocument()
    document.open(None, read_document(doc))
    assert document.is_open and not document.editable and document.autosaver is None
    assert document.close()
    assert not project_path(doc).exists()
