"""The show notes of the 60 s demo video that the export tests cut: two highlights and
two key points, their clip commands pointing at `url`."""

from __future__ import annotations

from pathlib import Path


def show_notes(folder: Path, url: str) -> Path:
    """Write notes.md into folder and return its path."""
    doc = folder / "notes.md"
    doc.write_text(
        f"""---
video_id: demo1234567
title: Demo
duration: 60
url: {url}
---

## Highlights

### The first moment

```bash
yt-dlp --download-sections "*0:04-0:06" "{url}"
```

### A second moment

```bash
yt-dlp --download-sections "*0:21-0:23.500" "{url}"
```

## Key Points

- **Opening** ([0:00]({url}&t=0s)) - the start
- **Middle** ([0:30]({url}&t=30s)) - the middle
""",
        encoding="utf-8",
    )
    return doc
