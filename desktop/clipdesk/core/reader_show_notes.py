"""Format A: show-notes Markdown with YAML frontmatter, highlights, key points,
mentions, quotes and a transcript. Sections may come in any order; unknown ones
are skipped; each highlight's bounds come from its clip command."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

import yaml

from clipdesk.core.clip_command import RANGE_IN_BODY, SECTION_ARG, is_web_url, parse_clip_command
from clipdesk.core.doc_checks import check_episode, fill_open_ends
from clipdesk.core.episode import (
    Clip,
    ClipKind,
    Episode,
    Mention,
    Notice,
    SourceFormat,
    TranscriptLine,
)
from clipdesk.core.source_text import SourceText, Span
from clipdesk.core.timecode import TimecodeError, detect_style, format_clock, parse_timecode

TIME = r"\d{1,3}(?::\d{1,2}){1,2}(?:[.,]\d{1,3})?"
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


class _Prefiltered:
    """A pattern tried only on lines that start with one of its possible first characters:
    most lines are prose, and a str test is far cheaper than a regex match."""

    def __init__(self, pattern: re.Pattern[str], starts: tuple[str, ...], strip: bool) -> None:
        self.pattern, self.starts, self.strip = pattern, starts, strip

    def match(self, text: str) -> re.Match[str] | None:
        head = text.lstrip() if self.strip else text
        return self.pattern.match(text) if head.startswith(self.starts) else None


HEADING = _Prefiltered(_HEADING, ("#",), strip=False)
FENCE = _Prefiltered(_FENCE, ("```", "~~~"), strip=True)
# [label](url) where label is a time: the label and the link's t= value.
TIME_LINK = re.compile(rf"\[(?P<label>{TIME})\]\((?P<url>[^)\s]*)\)")
T_PARAM = re.compile(r"[?&#]t=(?P<val>\d+(?:\.\d+)?)s?(?=$|[&#)])")
LINK_WITH_T = re.compile(r"\]\((?P<url>[^)\s]*[?&#]t=\d[^)\s]*)\)")
BARE_TIME = re.compile(rf"(?<![\w:.])\(?\[?(?P<label>{TIME})\]?\)?(?![\w:])")
BULLET = re.compile(r"^\s*[-*+]\s+(?P<body>.*)$")
BOLD = re.compile(r"\*\*(?P<t>.+?)\*\*|__(?P<u>.+?)__")
ATTRIBUTION = re.compile(r"^\s*(?:—|–|--|-|~)\s*(?P<rest>.*)$")

_MARKUP = re.compile(r"[*_`]")
_LEADING_SYMBOLS = re.compile(r"^[^\w]+")
# One pattern takes a transcript line apart: the time label, the link's t= value,
# a "Name:" speaker prefix and the text (one regex call per line keeps long
# transcripts fast).
TRANSCRIPT_LINE = re.compile(
    rf"^\s*(?:\*\*)?\[?(?P<label>{TIME})\]?"
    r"(?:\((?P<url>[^)\s]*?[?&#]t=(?P<t>\d+(?:\.\d+)?)s?(?=[&#)])[^)\s]*|[^)\s]*)\))?"
    r"(?:\*\*)?\s*[-–—:]?\s*"
    r"(?:(?=(?P<who>[A-Z][\w.' -]{0,40}):\s))?(?P<text>.*)$"
)
ITEM_LEAD = re.compile(r"^[\s()\[\]]*[-–—:]?\s*")
VIDEO_PARAM = re.compile(r"[?&]v=([\w-]+)")
SHORT_LINK = re.compile(r"youtu\.be/([\w-]+)")

SECTION_NAMES = {
    "summary": "summary",
    "overview": "summary",
    "highlights": "highlights",
    "clips": "highlights",
    "key points": "key_points",
    "key moments": "key_points",
    "chapters": "key_points",
    "timestamps": "key_points",
    "mentions": "mentions",
    "surprising quotes": "quotes",
    "notable quotes": "quotes",
    "quotes": "quotes",
    "transcript": "transcript",
}
COMMAND_FIRST = "yp`$ \t"  # what a command line can start with, tested before the rest
COMMAND_STARTS = ("yt-dlp", "yt_dlp", "youtube-dl", "python -m yt_dlp", "python3 -m yt_dlp")
QUOTE_STARTS = tuple("\"'“”‘’«»")
QUOTE_CHARS = "\"'“”‘’«»"


class FrontmatterLoader(yaml.SafeLoader):
    """The safe loader without date resolution: a date is kept as the text it was
    written as, so an impossible one (2026-02-31) cannot fail the document."""


FrontmatterLoader.yaml_implicit_resolvers = {
    first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def section_key(heading: str) -> str | None:
    text = _MARKUP.sub("", heading).strip().rstrip(":").lower()
    text = _LEADING_SYMBOLS.sub("", text)  # leading emoji or punctuation
    return SECTION_NAMES.get(text)


def looks_like_show_notes(src: SourceText) -> bool:
    first = next((src.stripped(i) for i in range(len(src.lines)) if src.stripped(i)), "")
    if first == "---":
        return True
    for i in range(min(len(src.lines), 5000)):
        m = HEADING.match(src.stripped(i))
        if m and section_key(m.group(2)):
            return True
    return False


@dataclass
class _Block:
    key: str
    level: int
    heading_line: int  # 0-based
    lines: list[int] = field(default_factory=list)  # 0-based line indexes after the heading


class ShowNotesReader:
    def __init__(self, src: SourceText) -> None:
        self.src = src
        self.ep = Episode(path=src.path, source_format=SourceFormat.SHOW_NOTES, source=src)
        self.counters: dict[ClipKind, int] = {}
        self.text = [
            ln.rstrip() for ln in src.lines
        ]  # lines as parsed: no ending, no trailing space

    # -- helpers -----------------------------------------------------------
    def warn(self, index: int, message: str, dropped: ClipKind | None = None) -> None:
        self.ep.warnings.append(Notice(index + 1 if index >= 0 else 0, message, dropped))

    def next_id(self, kind: ClipKind) -> str:
        n = self.counters.get(kind, 0) + 1
        self.counters[kind] = n
        return f"{kind.value}-{n}"

    def line(self, i: int) -> str:
        return self.text[i]

    # -- reading -----------------------------------------------------------
    def read(self) -> Episode:
        body_start = self.read_frontmatter()
        blocks = self.split_sections(body_start)
        for block in blocks:
            getattr(self, f"read_{block.key}")(block)
        if not self.ep.title:
            self.ep.title = self.h1_title or (self.src.path.stem if self.src.path else "")
        fill_open_ends(self.ep.clips_of(ClipKind.KEY_POINT), self.ep.duration_ms)
        check_episode(self.ep)
        return self.ep

    def read_frontmatter(self) -> int:
        n = len(self.src.lines)
        first = next((i for i in range(n) if self.line(i)), None)
        if first is None or self.line(first) != "---":
            return 0
        end = next((i for i in range(first + 1, n) if self.line(i) in ("---", "...")), None)
        if end is None:
            self.warn(first, "frontmatter starts with --- but never ends")
            return first + 1
        text = "".join(self.src.lines[first + 1 : end])
        try:
            meta = yaml.load(text, Loader=FrontmatterLoader)  # a SafeLoader: builds no objects
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            at = first + 1 + (mark.line if mark is not None else 0)
            problem = getattr(exc, "problem", None) or "invalid YAML"
            self.warn(at, f"frontmatter is not valid YAML ({problem}); metadata ignored")
            return end + 1
        except (ValueError, TypeError, OverflowError, RecursionError) as exc:
            # A value the safe constructor cannot build (a huge exponent) or nesting
            # deep enough to exhaust the stack: the document is still readable.
            self.warn(first, f"frontmatter cannot be read ({type(exc).__name__}); metadata ignored")
            return end + 1
        if meta is None:
            return end + 1
        if not isinstance(meta, dict):
            self.warn(first, "frontmatter is not a mapping of keys to values; metadata ignored")
            return end + 1
        self.apply_meta(meta, first)
        return end + 1

    def apply_meta(self, meta: dict, at: int) -> None:
        ep = self.ep

        def text(key: str) -> str:
            v = meta.get(key)
            if isinstance(v, (datetime.date, datetime.datetime)):
                return v.isoformat()
            return "" if v is None or isinstance(v, (dict, list)) else str(v).strip()

        ep.video_id = text("video_id") or text("id")
        ep.title = text("title")
        ep.channel = text("channel") or text("uploader") or text("podcast")
        ep.upload_date = text("upload_date") or text("date")
        url = text("url") or text("webpage_url")
        if url and not is_web_url(url):
            self.warn(at, f"frontmatter url {url[:60]!r} is not an http/https URL; ignored")
        elif url:
            ep.url = url
        duration = meta.get("duration")
        if duration is None and meta.get("duration_formatted") is not None:
            duration = str(meta["duration_formatted"])
        if isinstance(duration, bool):
            duration = None
        if isinstance(duration, (int, float)) and 0 <= duration < 1e9:  # .inf, .nan: no
            ep.duration_ms = round(duration * 1000)
        elif isinstance(duration, str):
            try:
                ep.duration_ms = parse_timecode(duration)
            except TimecodeError:
                self.warn(at, f"frontmatter duration {duration!r} is not a time; ignored")
        elif duration is not None:
            self.warn(at, "frontmatter duration is not a number of seconds; ignored")
        tags = meta.get("tags")
        if isinstance(tags, str):
            ep.tags = [t.strip() for t in tags.split(",") if t.strip()]
        elif isinstance(tags, list):
            ep.tags = [str(t) for t in tags if isinstance(t, (str, int, float))]

    def split_sections(self, start: int) -> list[_Block]:
        blocks: list[_Block] = []
        current: _Block | None = None
        in_fence = False
        self.h1_title = ""
        lines = self.text
        for i in range(start, len(lines)):
            text = lines[i]
            if not text or text[0] not in "#`~ \t":  # prose: neither heading nor fence
                if current is not None:
                    current.lines.append(i)
                continue
            if FENCE.match(text):
                in_fence = not in_fence
            m = None if in_fence else HEADING.match(text)
            if m:
                level = len(m.group(1))
                key = section_key(m.group(2))
                if key:
                    current = _Block(key, level, i)
                    blocks.append(current)
                    continue
                if level == 1 and not self.h1_title:
                    self.h1_title = m.group(2).strip()
                if current is not None and level <= current.level:
                    current = None  # an unknown section: skipped
                    continue
            if current is not None:
                current.lines.append(i)
        return blocks

    # -- sections ----------------------------------------------------------
    def read_summary(self, block: _Block) -> None:
        paras = "\n".join(self.line(i) for i in block.lines).strip()
        self.ep.summary = (self.ep.summary + "\n\n" + paras).strip() if self.ep.summary else paras

    def read_highlights(self, block: _Block) -> None:
        entries: list[tuple[int, list[int]]] = []
        in_fence = False
        for i in block.lines:
            text = self.line(i)
            if FENCE.match(text):
                in_fence = not in_fence
            m = None if in_fence else HEADING.match(text)
            if m and len(m.group(1)) > block.level:
                entries.append((i, []))
            elif entries:
                entries[-1][1].append(i)
        for heading, lines in entries:
            self.read_highlight(heading, lines)

    def read_highlight(self, heading: int, lines: list[int]) -> None:
        m = HEADING.match(self.line(heading))
        title = _unquote(m.group(2) if m else self.line(heading))
        quote_lines: list[str] = []
        speaker = ""
        command_lines: list[int] = []
        time_refs: list[tuple[int, re.Match[str]]] = []  # attribution labels
        t_links: list[tuple[int, re.Match[str]]] = []  # any link with t=
        continued = False  # the previous command line ended with a backslash
        for i in lines:
            text = self.line(i)
            if not text or FENCE.match(text):
                continue
            if continued or (
                text[0] in COMMAND_FIRST
                and text.strip().strip("`").lstrip("$ ").startswith(COMMAND_STARTS)
            ):
                command_lines.append(i)
                continued = text.endswith("\\")
                continue
            if "t=" in text:
                t_links.extend((i, lm) for lm in LINK_WITH_T.finditer(text))
            if text.startswith(">"):
                content = text.lstrip(">").strip()
                am = ATTRIBUTION.match(content)
                if am and not content.startswith(QUOTE_STARTS):
                    rest = am.group("rest")
                    tm = TIME_LINK.search(text)
                    speaker = rest[: rest.find("[")].strip().rstrip(",").strip() if tm else rest
                    if tm and _is_time(tm.group("label")):
                        time_refs.append((i, tm))
                    elif tm:
                        self.warn(i, f"{tm.group('label')!r} is not a time")
                elif content:
                    quote_lines.append(content)
        quote = _unquote(" ".join(quote_lines))
        ranges, cmd_line = self.read_command(command_lines)
        link_start = self.link_start(time_refs, t_links)
        if not ranges:
            if link_start is None:
                self.warn(
                    heading,
                    f"highlight {title[:50]!r} has no clip command and no time; skipped",
                    ClipKind.HIGHLIGHT,
                )
                return
            self.warn(heading, f"highlight {title[:50]!r} has no clip command: end unknown")
            ranges = [(link_start, None, [])]
        for n, (start, end, spans) in enumerate(ranges):
            clip_id = self.next_id(ClipKind.HIGHLIGHT)
            name = title if len(ranges) == 1 else f"{title} ({n + 1}/{len(ranges)})"
            clip = Clip(
                id=clip_id,
                kind=ClipKind.HIGHLIGHT,
                title=name,
                start_ms=start,
                end_ms=end,
                line=(cmd_line if spans else heading) + 1,
                quote=quote,
                speaker=speaker,
            )
            self.ep.clips.append(clip)
            for span in spans:
                self.src.spans.append(
                    Span(span.line, span.start, span.end, clip_id, span.role, span.style)
                )
            if n == 0:
                self.add_link_spans(clip, time_refs, t_links)
                if link_start is not None and link_start // 1000 != start // 1000:
                    self.warn(
                        time_refs[0][0] if time_refs else t_links[0][0],
                        f"highlight link time {format_clock(link_start)} differs from its clip "
                        f"command's start {format_clock(start)}; using the clip command",
                    )

    def read_command(
        self, lines: list[int]
    ) -> tuple[list[tuple[int, int | None, list[Span]]], int]:
        """Ranges of the clip command with the spans where their times stand."""
        if not lines:
            return [], -1
        text = "\n".join(self.line(i) for i in lines)
        cmd = parse_clip_command(text)
        first = lines[0]
        for w in cmd.warnings:
            self.warn(first, w)
        if cmd.url and self.ep.url and _video_key(cmd.url) != _video_key(self.ep.url):
            self.warn(first, "clip command URL differs from the document's url")
        if cmd.url and not self.ep.url:
            self.ep.url = cmd.url
        located: list[list[Span]] = []
        for i in lines:
            line = self.line(i)
            for sm in SECTION_ARG.finditer(line):
                base = sm.start("body")
                for rm in RANGE_IN_BODY.finditer(sm.group("body")):
                    spans = []
                    for role in ("start", "end"):
                        if rm.group(role) and rm.group(role) != "inf":
                            spans.append(
                                Span(
                                    i,
                                    base + rm.start(role),
                                    base + rm.end(role),
                                    "",
                                    role,
                                    detect_style(rm.group(role)),
                                )
                            )
                    located.append(spans)
        if len(located) != len(cmd.ranges):
            located = [[] for _ in cmd.ranges]  # times found but not placed: not rewritable
        return [(s, e, sp) for (s, e), sp in zip(cmd.ranges, located, strict=True)], first

    def link_start(self, time_refs, t_links) -> int | None:
        for i, tm in time_refs:
            t = T_PARAM.search(tm.group("url"))
            label = tm.group("label")
            return self.link_time(i, label, parse_timecode(label), t.group("val") if t else None)
        for _, lm in t_links:
            t = T_PARAM.search(lm.group("url"))
            if t:
                return round(float(t.group("val")) * 1000)
        return None

    def link_time(self, i: int, label: str, label_ms: int, t_value: str | None) -> int:
        """A time written as [label](link&t=N): the link wins, a disagreement is reported."""
        if t_value is None:
            return label_ms
        t_ms = round(float(t_value) * 1000)
        if t_ms // 1000 != label_ms // 1000:
            self.warn(i, f"label {label} disagrees with its link's t={t_value}s; using the link")
        return t_ms

    def add_link_spans(self, clip: Clip, time_refs, t_links) -> None:
        for i, tm in time_refs:
            self.src.spans.append(
                Span(
                    i,
                    tm.start("label"),
                    tm.end("label"),
                    clip.id,
                    "label",
                    detect_style(tm.group("label")),
                )
            )
        for i, lm in t_links:
            t = T_PARAM.search(lm.group("url"))
            if t and "." not in t.group("val"):
                base = lm.start("url")
                self.src.spans.append(
                    Span(i, base + t.start("val"), base + t.end("val"), clip.id, "t_start")
                )

    def read_key_points(self, block: _Block) -> None:
        for i, body in self.bullets(block):
            found = self.find_time(i, body)
            if found is None:
                self.warn(i, "key point without a time; skipped", ClipKind.KEY_POINT)
                continue
            start, spans, before, after = found
            title, summary = _title_and_text(before, after)
            clip_id = self.next_id(ClipKind.KEY_POINT)
            self.ep.clips.append(
                Clip(
                    id=clip_id,
                    kind=ClipKind.KEY_POINT,
                    title=title or f"Key point at {format_clock(start)}",
                    start_ms=start,
                    end_ms=None,
                    line=i + 1,
                    summary=summary,
                )
            )
            for sp in spans:
                self.src.spans.append(Span(sp.line, sp.start, sp.end, clip_id, sp.role, sp.style))

    def bullets(self, block: _Block) -> list[tuple[int, str]]:
        """Bullet items with their continuation lines folded in."""
        out: list[tuple[int, str]] = []
        for i in block.lines:
            text = self.line(i)
            m = BULLET.match(text)
            if m:
                out.append((i, m.group("body")))
            elif text.strip() and out and text.startswith((" ", "\t")):
                out[-1] = (out[-1][0], out[-1][1] + " " + text.strip())
        return out

    def find_time(self, i: int, body: str) -> tuple[int, list[Span], str, str] | None:
        """The first time on a line: from a [label](link&t=) (link wins), or bare."""
        line = self.line(i)
        offset = line.find(body) if body else 0
        tm = TIME_LINK.search(body)
        if tm:
            label_text = tm.group("label")
            try:
                label = parse_timecode(label_text)
            except TimecodeError:
                return None
            style = detect_style(label_text)
            spans = [
                Span(i, offset + tm.start("label"), offset + tm.end("label"), "", "label", style)
            ]
            t = T_PARAM.search(tm.group("url"))
            start = self.link_time(i, label_text, label, t.group("val") if t else None)
            if t and "." not in t.group("val"):
                base = offset + tm.start("url")
                spans.append(Span(i, base + t.start("val"), base + t.end("val"), "", "t_start"))
            return start, spans, body[: tm.start()], body[tm.end() :]
        for bm in BARE_TIME.finditer(body):
            try:
                start = parse_timecode(bm.group("label"))
            except TimecodeError:
                continue
            span = Span(
                i,
                offset + bm.start("label"),
                offset + bm.end("label"),
                "",
                "start",
                detect_style(bm.group("label")),
            )
            return start, [span], body[: bm.start()], body[bm.end() :]
        return None

    def read_mentions(self, block: _Block) -> None:
        category = ""
        for i in block.lines:
            text = self.line(i)
            hm = HEADING.match(text)
            if hm:
                category = hm.group(2).strip()
                continue
            m = BULLET.match(text)
            if not m:
                continue
            body = m.group("body")
            found = self.find_time(i, body)
            start = found[0] if found else None
            before, after = (found[2], found[3]) if found else (body, "")
            name, desc = _title_and_text(before, after)
            self.ep.mentions.append(Mention(name, category, desc, start, i + 1))

    def read_quotes(self, block: _Block) -> None:
        current: list[str] = []
        for i in [*block.lines, -1]:
            text = (
                self.line(i).lstrip(">").strip() if i >= 0 and self.line(i).startswith(">") else ""
            )
            if text and not (ATTRIBUTION.match(text) and not text.startswith(QUOTE_STARTS)):
                current.append(text)
                continue
            if current:
                self.ep.quotes.append(_unquote(" ".join(current)))
                current = []

    def read_transcript(self, block: _Block) -> None:
        # The hot loop of a long document: names bound locally, one regex per line.
        lines = self.ep.transcript
        append = lines.append
        text_of = self.text
        match = TRANSCRIPT_LINE.match
        for i in block.lines:
            text = text_of[i]
            if not text:
                continue
            m = match(text)
            if m is None:
                if lines:
                    lines[-1].text = (lines[-1].text + " " + text.strip()).strip()
                continue
            label, t_val, body, speaker = m.group("label", "t", "text", "who")
            try:
                label_ms = parse_timecode(label)
            except TimecodeError:
                self.warn(i, f"transcript time {label!r} is not a time")
                continue
            start = self.link_time(i, label, label_ms, t_val) if t_val else label_ms
            append(TranscriptLine(start, body.strip(), i + 1, speaker or ""))


def _is_time(text: str) -> bool:
    try:
        parse_timecode(text)
    except TimecodeError:
        return False
    return True


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] in QUOTE_CHARS and text[-1] in QUOTE_CHARS:
        text = text[1:-1].strip()
    return text


def _title_and_text(before: str, after: str) -> tuple[str, str]:
    """Split an item into its title (bold text, or what precedes the time) and its text."""
    bm = BOLD.search(before)
    if bm:
        title = bm.group("t") or bm.group("u") or ""
        text = before[bm.end() :] + after
    else:
        title = before.strip(" ()-–—:[]")
        text = after
        am = BOLD.search(after)
        if not title and am:
            title = am.group("t") or am.group("u") or ""
            text = after[am.end() :]
        elif not title:
            title, _, text = after.strip(" ()-–—:").partition(" - ")
    text = ITEM_LEAD.sub("", text).strip()
    return _unquote(title.strip().rstrip(":")), text


def _video_key(url: str) -> str:
    m = VIDEO_PARAM.search(url) or SHORT_LINK.search(url)
    return m.group(1) if m else url.split("#")[0].split("&t=")[0]
