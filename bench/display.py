"""A display for the GUI benchmarks: the current one, or a private Xvfb."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def gui_environment(tmp: Path) -> Iterator[dict[str, str]]:
    """Environment for child processes: X display, xcb platform, private config."""
    env = dict(os.environ)
    env["CLIPDESK_CONFIG_DIR"] = str(tmp / "config")
    env.setdefault("CLIPDESK_VLC_ARGS", "--aout=dummy")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "desktop"), env.get("PYTHONPATH", "")])
    xvfb = None
    if not env.get("DISPLAY"):
        sys.path.insert(0, str(ROOT))
        from tests.support.xvfb import Xvfb

        xvfb = Xvfb()
        display = xvfb.start()
        if display is None:
            raise SystemExit("no display and no Xvfb: install xvfb")
        env["DISPLAY"] = display
    env["QT_QPA_PLATFORM"] = "xcb"
    env.pop("WAYLAND_DISPLAY", None)
    try:
        yield env
    finally:
        if xvfb is not None:
            xvfb.stop()
