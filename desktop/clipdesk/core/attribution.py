"""Quotes and their attributions as show notes write them.

`> "First sentence."` / `> "Second one."` / `> — Ann Lee, on the cost of it, [1:33:25](url)`
is one quote by Ann Lee with the context "on the cost of it" at 1:33:25; several
names (`Ann Lee and Bo Chen`) and the dashes —, –, -- and - all occur.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TIME = r"\d{1,3}(?::\d{1,2}){1,2}(?:[.,]\d{1,3})?"
ATTRIBUTION = re.compile(r"^(?:—|–|―|--|-|~)\s*(?P<rest>.*)$")
# [1:23](url), and [1:23 — Chapter title](url) as chapter lists write it.
TIME_LINK = re.compile(
    rf"\[(?P<label>{TIME})(?:\s*[-–—:|]\s*(?P<title>[^\]]+?))?\s*\]\((?P<url>[^)\s]*)\)"
)
BARE_TIME = re.compile(rf"[\[(]?(?P<label>{TIME})[\])]?\s*$")
QUOTE_OPEN = '"“‘«„'
QUOTE_CLOSE = '"”’»“'
_OPENER = {'"': '"', "”": "“", "’": "‘", "»": "«", "“": "„"}
_NAME_SPLIT = re.compile(r"\s*(?:,|\band\b|&)\s*")
_MARKUP = re.compile(r"[*_`]")


@dataclass
class Attribution:
    speaker: str  # as written: "Ann Lee and Bo Chen"
    speakers: tuple[str, ...]
    context: str
    time: re.Match[str] | None  # the [label](url) of the time, found in `rest`
    bare_time: str = ""  # a time written without a link: "(1:23)"


def is_attribution(content: str) -> bool:
    """A `>` line's content that attributes rather than quotes."""
    return bool(content) and content[0] in "—–―-~" and ATTRIBUTION.match(content) is not None


def parse_attribution(content: str) -> Attribution:
    m = ATTRIBUTION.match(content)
    rest = m.group("rest") if m else content
    tm = TIME_LINK.search(rest)
    bare = ""
    if tm:
        head = rest[: tm.start()]
    else:
        bm = BARE_TIME.search(rest)
        head = rest[: bm.start()] if bm else rest
        bare = bm.group("label") if bm else ""
    head = _MARKUP.sub("", head).strip().rstrip(",;:–—-").strip()
    who, _, context = head.partition(", ")
    who = who.strip().rstrip(",").strip()
    names = tuple(n for n in _NAME_SPLIT.split(who) if n)
    return Attribution(who, names, context.strip(), tm, bare)


def join_quote(parts: list[str]) -> str:
    """Several quoted lines as one quote: each part's own quote marks removed, the
    parts joined with a space."""
    return " ".join(p for p in (unquote_part(p) for p in parts) if p)


def unquote_part(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] in "*_" and text[-1] == text[0]:
        text = text.strip(text[0]).strip()  # *"emphasised quote"*
    opened = text[:1] in QUOTE_OPEN
    if opened:
        text = text[1:]
    elif text[:1] == "'" and text[-1:] == "'":
        return text[1:-1].strip()
    close = text[-1:]
    if close and close in QUOTE_CLOSE:
        # A closing mark that closes nothing inside the part closes the quote.
        inner = text[:-1]
        opener = _OPENER[close]
        if opener == close:
            unmatched = inner.count(close) % 2 == 0
        else:
            unmatched = inner.count(opener) <= inner.count(close)
        if opened or unmatched:
            text = inner
    return text.strip()


def unquote(text: str) -> str:
    """Remove one pair of surrounding quote marks."""
    text = text.strip()
    if len(text) >= 2 and text[0] in QUOTE_OPEN + "'" and text[-1] in QUOTE_CLOSE + "'":
        text = text[1:-1].strip()
    return text
