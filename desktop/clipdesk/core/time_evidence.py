"""Which time to believe when a label and its link's t= disagree.

Real documents get both wrong: a label rounded or mistyped, or a run of links all
shifted by a constant (every t= 900 s past its label from some point on, past the
video's end). No fixed rule is right, so the other times the document gives are
weighed: the order of the neighbouring lines, the episode's duration, the clip
command's range, the thumbnail link and the transcript line at that time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from clipdesk.core.timecode import format_timecode

SLACK_MS = 3000  # "a few seconds": labels are rounded, thumbnails sit near the start


def clock(ms: int) -> str:
    """A time as documents write it (M:SS, H:MM:SS)."""
    return format_timecode(max(0, ms))


@dataclass(frozen=True)
class Evidence:
    """One witness: its name, and which of the two times it supports."""

    name: str
    label: bool
    link: bool


def weigh(name: str, supports: Callable[[int], bool], label_ms: int, link_ms: int) -> Evidence:
    return Evidence(name, supports(label_ms), supports(link_ms))


def decide(evidence: Sequence[Evidence]) -> tuple[bool, str]:
    """(use_label, why). The time more witnesses support wins; on a tie the link,
    which is what a click on the document plays."""
    for_label = [e.name for e in evidence if e.label and not e.link]
    for_link = [e.name for e in evidence if e.link and not e.label]
    if len(for_label) > len(for_link):
        return True, "decided by " + " and ".join(for_label)
    if for_link:
        return False, "decided by " + " and ".join(for_link)
    return False, "nothing else in the document decides"


def duration_witness(duration_ms: int | None) -> Callable[[int], bool] | None:
    if duration_ms is None:
        return None
    return lambda ms: ms <= duration_ms + 999


@dataclass
class Timed:
    """A timed item of a sequence (transcript lines, key points): its 0-based line, its
    label and its link's value (None without a t=)."""

    line: int
    label_ms: int
    link_ms: int | None


@dataclass
class Decision:
    first: int  # indexes into the items
    last: int
    use_label: bool
    message: str


def resolve_sequence(
    items: Sequence[Timed],
    duration_ms: int | None,
    what: str,
    extra: Callable[[Timed], list[Evidence]] | None = None,
) -> tuple[list[int], list[Decision]]:
    """The time of every item, and one decision for each run of consecutive items whose
    links are off their labels by the same amount (one disagreeing item is a run of one).

    A run is judged as a whole: do its labels, or its links, keep the sequence in order
    with the agreeing items before and after it, and inside the episode?
    """
    times = [it.label_ms if it.link_ms is None else it.link_ms for it in items]
    deltas = [_delta(it) for it in items]
    decisions: list[Decision] = []
    in_episode = duration_witness(duration_ms)
    spacing = _typical_spacing(times, deltas)
    n = len(items)
    i = 0
    while i < n:
        delta = deltas[i]
        if delta is None:
            i += 1
            continue
        j = i
        while j + 1 < n and (nxt := deltas[j + 1]) is not None and abs(nxt - delta) < 1000:
            j += 1
        first, last = items[i], items[j]
        lo = times[i - 1] if i > 0 else 0
        hi = next((times[k] for k in range(j + 1, n) if deltas[k] is None), None)
        label_fits = first.label_ms >= lo and (hi is None or last.label_ms <= hi)
        link_fits = (first.link_ms or 0) >= lo and (hi is None or (last.link_ms or 0) <= hi)
        around = "the order of the lines around them" if j > i else "the order of the lines around"
        evidence = [Evidence(around, label_fits, link_fits)]
        if i > 0 and spacing is not None:
            # A shifted run opens with a jump far wider than the lines' usual spacing.
            usual = max(5 * spacing, 60_000)
            evidence.append(
                Evidence(
                    "the spacing of the lines before",
                    abs(first.label_ms - lo) <= usual,
                    abs((first.link_ms or 0) - lo) <= usual,
                )
            )
        if in_episode is not None:
            evidence.append(
                Evidence(
                    f"the episode's duration {clock(duration_ms or 0)}",
                    in_episode(last.label_ms),
                    in_episode(last.link_ms or 0),
                )
            )
        if extra is not None and j == i:
            evidence.extend(extra(first))
        use_label, why = decide(evidence)
        if use_label:
            for k in range(i, j + 1):
                times[k] = items[k].label_ms
        message = _message(items, i, j, delta, use_label, why, what)
        decisions.append(Decision(i, j, use_label, message))
        i = j + 1
    return times, decisions


def _typical_spacing(times: list[int], deltas: list[int | None]) -> int | None:
    """The median gap between consecutive agreeing items, or None with too few."""
    gaps = sorted(
        times[k + 1] - times[k]
        for k in range(len(times) - 1)
        if deltas[k] is None and deltas[k + 1] is None and times[k + 1] >= times[k]
    )
    return gaps[len(gaps) // 2] if len(gaps) >= 3 else None


def _delta(it: Timed) -> int | None:
    if it.link_ms is None or it.link_ms // 1000 == it.label_ms // 1000:
        return None
    return it.link_ms - it.label_ms


def disagreement(label_ms: int, link_ms: int, use_label: bool, why: str) -> str:
    """The warning for one label and its link: both values, what decided, the choice."""
    choice = "using the label" if use_label else "using the link"
    return (
        f"label {clock(label_ms)} disagrees with its link's t={link_ms // 1000}s "
        f"({clock(link_ms)}); {why}: {choice}"
    )


def _message(
    items: Sequence[Timed], i: int, j: int, delta: int, use_label: bool, why: str, what: str
) -> str:
    first, last = items[i], items[j]
    if i == j:
        return disagreement(first.label_ms, first.link_ms or 0, use_label, why)
    side = "past" if delta > 0 else "before"
    return (
        f"lines {first.line + 1} to {last.line + 1}: {j - i + 1} {what} links are "
        f"{abs(delta) // 1000} s {side} their labels (first: label {clock(first.label_ms)}, "
        f"t={(first.link_ms or 0) // 1000}s; last: label {clock(last.label_ms)}, "
        f"t={(last.link_ms or 0) // 1000}s); {why}: using the {'labels' if use_label else 'links'}"
    )
