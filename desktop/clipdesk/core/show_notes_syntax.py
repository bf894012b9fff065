"""The syntax of show-notes Markdown that its readers share: patterns, section names,
and the block of lines a section holds."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from clipdesk.core.timecode import TimeStyle

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
MARKUP = re.compile(r"[*_`]")
LEADING_SYMBOLS = re.compile(r"^[^\w]+")

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
IFRAME_END = re.compile(r"</iframe>|/>\s*$", re.I)


def section_key(heading: str) -> str | None:
    text = MARKUP.sub("", heading).strip().rstrip(":").lower()
    text = LEADING_SYMBOLS.sub("", text)  # leading emoji or punctuation
    return SECTION_NAMES.get(text)


@dataclass
class Block:
    key: str
    name: str  # the heading as written, for messages
    level: int
    heading_line: int  # 0-based
    start: int  # lines [start, end) follow the heading
    end: int
    fenced: frozenset[int] = frozenset()  # lines inside code fences
    subheadings: list[int] = field(default_factory=list)  # headings below its own level
    # Where the lines stand in the reader's joined text (for whole-section matching).
    start_off: int = 0
    end_off: int = 0


def is_command(text: str) -> bool:
    return text[0] in COMMAND_FIRST and text.strip().strip("`").lstrip("$ ").startswith(
        COMMAND_STARTS
    )


def video_key(url: str) -> str:
    m = VIDEO_PARAM.search(url) or SHORT_LINK.search(url)
    return m.group(1) if m else url.split("#")[0].split("&t=")[0]
