"""Resident memory with the 4-hour document loaded and a 720p file playing.

Target: 250 MB. Each figure comes from a fresh process (VmRSS from /proc), after
a few seconds of playback. Baseline: a bare QApplication with an empty, shown
QMainWindow, measured the same way in the same run.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from display import gui_environment

SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_6bff21266dae52fe.txt"

RSS = """
def rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
"""

BASELINE = (
    RSS
    + """
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
w = QMainWindow()
w.resize(1600, 940)
w.show()
QTimer.singleShot(3000, app.quit)
app.exec()
print(f"{rss_mb():.1f}")
"""
)

CLIPDESK = (
    RSS
    + """
import sys, time
from pathlib import Path
from PySide6.QtCore import QTimer
from clipdesk.app import create_app, create_window
app = create_app()
w = create_window(Path(sys.argv[1]), sys.argv[2])
w.show()
loaded = rss_mb()
def started():
    if w.player.playing:
        QTimer.singleShot(int(sys.argv[3]) * 1000, done)
    else:
        w.player.play()
        QTimer.singleShot(200, started)
def done():
    print(f"{loaded:.1f} {rss_mb():.1f} {w.player.position()}", flush=True)
    w.close()
    app.quit()
QTimer.singleShot(1500, started)
app.exec()
"""
)


def run(code: str, env: dict[str, str], *args: str) -> list[float]:
    out = subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    return [float(x) for x in out.split()]


def main() -> None:
    play_s = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    from clipdesk.media.demo_video import make_demo_video

    with tempfile.TemporaryDirectory() as tmp, gui_environment(Path(tmp)) as env:
        video = make_demo_video(Path(tmp) / "720p.mp4", 60, 1280, 720, 25)
        # A copy: attaching media records it in a project file beside the document.
        doc = Path(shutil.copy(SEED, tmp))
        (base,) = run(BASELINE, env)
        loaded, playing, pos = run(CLIPDESK, env, str(doc), str(video), str(play_s))
    print(f"document: {SEED.name}; media: 1280x720 25 fps H.264 + AAC, played {play_s} s")
    print(f"baseline (QApplication + empty shown QMainWindow)   {base:6.1f} MB")
    print(f"clipdesk, window shown with the document loaded     {loaded:6.1f} MB")
    print(
        f"clipdesk, 720p playing at {pos / 1000:5.1f} s                   {playing:6.1f} MB  "
        f"(target <= 250 MB)  {playing / base:4.2f}x baseline"
    )


if __name__ == "__main__":
    main()
