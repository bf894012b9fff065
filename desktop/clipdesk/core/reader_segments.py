"""Format B: a podcast app's "Key Takeaways / Segments" export.

Takeaway bullets, then segments: a title line, often "Copied to clipboard!",
a start time such as (00:16:29), "- Key Takeaway:" and "- Summary:". No URL and
no end times: each segment ends where the next begins.
"""

from __future__ import annotations

import re

from clipdesk.core.doc_checks import check_episode, fill_open_ends, report_not_understood
from clipdesk.core.episode import Clip, ClipKind, Episode, Notice, SourceFormat, Takeaway
from clipdesk.core.source_text import SourceText, Span
from clipdesk.core.timecode import TimecodeError, detect_style, parse_timecode

CLIPBOARD = re.compile(r"\s*copied to clipboard!?\s*$", re.IGNORECASE)
TIME_LINE = re.compile(
    r"^\s*(?P<all>\(?\s*(?P<t>\d{1,3}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?)\s*\)?)\s*$"
)
TITLE_WITH_TIME = re.compile(
    r"^(?P<title>.*\S)\s+(?P<all>\((?P<t>\d{1,3}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?)\))\s*$"
)
HEADER = re.compile(r"^\s*(?:#+\s*)?(?P<name>key takeaways|takeaways|segments)\b", re.IGNORECASE)
FIELD = re.compile(r"^\s*[-*•]\s*(?P<name>key takeaway|takeaway|summary)\s*:\s*(?P<text>.*)$", re.I)
BULLET = re.compile(r"^\s*[-*•]\s+(?P<text>.*)$")


def looks_like_segments(src: SourceText) -> bool:
    headers = set()
    times = 0
    for i in range(min(len(src.lines), 20000)):
        line = src.stripped(i)
        m = HEADER.match(CLIPBOARD.sub("", line))
        if m and len(line) < 60:
            headers.add(m.group("name").lower())
        if TIME_LINE.match(line) or TITLE_WITH_TIME.match(line):
            times += 1
    return ("segments" in headers and times > 0) or ("key takeaways" in headers and times > 0)


class SegmentsReader:
    def __init__(self, src: SourceText) -> None:
        self.src = src
        self.ep = Episode(path=src.path, source_format=SourceFormat.SEGMENTS, source=src)

    def warn(self, index: int, message: str, dropped: ClipKind | None = None) -> None:
        self.ep.warnings.append(Notice(index + 1, message, dropped))

    def read(self) -> Episode:
        src = self.src
        section = ""
        title_line: int | None = None  # candidate title of the next segment
        current: Clip | None = None
        last_field: str | None = None
        n = 0
        unread: list[int] = []
        for i in range(len(src.lines)):
            raw = src.stripped(i)
            if not raw.strip():
                continue
            hm = HEADER.match(CLIPBOARD.sub("", raw))
            if hm and len(raw) < 60 and not BULLET.match(raw):
                section = "segments" if hm.group("name").lower() == "segments" else "takeaways"
                title_line, current, last_field = None, None, None
                continue
            if CLIPBOARD.fullmatch(raw):
                continue
            if section == "takeaways":
                bm = BULLET.match(raw)
                if bm:
                    self.ep.takeaways.append(Takeaway(bm.group("text").strip(), i + 1))
                elif self.ep.takeaways:
                    self.ep.takeaways[-1].text += " " + raw.strip()
                continue
            if section != "segments":
                if not self.ep.title and raw.lstrip("# ").strip():
                    self.ep.title = raw.lstrip("# ").strip()
                continue
            tm = TIME_LINE.match(raw)
            twm = None if tm else TITLE_WITH_TIME.match(raw)
            if (tm and title_line is not None) or (twm and not FIELD.match(raw)):
                m = tm or twm
                try:
                    start = parse_timecode(m.group("t"))
                except TimecodeError as exc:
                    self.warn(i, f"segment time: {exc}")
                    continue
                title = src.stripped(title_line).strip() if tm else twm.group("title").strip()
                if twm and title_line is not None:  # the line before was not this title
                    if current is not None and last_field:
                        _continue_field(current, last_field, src.stripped(title_line))
                    else:
                        unread.append(title_line)
                n += 1
                current = Clip(
                    id=f"segment-{n}",
                    kind=ClipKind.SEGMENT,
                    title=title,
                    start_ms=start,
                    end_ms=None,
                    line=i + 1,
                )
                self.ep.clips.append(current)
                src.spans.append(
                    Span(
                        i, m.start("t"), m.end("t"), current.id, "start", detect_style(m.group("t"))
                    )
                )
                title_line, last_field = None, None
                continue
            if tm:
                self.warn(i, "a time with no segment title before it; skipped", ClipKind.SEGMENT)
                continue
            fm = FIELD.match(raw)
            if fm and current is not None:
                last_field = "summary" if fm.group("name").lower() == "summary" else "takeaway"
                setattr(current, last_field, fm.group("text").strip())
                continue
            if BULLET.match(raw) and current is not None:
                last_field = "summary"
                current.summary = (current.summary + " " + BULLET.match(raw).group("text")).strip()
                continue
            if title_line is not None and current is not None and last_field:
                # Two plain lines in a row: the first was text continuing the last field.
                _continue_field(current, last_field, src.stripped(title_line))
            elif title_line is not None:
                unread.append(title_line)  # a line that was neither a title nor a field's text
            title_line = i
        if title_line is not None and current is not None and last_field:
            _continue_field(current, last_field, src.stripped(title_line))
        elif title_line is not None:
            unread.append(title_line)
        report_not_understood(
            self.ep, [src.stripped(i) for i in range(len(src.lines))], unread, "Segments"
        )
        if not self.ep.title and src.path is not None:
            self.ep.title = src.path.stem
        fill_open_ends(self.ep.clips_of(ClipKind.SEGMENT), self.ep.duration_ms)
        if self.ep.clips and self.ep.clips[-1].end_ms is None:
            last = self.ep.clips[-1]
            self.ep.warnings.append(
                Notice(last.line, "the last segment has no end: the document gives no duration")
            )
        check_episode(self.ep)
        return self.ep


def _continue_field(clip: Clip, name: str, text: str) -> None:
    setattr(clip, name, (getattr(clip, name) + " " + text.strip()).strip())
