"""A minimal editing session for the autosave kill test: an episode, its store, undo
stack, project and autosaver, and a timer making one edit every interval.

    python -m tests.support.autosave_child DOC LOG [INTERVAL_MS]

Each tick nudges clip hl-1's in point one frame and sets its note to "edit N", then
appends "N MONOTONIC_TIME" to LOG, so the parent can tell how recent a saved file is.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from PySide6.QtCore import QTimer
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication

from clipdesk.core.bounds import Bound, NudgeUnit, Timebase
from clipdesk.core.clip_store import ClipStore
from clipdesk.core.episode import Clip, ClipKind, Episode, SourceFormat
from clipdesk.core.project_file import Project
from clipdesk.ui.autosave import Autosaver
from clipdesk.ui.undo_commands import ClipEditor


def episode(doc: Path) -> Episode:
    clips = [
        Clip(f"hl-{i}", ClipKind.HIGHLIGHT, f"Highlight {i}", i * 60_000, i * 60_000 + 30_000, i)
        for i in range(1, 60)
    ]
    return Episode(doc, SourceFormat.SHOW_NOTES, clips=clips, duration_ms=4 * 3_600_000)


def main() -> int:
    doc, log_path = Path(sys.argv[1]), Path(sys.argv[2])
    interval = int(sys.argv[3]) if len(sys.argv) > 3 else 50
    app = QApplication([])
    store = ClipStore(episode(doc))
    timebase = Timebase(duration_ms=store.episode.duration_ms, fps=25)
    project = Project(doc, store, timebase)
    result = project.load()
    stack = QUndoStack()
    editor = ClipEditor(store, stack, timebase)
    saver = Autosaver(project, stack)
    editor.refused.connect(lambda m: print("refused:", m, file=sys.stderr))
    log = open(log_path, "a", buffering=1)  # noqa: SIM115 (open for the whole session)
    log.write(f"ready {time.monotonic()} loaded={result.loaded}\n")
    count = 0

    def tick() -> None:
        nonlocal count
        count += 1
        editor.nudge("hl-1", Bound.START, 1, NudgeUnit.FRAME)
        editor.set_note("hl-1", f"edit {count}")
        log.write(f"{count} {time.monotonic()}\n")

    timer = QTimer(interval=interval)
    timer.timeout.connect(tick)
    timer.start()
    app.aboutToQuit.connect(saver.close)
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
