"""What one autosave costs, for a realistic project (200 clips, 30 edited) and a
heavy one (1,000 clips, all edited, a 1,000-job export queue).

Autosave takes a snapshot on the GUI thread (Project.to_data) and renders + writes it
atomically (temporary file, fsync, rename, fsync folder) on a worker thread. Baselines
measured in the same run: the same YAML text written in place without fsync (the cost
of atomicity and durability), and rendering the YAML alone. Loading runs once, when a
document opens.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import yaml

from clipdesk.core.bounds import Timebase
from clipdesk.core.clip_store import ClipStore
from clipdesk.core.episode import Clip, ClipKind, Episode, ReviewStatus, SourceFormat
from clipdesk.core.project_file import Project

RUNS = 20
Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def timed(fn, runs: int = RUNS) -> float:
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples) * 1000


def document_clips(n: int) -> list[Clip]:
    kind = ClipKind.HIGHLIGHT
    return [
        Clip(f"highlight-{i}", kind, f"Highlight {i}", i * 21_000, i * 21_000 + 15_000, i + 1)
        for i in range(n)
    ]


def case(name: str, folder: Path, n: int, edited: int, queue: int) -> None:
    doc = folder / f"{name}.md"
    doc.write_text("notes\n")
    store = ClipStore(Episode(doc, SourceFormat.SHOW_NOTES, clips=document_clips(n)))
    project = Project(doc, store, Timebase(duration_ms=6 * 3_600_000))
    for i, clip in enumerate(list(store)[:edited]):
        review = ReviewStatus.APPROVED if i % 2 else ReviewStatus.REJECTED
        store.update(clip.id, start_ms=clip.start_ms + 40, review=review, note=f"note {i}")
    project.set_export_queue([{"clip": c.id, "state": "queued"} for c in list(store)[:queue]])

    snapshot_ms = timed(project.to_data)
    data = project.to_data()
    save_ms = timed(lambda: project.save(data))
    render_ms = timed(lambda: yaml.dump(data, Dumper=Dumper, sort_keys=False, width=100))
    text = yaml.dump(data, Dumper=Dumper, sort_keys=False, width=100)
    plain = folder / f"{name}.plain.yaml"
    plain_ms = timed(lambda: plain.write_text(text))

    def load() -> None:
        fresh = ClipStore(Episode(doc, SourceFormat.SHOW_NOTES, clips=document_clips(n)))
        Project(doc, fresh, Timebase()).load()

    load_ms = timed(load, 5)
    size_kb = os.path.getsize(project.path) / 1024
    print(f"{name}: {n} clips, {edited} edited, {queue} queued jobs, {size_kb:.0f} KiB")
    print(f"  GUI thread, snapshot:        {snapshot_ms:8.2f} ms")
    print(f"  worker, render + atomic save:{save_ms:8.2f} ms")
    print(f"    baseline render only:      {render_ms:8.2f} ms")
    print(f"    baseline plain write:      {plain_ms:8.2f} ms")
    print(f"    atomic save / (render + plain write): {save_ms / (render_ms + plain_ms):.2f}x")
    print(f"  open: load and apply:        {load_ms:8.2f} ms")


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="clipdesk-bench-"))
    try:
        print(f"PyYAML with libyaml: {yaml.__with_libyaml__}")
        case("realistic", folder, 200, 30, 0)
        case("heavy", folder, 1_000, 1_000, 1_000)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
