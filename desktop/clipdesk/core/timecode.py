"""Timecodes: parse the many spellings found in documents and write them back alike.

All times inside Clipdesk are integer milliseconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_CLOCK = re.compile(
    r"""^\(?\s*
        (?P<a>\d{1,4})(?::(?P<b>\d{1,2}))?(?::(?P<c>\d{1,2}))?
        (?:[.,](?P<frac>\d{1,3}))?
        \s*\)?$""",
    re.VERBOSE,
)
_T_PARAM = re.compile(
    r"^(?:.*[?&#])?t=(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?(?:(?P<s>\d+(?:\.\d+)?)s?)?$"
)


_SIMPLE_CLOCK = re.compile(r"(\d{1,4}):([0-5]\d)(?::([0-5]\d))?")
_UNITS = re.compile(r"(?:\d+h)?(?:\d+m)?(?:\d+(?:\.\d+)?s)")
_SECONDS = re.compile(r"(\d{1,7})(?:\.(\d{1,3})\d*)?")


class TimecodeError(ValueError):
    """A string is not a timecode."""


@dataclass(frozen=True)
class TimeStyle:
    """How a document spelled a time, so it can be written back the same way.

    fields: 1 for plain seconds, 2 for M:SS, 3 for H:MM:SS.
    pad: the leading field is zero-padded to two digits (00:01:57).
    frac: digits after the decimal point (0 for whole seconds).
    parens: wrapped in parentheses, as format B does.
    long_minutes: a 2-field style keeps counting minutes past 59 (97:18)
        instead of switching to H:MM:SS.
    """

    fields: int = 2
    pad: bool = False
    frac: int = 0
    parens: bool = False
    long_minutes: bool = False


LABEL_STYLE = TimeStyle()
CLOCK_STYLE = TimeStyle(fields=3, pad=False, frac=3)


def parse_timecode(text: str) -> int:
    """Parse a timecode to integer milliseconds.

    Accepts M:SS, MM:SS, H:MM:SS, HH:MM:SS, (HH:MM:SS), fractional seconds
    (1:57.250), plain seconds (117.25, 117) and t= link values (117s, 1m57s,
    ...&t=117s).
    """
    m = _SIMPLE_CLOCK.fullmatch(text)
    if m:  # the common M:SS / H:MM:SS form first: documents hold thousands of them
        a, b, c = m.groups()
        if c is None:
            return (int(a) * 60 + int(b)) * 1000
        if len(a) < 4:
            return ((int(a) * 60 + int(b)) * 60 + int(c)) * 1000
    s = text.strip()
    if not s:
        raise TimecodeError("empty timecode")
    if "t=" in s or _UNITS.fullmatch(s):
        return _parse_t_param(s if "t=" in s else "t=" + s)
    if ":" not in s:
        return _seconds_to_ms(s)
    m = _CLOCK.match(s)
    if not m or m.group("b") is None:
        raise TimecodeError(f"not a timecode: {text!r}")
    parts = [int(p) for p in (m.group("a"), m.group("b"), m.group("c")) if p is not None]
    if any(p > 59 for p in parts[1:]):
        raise TimecodeError(f"minutes or seconds above 59 in {text!r}")
    if len(parts) == 3 and len(m.group("a")) > 3:
        raise TimecodeError(f"too many hours in {text!r}")
    total = 0
    for p in parts:
        total = total * 60 + p
    frac = m.group("frac") or ""
    return total * 1000 + (int(frac.ljust(3, "0")) if frac else 0)


def _seconds_to_ms(s: str) -> int:
    m = _SECONDS.fullmatch(s)
    if not m:
        raise TimecodeError(f"not a number of seconds: {s!r}")
    frac = m.group(2) or ""
    return int(m.group(1)) * 1000 + (int(frac.ljust(3, "0")) if frac else 0)


def _parse_t_param(s: str) -> int:
    m = _T_PARAM.match(s)
    if not m or not any(m.group(k) for k in "hms"):
        raise TimecodeError(f"not a t= time: {s!r}")
    ms = 0
    if m.group("h"):
        ms += int(m.group("h")) * 3_600_000
    if m.group("m"):
        ms += int(m.group("m")) * 60_000
    if m.group("s"):
        ms += _seconds_to_ms(m.group("s"))
    return ms


@lru_cache(maxsize=4096)  # documents repeat the same few spellings many times
def detect_style(text: str) -> TimeStyle:
    """The style of a timecode as written, for writing a new value back alike."""
    s = text.strip()
    parens = s.startswith("(") and s.endswith(")")
    core = s.strip("()").strip()
    whole, _, frac = core.replace(",", ".").partition(".")
    fields = whole.split(":")
    long_minutes = len(fields) == 2 and fields[0].isdigit() and int(fields[0]) > 59
    return TimeStyle(
        fields=len(fields),
        pad=len(fields) > 1 and len(fields[0]) == 2,
        frac=len(frac),
        parens=parens,
        long_minutes=long_minutes,
    )


def format_timecode(ms: int, style: TimeStyle = LABEL_STYLE) -> str:
    """Write milliseconds in the given style. Rounds to the style's precision."""
    if ms < 0:
        raise TimecodeError("negative time")
    scale = 10 ** (3 - style.frac)
    units = (ms + scale // 2) // scale  # round half up to the style's precision
    whole, part = divmod(units, 10**style.frac) if style.frac else (units, 0)
    if style.fields == 1:
        text = str(whole)
    else:
        h, rest = divmod(whole, 3600)
        m, sec = divmod(rest, 60)
        if style.fields == 3 or (h and not style.long_minutes):
            text = f"{h:02d}:{m:02d}:{sec:02d}" if style.pad else f"{h}:{m:02d}:{sec:02d}"
        else:
            mins = h * 60 + m
            text = f"{mins:02d}:{sec:02d}" if style.pad else f"{mins}:{sec:02d}"
    if style.frac:
        text += f".{part:0{style.frac}d}"
    return f"({text})" if style.parens else text


def format_clock(ms: int | None) -> str:
    """H:MM:SS.mmm, the player's and the table's display format."""
    if ms is None:
        return "–"
    return format_timecode(max(0, ms), CLOCK_STYLE)


def format_eta(seconds: float | None) -> str:
    """A countdown for progress displays: M:SS, or H:MM:SS from an hour up; "" if unknown."""
    if seconds is None:
        return ""
    s = max(0, round(seconds))
    return (
        f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"
    )


def format_t_param(ms: int) -> str:
    """The value of a YouTube-style t= link parameter: whole seconds."""
    return f"{ms // 1000}s"
