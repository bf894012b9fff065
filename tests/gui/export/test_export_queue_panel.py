"""The export queue panel over a real queue running real ffmpeg jobs."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QThread, QUrl
from PySide6.QtWidgets import QApplication
from tests.unit.media.export_frames import local_job

from clipdesk.core.export_plan import ExportMode
from clipdesk.media.export_queue import ExportQueue, JobState
from clipdesk.media.tools import find_tools
from clipdesk.ui.export.job_model import PROGRESS_ROLE, ExportJobModel, JobColumn
from clipdesk.ui.export.queue_bridge import ExportQueueBridge
from clipdesk.ui.export.queue_panel import ExportQueuePanel

TOOLS = find_tools()


def specs(demo_video: Path, out: Path, missing: Path):
    return [
        local_job(demo_video, out / "long.mp4", 0, 40_000, title="A long exact clip"),
        local_job(demo_video, out / "a.mp4", 2_000, 3_000, ExportMode.FAST, title="Fast A"),
        local_job(missing, out / "bad.mp4", 0, 1_000, ExportMode.FAST, title="Source missing"),
        local_job(demo_video, out / "b.mp4", 5_000, 6_000, ExportMode.FAST, title="Fast B"),
    ]


def test_job_model(qtbot, qtmodeltester, demo_video: Path, tmp_path: Path) -> None:
    queue = ExportQueue(TOOLS, max_workers=2)
    bridge = ExportQueueBridge(queue)
    model = ExportJobModel(bridge)
    jobs = queue.add(specs(demo_video, tmp_path, tmp_path / "missing.mp4")[1:])
    qtbot.waitUntil(lambda: model.rowCount() == 3)
    qtmodeltester.check(model)
    threads: list[bool] = []
    bridge.job_changed.connect(
        lambda _id: threads.append(QThread.currentThread() is QApplication.instance().thread())
    )
    assert queue.move(jobs[2].id, 0)
    qtbot.waitUntil(lambda: model.job_at(0) is jobs[2])
    with qtbot.waitSignal(bridge.batch_finished, timeout=30_000) as finished:
        queue.start()
    errors = [(j.spec.title, j.state.value, j.error) for j in jobs]
    assert finished.args == ["Export finished: 2 done, 1 failed"], errors
    assert threads and all(threads)  # worker events arrive on the GUI thread
    qtmodeltester.check(model)
    row = model.row_of(jobs[1].id)
    assert model.index(row, JobColumn.STATE).data() == "failed"
    assert (
        model.index(row, JobColumn.ERROR).data() == f"media file not found: {tmp_path}/missing.mp4"
    )
    assert model.index(model.row_of(jobs[0].id), JobColumn.PROGRESS).data(PROGRESS_ROLE) == 1.0
    assert model.index(0, JobColumn.FILE).data() == "b.mp4"
    queue.remove(jobs[0].id)
    qtbot.waitUntil(lambda: model.rowCount() == 2)
    qtmodeltester.check(model)


def test_bridge_stops_listening_when_deleted(qtbot, caplog, tmp_path: Path) -> None:
    """A queue that outlives its bridge goes on without posting to a deleted object."""
    queue = ExportQueue(TOOLS)
    bridge = ExportQueueBridge(queue)
    with qtbot.waitSignal(bridge.job_added):
        queue.add([local_job(tmp_path / "in.mp4", tmp_path, 0, 2_000)])
    with qtbot.waitSignal(bridge.destroyed):
        bridge.deleteLater()
    queue.add([local_job(tmp_path / "in.mp4", tmp_path, 2_000, 4_000)])
    assert [r.getMessage() for r in caplog.records if "listener failed" in r.getMessage()] == []
    assert len(queue.jobs) == 2


def test_panel_drives_a_real_queue(qtbot, demo_video: Path, tmp_path: Path) -> None:
    queue = ExportQueue(TOOLS, max_workers=1)
    opened: list[QUrl] = []
    panel = ExportQueuePanel(queue, open_url=opened.append)
    qtbot.addWidget(panel)
    panel.resize(900, 300)
    panel.show()
    missing = tmp_path / "late.mp4"
    long, _fast_a, bad, fast_b = queue.add(specs(demo_video, tmp_path / "out", missing))
    qtbot.waitUntil(lambda: panel.model.rowCount() == 4)
    assert panel.start_button.isVisible() and panel.start_button.isEnabled()

    # Reorder while queued: Fast B up above the failing job.
    panel.select_job(fast_b.id)
    assert panel.up_button.isEnabled()
    panel.up_button.click()
    qtbot.waitUntil(lambda: [j.id for j in queue.jobs].index(fast_b.id) == 2)
    qtbot.waitUntil(lambda: panel.model.job_at(2) is fast_b)

    totals: list[str] = []
    panel.totals_changed.connect(totals.append)
    panel.start_button.click()
    assert not panel.start_button.isVisible()
    qtbot.waitUntil(lambda: long.state is JobState.RUNNING and long.progress > 0.02, timeout=20_000)
    panel.select_job(long.id)
    assert panel.cancel_button.isEnabled()
    with qtbot.waitSignal(panel.batch_finished, timeout=30_000) as finished:
        panel.cancel_button.click()
    assert finished.args == ["Export finished: 2 done, 1 failed, 1 cancelled"]
    assert long.state is JobState.CANCELLED and bad.state is JobState.FAILED
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.mp4", "b.mp4"]
    assert any("running" in t for t in totals)
    assert panel.totals_label.text() == "Export: 2 done, 1 failed"

    # Retry the failed job once its source exists.
    missing.symlink_to(demo_video)
    panel.select_job(bad.id)
    assert panel.retry_button.isEnabled() and not panel.cancel_button.isEnabled()
    with qtbot.waitSignal(panel.batch_finished, timeout=30_000):
        panel.retry_button.click()
    assert bad.state is JobState.DONE

    dialog = panel.show_log()
    assert dialog is not None and dialog.isVisible()
    assert "[clipdesk] keyframe cut: frames" in dialog.text.toPlainText()
    assert "wrote" in dialog.text.toPlainText()
    dialog.close()

    panel.folder_button.click()
    assert opened == [QUrl.fromLocalFile(str(tmp_path / "out"))]

    panel.clear_button.click()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 0)
    assert not panel.cancel_all_button.isEnabled()


def test_panel_screenshot(qtbot, demo_video: Path, tmp_path: Path, artifacts_dir: Path) -> None:
    """Jobs in every state at once, looked at as a picture."""
    queue = ExportQueue(TOOLS, max_workers=1)
    panel = ExportQueuePanel(queue, open_url=lambda url: None)
    qtbot.addWidget(panel)
    panel.resize(980, 260)
    panel.show()
    out = tmp_path / "out"
    done = local_job(demo_video, out / "ep-01-opening.mp4", 1_000, 3_000, ExportMode.FAST,
                     title="The opening line")  # fmt: skip
    bad = local_job(tmp_path / "gone.mp4", out / "ep-02-gone.mp4", 0, 1_000, title="Source gone")
    running = local_job(demo_video, out / "ep-03-long-take.mp4", 0, 50_000, title="A long take")
    queued = local_job(demo_video, out / "ep-04-later.mp4", 5_000, 9_000, title="Later on")
    dropped = local_job(demo_video, out / "ep-05-dropped.mp4", 9_000, 12_000, title="Dropped")
    jobs = queue.add([done, bad, running, queued, dropped])
    queue.cancel(jobs[4].id)
    queue.start()
    qtbot.waitUntil(lambda: jobs[2].progress > 0.3, timeout=30_000)
    panel.select_job(jobs[1].id)
    qtbot.waitUntil(lambda: panel.model.index(2, JobColumn.ETA).data() != "")
    path = artifacts_dir / "export_queue_panel.png"
    assert panel.grab().save(str(path))
    assert path.stat().st_size > 5_000
    with qtbot.waitSignal(panel.batch_finished, timeout=10_000):
        panel.cancel_all_button.click()


def test_cancel_button_stops_a_running_job(qtbot, demo_video: Path, tmp_path: Path) -> None:
    """The state change comes back through the bridge; nothing is left behind."""
    queue = ExportQueue(TOOLS, max_workers=1)
    panel = ExportQueuePanel(queue, open_url=lambda url: None)
    qtbot.addWidget(panel)
    [job] = queue.add([local_job(demo_video, tmp_path / "x.mp4", 0, 50_000)])
    queue.start()
    qtbot.waitUntil(lambda: job.progress > 0.01, timeout=20_000)
    panel.select_job(job.id)
    panel.cancel_button.click()
    qtbot.waitUntil(lambda: job.state is JobState.CANCELLED, timeout=3_000)
    qtbot.waitUntil(lambda: panel.model.index(0, JobColumn.STATE).data() == "cancelled")
    assert list(tmp_path.iterdir()) == []
