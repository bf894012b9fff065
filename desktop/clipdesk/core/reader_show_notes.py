"""Format A: show-notes Markdown with YAML frontmatter, highlights, key points,
mentions, quotes and a transcript. Sections may come in any order; unknown ones
are skipped. Inside a known section every non-empty line is taken or reported:
nothing is dropped in silence."""

from __future__ import annotations

import bisect
import datetime
import re
from dataclasses import dataclass

import yaml

from clipdesk.core.attribution import (
    TIME_LINK,
    is_attribution,
    join_quote,
    parse_attribution,
    unquote,
)
from clipdesk.core.clip_command import RANGE_IN_BODY, SECTION_ARG, is_web_url, parse_clip_command
from clipdesk.core.doc_checks import check_episode, fill_open_ends, report_not_understood
from clipdesk.core.embed_player import VALUE, parse_embed
from clipdesk.core.episode import (
    Clip,
    ClipKind,
    Episode,
    Mention,
    Notice,
    Quote,
    SourceFormat,
)
from clipdesk.core.frontmatter import FrontmatterRefused, load_frontmatter
from clipdesk.core.reader_transcript import read_transcript
from clipdesk.core.source_text import SourceText, Span
from clipdesk.core.time_evidence import (
    SLACK_MS,
    Evidence,
    Timed,
    clock,
    decide,
    disagreement,
    resolve_sequence,
)
from clipdesk.core.timecode import (
    TimecodeError,
    TimeStyle,
    detect_style,
    format_clock,
    parse_timecode,
)

TIME = r"\d{1,3}(?::\d{1,2}){1,2}(?:[.,]\d{1,3})?"
HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
FENCE = re.compile(r"^[ \t]*(```|~~~)")
# Headings and fences of the whole document, found in one pass over "\n" + its text.
# It starts with a literal newline, not ^, so the engine jumps from line to line
# instead of trying (and failing) at every character.
STRUCTURE = re.compile(r"\n(?:#{1,6}[ \t][^\n]*|[ \t]*(?:```|~~~)[^\n]*)")
T_PARAM = re.compile(r"[?&#]t=(?P<val>\d+(?:\.\d+)?)s?(?=$|[&#)])")
THUMBNAIL = re.compile(r"^\s*\[!\[[^\]]*\]\([^)\s]*\)\]\((?P<url>[^)\s]*)\)")
BARE_TIME = re.compile(rf"(?<![\w:.])\(?\[?(?P<label>{TIME})\]?\)?(?![\w:])")
BULLET = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)])\s+(?P<body>.*)$")
TIMED_LINE = re.compile(rf"^\s*[\[(]?{TIME}[\])]?\s")  # a chapter list: "0:00 Intro"
BOLD = re.compile(r"\*\*(?P<t>.+?)\*\*|__(?P<u>.+?)__")
# HTML around the content (<details>, <summary>Clip command</summary>, </div>) and rules.
MARKUP_LINE = re.compile(
    r"^\s*<[a-zA-Z/][^>]*>.*>\s*$|^\s*<[a-zA-Z/][^>]*>\s*$|^\s*(?:---+|\*\*\*+|___+)\s*$"
)
ITEM_LEAD = re.compile(r"^[\s()\[\]]*[-–—:]?\s*")
VIDEO_PARAM = re.compile(r"[?&]v=([\w-]+)")
SHORT_LINK = re.compile(r"youtu\.be/([\w-]+)")
_MARKUP = re.compile(r"[*_`]")
_LEADING_SYMBOLS = re.compile(r"^[^\w]+")

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
SECONDS_STYLE = TimeStyle(fields=1)


def section_key(heading: str) -> str | None:
    text = _MARKUP.sub("", heading).strip().rstrip(":").lower()
    text = _LEADING_SYMBOLS.sub("", text)  # leading emoji or punctuation
    return SECTION_NAMES.get(text)


def looks_like_show_notes(src: SourceText) -> bool:
    first = next((src.stripped(i) for i in range(len(src.lines)) if src.stripped(i)), "")
    if first == "---":
        return True
    for i in range(min(len(src.lines), 5000)):
        line = src.lines[i]
        if line.startswith("#"):
            m = HEADING.match(line.rstrip())
            if m and section_key(m.group(2)):
                return True
    return False


