"""Clip click to libvlc reporting the new time, median of 20, on a local file.

Target: 150 ms. Measured in-process under the current display (or a private Xvfb)
with the real libvlc backend: from selecting a row in the clip table to the first
time libvlc reports within 100 ms of the clip start, paused (the usual review case)
and while playing; and, paused, to the clip start's exact frame on screen (the still
decoded by ffmpeg; the position moves then). Baseline: the same seeks on a bare libvlc
player while playing (set_time, then libvlc's own TimeChanged event past start + 50 ms),
in the same run.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
N = 20


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from tests.support.xvfb import Xvfb

    xvfb = None
    if not os.environ.get("DISPLAY"):
        xvfb = Xvfb()
        os.environ["DISPLAY"] = xvfb.start() or sys.exit("no display and no Xvfb")
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    os.environ.setdefault("CLIPDESK_VLC_ARGS", "--aout=dummy")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["CLIPDESK_CONFIG_DIR"] = str(Path(tmp) / "config")
        try:
            run(Path(tmp))
        finally:
            if xvfb is not None:
                xvfb.stop()


def run(tmp: Path) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    from clipdesk.app import create_app
    from clipdesk.core.episode import Clip, ClipKind, Episode, SourceFormat
    from clipdesk.core.frame_grid import on_grid
    from clipdesk.media.demo_video import make_demo_video
    from clipdesk.ui.player.backend import PlayerState
    from clipdesk.ui.player.create import create_backend
    from clipdesk.ui.shell.main_window import MainWindow

    app = create_app()
    video = make_demo_video(tmp / "seek.mp4", duration_s=120)

    def spin_until(cond, timeout_s: float = 10.0) -> None:
        end = time.perf_counter() + timeout_s
        while not cond():
            if time.perf_counter() > end:
                raise SystemExit("timed out")
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)

    # Clip starts spread over the file, visited in an order that jumps back and forth.
    starts = [((i * 7) % N) * 5_500 + 1_000 for i in range(N)]
    clips = [
        Clip(f"c{i}", ClipKind.HIGHLIGHT, f"Clip {i}", s, s + 3_000, line=i + 1)
        for i, s in enumerate(starts)
    ]
    ep = Episode(None, SourceFormat.SHOW_NOTES, title="Seek bench", clips=clips)
    window = MainWindow(create_backend())
    window.set_episode(ep)
    window.show()
    window.media.attach(str(video))
    spin_until(lambda: window.player.state is PlayerState.PAUSED and window.player.length > 0)

    backend = window.player.backend

    exact_ms: list[float] = []

    def clicks(resumed: bool) -> list[float]:
        """Click to the first report near the start, or (resumed) to the first report
        past start + 50 ms: the seek is done and playback runs from there. Paused, also
        click to the start's frame on screen (into exact_ms)."""
        out: list[float] = []
        for clip in clips:
            got: list[float] = []
            shown: list[float] = []
            lo = clip.start_ms + 50 if resumed else clip.start_ms - 100

            def on_time(ms: int, lo: int = lo, got: list[float] = got) -> None:
                if lo <= ms <= lo + 1_000 and not got:
                    got.append(time.perf_counter())

            start = on_grid(clip.start_ms, backend.fps() or 25.0)  # its frame's start

            def on_position(ms: int, start: int = start, shown: list = shown) -> None:
                if window.player.still_shown and ms == start and not shown:
                    shown.append(time.perf_counter())

            backend.time_reported.connect(on_time)
            window.player.position_changed.connect(on_position)
            t0 = time.perf_counter()
            window.sync.select_clip(clip.id)
            spin_until(lambda got=got, shown=shown: bool(got) and (resumed or bool(shown)))
            out.append((got[0] - t0) * 1000)
            if not resumed:
                exact_ms.append((shown[0] - t0) * 1000)
            backend.time_reported.disconnect(on_time)
            window.player.position_changed.disconnect(on_position)
        return out

    paused_ms = clicks(resumed=False)
    window.player.play()
    spin_until(lambda: window.player.playing)
    resumed_ms = clicks(resumed=True)
    window.close()

    # Baseline: a bare libvlc player in the same process, same file, same seeks, while
    # playing: set_time, then libvlc's own TimeChanged event near the target.
    import threading

    import vlc

    inst = vlc.Instance(["--quiet", "--no-xlib", "--aout=dummy", "--vout=dummy"])
    player = inst.media_player_new()
    player.set_media(inst.media_new_path(str(video)))
    state = {"lo": -1, "hit": threading.Event()}

    def on_vlc_time(event) -> None:
        if state["lo"] <= event.u.new_time <= state["lo"] + 1_000:
            state["hit"].set()

    events = player.event_manager()
    events.event_attach(vlc.EventType.MediaPlayerTimeChanged, on_vlc_time)
    player.play()
    spin_until(lambda: player.get_state() == vlc.State.Playing)
    raw_ms: list[float] = []
    for s in starts:
        state["hit"].clear()
        state["lo"] = s + 50
        t0 = time.perf_counter()
        player.set_time(s)
        if not state["hit"].wait(5):
            raise SystemExit("bare libvlc did not report the seek")
        raw_ms.append((time.perf_counter() - t0) * 1000)
    events.event_detach(vlc.EventType.MediaPlayerTimeChanged)
    player.stop()
    player.release()
    inst.release()
    QTimer.singleShot(0, app.quit)

    def line(label: str, xs: list[float]) -> str:
        return (
            f"{label}: median {statistics.median(xs):6.1f} ms  "
            f"p90 {sorted(xs)[int(N * 0.9) - 1]:6.1f} ms  max {max(xs):6.1f} ms"
        )

    raw = statistics.median(raw_ms)
    version = vlc.libvlc_get_version().decode()
    print(f"{N} clip clicks on a local 120 s 640x360 H.264 file (libvlc {version})")
    print(line("click -> libvlc reports the clip start (paused)   ", paused_ms) + "  target <= 150")
    print(line("click -> the start's exact frame on screen (paused)", exact_ms) + "  target <= 150")
    print(
        line("click -> playing on from the start (past +50 ms) ", resumed_ms)
        + f"  {statistics.median(resumed_ms) / raw:4.2f}x baseline"
    )
    print(line("baseline: bare libvlc set_time -> past +50 ms    ", raw_ms))


if __name__ == "__main__":
    main()
