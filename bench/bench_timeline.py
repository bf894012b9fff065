"""What painting the timeline costs while a 4-hour episode is scrolled and zoomed.

A 4-hour episode with ~300 clips in three overlapping kinds, peaks of real size (the
10 ms levels: 1.44 M bins, and the 100 ms ones), ~4 000 pauses, and a thumbnail strip
(in-memory images of the size ffmpeg makes). At each zoom the view is scrolled 60 times
by a thirtieth of its width, and every step paints the whole widget (960 x 200 px) into
an image: the waveform is made afresh each time, as in a real scroll. Figures, all from
this run: median and 95th percentile per zoom, and the same for an empty timeline (no
clips, no sound: the ruler and the scroll bar) as the baseline.
Target: a repaint under 16 ms at every zoom.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtGui import QColor, QImage, QUndoStack  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from clipdesk.core.bounds import Timebase  # noqa: E402
from clipdesk.core.clip_store import ClipStore  # noqa: E402
from clipdesk.core.episode import Clip, ClipKind, Episode, SourceFormat  # noqa: E402
from clipdesk.core.pauses import Pause  # noqa: E402
from clipdesk.media.audio_analysis import AudioAnalysis  # noqa: E402
from clipdesk.media.audio_levels import COARSE_PER_S, FINE_PER_S, Levels  # noqa: E402
from clipdesk.media.pause_detect import Loudness  # noqa: E402
from clipdesk.ui.document.media_analysis import THUMB_HEIGHT  # noqa: E402
from clipdesk.ui.editing.timeline import Timeline  # noqa: E402
from clipdesk.ui.editing.undo_commands import ClipEditor  # noqa: E402

HOUR = 3_600_000
WIDTH, HEIGHT = 960, 200
VISIBLE_MS = {"whole 4 h": 4 * HOUR, "1 h": HOUR, "10 min": 600_000, "1 min": 60_000,
              "10 s": 10_000}  # fmt: skip


def sound(duration_ms: int, seed: int = 3) -> AudioAnalysis:
    rng = np.random.default_rng(seed)
    n = duration_ms * FINE_PER_S // 1000
    amp = (0.25 + 0.2 * rng.random(n)).astype(np.float32)
    pauses: list[Pause] = []
    t = 0
    while True:  # phrases of 1-6 s, pauses of 150-900 ms: ~4 000 in 4 hours
        t += int(rng.uniform(1_000, 6_000))
        length = int(rng.uniform(150, 900))
        if t + length >= duration_ms:
            break
        pauses.append(Pause(t, t + length, float(rng.uniform(20, 40))))
        amp[t // 10 : (t + length) // 10] = 0.003
        t += length
    fine = Levels(FINE_PER_S, -amp, amp.copy(), (amp * 0.5).astype(np.float32))
    loud = Loudness(floor_db=-60.0, speech_db=-18.0, threshold_db=-45.0)
    return AudioAnalysis("/bench/4h.mp4", duration_ms, fine, fine.coarser(COARSE_PER_S),
                         tuple(pauses), loud)  # fmt: skip


def clips(duration_ms: int, count: int = 300) -> list[Clip]:
    kinds = (ClipKind.HIGHLIGHT, ClipKind.KEY_POINT, ClipKind.SEGMENT)
    step = duration_ms // count
    return [
        Clip(f"c{i}", kinds[i % 3], f"Clip number {i} about the harbour", i * step,
             i * step + step * (2 if i % 3 == 2 else 1) - 500, line=i + 1)
        for i in range(count)
    ]  # fmt: skip


class Thumbnails:
    """A source with every thumbnail made already: what drawing them costs."""

    has_video = True

    def __init__(self) -> None:
        self.image = QImage(round(THUMB_HEIGHT * 16 / 9), THUMB_HEIGHT, QImage.Format.Format_RGB32)
        self.image.fill(QColor("#556677"))

    def want_thumbnails(self, spacing_ms: int, start_ms: float, end_ms: float) -> None:
        pass

    def thumbnails(self, spacing_ms: int, start_ms: float, end_ms: float):
        first = int(start_ms // spacing_ms) * spacing_ms
        return [(t, self.image) for t in range(first, int(end_ms) + spacing_ms, spacing_ms)]


def make_timeline(full: bool) -> Timeline:
    duration = 4 * HOUR
    episode = Episode(Path("bench.md"), title="Bench", source_format=SourceFormat.SHOW_NOTES,
                      clips=clips(duration) if full else [])  # fmt: skip
    editor = ClipEditor(ClipStore(episode), QUndoStack(), Timebase(duration_ms=duration, fps=25))
    tl = Timeline(editor)
    tl.resize(WIDTH, HEIGHT)
    if full:
        tl.setAnalysis(sound(duration))
        tl.setThumbnailSource(Thumbnails())
    tl.resize(WIDTH, HEIGHT)
    return tl


def measure(tl: Timeline, visible_ms: int, steps: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU (this thread's) ms of each paint: on a shared machine the CPU
    time is what the paint itself costs, the wall time what a user would wait."""
    tl.setZoom(visible_ms / WIDTH)
    tl.setViewStart(HOUR)  # away from the start: clips on every side
    image = QImage(WIDTH, HEIGHT, QImage.Format.Format_ARGB32_Premultiplied)
    tl.render(image)  # warm up
    wall, cpu = [], []
    for i in range(steps):
        tl.setViewStart(HOUR + (i + 1) * visible_ms / 30)
        t0, c0 = time.perf_counter(), time.thread_time()
        tl.render(image)
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.thread_time() - c0) * 1000)
    return wall, cpu


def p95(values: list[float]) -> float:
    return float(np.percentile(values, 95))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=60)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    base, full = make_timeline(False), make_timeline(True)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"timeline {WIDTH}x{HEIGHT} px, 4 h, 300 clips, {len(full.pauses())} pauses, "
          f"{full.analysis().fine.rms.size:,} fine bins; load average {load:.2f}")  # type: ignore[union-attr]  # fmt: skip
    print("ms per paint: wall median / p95, and CPU median / p95 (this thread)")
    print(f"{'zoom':>10}  {'empty wall':>13} {'empty cpu':>13}  {'full wall':>13} "
          f"{'full cpu':>13}  cpu ratio")  # fmt: skip
    worst_wall = worst_cpu = 0.0
    for label, visible in VISIBLE_MS.items():
        bw, bc = measure(base, visible, args.steps)
        fw, fc = measure(full, visible, args.steps)
        worst_wall, worst_cpu = max(worst_wall, p95(fw)), max(worst_cpu, p95(fc))
        print(f"{label:>10}  {statistics.median(bw):6.2f} {p95(bw):6.2f} "
              f"{statistics.median(bc):6.2f} {p95(bc):6.2f}  "
              f"{statistics.median(fw):6.2f} {p95(fw):6.2f} "
              f"{statistics.median(fc):6.2f} {p95(fc):6.2f}  "
              f"{statistics.median(fc) / max(1e-6, statistics.median(bc)):5.1f}x")  # fmt: skip
    print(f"worst p95: wall {worst_wall:.2f} ms, cpu {worst_cpu:.2f} ms (target < 16 ms)")
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
