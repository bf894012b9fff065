"""Cold start to a shown window with the 4-hour seed document loaded.

Target: 1.5 s on a 2-core machine. Each run is a fresh Python process; the time is
wall clock from spawning it to the window being exposed on the X server. Baseline:
a bare QApplication with an empty QMainWindow, started the same way in the same run.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from display import gui_environment

SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_6bff21266dae52fe.txt"

WAIT_SHOWN = """
def wait_shown(app, window):
    from PySide6.QtCore import QEventLoop
    while not (window.windowHandle() and window.windowHandle().isExposed()):
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 10)
    app.processEvents()
    print("shown", flush=True)
"""

BASELINE = (
    WAIT_SHOWN
    + """
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
w = QMainWindow()
w.resize(1600, 940)
w.show()
wait_shown(app, w)
"""
)

CLIPDESK = (
    WAIT_SHOWN
    + """
import sys
from pathlib import Path
from clipdesk.app import create_app, create_window
app = create_app()
w = create_window(Path(sys.argv[1]), None)
assert w.clip_panel.model.rowCount() > 0
w.show()
wait_shown(app, w)
w.close()
"""
)


def run(code: str, env: dict[str, str], *args: str) -> float:
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - t0
    proc.wait(30)
    if line.strip() != "shown":
        raise SystemExit(f"child did not show its window (exit {proc.returncode})")
    return elapsed * 1000


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    with tempfile.TemporaryDirectory() as tmp, gui_environment(Path(tmp)) as env:
        doc = str(shutil.copy(SEED, tmp))  # the window may write a project file beside it
        run(BASELINE, env)  # warm the OS file cache once; "cold" means a fresh process
        run(CLIPDESK, env, doc)
        base = [run(BASELINE, env) for _ in range(runs)]
        app = [run(CLIPDESK, env, doc) for _ in range(runs)]
    b, a = statistics.median(base), statistics.median(app)
    print(f"runs: {runs} each, fresh process per run, document: {SEED.name}")
    print(f"baseline (QApplication + empty QMainWindow) median {b:7.0f} ms  best {min(base):.0f}")
    print(
        f"clipdesk window with the 4-hour document   median {a:7.0f} ms  best {min(app):.0f}"
        f"  (target <= 1500 ms)  {a / b:4.2f}x baseline"
    )


if __name__ == "__main__":
    main()