@dataclass
class _Block:
    key: str
    name: str  # the heading as written, for messages
    level: int
    heading_line: int  # 0-based
    start: int  # lines [start, end) follow the heading
    end: int
    fenced: frozenset[int] = frozenset()  # lines inside code fences
    # Where the lines stand in the reader's joined text (for whole-section matching).
    start_off: int = 0
    end_off: int = 0


class ShowNotesReader:
    def __init__(self, src: SourceText) -> None:
        self.src = src
        self.ep = Episode(path=src.path, source_format=SourceFormat.SHOW_NOTES, source=src)
        self.counters: dict[ClipKind, int] = {}
        self.text = src.parsed_lines()  # no ending, no trailing space
        self.transcript_starts: list[int] = []
        self.unread: list[int] = []  # lines of the current section nothing took

    # -- helpers -----------------------------------------------------------
    def warn(self, index: int, message: str) -> None:
        self.ep.warnings.append(Notice(index + 1 if index >= 0 else 0, message))

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
        # The transcript first: its lines are evidence for the times of the rest.
        for block in sorted(blocks, key=lambda b: b.key != "transcript"):
            self.read_block(block)
        if not self.ep.title:
            self.ep.title = self.h1_title or (self.src.path.stem if self.src.path else "")
        fill_open_ends(self.ep.clips_of(ClipKind.KEY_POINT), self.ep.duration_ms)
        check_episode(self.ep)
        return self.ep

    def read_block(self, block: _Block) -> None:
        ep = self.ep
        before = (len(ep.clips), len(ep.transcript), len(ep.mentions), len(ep.quotes))
        self.unread = []
        getattr(self, f"read_{block.key}")(block)
        after = (len(ep.clips), len(ep.transcript), len(ep.mentions), len(ep.quotes))
        report_not_understood(ep, self.text, self.unread, block.name)
        if block.key != "summary" and before == after:
            filled = sum(1 for i in range(block.start, block.end) if self.text[i].strip())
            if filled:
                self.warn(
                    block.heading_line,
                    f"section {block.name} has {filled} "
                    + (
                        "line but nothing could be read from it"
                        if filled == 1
                        else "lines but nothing could be read from them"
                    ),
                )

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
            meta = load_frontmatter(text)
        except FrontmatterRefused as exc:
            self.warn(first + 1 + exc.line, f"frontmatter {exc.message}; metadata ignored")
            return end + 1
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            at = first + 1 + (mark.line if mark is not None else 0)
            problem = getattr(exc, "problem", None) or "invalid YAML"
            self.warn(at, f"frontmatter is not valid YAML ({problem}); metadata ignored")
            return end + 1
        except (ValueError, TypeError, OverflowError, RecursionError) as exc:
            # A value the safe constructor cannot build (a huge exponent).
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
        """Sections from the headings and fences of the text (one regex pass; the
        lines between them are never looked at here)."""
        blocks: list[_Block] = []
        current: _Block | None = None
        self.h1_title = ""
        lines = self.text
        self.joined = joined = "\n" + "\n".join(lines)
        in_fence = False
        fence_from = 0
        fenced: list[range] = []
        pos, index = 1, 0
        for m in STRUCTURE.finditer(joined):
            index += joined.count("\n", pos, m.start() + 1)
            pos = m.start() + 1
            if index < start:
                continue
            text = m.group()[1:]
            if not text.startswith("#"):
                if in_fence:
                    fenced.append(range(fence_from, index + 1))
                else:
                    fence_from = index
                in_fence = not in_fence
                continue
            if in_fence:
                continue
            hm = HEADING.match(text)
            if hm is None:
                continue
            level = len(hm.group(1))
            key = section_key(hm.group(2))
            if key or (current is not None and level <= current.level):
                if current is not None:
                    current.end, current.end_off = index, m.start()
                current = None
            if key:
                name = _MARKUP.sub("", hm.group(2)).strip().rstrip(":")
                current = _Block(key, name, level, index, index + 1, len(lines))
                current.start_off, current.end_off = m.end() + 1, len(joined)
                blocks.append(current)
            elif level == 1 and not self.h1_title:
                self.h1_title = hm.group(2).strip()
        if in_fence:
            fenced.append(range(fence_from, len(lines)))
        inside = frozenset(i for r in fenced for i in r)
        for block in blocks:
            block.fenced = frozenset(i for i in inside if block.start <= i < block.end)
        return blocks

    # -- sections ----------------------------------------------------------
    def read_summary(self, block: _Block) -> None:
        paras = "\n".join(self.text[block.start : block.end]).strip()
        self.ep.summary = (self.ep.summary + "\n\n" + paras).strip() if self.ep.summary else paras

    def read_transcript(self, block: _Block) -> None:
        text = self.joined[block.start_off : block.end_off]
        section = read_transcript(text, block.start, self.ep.duration_ms)
        self.ep.transcript.extend(section.lines)
        self.unread.extend(section.not_understood)
        for i, message in section.warnings:
            self.warn(i, message)
        self.transcript_starts = sorted(t.start_ms for t in self.ep.transcript)

    def transcript_at(self, ms: int) -> bool:
        """A transcript line starts at ms (give or take a second)."""
        starts = self.transcript_starts
        k = bisect.bisect_left(starts, ms - 1000)
        return k < len(starts) and starts[k] <= ms + 1000

    def read_highlights(self, block: _Block) -> None:
        entries: list[tuple[int, list[int]]] = []
        for i in range(block.start, block.end):
            text = self.text[i]
            m = HEADING.match(text) if text.startswith("#") and i not in block.fenced else None
            if m and len(m.group(1)) > block.level:
                entries.append((i, []))
            elif entries:
                entries[-1][1].append(i)
            elif text.strip() and not MARKUP_LINE.match(text):
                self.unread.append(i)  # before the first highlight
        for heading, lines in entries:
            self.read_highlight(heading, lines, block)

    def read_highlight(self, heading: int, lines: list[int], block: _Block) -> None:
        m = HEADING.match(self.line(heading))
        title = unquote(_MARKUP.sub("", m.group(2)) if m else self.line(heading))
        quote_parts: list[str] = []
        prose: list[str] = []
        attribution = None
        attribution_line = -1
        # The thumbnail link: line, ms, its t= match, where its URL starts in the line.
        thumb: tuple[int, int, re.Match[str], int] | None = None
        command_lines: list[int] = []
        embed_lines: list[int] = []
        continued = False  # the previous command line ended with a backslash
        in_embed = False
        text_of = self.text
        fenced = block.fenced
        for i in lines:  # dispatched on the first character: most lines are one test
            text = text_of[i]
            if not text:
                continue
            c = text[0]
            if continued:
                command_lines.append(i)
                continued = text.endswith("\\")
                continue
            if c == ">" and not in_embed:
                content = text.lstrip(">").strip()
                if is_attribution(content) and not content.startswith(QUOTE_STARTS):
                    attribution = parse_attribution(content)
                    attribution_line = i
                elif content:
                    quote_parts.append(content)
                continue
            if c == "[" and not in_embed:
                tm = THUMBNAIL.match(text)
                if tm:
                    t = T_PARAM.search(tm.group("url"))
                    if t and thumb is None:
                        thumb = (i, round(float(t.group("val")) * 1000), t, tm.start("url"))
                    continue
            if c in "`~ \t" and FENCE.match(text):
                continue
            if c in COMMAND_FIRST and _is_command(text):
                command_lines.append(i)
                continued = text.endswith("\\")
                continue
            if i in fenced:
                self.unread.append(i)  # fenced, but not a command
                continue
            if in_embed or ("<" in text and "<iframe" in text.lower()):
                embed_lines.append(i)
                # A tag over several lines ends at </iframe> or />; ten lines at most.
                in_embed = not _IFRAME_END.search(text) and len(embed_lines) < 10
                continue
            if c in "<-*_ " and MARKUP_LINE.match(text):
                continue  # <details>, <summary>…</summary>, </details>, rules
            prose.append(text.strip())
        quote = join_quote(quote_parts)
        ranges, cmd_line = self.read_command(command_lines)
        embed = self.read_embed(embed_lines) if embed_lines else None
        if not ranges and embed is not None:
            ranges = [embed]
            cmd_line = embed_lines[0]
        source = "clip command" if command_lines else "embedded player"
        said = self.attribution_time(attribution_line, attribution, ranges, thumb, title)
        if not ranges:
            start = said if said is not None else (thumb[1] if thumb else None)
            if start is None:
                self.warn(
                    heading, f"highlight {title[:50]!r} has no clip command and no time; skipped"
                )
                return
            self.warn(heading, f"highlight {title[:50]!r} has no clip command: end unknown")
            ranges = [(start, None, [])]
            cmd_line = heading
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
                speaker=attribution.speaker if attribution else "",
                speakers=attribution.speakers if attribution else (),
                context=attribution.context if attribution else "",
                summary=" ".join(prose),
            )
            self.ep.clips.append(clip)
            for span in spans:
                self.src.spans.append(
                    Span(span.line, span.start, span.end, clip_id, span.role, span.style)
                )
            if n == 0:
                self.add_link_spans(clip, attribution_line, said, thumb)
                if thumb is not None:
                    self.check_thumbnail(thumb, clip, source)

    def attribution_time(self, i, attribution, ranges, thumb, title) -> int | None:
        """The time the attribution gives, its label and link weighed against the rest."""
        if attribution is None:
            return None
        if attribution.time is None:
            if attribution.bare_time:
                try:
                    return parse_timecode(attribution.bare_time)
                except TimecodeError:
                    self.warn(i, f"{attribution.bare_time!r} is not a time")
            return None
        label_text = attribution.time.group("label")
        try:
            label = parse_timecode(label_text)
        except TimecodeError:
            self.warn(i, f"{label_text!r} is not a time")
            return None
        t = T_PARAM.search(attribution.time.group("url"))
        if t is None:
            return label
        link = round(float(t.group("val")) * 1000)
        if link // 1000 == label // 1000:
            return link
        evidence: list[Evidence] = []
        if ranges:
            lo, hi = ranges[0][0], ranges[0][1]

            def inside(ms: int, lo: int = lo, hi: int | None = hi) -> bool:
                return lo - SLACK_MS <= ms <= (hi if hi is not None else lo) + SLACK_MS

            span_text = f"{clock(lo)}-{clock(hi) if hi is not None else '?'}"
            evidence.append(Evidence(f"the clip's range {span_text}", inside(label), inside(link)))
        if thumb is not None:
            near = thumb[1]
            evidence.append(
                Evidence(
                    f"the thumbnail link t={near // 1000}s",
                    abs(label - near) <= SLACK_MS,
                    abs(link - near) <= SLACK_MS,
                )
            )
        evidence += self.common_evidence(label, link)
        use_label, why = decide(evidence)
        self.warn(i, f"highlight {title[:40]!r}: " + disagreement(label, link, use_label, why))
        return label if use_label else link

    def common_evidence(self, label: int, link: int) -> list[Evidence]:
        out = []
        if self.transcript_starts:
            out.append(
                Evidence(
                    "the transcript line at that time",
                    self.transcript_at(label),
                    self.transcript_at(link),
                )
            )
        if self.ep.duration_ms is not None:
            d = self.ep.duration_ms + 999
            out.append(
                Evidence(
                    f"the episode's duration {clock(self.ep.duration_ms)}", label <= d, link <= d
                )
            )
        return out

    def check_thumbnail(self, thumb: tuple, clip: Clip, src: str) -> None:
        i, ms = thumb[0], thumb[1]
        hi = clip.end_ms if clip.end_ms is not None else clip.start_ms
        if clip.start_ms - SLACK_MS <= ms <= hi + SLACK_MS:
            return
        bounds = (
            f"{clock(clip.start_ms)}-{clock(clip.end_ms)}"
            if clip.end_ms is not None
            else (f"its start {clock(clip.start_ms)}")
        )
        self.warn(
            i,
            f"thumbnail link t={ms // 1000}s ({clock(ms)}) lies outside highlight "
            f"{clip.title[:40]!r} ({bounds}, from its {src})",
        )

    def read_embed(self, lines: list[int]) -> tuple[int, int | None, list[Span]] | None:
        tag = " ".join(self.line(i) for i in lines)
        embed = parse_embed(tag)
        if embed is None:
            return None
        if embed.problem or embed.start_ms is None:
            why = embed.problem or "an embedded player without a start time"
            self.warn(lines[0], f"{why}: no clip bounds taken from it")
            return None
        url = f"https://www.youtube.com/watch?v={embed.video_id}"
        if self.ep.video_id and embed.video_id != self.ep.video_id:
            self.warn(
                lines[0], f"embedded player shows video {embed.video_id}, not {self.ep.video_id}"
            )
        if not self.ep.url:
            self.ep.url = url
        spans: list[Span] = []
        for i in lines:
            for vm in VALUE.finditer(self.line(i)):
                role = "t_end" if vm.group("key") == "end" else "t_start"
                spans.append(Span(i, vm.start("val"), vm.end("val"), "", role, SECONDS_STYLE))
        if embed.end_ms is None:
            self.warn(lines[0], "embedded player without an end time: end unknown")
        return embed.start_ms, embed.end_ms, spans

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

    def add_link_spans(self, clip: Clip, i: int, said: int | None, thumb) -> None:
        """The attribution's label and links that stand for the clip's start follow it
        when the start is edited; a thumbnail or label elsewhere in the clip stays."""
        start_s = clip.start_ms // 1000
        if i >= 0:
            text = self.line(i)
            tm = TIME_LINK.search(text)
            if tm and said is not None and said // 1000 == start_s:
                style = detect_style(tm.group("label"))
                self.src.spans.append(
                    Span(i, tm.start("label"), tm.end("label"), clip.id, "label", style)
                )
                t = T_PARAM.search(tm.group("url"))
                if t and "." not in t.group("val"):
                    base = tm.start("url")
                    self.src.spans.append(
                        Span(i, base + t.start("val"), base + t.end("val"), clip.id, "t_start")
                    )
        if thumb is not None and thumb[1] // 1000 == start_s and "." not in thumb[2].group("val"):
            ti, _, t, base = thumb
            self.src.spans.append(
                Span(ti, base + t.start("val"), base + t.end("val"), clip.id, "t_start")
            )

    def read_key_points(self, block: _Block) -> None:
        found = []
        for i, body in self.items(block):
            hit = self.find_time(i, body)
            if hit is None:
                self.warn(i, "key point without a time; skipped")
                continue
            found.append((i, *hit))
        items = [Timed(i, label, link) for i, label, link, *_ in found]
        times, decisions = resolve_sequence(
            items,
            self.ep.duration_ms,
            "key point",
            extra=lambda it: self.common_evidence(it.label_ms, it.link_ms or 0)[:1],
        )
        for d in decisions:
            self.warn(items[d.first].line, d.message)
        for (i, label, link, spans, before, after), start in zip(found, times, strict=True):
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
                if sp.role == "t_start" and (link or 0) // 1000 != start // 1000:
                    continue  # the label was chosen: the link's value is not the start
                if sp.role == "label" and label // 1000 != start // 1000:
                    continue
                self.src.spans.append(Span(sp.line, sp.start, sp.end, clip_id, sp.role, sp.style))

    def items(self, block: _Block) -> list[tuple[int, str]]:
        """List items (bullets, numbered, or lines that start with a time) with their
        continuation lines folded in; other lines are reported."""
        out: list[tuple[int, str]] = []
        for i in range(block.start, block.end):
            text = self.text[i]
            if not text.strip():
                continue
            m = BULLET.match(text)
            if m:
                out.append((i, m.group("body")))
            elif TIMED_LINE.match(text):
                out.append((i, text.strip()))
            elif out and text.startswith((" ", "\t")) and not HEADING.match(text.strip()):
                out[-1] = (out[-1][0], out[-1][1] + " " + text.strip())
            elif not HEADING.match(text) and not MARKUP_LINE.match(text):
                self.unread.append(i)
        return out

    def find_time(self, i: int, body: str) -> tuple[int, int | None, list[Span], str, str] | None:
        """The first time of an item: (label, link or None, spans, text before, after)."""
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
            link = round(float(t.group("val")) * 1000) if t else None
            if t and "." not in t.group("val"):
                base = offset + tm.start("url")
                spans.append(Span(i, base + t.start("val"), base + t.end("val"), "", "t_start"))
            if link is not None and link // 1000 == label // 1000:
                label = link  # the link's fraction, when it has one
            if tm.group("title"):  # [0:00 — Title](url): the title stands before the text
                return label, link, spans, f"**{tm.group('title')}**", body[tm.end() :]
            return label, link, spans, body[: tm.start()], body[tm.end() :]
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
            return start, None, [span], body[: bm.start()], body[bm.end() :]
        return None

    def pair_time(self, i: int, label: int, link: int | None) -> int:
        """A single item's time when its label and link disagree (mentions, quotes)."""
        if link is None or link // 1000 == label // 1000:
            return label if link is None else link
        use_label, why = decide(self.common_evidence(label, link))
        self.warn(i, disagreement(label, link, use_label, why))
        return label if use_label else link

    def read_mentions(self, block: _Block) -> None:
        category = ""
        for i in range(block.start, block.end):
            text = self.text[i]
            if not text.strip():
                continue
            hm = HEADING.match(text)
            if hm:
                category = _MARKUP.sub("", hm.group(2)).strip()
                continue
            m = BULLET.match(text)
            if not m:
                if self.ep.mentions and text.startswith((" ", "\t")):
                    last = self.ep.mentions[-1]
                    last.description = f"{last.description} {text.strip()}".strip()
                elif not MARKUP_LINE.match(text):
                    self.unread.append(i)
                continue
            body = m.group("body")
            found = self.find_time(i, body)
            start = self.pair_time(i, found[0], found[1]) if found else None
            before, after = (found[3], found[4]) if found else (body, "")
            name, desc = _title_and_text(before, after)
            self.ep.mentions.append(Mention(name, category, desc, start, i + 1))

    def read_quotes(self, block: _Block) -> None:
        parts: list[str] = []
        first = -1
        for i in [*range(block.start, block.end), -1]:
            text = self.text[i].strip() if i >= 0 else ""
            if text.startswith(">"):
                content = text.lstrip(">").strip()
                if is_attribution(content) and not content.startswith(QUOTE_STARTS):
                    if parts:
                        self.add_quote(first, parts, i, content)
                        parts = []
                    else:
                        self.unread.append(i)  # an attribution of nothing
                    continue
                if content:
                    if not parts:
                        first = i
                    parts.append(content)
                continue
            if parts:  # a quote without an attribution
                self.add_quote(first, parts, -1, "")
                parts = []
            if not text or MARKUP_LINE.match(text):
                continue
            m = BULLET.match(text)
            body = m.group("body") if m else text
            if m or body.startswith(QUOTE_STARTS):
                said, dash, rest = _split_said(body)
                self.add_quote(i, [said], i if dash else -1, dash + rest)
            else:
                self.unread.append(i)

    def add_quote(self, first: int, parts: list[str], at: int, attribution: str) -> None:
        quote = Quote(join_quote(parts), line=first + 1)
        if attribution:
            a = parse_attribution(attribution)
            quote.speaker, quote.context = a.speaker, a.context
            if a.time is not None:
                try:
                    label = parse_timecode(a.time.group("label"))
                    t = T_PARAM.search(a.time.group("url"))
                    link = round(float(t.group("val")) * 1000) if t else None
                    quote.start_ms = self.pair_time(at, label, link)
                except TimecodeError:
                    self.warn(at, f"{a.time.group('label')!r} is not a time")
            elif a.bare_time:
                try:
                    quote.start_ms = parse_timecode(a.bare_time)
                except TimecodeError:
                    self.warn(at, f"{a.bare_time!r} is not a time")
        if quote.text:
            self.ep.quotes.append(quote)


_IFRAME_END = re.compile(r"</iframe>|/>\s*$", re.I)


def _is_command(text: str) -> bool:
    return text[0] in COMMAND_FIRST and text.strip().strip("`").lstrip("$ ").startswith(
        COMMAND_STARTS
    )


_SAID_DASH = re.compile(r"\s+(—|–|--)\s+")


def _split_said(body: str) -> tuple[str, str, str]:
    """A one-line quote item: `"Words" — Name, [0:00](url)` -> words, dash, the rest."""
    parts = _SAID_DASH.split(body, maxsplit=1)
    if len(parts) == 3:
        return parts[0], parts[1], " " + parts[2]
    return body, "", ""


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
            # "[0:00](url) Title (124M)": the closing parenthesis belongs to the title.
            title, _, text = after.lstrip(" ()-–—:").rstrip().partition(" - ")
    text = ITEM_LEAD.sub("", text).strip()
    return unquote(title.strip().rstrip(":")), text


def _video_key(url: str) -> str:
    m = VIDEO_PARAM.search(url) or SHORT_LINK.search(url)
    return m.group(1) if m else url.split("#")[0].split("&t=")[0]
