"""Exporting through the review window with real ffmpeg: the Export menu and dialog,
progress in the queue panel, files on disk, the Export column, the queue in the project
file, closing with jobs running, and a restart that offers the unfinished jobs."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from tests.support.demo_notes import show_notes
from tests.support.processes import descendants
from tests.support.project_files import write_project
from tests.support.review_window import make_window

from clipdesk.core.episode import ReviewStatus
from clipdesk.core.export_plan import ExportSettings, Selection
from clipdesk.core.project_file import project_path, read_project
from clipdesk.media.export_queue import JobState
from clipdesk.ui.common import messages
from clipdesk.ui.common.messages import Level
from clipdesk.ui.export.job_model import JobColumn
from clipdesk.ui.player.backend import PlayerState
from clipdesk.ui.player.fake_backend import FakePlayerBackend
from clipdesk.ui.review.clip_table_model import Column
from clipdesk.ui.shell.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

URL = "https://www.example.org/watch?v=demo1234567"


@pytest.fixture(autouse=True)
def _private_config(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("CLIPDESK_CONFIG_DIR", str(tmp_path / "config"))


def _document(folder: Path) -> Path:
    return show_notes(folder, URL)


def _open(qtbot, tmp_path: Path, doc: Path, media: Path | None, backend=None) -> MainWindow:
    window = make_window(qtbot, tmp_path, backend or FakePlayerBackend(length_ms=60_000))
    window.resize(1600, 940)
    assert window.open_document(doc, str(media) if media else None)
    with qtbot.waitExposed(window):
        window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.waitUntil(lambda: window.player.length > 0, timeout=15_000)
    return window


def _duration_s(path: Path) -> float:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "json", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return float(json.loads(out)["format"]["duration"])


def _export_with_dialog(qtbot, window: MainWindow, out: Path, jobs: int, conflict: int) -> None:
    exports = window.exports
    exports.actions[Selection.APPROVED].trigger()  # Export › Export approved clips…
    dialog = exports.dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.summary.text() == "2 clips to export."
    dialog.out_dir.setText(str(out))
    dialog.jobs.setValue(jobs)
    dialog.conflict.setCurrentIndex(conflict)
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.LeftButton)


def test_export_from_the_window(qtbot, tmp_path: Path, demo_video: Path) -> None:
    doc = _document(tmp_path)
    out = tmp_path / "out"
    window = _open(qtbot, tmp_path, doc, demo_video)
    session = window.editing.session
    assert session is not None and window.store is not None
    # The media binding is the attached file, and the document is one second late.
    qtbot.waitUntil(lambda: session.project.media is not None)
    assert session.project.media.source == str(demo_video)  # type: ignore[union-attr]
    session.offset_edit.setText("+1")
    session.offset_edit.commit()
    for clip_id in ("highlight-1", "highlight-2"):
        window.sync.select_clip(clip_id)
        qtbot.keyClick(window.clip_panel.table, Qt.Key.Key_A)
    assert all(
        c.review is ReviewStatus.APPROVED for c in window.store if c.kind.value == "highlight"
    )

    seen: dict[str, list[str]] = {}
    panel = window.exports.panel

    def on_changed(job_id: str) -> None:
        row = panel.model.row_of(job_id)
        seen.setdefault(job_id, []).append(panel.model.index(row, JobColumn.STATE).data())

    panel.bridge.job_changed.connect(on_changed)
    with qtbot.waitSignal(panel.batch_finished, timeout=30_000) as finished:
        _export_with_dialog(qtbot, window, out, jobs=2, conflict=0)
    assert window.exports.dock.isVisible()
    assert finished.args == ["Export finished: 2 done"]
    jobs = window.exports.queue.jobs
    assert [j.state for j in jobs] == [JobState.DONE, JobState.DONE], [j.error for j in jobs]
    # Clip bounds went out in media time: document time + the offset.
    assert [(j.spec.start_ms, j.spec.end_ms) for j in jobs] == [(5_000, 7_000), (22_000, 24_500)]
    # Every job's changes reached the panel (a job done within one event-loop turn
    # shows only its last state: the panel shows what a job is, not what it was).
    assert {job_id: states[-1] for job_id, states in seen.items()} == {j.id: "done" for j in jobs}
    for row in range(2):
        assert panel.model.index(row, JobColumn.PROGRESS).data() == "100%"
    files = sorted(out.iterdir())
    assert [f.name for f in files] == [
        "demo1234567-01-the-first-moment.mp4",
        "demo1234567-02-a-second-moment.mp4",
    ]
    assert abs(_duration_s(files[0]) - 2.0) < 0.1 and abs(_duration_s(files[1]) - 2.5) < 0.1
    # The Export column, the totals, the notice.
    model = window.clip_panel.model
    assert model is not None and not window.clip_panel.table.isColumnHidden(Column.EXPORT)
    assert model.index(model.row_of("highlight-1"), Column.EXPORT).data() == "Exported"
    assert window.exports.totals.text() == "Export: 2 done"
    assert window.banner.isVisible() and window.banner.text() == "Export finished: 2 done"
    # Bounds changed after the export: the file no longer is the clip.
    h1 = window.store.get("highlight-1")
    start = h1.start_ms
    window.store.update("highlight-1", start_ms=start + 40)
    assert model.index(model.row_of("highlight-1"), Column.EXPORT).data() == ("Edited since export")
    assert model.index(model.row_of("highlight-2"), Column.EXPORT).data() == "Exported"
    window.store.update("highlight-1", start_ms=start)  # back as exported
    assert model.index(model.row_of("highlight-1"), Column.EXPORT).data() == "Exported"
    # The queue and the settings are in the project file.
    with qtbot.waitSignal(session.autosaver.saved, timeout=3_000):
        session.autosaver.mark_dirty()
    data = read_project(project_path(doc))
    assert [r["state"] for r in data["export_queue"]] == ["done", "done"]
    assert data["export_settings"]["out_dir"] == str(out)

    # Again, one at a time under new names, and close the window while the first runs.
    questions: list[str] = []
    answers = [False, True]  # "keep exporting", then "stop them and close"
    window.exports.confirm_close = lambda text: questions.append(text) or answers.pop(0)
    running = []
    window.exports.panel.bridge.job_changed.connect(
        lambda job_id: (
            running.append(job_id)
            if window.exports.queue.job(job_id).state is JobState.RUNNING  # type: ignore[union-attr]
            else None
        )
    )
    _export_with_dialog(qtbot, window, out, jobs=1, conflict=1)  # rename
    qtbot.waitUntil(lambda: bool(running), timeout=10_000)
    queue = window.exports.queue
    window.close()
    assert questions and "not finished" in questions[0]
    assert window.isVisible()  # the answer was no: nothing stops
    assert not any(j.state is JobState.CANCELLED for j in queue.jobs)
    window.close()
    assert len(questions) == 2
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10_000)
    assert [
        p for p in descendants(os.getpid()).values() if p != "Xvfb"
    ] == []  # no ffmpeg left behind
    done_names = {Path(j.output).name for j in queue.jobs if j.state is JobState.DONE}
    assert len(done_names) in (2, 3)  # the first batch, and maybe the first of this one
    assert {f.name for f in out.iterdir()} == done_names  # no partial file
    records = read_project(project_path(doc))["export_queue"]
    unfinished = [r for r in records if r["state"] == "queued"]
    assert len(records) == 4 and unfinished

    # A restart offers the unfinished jobs; Start runs them.
    again = _open(qtbot, tmp_path, doc, None)
    assert again.media.choice is not None  # the project file's media binding
    assert again.media.choice.location == str(demo_video)
    panel = again.exports.panel
    assert again.exports.dock.isVisible()
    assert panel.start_button.isVisible() and panel.start_button.isEnabled()
    assert len(again.exports.queue.unfinished()) == len(unfinished)
    with qtbot.waitSignal(panel.batch_finished, timeout=30_000):
        qtbot.mouseClick(panel.start_button, Qt.LeftButton)
    assert all(j.state is JobState.DONE for j in again.exports.queue.jobs)
    assert len([f for f in out.iterdir() if f.suffix == ".mp4"]) == 4


def test_an_unusable_output_folder_is_refused_before_queueing(
    qtbot, tmp_path: Path, demo_video: Path
) -> None:
    """A folder that cannot be made (a file stands in its path) or lacks room: a message
    at once, nothing queued, and the folder is not remembered as the default."""
    doc = _document(tmp_path)
    window = _open(qtbot, tmp_path, doc, demo_video)
    for clip_id in ("highlight-1", "highlight-2"):
        window.sync.select_clip(clip_id)
        qtbot.keyClick(window.clip_panel.table, Qt.Key.Key_A)
    good = tmp_path / "good"
    with qtbot.waitSignal(window.exports.panel.batch_finished, timeout=30_000):
        _export_with_dialog(qtbot, window, good, jobs=2, conflict=2)  # overwrite
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    before = len(window.exports.queue.jobs)
    for bad in (blocker, blocker / "clips"):
        _export_with_dialog(qtbot, window, bad, jobs=2, conflict=0)
        last = messages.bus().history[-1]
        assert last.level is Level.ERROR and str(blocker) in last.text, last.text
        assert len(window.exports.queue.jobs) == before  # nothing queued
        assert window.exports.default_settings(Selection.APPROVED).out_dir == str(good)
    assert "Could not export" in window.banner.text()


@pytest.mark.xvfb
def test_window_with_timeline_and_export_panel(
    qtbot, tmp_path: Path, demo_video: Path, artifacts_dir: Path, monkeypatch
) -> None:
    from clipdesk.ui.player.create import create_backend

    monkeypatch.setenv("CLIPDESK_VLC_ARGS", "--aout=dummy")
    doc = _document(tmp_path)
    window = _open(qtbot, tmp_path, doc, demo_video, backend=create_backend())
    qtbot.waitUntil(lambda: window.player.state is PlayerState.PAUSED, timeout=15_000)
    for clip_id in ("highlight-1", "highlight-2"):
        window.sync.select_clip(clip_id)
        qtbot.keyClick(window.clip_panel.table, Qt.Key.Key_A)
    panel = window.exports.panel
    with qtbot.waitSignal(panel.batch_finished, timeout=30_000):
        _export_with_dialog(qtbot, window, tmp_path / "out", jobs=2, conflict=0)
    window.sync.select_clip("highlight-1")
    session = window.editing.session
    assert session is not None
    timeline, player = session.timeline, window.player_view.surface
    # Nothing crushed: the player keeps a usable picture, the timeline its lanes.
    assert player.height() >= 300 and timeline.height() >= timeline.minimumHeight()
    assert panel.view.height() >= 60
    assert not timeline.geometry().intersects(window.player_view.seek_bar.geometry())
    QApplication.processEvents()
    window.repaint()
    shot = window.screen().grabWindow(int(window.winId()))
    path = artifacts_dir / "window-full.png"
    assert shot.save(str(path))


def test_a_url_document_exports_through_ytdlp(qtbot, tmp_path: Path, range_server) -> None:
    """No media attached: the document's URL is the binding, and yt-dlp cuts it."""
    doc = _document(tmp_path)
    url = range_server.url("demo.mp4")
    range_server.faults["demo.mp4"] = "norange"  # read by ranges it would not reach yt-dlp
    doc.write_text(doc.read_text(encoding="utf-8").replace(URL, url), encoding="utf-8")
    window = _open(qtbot, tmp_path, doc, None)
    assert window.exports.media_location() is None  # the plan takes the document's URL
    window.sync.select_clip("highlight-2")
    out = tmp_path / "out"
    dialog = window.exports.request_export(Selection.SELECTED, "the selected clip")
    assert dialog is not None and dialog.summary.text() == "1 clip to export."
    dialog.out_dir.setText(str(out))
    dialog.mode.setCurrentIndex(1)  # fast: no re-encode
    with qtbot.waitSignal(window.exports.panel.batch_finished, timeout=30_000):
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.LeftButton)
    (job,) = window.exports.queue.jobs
    assert job.state is JobState.DONE, job.error
    assert job.spec.source_kind.value == "remote" and job.spec.source == url
    assert any("yt-dlp" in line or "yt_dlp" in line for line in job.log), job.log[:5]
    # highlight 2 exported alone is still number 2
    assert [f.name for f in out.iterdir()] == ["demo1234567-02-a-second-moment.mp4"]


