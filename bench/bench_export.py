"""What exporting clips costs: N clips cut from the demo video served on loopback.

Figures, all measured in this run:
- remote (yt-dlp + ffmpeg), exact and fast mode, with 1 and 2 workers; the ratio
  is against exact mode with 1 worker;
- the same with every job doing its own yt-dlp extraction instead of sharing one
  reading of the source (on loopback extraction is nearly free; on video sites it
  costs seconds per clip, which this cannot show);
- the same clips cut by ffmpeg from a local copy, plus the time to fetch that copy
  once: what "fetch the source once, cut locally" would cost instead.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.range_server import RangeServer  # noqa: E402

from clipdesk.core.episode import Clip, ClipKind, Episode, SourceFormat  # noqa: E402
from clipdesk.core.export_plan import (  # noqa: E402
    ExportMode,
    ExportSettings,
    MediaSource,
    SourceKind,
    plan_export,
)
from clipdesk.media.demo_video import make_demo_video  # noqa: E402
from clipdesk.media.export_queue import ExportQueue, JobState  # noqa: E402
from clipdesk.media.tools import find_tools  # noqa: E402

CLIPS = 6
CLIP_MS = 4_000


def export(
    media: MediaSource, out: Path, mode: ExportMode, workers: int, share: bool = True
) -> float:
    clips = [
        Clip(f"c{i}", ClipKind.HIGHLIGHT, f"Clip {i}", 5_000 + i * 9_000,
             5_000 + i * 9_000 + CLIP_MS, line=i + 1)
        for i in range(CLIPS)
    ]  # fmt: skip
    episode = Episode(None, SourceFormat.SHOW_NOTES, video_id="bench", clips=clips)
    settings = ExportSettings(out_dir=str(out), mode=mode, jobs=workers)
    plan = plan_export(episode, settings, media)
    queue = ExportQueue(find_tools(), max_workers=workers, share_source_info=share)
    queue.add(plan.jobs)
    t0 = time.perf_counter()
    queue.start()
    queue.wait()
    elapsed = time.perf_counter() - t0
    bad = [j.error for j in queue.jobs if j.state is not JobState.DONE]
    if bad:
        raise SystemExit(f"export failed: {bad[0]}")
    shutil.rmtree(out)
    return elapsed


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="clipdesk-bench-export-"))
    media_dir = folder / "media"
    video = make_demo_video(media_dir / "demo.mp4", duration_s=60)
    print(f"{CLIPS} clips of {CLIP_MS / 1000:g} s from a 60 s 640x360 H.264/AAC video")
    try:
        with RangeServer(media_dir) as server:
            remote = MediaSource(SourceKind.REMOTE, server.url("demo.mp4"))
            rows = []
            for mode in (ExportMode.EXACT, ExportMode.FAST):
                for workers in (1, 2):
                    t = export(remote, folder / "out", mode, workers)
                    rows.append((f"remote {mode.value}, {workers} worker(s)", t))
                t = export(remote, folder / "out", mode, 2, share=False)
                rows.append((f"remote {mode.value}, 2, no shared reading", t))
            t0 = time.perf_counter()
            local_copy = folder / "copy.mp4"
            with urllib.request.urlopen(server.url("demo.mp4")) as r, open(local_copy, "wb") as f:
                shutil.copyfileobj(r, f)
            fetch = time.perf_counter() - t0
            local = MediaSource(SourceKind.LOCAL, str(local_copy))
            for mode in (ExportMode.EXACT, ExportMode.FAST):
                t = export(local, folder / "out", mode, 2)
                rows.append((f"fetch once + local {mode.value}, 2 workers", fetch + t))
        base = rows[0][1]
        for label, t in rows:
            print(f"  {label:38} {t:6.2f} s  {t / CLIPS:5.2f} s/clip  x{t / base:4.2f}")
        print(f"  (fetching the whole source once took {fetch:.2f} s; baseline is the first row)")
        del video
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
