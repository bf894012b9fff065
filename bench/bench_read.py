"""How long reading a 6-hour document takes (200 highlights, 3,000 speaker-labelled
transcript lines).

Target: at most 50 ms median. The baseline is the same bytes read, decoded and split
with str.splitlines, measured in the same run, so the ratio says what parsing costs.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from clipdesk.core.errors import DocumentError
from clipdesk.core.reader import read_document
from clipdesk.core.writer import render_document
from make_long_document import long_document


def timed(fn, runs: int) -> tuple[float, float]:
    """Median and best CPU time in ms: CPU time, not wall time, so that other
    work on a shared 2-core machine disturbs the figure less."""
    samples = []
    for _ in range(runs):
        t0 = time.process_time()
        fn()
        samples.append(time.process_time() - t0)
    return statistics.median(samples) * 1000, min(samples) * 1000


def refusal_times(tmp: Path) -> list[tuple[str, float]]:
    """Wall time to refuse what is not a document (target: under 100 ms each)."""
    fifo = tmp / "pipe.md"
    os.mkfifo(fifo)
    big = tmp / "big.md"
    with open(big, "wb") as f:
        f.truncate(200 * 1024 * 1024)
    binary = tmp / "binary.md"
    binary.write_bytes(os.urandom(1 << 20))
    out = []
    for name, path in [("FIFO", fifo), ("/dev/zero", Path("/dev/zero")), ("folder", tmp),
                       ("200 MB file", big), ("1 MB of random bytes", binary)]:  # fmt: skip
        t0 = time.perf_counter()
        with contextlib.suppress(DocumentError):
            read_document(path)
        out.append((name, (time.perf_counter() - t0) * 1000))
    return out


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "six-hours.md"
        path.write_text(long_document())
        ep = read_document(path)
        counts = ep.counts()
        assert counts["highlight"] == 200 and counts["transcript_lines"] == 3000, counts
        assert all(t.speaker for t in ep.transcript) and not ep.warnings, ep.warnings[:3]
        runs = 40
        base, base_min = timed(lambda: path.read_bytes().decode().splitlines(), runs)
        read, read_min = timed(lambda: read_document(path), runs)
        write, _ = timed(lambda: render_document(ep), runs)
        size = path.stat().st_size
        refused = refusal_times(Path(tmp))
    load = os.getloadavg()[0]  # CPU time still grows when other work shares the cores
    print(f"machine: {os.cpu_count()} cores, load average {load:.1f}")
    print(
        f"document: {size / 1024:.0f} KiB, {counts['highlight']} highlights, "
        f"{counts['key-point']} key points, {counts['transcript_lines']} transcript lines"
    )
    print(
        f"read_document    median {read:6.1f} ms  best {read_min:6.1f} ms  (target <= 50 ms)  "
        f"{read / base:5.1f}x baseline"
    )
    print(f"render_document  median {write:6.1f} ms")
    print(f"baseline (read, decode, str.splitlines) median {base:.1f} ms  best {base_min:.1f} ms")
    print(
        "refused (target < 100 ms each): "
        + ", ".join(f"{name} {ms:.1f} ms" for name, ms in refused)
    )


if __name__ == "__main__":
    main()
