"""Regenerate the README's screenshot of the main window, under a private Xvfb:

    .venv/bin/python packaging/screenshot.py [--out packaging/screenshots/window.png]
        [--size 960x600]

The window is the one `clipdesk` opens (the built-in example with its generated video,
the real libvlc player), with fresh settings, paused on a highlight. Also the AppStream
metainfo's screenshot.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.support.xvfb
SIZE = (1600, 960)
CLIP = "highlight-2"


def wait_until(condition: Callable[[], bool], what: str, timeout_s: float = 30.0) -> None:
    from PySide6.QtCore import QEventLoop, QThread
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"screenshot: timed out waiting for {what}")
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        QThread.msleep(20)  # let libvlc's threads run between event passes


def take(out: Path, size: tuple[int, int] = SIZE) -> None:
    from PySide6.QtWidgets import QApplication

    from clipdesk.app import create_app, create_window
    from clipdesk.ui.player.backend import PlayerState

    app = create_app()
    window = create_window(None, None)  # the built-in example, as `clipdesk` opens it
    window.resize(*size)
    window.show()
    # A narrow window makes its player compact, which lowers the window's minimum width:
    # the size asked for fits only after that.
    for _ in range(3):
        QApplication.processEvents()
        window.resize(*size)
    player = window.player
    wait_until(lambda: player.length > 0 and player.state is PlayerState.PAUSED,
               "the example video to open", 120)  # fmt: skip
    window.sync.select_clip(CLIP)
    start = next(c.start_ms for c in window.episode.clips if c.id == CLIP)
    wait_until(lambda: abs(player.backend.time() - start) <= 100, "the seek to the clip")
    # libvlc draws into its own X window: give it a few more time reports to paint.
    reports: list[int] = []
    player.backend.time_reported.connect(reports.append)
    player.play()
    wait_until(lambda: len(reports) >= 4, "libvlc to play")
    player.pause()
    wait_until(lambda: player.state is PlayerState.PAUSED, "the pause")
    # Back to the clip's first frame, paused: picture, time label and playhead agree.
    surface = window.player_view.surface

    def picture():  # libvlc's own X window: read the screen, not Qt's backing store
        return window.screen().grabWindow(int(surface.winId())).toImage()

    played = picture()
    player.seek(start)
    wait_until(lambda: abs(player.backend.time() - start) <= 100, "the seek back")
    wait_until(lambda: picture() != played, "the clip's first frame on screen")
    window.raise_()
    window.activateWindow()
    QApplication.processEvents()
    window.repaint()
    shot = window.screen().grabWindow(int(window.winId()))
    out.parent.mkdir(parents=True, exist_ok=True)
    if not shot.save(str(out)):
        raise SystemExit(f"screenshot: could not write {out}")
    print(f"{out} ({shot.width()}x{shot.height()})")
    window.close()
    app.processEvents()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=Path, default=ROOT / "packaging" / "screenshots" / "window.png")
    p.add_argument("--size", default=f"{SIZE[0]}x{SIZE[1]}", help="window size, WxH")
    a = p.parse_args(argv)
    width, height = (int(n) for n in a.size.lower().split("x"))
    from tests.support.xvfb import Xvfb

    xvfb = Xvfb(f"{width}x{height}x24")
    display = xvfb.start()
    if display is None:
        raise SystemExit("screenshot: Xvfb could not start (apt-get install xvfb)")
    try:
        with tempfile.TemporaryDirectory(prefix="clipdesk-shot-") as config:
            os.environ.update(DISPLAY=display, QT_QPA_PLATFORM="xcb", CLIPDESK_CONFIG_DIR=config)
            os.environ.setdefault("CLIPDESK_VLC_ARGS", "--aout=dummy")
            os.environ.pop("WAYLAND_DISPLAY", None)
            take(a.out.resolve(), (width, height))
    finally:
        xvfb.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