def test_restored_queue_is_checked(qtbot, tmp_path: Path, demo_video: Path) -> None:
    """The project file travels with the document: a queued job that writes outside a
    folder that exists, or into one nobody chose here, is refused with a message naming
    it, and a recorded overwrite becomes rename."""
    doc = _document(tmp_path)
    out = tmp_path / "clips"  # beside the document
    out.mkdir()
    unchosen = tmp_path / "elsewhere"
    unchosen.mkdir()
    spec = {"job_id": "a1" * 6, "clip_id": "highlight-1", "source_kind": "local",
            "source": str(demo_video), "start_ms": 4000, "end_ms": 6000,
            "output": str(out / "first.mp4"), "conflict": "overwrite"}  # fmt: skip
    hostile = dict(spec, job_id="b2" * 6, output=str(tmp_path / "nowhere" / "x.mp4"))
    planted = dict(spec, job_id="c3" * 6, output=str(unchosen / "x.mp4"))
    records = [{"spec": spec, "state": "queued"}, {"spec": hostile}, {"spec": planted}]
    write_project(doc, {"schema": 1, "export_queue": records})
    window = _open(qtbot, tmp_path, doc, demo_video)
    queue = window.exports.queue
    assert [j.id for j in queue.jobs] == ["a1" * 6]
    assert queue.jobs[0].spec.conflict.value == "rename"
    texts = [m.text + "\n" + m.detail for m in messages.bus().history]
    assert any("2 exports not restored: export job 2: output folder" in t for t in texts), texts
    assert any(f"export job 3: output folder {str(unchosen)!r} was not chosen" in t for t in texts)
    assert window.exports.dock.isVisible()  # the unfinished job is offered


