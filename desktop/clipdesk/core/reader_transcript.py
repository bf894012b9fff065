"""The Transcript section of show notes: one whole-section regex pass.

Lines seen in real documents, with or without a speaker label:
`[0:00](url&t=0s) text`, `[0:00](url) Name: text`, `**Name:** [0:00](url) text`,
`**Name**: [0:00](url) text`, `Name: [0:00](url) text`, `(0:00) text`, `**0:00** text`.
A line without a time continues the line before it; anything else is reported,
never dropped in silence. Long transcripts are thousands of lines, so the section
is matched as one string (finditer) rather than line by line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from clipdesk.core.episode import TranscriptLine
from clipdesk.core.time_evidence import Timed, resolve_sequence
from clipdesk.core.timecode import TimecodeError, parse_timecode

TIME = r"\d{1,3}(?::\d{1,2}){1,2}(?:[.,]\d{1,3})?"
# A speaker's name: capitalised words (or numbers: "Speaker 2"), a few particles.
NAME = (
    r"[A-Z][\w.'’-]{0,30}"
    r"(?:[ \t](?:[A-Z0-9][\w.'’-]{0,30}|de|da|di|du|van|von|der|den|le|la|al|bin|el)){0,4}"
)
# Possessive, and no colon in the name: the engine never backtracks into it.
_BOLD_NAME = r"\*\*(?P<{0}>[^*\n\[\]:]{{1,60}}+)(?::\*\*|\*\*:)"
LINE = re.compile(
    r"^[ \t]*(?:[-*+][ \t]+)?"
    # A speaker before the time: **Name:**, **Name**:, Name:, or [Name] (**[Name] 0:00**).
    r"(?:(?:" + _BOLD_NAME.format("before") + rf"|(?P<plain>{NAME}):"
    r"|(?:\*\*)?\[(?P<bracket>[A-Za-z][^\]\n]{0,59})\])[ \t]*)?"
    r"(?:\*\*|__)?[\[(]?"
    # The label, its fields captured so the usual M:SS / H:MM:SS needs no second parse.
    r"(?P<label>(?P<a>\d{1,3}):(?P<b>[0-5]?\d)(?::(?P<c>[0-5]\d))?(?P<frac>[.,]\d{1,3})?"
    r"|\d{1,3}(?::\d{1,2}){1,2}(?:[.,]\d{1,3})?)(?![\d:])[\])]?(?:\*\*|__)?"
    # The link, one query parameter at a time (possessive: no backtracking into a URL).
    r"(?:\([^)\s?&#]*+(?:[?&#](?:t=(?P<t>\d+(?:\.\d+)?)s?(?=[&#)])|[^)\s?&#]*+))*+\))?"
    r"(?:\*\*|__)?[ \t]*(?:[-–—:|][ \t]*)?"
    # A speaker after it: **Name:**, Name:, or Name:** when the bold opened before the time.
    r"(?:(?:" + _BOLD_NAME.format("bold") + rf"|(?P<after>{NAME})(?::\*\*|\*\*:|:(?=[ \t]|$)))"
    r"[ \t]*)?"
    r"(?P<text>.*)$",
    re.M,
)
# The lines between two matches of LINE (rare: alternatives in LINE itself would cost
# every line): a heading per turn, the words in the lines below (### 00:00:02 · Name),
# or any other line.
REST = re.compile(
    rf"^#{{2,6}}[ \t]+[\[(]?(?P<hlabel>{TIME})[\])]?(?:[ \t]*[·•|:–—-][ \t]*(?P<hname>.+))?$"
    r"|^[ \t]*(?P<other>\S.*)$",
    re.M,
)
# Lines that are not prose continuing a line: markup, or a timed link we failed to take.
_STRUCTURED = re.compile(r"^(?:\*\*|__|<|\||#|>|---|\[)|\]\([^)\s]*[?&#]t=\d")
# Headings that are not a turn: chapter titles between the lines (### [00:00] Intro).
_CHAPTER = re.compile(r"^#{2,6}[ \t]")


@dataclass
class TranscriptSection:
    lines: list[TranscriptLine] = field(default_factory=list)
    not_understood: list[int] = field(default_factory=list)  # 0-based line indexes
    warnings: list[tuple[int, str]] = field(default_factory=list)  # (0-based line, message)


def read_transcript(text: str, first_line: int, duration_ms: int | None) -> TranscriptSection:
    """Read the section `text` (its lines joined by \\n, the first being `first_line`)."""
    reader = _Reader(text, first_line)
    reader.run()
    out = reader.out
    if reader.disagree:
        items = [
            Timed(tl.line - 1, lb, lk)
            for tl, lb, lk in zip(out.lines, reader.labels, reader.links, strict=True)
        ]
        times, decisions = resolve_sequence(items, duration_ms, "transcript")
        for tl, ms in zip(out.lines, times, strict=True):
            tl.start_ms = ms
        out.warnings.extend((items[d.first].line, d.message) for d in decisions)
    return out


class _Reader:
    def __init__(self, text: str, first_line: int) -> None:
        self.text = text
        self.first_line = first_line
        self.out = TranscriptSection()
        self.labels: list[int] = []
        self.links: list[int | None] = []  # each line's t= in ms, when it has one
        self.disagree = False

    def run(self) -> None:
        # The hot loop of a long document: names bound locally, one match per line.
        text = self.text
        lines = self.out.lines
        append = lines.append
        labels, links = self.labels.append, self.links.append
        count = text.count
        line = self.first_line
        pos = end = 0
        for m in LINE.finditer(text):
            start = m.start()
            if start - end > (2 if end else 0) and not text[end:start].isspace():
                self.rest(end, start, line + count("\n", pos, end))
            line += count("\n", pos, start)
            pos = start
            end = m.end()
            before, plain, bracket, label, a, b, c, frac, t, bold, after, body = m.groups()
            if a is not None and frac is None and len(b) == 2:
                label_ms = (int(a) * 60 + int(b)) * 1000
                if c is not None:
                    label_ms = label_ms * 60 + int(c) * 1000
            else:
                parsed = self.parse(label, line)
                if parsed is None:
                    continue
                label_ms = parsed
            link_ms = None
            if t is not None:
                link_ms = int(t) * 1000 if t.isdigit() else round(float(t) * 1000)
                if link_ms // 1000 != label_ms // 1000:
                    self.disagree = True
            labels(label_ms)
            links(link_ms)
            if before or bold:
                speaker = (before or bold).strip()
            else:
                speaker = plain or bracket or after or ""
            # The link's value when it agrees with the label: it may hold a fraction.
            append(
                TranscriptLine(label_ms if link_ms is None else link_ms, body, line + 1, speaker)
            )
        if end < len(text) and not text[end:].isspace():
            self.rest(end, len(text), line + count("\n", pos, end))

    def parse(self, label: str, line: int) -> int | None:
        try:
            return parse_timecode(label)
        except TimecodeError:
            self.out.warnings.append((line, f"transcript time {label!r} is not a time"))
            return None

    def rest(self, start: int, end: int, line: int) -> None:
        """Lines LINE did not take: turn headings, continuations, or not understood."""
        text, out = self.text, self.out
        pos = start
        for m in REST.finditer(text, start, end):
            line += text.count("\n", pos, m.start())
            pos = m.start()
            hlabel, hname, other = m.groups()
            if hlabel is not None:  # a heading: the turn's words follow on the lines below
                label_ms = self.parse(hlabel, line)
                if label_ms is not None:
                    self.labels.append(label_ms)
                    self.links.append(None)
                    speaker = (hname or "").strip("*_ ")
                    out.lines.append(TranscriptLine(label_ms, "", line + 1, speaker))
            elif _CHAPTER.match(other):
                continue  # structure, like sub-headings elsewhere: nothing to take
            elif out.lines and not _STRUCTURED.search(other):
                last = out.lines[-1]
                last.text = f"{last.text} {other.strip()}".strip()
            else:
                out.not_understood.append(line)
