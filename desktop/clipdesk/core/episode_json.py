"""The episode as plain data, for `clipdesk inspect --json` and other tools."""

from __future__ import annotations

from typing import Any

from clipdesk.core.episode import Clip, Episode
from clipdesk.core.timecode import format_clock

JSON_SCHEMA = 2  # 2: quotes are objects (text, speaker, start_ms, line, context)


def clip_to_dict(clip: Clip, index: int) -> dict[str, Any]:
    return {
        "id": clip.id,
        "kind": clip.kind.value,
        "index": index,
        "title": clip.title,
        "start_ms": clip.start_ms,
        "end_ms": clip.end_ms,
        "duration_ms": clip.duration_ms,
        "start": format_clock(clip.start_ms),
        "end": format_clock(clip.end_ms) if clip.end_ms is not None else None,
        "line": clip.line,
        "quote": clip.quote,
        "speaker": clip.speaker,
        "speakers": list(clip.speakers),
        "context": clip.context,
        "summary": clip.summary,
        "takeaway": clip.takeaway,
        "review": clip.review.value,
        "note": clip.note,
    }


def clip_indexes(ep: Episode) -> dict[str, int]:
    """1-based number of each clip among the clips of its kind."""
    seen: dict[str, int] = {}
    out: dict[str, int] = {}
    for c in ep.clips:
        seen[c.kind.value] = seen.get(c.kind.value, 0) + 1
        out[c.id] = seen[c.kind.value]
    return out


def episode_to_dict(ep: Episode) -> dict[str, Any]:
    indexes = clip_indexes(ep)
    return {
        "schema": JSON_SCHEMA,
        "document": str(ep.path) if ep.path else None,
        "format": ep.source_format.value,
        "episode": {
            "video_id": ep.video_id,
            "title": ep.title,
            "channel": ep.channel,
            "duration_ms": ep.duration_ms,
            "url": ep.url,
            "upload_date": ep.upload_date,
            "tags": ep.tags,
            "summary": ep.summary,
        },
        "clips": [clip_to_dict(c, indexes[c.id]) for c in ep.clips],
        "transcript": [
            {"start_ms": t.start_ms, "text": t.text, "speaker": t.speaker, "line": t.line}
            for t in ep.transcript
        ],
        "takeaways": [{"text": t.text, "line": t.line} for t in ep.takeaways],
        "mentions": [
            {
                "name": m.name,
                "category": m.category,
                "description": m.description,
                "start_ms": m.start_ms,
                "line": m.line,
            }
            for m in ep.mentions
        ],
        "quotes": [
            {
                "text": q.text,
                "speaker": q.speaker,
                "start_ms": q.start_ms,
                "line": q.line,
                "context": q.context,
            }
            for q in ep.quotes
        ],
        "warnings": [{"line": w.line, "message": w.message} for w in ep.warnings],
        "counts": ep.counts(),
    }