def test_opening_another_document_asks_while_exports_run(
    qtbot, tmp_path: Path, demo_video: Path
) -> None:
    doc = tmp_path / "long.md"
    doc.write_text(
        f"---\nvideo_id: long\nurl: {URL}\n---\n\n## Highlights\n\n### Most of it\n\n"
        f'```bash\nyt-dlp --download-sections "*0:01-0:55" "{URL}"\n```\n',
        encoding="utf-8",
    )
    other = _document(tmp_path)
    window = _open(qtbot, tmp_path, doc, demo_video)
    questions: list[str] = []
    answers = [False, True]
    window.exports.confirm_close = lambda text: questions.append(text) or answers.pop(0)
    settings = ExportSettings(out_dir=str(tmp_path / "out"), only=Selection.HIGHLIGHTS)
    [job] = window.exports.export(settings)
    queue = window.exports.queue
    qtbot.waitUntil(lambda: job.state is JobState.RUNNING, timeout=10_000)

    assert not window.open_document(other)  # declined: the document and its job stay
    assert questions == [
        "1 export is not finished. Stop it and open the other document? Unfinished "
        "exports are offered again when you open this document next time."
    ]
    assert window.document == doc and window.exports.queue is queue
    assert job.state is JobState.RUNNING

    assert window.open_document(other)  # yes: the job stops, the other document opens
    assert window.document == other and len(questions) == 2
    qtbot.waitUntil(lambda: not queue.is_busy(), timeout=10_000)
    assert job.state is JobState.CANCELLED
    [record] = read_project(project_path(doc))["export_queue"]
    assert record["state"] == "queued"  # offered again next time
