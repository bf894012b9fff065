"""The application, offscreen, editing a document until it is killed: the autosave
kill test's child.

    python -m tests.support.autosave_child DOC LOG [INTERVAL_MS]

It opens DOC in a real MainWindow (fake player: no video device needed) and edits
through the window's editing session, as the keys do: each tick nudges clip
key-point-1's in point one frame and sets its note to "edit N", then appends
"N MONOTONIC_TIME" to LOG, so the parent can tell how recent a saved file is.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from PySide6.QtCore import QTimer

from clipdesk.app import create_app, install_close_signals, install_excepthook
from clipdesk.core.bounds import Bound, NudgeUnit
from clipdesk.ui.common.settings import Settings
from clipdesk.ui.player.fake_backend import FakePlayerBackend
from clipdesk.ui.shell.main_window import MainWindow

CLIP = "key-point-1"


def main() -> int:
    doc, log_path = Path(sys.argv[1]), Path(sys.argv[2])
    interval = int(sys.argv[3]) if len(sys.argv) > 3 else 50
    app = create_app()
    install_excepthook()
    settings = Settings(log_path.parent / "settings.ini")
    window = MainWindow(FakePlayerBackend(length_ms=4 * 3_600_000), settings=settings)
    if not window.open_document(doc):
        print(f"could not open {doc}", file=sys.stderr)
        return 2
    window.show()
    install_close_signals(window)  # SIGTERM / SIGHUP close it as the real app does
    session = window.editing.session
    assert session is not None
    session.editor.refused.connect(lambda m: print("refused:", m, file=sys.stderr))
    log = open(log_path, "a", buffering=1)  # noqa: SIM115 (open for the whole session)
    log.write(f"ready {time.monotonic()} loaded={session.load_result.loaded}\n")
    count = 0

    def tick() -> None:
        nonlocal count
        # The window's session may be replaced (a reopened document): edit the current one.
        editing = window.editing.session
        if editing is None:  # the window closed (SIGTERM): no more edits
            timer.stop()
            return
        count += 1
        editing.editor.nudge(CLIP, Bound.START, 1, NudgeUnit.FRAME)
        editing.editor.set_note(CLIP, f"edit {count}")
        log.write(f"{count} {time.monotonic()}\n")

    timer = QTimer(interval=interval)
    timer.timeout.connect(tick)
    timer.start()
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
