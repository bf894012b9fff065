"""Every kind of edit survives Save Document, closing and reopening, in both formats:
what the clips were when the window closed is what they are when it opens again."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtGui import QUndoStack

from clipdesk.core.episode import Clip
from clipdesk.core.reader import read_document
from clipdesk.ui.document.open_document import OpenDocument
from clipdesk.ui.editing.undo_commands import ClipEditor

SHOW_NOTES = "000_6bff21266dae52fe.txt"
SEGMENTS = "001_3baa9c223fab6a12.txt"
HOUR = 3_600_000


def _open(doc: Path) -> OpenDocument:
    document = OpenDocument()
    document.open(doc, read_document(doc))
    assert document.timebase is not None
    document.timebase.duration_ms = 4 * HOUR
    document.timebase.fps = 25.0
    return document


def _bounds(document: OpenDocument) -> list[tuple[str, str, int, int | None]]:
    assert document.store is not None
    return [(c.id, c.title, c.start_ms, c.end_ms) for c in document.store]


def _second(document: OpenDocument) -> Clip:
    assert document.store is not None
    return document.store[1]


Edit = Callable[[ClipEditor, Clip], object]

EDITS: dict[str, Edit] = {
    "start": lambda ed, c: ed.set_start(c.id, c.start_ms + 2_000),
    "end": lambda ed, c: ed.set_end(c.id, (c.end_ms or c.start_ms + 60_000) - 2_000),
    "both": lambda ed, c: ed.set_bounds(
        c.id, c.start_ms + 1_000, (c.end_ms or c.start_ms + 60_000) - 1_000
    ),
    "new clip": lambda ed, c: ed.new_clip(c.start_ms + 3_000, after=c.id),
    "split": lambda ed, c: ed.split(c.id, c.start_ms + 4_000),
    "delete": lambda ed, c: ed.delete(c.id),
    "duplicate": lambda ed, c: ed.duplicate(c.id),
    "offset": lambda ed, c: ed.set_offset(-90_000),
}


@pytest.mark.parametrize("seed", [SHOW_NOTES, SEGMENTS], ids=["show-notes", "segments"])
@pytest.mark.parametrize("edit", list(EDITS), ids=list(EDITS))
def test_an_edit_saved_into_the_document_reopens_as_it_was(
    qtbot, tmp_path: Path, seeds_dir: Path, seed: str, edit: str
) -> None:
    doc = tmp_path / "episode.md"
    shutil.copy(seeds_dir / seed, doc)
    document = _open(doc)
    assert document.store is not None and document.timebase is not None
    editor = ClipEditor(document.store, QUndoStack(), document.timebase)
    refused: list[str] = []
    editor.refused.connect(refused.append)
    EDITS[edit](editor, _second(document))
    assert not refused
    before, offset = _bounds(document), document.timebase.offset_ms
    assert document.save()
    assert document.close()

    again = _open(doc)
    assert _bounds(again) == before
    assert again.timebase is not None and again.timebase.offset_ms == offset
    again.close()


def test_segments_moving_the_second_start_keeps_the_first_end(
    qtbot, tmp_path: Path, seeds_dir: Path
) -> None:
    """A segment's end is not written in the document (the next one's start is): moving
    segment 2's start and saving must not move segment 1's end when reopened."""
    doc = tmp_path / "episode.txt"
    shutil.copy(seeds_dir / SEGMENTS, doc)
    document = _open(doc)
    assert document.store is not None and document.timebase is not None
    first, second = document.store[0], document.store[1]
    first_end, second_start = first.end_ms, second.start_ms
    assert first_end == second_start
    editor = ClipEditor(document.store, QUndoStack(), document.timebase)
    assert editor.set_start(second.id, second_start + 5_000)
    assert document.save()
    assert document.close()
    again = _open(doc)
    assert again.store is not None
    assert again.store.get(first.id).end_ms == first_end
    assert again.store.get(second.id).start_ms == second_start + 5_000
    again.close()
