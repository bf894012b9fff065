"""Opening a 6-hour document (200 highlights, 3,000 transcript lines) in the window: how
long the reader takes on its worker, how long the GUI thread then spends showing it, and
the longest the event loop went without running while it happened (what a user sees as
a frozen window). Baseline: the same event-loop probe with the window idle.

Runs offscreen in-process; no media (the player is the fake backend).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from make_long_document import long_document


def longest_gap(app, until, timeout_s: float = 30.0) -> float:
    """Run the event loop until until() is true; the longest pause between two 2 ms
    ticks, in ms."""
    from PySide6.QtCore import QTimer

    last = [time.perf_counter()]
    worst = [0.0]

    def tick() -> None:
        now = time.perf_counter()
        worst[0] = max(worst[0], (now - last[0]) * 1000)
        last[0] = now

    timer = QTimer()
    timer.setInterval(2)
    timer.timeout.connect(tick)
    timer.start()
    end = time.perf_counter() + timeout_s
    while not until() and time.perf_counter() < end:
        app.processEvents()
    timer.stop()
    return worst[0]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["CLIPDESK_CONFIG_DIR"] = str(Path(tmp) / "config")
        from PySide6.QtWidgets import QApplication

        from clipdesk.core.reader import read_document
        from clipdesk.ui.common.settings import Settings
        from clipdesk.ui.player.fake_backend import FakePlayerBackend
        from clipdesk.ui.shell.main_window import MainWindow

        app = QApplication.instance() or QApplication([])
        path = Path(tmp) / "six-hours.md"
        path.write_text(long_document())
        t0 = time.perf_counter()
        episode = read_document(path)
        read_ms = (time.perf_counter() - t0) * 1000
        window = MainWindow(FakePlayerBackend(), settings=Settings(Path(tmp) / "s.ini"))
        window.show()
        start = time.perf_counter()
        idle = longest_gap(app, lambda: time.perf_counter() - start > 0.5)
        t0 = time.perf_counter()
        window._take_document(path, episode, None)
        show_ms = (time.perf_counter() - t0) * 1000
        window.doc.close()
        window.open_document_in_background(path)
        worst = longest_gap(app, lambda: window.document == path)
        window.close()
    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} cores, load average {load:.1f}")
    print(f"read_document on the worker    {read_ms:7.1f} ms")
    print(f"showing it on the GUI thread   {show_ms:7.1f} ms")
    print(
        f"longest event-loop gap opening {worst:7.1f} ms  "
        f"(idle baseline {idle:.1f} ms, {worst / max(idle, 0.1):.1f}x)"
    )


if __name__ == "__main__":
    main()
