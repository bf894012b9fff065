"""Open folder says so when nothing can show the folder (no file manager, no xdg-open),
through Qt's own launcher, not a stand-in."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.unit.media.export_frames import local_job

from clipdesk.media.export_queue import ExportQueue
from clipdesk.ui.common import messages
from clipdesk.ui.common.messages import Level
from clipdesk.ui.export.queue_panel import ExportQueuePanel


@pytest.mark.qt_log_ignore(".*")  # Qt warns that it found no launcher: that is the case
def test_open_folder_without_a_launcher_says_so(
    qtbot, tmp_path: Path, demo_video: Path, monkeypatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    empty = tmp_path / "no-tools"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # no xdg-open, gio, kde-open…
    for name in ("XDG_CURRENT_DESKTOP", "DESKTOP_SESSION", "KDE_FULL_SESSION"):
        monkeypatch.delenv(name, raising=False)
    queue = ExportQueue()
    queue.add([local_job(demo_video, out / "a.mp4", 0, 1_000)])
    panel = ExportQueuePanel(queue)  # the real QDesktopServices.openUrl
    qtbot.addWidget(panel)
    assert not panel.open_output_folder()
    last = messages.bus().history[-1]
    assert last.level is Level.ERROR and f"Could not open {out}" in last.text


def test_open_folder_of_a_folder_gone(qtbot, tmp_path: Path, demo_video: Path) -> None:
    opened: list[object] = []
    queue = ExportQueue()
    queue.add([local_job(demo_video, tmp_path / "gone" / "a.mp4", 0, 1_000)])
    panel = ExportQueuePanel(queue, open_url=opened.append)
    qtbot.addWidget(panel)
    assert not panel.open_output_folder() and opened == []
    assert "is not there any more" in messages.bus().history[-1].text
