"""Format A: show-notes Markdown with YAML frontmatter, highlights, key points,
mentions, quotes and a transcript. Sections may come in any order; unknown ones
are skipped. Inside a known section every non-empty line is taken or reported:
nothing is dropped in silence."""

from __future__ import annotations

import bisect
import datetime
import re

from clipdesk.core.attribution import (
    TIME_LINK,
    is_attribution,
    join_quote,
    parse_attribution,
    unquote,
)
from clipdesk.core.clip_command import is_web_url
from clipdesk.core.doc_checks import check_episode, fill_open_ends, report_not_understood
from clipdesk.core.episode import (
    Clip,
    ClipKind,
    Episode,
    Mention,
    Notice,
    Quote,
    SourceFormat,
)
from clipdesk.core.reader_highlights import HighlightSection
from clipdesk.core.reader_transcript import read_transcript
from clipdesk.core.show_notes_syntax import (
    BARE_TIME,
    BOLD,
    BULLET,
    HEADING,
    ITEM_LEAD,
    MARKUP,
    MARKUP_LINE,
    QUOTE_STARTS,
    STRUCTURE,
    T_PARAM,
    TIMED_LINE,
    Block,
    section_key,
)
from clipdesk.core.source_text import SourceText, Span
from clipdesk.core.time_evidence import (
    Timed,
    decide,
    disagreement,
    resolve_sequence,
)
from clipdesk.core.timecode import (
    TimecodeError,
    detect_style,
    format_clock,
    parse_timecode,
)


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


MAX_SECTION_WARNINGS = 200


class ShowNotesReader(HighlightSection):
    def __init__(self, src: SourceText) -> None:
        self.src = src
        self.ep = Episode(path=src.path, source_format=SourceFormat.SHOW_NOTES, source=src)
        self.counters: dict[ClipKind, int] = {}
        self.text = src.parsed_lines()  # no ending, no trailing space
        self.transcript_starts: list[int] = []
        self.unread: list[int] = []  # lines of the current section nothing took

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
        # The transcript first: its lines are evidence for the times of the rest.
        for block in sorted(blocks, key=lambda b: b.key != "transcript"):
            self.read_block(block)
        if not self.ep.title:
            self.ep.title = self.h1_title or (self.src.path.stem if self.src.path else "")
        fill_open_ends(self.ep.clips_of(ClipKind.KEY_POINT), self.ep.duration_ms)
        check_episode(self.ep)
        return self.ep

    def read_block(self, block: Block) -> None:
        ep = self.ep
        before = (len(ep.clips), len(ep.transcript), len(ep.mentions), len(ep.quotes))
        self.unread = []
        warned = len(ep.warnings)
        getattr(self, f"read_{block.key}")(block)
        after = (len(ep.clips), len(ep.transcript), len(ep.mentions), len(ep.quotes))
        if len(ep.warnings) - warned > MAX_SECTION_WARNINGS:
            # A hostile or broken section can warn on every line: its first warnings
            # say what is wrong, a count says how often.
            more = len(ep.warnings) - warned - MAX_SECTION_WARNINGS
            first_cut = ep.warnings[warned + MAX_SECTION_WARNINGS]
            del ep.warnings[warned + MAX_SECTION_WARNINGS :]
            ep.warnings.append(
                Notice(first_cut.line, f"{more} more warnings in {block.name} not shown")
            )
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
        text = "\n".join(self.text[first + 1 : end])  # as parsed: U+FFFD for bad bytes
        import yaml  # only for a document with frontmatter (a plain .txt has none)

        from clipdesk.core.frontmatter import FrontmatterRefused, load_frontmatter

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

    def split_sections(self, start: int) -> list[Block]:
        """Sections from the headings and fences of the text (one regex pass; the
        lines between them are never looked at here)."""
        blocks: list[Block] = []
        current: Block | None = None
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
                name = MARKUP.sub("", hm.group(2)).strip().rstrip(":")
                current = Block(key, name, level, index, index + 1, len(lines))
                current.start_off, current.end_off = m.end() + 1, len(joined)
                blocks.append(current)
            elif level == 1 and not self.h1_title:
                self.h1_title = hm.group(2).strip()
            if current is not None and not key:
                current.subheadings.append(index)  # a highlight's ### title, a category
        if in_fence:
            fenced.append(range(fence_from, len(lines)))
        inside = frozenset(i for r in fenced for i in r)
        for block in blocks:
            block.fenced = frozenset(i for i in inside if block.start <= i < block.end)
        return blocks

    # -- sections ----------------------------------------------------------
    def read_summary(self, block: Block) -> None:
        paras = "\n".join(self.text[block.start : block.end]).strip()
        self.ep.summary = (self.ep.summary + "\n\n" + paras).strip() if self.ep.summary else paras

    def read_transcript(self, block: Block) -> None:
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

    def read_key_points(self, block: Block) -> None:
        found = []
        for i, body in self.items(block):
            hit = self.find_time(i, body)
            if hit is None:
                self.warn(i, "key point without a time; skipped", ClipKind.KEY_POINT)
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

    def items(self, block: Block) -> list[tuple[int, str]]:
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

    def read_mentions(self, block: Block) -> None:
        category = ""
        for i in range(block.start, block.end):
            text = self.text[i]
            if not text.strip():
                continue
            hm = HEADING.match(text)
            if hm:
                category = MARKUP.sub("", hm.group(2)).strip()
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

    def read_quotes(self, block: Block) -> None:
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
