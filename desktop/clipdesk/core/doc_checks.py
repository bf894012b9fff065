"""Consistency warnings shared by the readers: times out of order, past the end, empty."""

from __future__ import annotations

from clipdesk.core.episode import Clip, ClipKind, Episode, Notice
from clipdesk.core.timecode import format_clock

MAX_NOT_UNDERSTOOD = 20  # warnings a section; then one count


def report_not_understood(ep: Episode, lines: list[str], unread: list[int], section: str) -> None:
    """Warn about the lines (0-based indexes into `lines`) of a section nothing took:
    the first 20 by name, the rest as one count."""
    unread = sorted(set(unread))
    ep.lines_not_understood += len(unread)
    for i in unread[:MAX_NOT_UNDERSTOOD]:
        shown = lines[i].strip()
        shown = shown if len(shown) <= 80 else shown[:77] + "..."
        ep.warnings.append(Notice(i + 1, f"line not understood in {section}: {shown!r}"))
    if len(unread) > MAX_NOT_UNDERSTOOD:
        more = len(unread) - MAX_NOT_UNDERSTOOD
        ep.warnings.append(
            Notice(
                unread[MAX_NOT_UNDERSTOOD] + 1,
                f"{more} more line{'s' if more != 1 else ''} not understood in {section} "
                f"({len(unread)} in all)",
            )
        )


def fill_open_ends(clips: list[Clip], duration_ms: int | None) -> None:
    """Key points and segments end where the next one (with a later start) begins;
    the last ends at the episode duration when it is known."""
    starts = sorted({c.start_ms for c in clips})
    for clip in clips:
        if clip.end_ms is not None:
            continue
        later = next((s for s in starts if s > clip.start_ms), None)
        if later is not None:
            clip.end_ms = later
        elif duration_ms is not None and duration_ms > clip.start_ms:
            clip.end_ms = duration_ms
        clip.orig_end_ms = clip.end_ms


def check_episode(ep: Episode) -> None:
    warn = ep.warnings
    for kind in ClipKind:
        clips = ep.clips_of(kind)
        seen: dict[int, Clip] = {}
        prev: Clip | None = None
        for c in clips:
            if c.end_ms is not None and c.end_ms <= c.start_ms:
                warn.append(
                    Notice(
                        c.line,
                        f"{kind.label} ends ({format_clock(c.end_ms)}) at or before "
                        f"its start ({format_clock(c.start_ms)})",
                    )
                )
            if ep.duration_ms is not None:
                last = c.end_ms if c.end_ms is not None else c.start_ms
                if last > ep.duration_ms:
                    warn.append(
                        Notice(
                            c.line,
                            f"{kind.label} runs to {format_clock(last)}, past the "
                            f"episode's duration {format_clock(ep.duration_ms)}",
                        )
                    )
            if kind is not ClipKind.HIGHLIGHT:
                if c.start_ms in seen:
                    warn.append(
                        Notice(
                            c.line,
                            f"{kind.label} has the same time as line "
                            f"{seen[c.start_ms].line} ({format_clock(c.start_ms)})",
                        )
                    )
                elif prev is not None and c.start_ms < prev.start_ms:
                    warn.append(
                        Notice(
                            c.line,
                            f"{kind.label} at {format_clock(c.start_ms)} comes after "
                            f"one at {format_clock(prev.start_ms)} (line {prev.line}): "
                            "times are out of order",
                        )
                    )
                seen.setdefault(c.start_ms, c)
            prev = c
    last_t = -1
    for t in ep.transcript:
        if t.start_ms < last_t:
            warn.append(
                Notice(t.line, f"transcript line at {format_clock(t.start_ms)} is out of order")
            )
        if ep.duration_ms is not None and t.start_ms > ep.duration_ms:
            warn.append(
                Notice(
                    t.line,
                    f"transcript line at {format_clock(t.start_ms)} is past the "
                    f"episode's duration {format_clock(ep.duration_ms)}",
                )
            )
        last_t = max(last_t, t.start_ms)
    warn.sort(key=lambda n: n.line)
