"""Autosave: soon after a pause, never later than the deadline, and on close."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from PySide6.QtCore import QTimer
from PySide6.QtGui import QUndoStack

from clipdesk.core.bounds import Bound, NudgeUnit, Timebase
from clipdesk.core.clip_store import ClipStore
from clipdesk.core.episode import Clip, ClipKind, Episode, SourceFormat
from clipdesk.core.project_file import Project, read_project
from clipdesk.ui.document.autosave import Autosaver
from clipdesk.ui.editing.undo_commands import ClipEditor


@pytest.fixture()
def setup(tmp_path: Path, qtbot):
    doc = tmp_path / "ep.md"
    doc.write_text("notes\n")
    clips = [Clip("hl-1", ClipKind.HIGHLIGHT, "One", 10_000, 20_000, line=3)]
    store = ClipStore(Episode(doc, SourceFormat.SHOW_NOTES, clips=clips))
    timebase = Timebase(duration_ms=60_000, fps=25)
    project = Project(doc, store, timebase)
    stack = QUndoStack()
    editor = ClipEditor(store, stack, timebase)
    return project, stack, editor


def saved_start(project: Project) -> int | None:
    data = read_project(project.path)
    return data["clips"].get("hl-1", {}).get("start_ms")


def test_saves_shortly_after_an_edit(setup, qtbot) -> None:
    project, stack, editor = setup
    saver = Autosaver(project, stack)
    assert not project.path.exists()
    began = time.monotonic()
    with qtbot.waitSignal(saver.saved, timeout=3_000) as blocker:
        editor.set_bound_at("hl-1", Bound.START, 12_000)
    elapsed = time.monotonic() - began
    assert blocker.args == [project.path]
    assert saved_start(project) == 12_000 and not saver.dirty and not saver.writing
    assert 0.4 < elapsed < 1.2  # the idle delay, not the deadline

    # Undo is a change too.
    with qtbot.waitSignal(saver.saved, timeout=3_000):
        stack.undo()
    assert saved_start(project) is None


def test_a_long_run_of_edits_is_saved_by_the_deadline(setup, qtbot) -> None:
    project, stack, editor = setup
    saver = Autosaver(project, stack, idle_ms=200, deadline_ms=600)
    edits = 0
    saves: list[int] = []  # how many edits were made at each save
    saver.saved.connect(lambda _p: saves.append(edits))

    def edit() -> None:
        nonlocal edits
        edits += 1
        editor.nudge("hl-1", Bound.START, 1, NudgeUnit.FRAME)
        if edits == 30:
            pacer.stop()

    # An edit every 50 ms (the editor's pace) keeps the idle timer from ever firing.
    pacer = QTimer(interval=50)
    pacer.timeout.connect(edit)
    pacer.start()
    qtbot.waitUntil(lambda: edits == 30, timeout=5_000)
    assert saves and saves[0] < 30, "no save during a run of edits"
    qtbot.waitUntil(lambda: not saver.dirty and not saver.writing, timeout=2_000)
    assert saved_start(project) == 10_000 + 30 * 40


def test_offset_and_export_state_are_saved(setup, qtbot) -> None:
    project, stack, editor = setup
    saver = Autosaver(project, stack, idle_ms=50, deadline_ms=200)
    with qtbot.waitSignal(saver.saved):
        editor.set_offset(-3_000)
    assert yaml.safe_load(project.path.read_text())["offset_ms"] == -3_000
    with qtbot.waitSignal(saver.saved):
        project.set_export_queue([{"clip": "hl-1"}])
    assert read_project(project.path)["export_queue"] == [{"clip": "hl-1"}]
    # The media's duration or fps becoming known is not an edit.
    project.timebase.fps = 30
    assert not saver.dirty


def test_close_writes_at_once_and_stops_listening(setup, qtbot) -> None:
    project, stack, editor = setup
    saver = Autosaver(project, stack)
    editor.set_note("hl-1", "last words")
    assert saver.dirty and not project.path.exists()
    assert saver.close()
    assert read_project(project.path)["clips"]["hl-1"]["note"] == "last words"
    editor.set_note("hl-1", "after close")
    assert not saver.dirty


def test_failures_are_reported_once_and_retried(setup, qtbot, monkeypatch) -> None:
    project, stack, editor = setup
    saver = Autosaver(project, stack, idle_ms=20, deadline_ms=100)
    real_save = project.save
    attempts: list[int] = []

    def failing_save(data: object = None) -> Path:
        attempts.append(1)
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(project, "save", failing_save)
    failures: list[str] = []
    saver.failed.connect(failures.append)
    editor.set_note("hl-1", "x")
    qtbot.waitUntil(lambda: len(attempts) >= 3, timeout=2_000)
    assert failures == [f"Could not save {project.path}: Permission denied"]
    monkeypatch.setattr(project, "save", real_save)
    with qtbot.waitSignal(saver.saved, timeout=2_000):
        pass
    assert read_project(project.path)["clips"]["hl-1"]["note"] == "x"


def test_writes_run_off_the_gui_thread_and_close_waits(setup, qtbot, monkeypatch) -> None:
    import threading

    project, stack, editor = setup
    saver = Autosaver(project, stack, idle_ms=10, deadline_ms=50)
    real_save = project.save
    release = threading.Event()
    threads: list[str] = []

    def slow_save(data: object = None) -> Path:
        threads.append(threading.current_thread().name)
        release.wait(5)  # a slow disk
        return real_save(data)  # type: ignore[arg-type]

    monkeypatch.setattr(project, "save", slow_save)
    editor.set_note("hl-1", "first")
    qtbot.waitUntil(lambda: saver.writing)
    editor.set_note("hl-1", "second")  # the GUI goes on while the disk is busy
    assert threads and threads[0].startswith("autosave")
    threading.Timer(0.2, release.set).start()
    assert saver.close()  # waits for the slow write, then writes the last state
    assert read_project(project.path)["clips"]["hl-1"]["note"] == "second"
    assert all(name.startswith("autosave") for name in threads)
