"""Generate a long show-notes document (format A) for benchmarks and tests."""

from __future__ import annotations

import random
import sys
from pathlib import Path

WORDS = [
    "signal", "fog", "keeper", "rock", "lamp", "tide", "harbour", "chart", "bearing", "lens",
    "gale", "watch", "log", "storm", "light", "vessel", "beacon", "reef", "channel", "buoy",
    "pilot", "compass", "sextant", "mast", "hull", "anchor",
]  # fmt: skip


def clock(s: int) -> str:
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


def long_document(hours: float = 6, highlights: int = 200, transcript: int = 3000,
                  key_points: int = 80, seed: int = 7) -> str:  # fmt: skip
    rnd = random.Random(seed)
    duration = int(hours * 3600)
    url = "https://www.example.org/watch?v=LongEpisode1"

    def words(n: int) -> str:
        return " ".join(rnd.choice(WORDS) for _ in range(n))

    out = [
        "---", "video_id: LongEpisode1", f'title: "A {hours:g}-hour benchmark episode"',
        "channel: Bench Radio", f"duration: {duration}", f"url: {url}",
        "upload_date: 2026-01-01", "tags:", "  - bench", "  - long", "---", "",
        "# A long benchmark episode", "", "## Summary", "", words(120), "", "## Highlights", "",
    ]  # fmt: skip
    for i in range(highlights):
        start = int(duration * i / highlights) + rnd.randrange(0, 30)
        end = start + rnd.randrange(20, 90)
        out += [
            f'### "{words(6).capitalize()}"', "",
            f"[![Clip](https://img.example.org/{i}.jpg)]({url}&t={start}s)",
            "<details>", "<summary>Clip command</summary>", "", "```bash",
            f'yt-dlp --download-sections "*{clock(start)}-{clock(end)}" "{url}" '
            f'--force-keyframes-at-cuts --merge-output-format mp4 -o "clip-{i}.mp4"',
            "```", "</details>", "",
            f'> "{words(30).capitalize()}."',
            f"> — Speaker {i % 3}, [{clock(start)}]({url}&t={start}s)", "",
        ]  # fmt: skip
    out += ["## Key Points", ""]
    for i in range(key_points):
        t = int(duration * i / key_points)
        out.append(f"- **{words(3).title()}** ([{clock(t)}]({url}&t={t}s)) - {words(15)}")
    out += ["", "## Transcript", ""]
    for i in range(transcript):
        t = int(duration * i / transcript)
        # Speaker labels before the time, as real transcripts write them.
        out += [f"**Speaker {i % 3}:** [{clock(t)}]({url}&t={t}s) {words(40)}", ""]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "long-episode.md")
    path.write_text(long_document())
    print(path)
