"""Highlights of show notes: each `### title` with its bounds from a clip command or an
embedded player, its thumbnail link, prose, and a quote with its attribution."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from clipdesk.core.attribution import (
    TIME_LINK,
    Attribution,
    is_attribution,
    join_quote,
    parse_attribution,
    unquote,
)
from clipdesk.core.clip_command import RANGE_IN_BODY, SECTION_ARG, parse_clip_command
from clipdesk.core.embed_player import VALUE, parse_embed
from clipdesk.core.episode import Clip, ClipKind, Episode
from clipdesk.core.show_notes_syntax import (
    COMMAND_FIRST,
    FENCE,
    HEADING,
    IFRAME_END,
    MARKUP,
    MARKUP_LINE,
    QUOTE_STARTS,
    SECONDS_STYLE,
    T_PARAM,
    THUMBNAIL,
    Block,
    is_command,
    video_key,
)
from clipdesk.core.source_text import SourceText, Span
from clipdesk.core.time_evidence import SLACK_MS, Evidence, clock, decide, disagreement
from clipdesk.core.timecode import TimecodeError, detect_style, parse_timecode

# A thumbnail link: its line, its t= in ms, the t= match and where its URL starts.
Thumb = tuple[int, int, re.Match[str], int]
# A clip range as read: start, end (None: open) and the spans that rewrite it.
Range = tuple[int, int | None, list[Span]]


class HighlightSection:
    """Mixed into the show-notes reader, whose state (text, episode, warnings, the
    transcript's evidence) it uses."""

    text: list[str]
    src: SourceText
    ep: Episode
    unread: list[int]

    if TYPE_CHECKING:  # the reader's own

        def warn(self, index: int, message: str, dropped: ClipKind | None = None) -> None: ...
        def next_id(self, kind: ClipKind) -> str: ...
        def line(self, i: int) -> str: ...

        transcript_starts: list[int]

        def transcript_at(self, ms: int) -> bool: ...

    def read_highlights(self, block: Block) -> None:
        # Each sub-heading (found with the sections, outside fences) starts a highlight.
        starts = block.subheadings
        first = starts[0] if starts else block.end
        for i in range(block.start, first):
            text = self.text[i]
            if text.strip() and not MARKUP_LINE.match(text):
                self.unread.append(i)  # before the first highlight
        for k, heading in enumerate(starts):
            end = starts[k + 1] if k + 1 < len(starts) else block.end
            self.read_highlight(heading, range(heading + 1, end), block)

    def read_highlight(self, heading: int, lines: range, block: Block) -> None:
        m = HEADING.match(self.line(heading))
        title = unquote(MARKUP.sub("", m.group(2)) if m else self.line(heading))
        quote_parts: list[str] = []
        prose: list[str] = []
        attribution = None
        attribution_line = -1
        # The thumbnail link: line, ms, its t= match, where its URL starts in the line.
        thumb: Thumb | None = None
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
            if c in COMMAND_FIRST and is_command(text):
                command_lines.append(i)
                continued = text.endswith("\\")
                continue
            if i in fenced:
                self.unread.append(i)  # fenced, but not a command
                continue
            if in_embed or ("<" in text and "<iframe" in text.lower()):
                embed_lines.append(i)
                # A tag over several lines ends at </iframe> or />; ten lines at most.
                in_embed = not IFRAME_END.search(text) and len(embed_lines) < 10
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
                    heading,
                    f"highlight {title[:50]!r} has no clip command and no time; skipped",
                    ClipKind.HIGHLIGHT,
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

    def attribution_time(
        self,
        i: int,
        attribution: Attribution | None,
        ranges: list[Range],
        thumb: Thumb | None,
        title: str,
    ) -> int | None:
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

    def check_thumbnail(self, thumb: Thumb, clip: Clip, src: str) -> None:
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
        if cmd.url and self.ep.url and video_key(cmd.url) != video_key(self.ep.url):
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

    def add_link_spans(self, clip: Clip, i: int, said: int | None, thumb: Thumb | None) -> None:
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
