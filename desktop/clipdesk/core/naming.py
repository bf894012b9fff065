"""Output file names for exported clips: templates, sanitising and conflicts.

A template is a str.format pattern over a fixed set of fields. Titles come
from untrusted documents, so every rendered name is sanitised: no path
separators, no leading dot or dash, a bounded length, unique within a batch.
"""

from __future__ import annotations

import enum
import re
import string
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

DEFAULT_TEMPLATE = "{video_id}-{index:02d}-{slug}.mp4"
# {index} is the clip's own number within its kind (the list's # column), so a clip has
# the same name in every batch; {id} is the clip's id (highlight-2, clip-1), which no
# edit of other clips changes.
FIELDS = ("video_id", "slug", "index", "kind", "start", "end", "id")
EXTENSION = ".mp4"
MAX_NAME_BYTES = 180  # well under the 255-byte limit of common file systems
MAX_SLUG_CHARS = 60
# Bounds checked before anything is formatted: {slug:>400000000} would build a
# 400 MB string first and cut it down after.
MAX_TEMPLATE_CHARS = 400
MAX_FIELD_WIDTH = 64
# [[fill]align][sign][#][0][width][grouping][.precision][type]; no nested fields.
_SPEC = re.compile(
    r"(?:[^{}]?[<>=^])?[+\- ]?#?0?(?P<width>\d*)[_,]?(?:\.(?P<precision>\d+))?[a-zA-Z%]?"
)

_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\<>:"|?*]+')
_DASHES = re.compile(r"-{2,}")
_SLUG_DROP = re.compile(r"[^a-z0-9]+")
# Names Windows refuses whatever the extension; exported folders get shared.
_RESERVED = (
    {"con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(1, 10)}
    | {f"lpt{i}" for i in range(1, 10)}
)


class TemplateError(ValueError):
    """A file-name template that cannot be used."""


class ConflictPolicy(str, enum.Enum):
    """What to do when the output file already exists."""

    SKIP = "skip"
    RENAME = "rename"
    OVERWRITE = "overwrite"


@dataclass(frozen=True)
class NameFields:
    video_id: str
    title: str
    index: int
    kind: str
    start_ms: int
    end_ms: int
    clip_id: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            # A document's id is untrusted text: bounded before it is formatted.
            "video_id": sanitize_component(self.video_id[:MAX_NAME_BYTES]) or "video",
            "slug": slugify(self.title),
            "index": self.index,
            "kind": self.kind,
            "start": time_stamp(self.start_ms),
            "end": time_stamp(self.end_ms),
            "id": sanitize_component(self.clip_id) or f"{self.kind}-{self.index}",
        }


def slugify(text: str, max_chars: int = MAX_SLUG_CHARS) -> str:
    """Lower-case ASCII words joined by dashes; "clip" when nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _SLUG_DROP.sub("-", ascii_text.lower()).strip("-")
    if len(slug) > max_chars:
        slug = slug[:max_chars].rsplit("-", 1)[0] if "-" in slug[:max_chars] else slug[:max_chars]
    return slug.strip("-") or "clip"


def time_stamp(ms: int) -> str:
    """A file-name friendly time: 117000 -> 1m57s, 3723500 -> 1h02m03.500s."""
    total_s, frac = divmod(max(0, ms), 1000)
    h, rest = divmod(total_s, 3600)
    m, s = divmod(rest, 60)
    sec = f"{s:02d}" if (h or m) else str(s)
    if frac:
        sec += f".{frac:03d}"
    if h:
        return f"{h}h{m:02d}m{sec}s"
    if m:
        return f"{m}m{sec}s"
    return f"{sec}s"


def validate_template(template: str) -> str:
    """Check a template and return it, with the .mp4 extension added if missing."""
    if not template.strip():
        raise TemplateError("the file-name template is empty")
    if len(template) > MAX_TEMPLATE_CHARS:
        raise TemplateError(
            f"the file-name template is {len(template)} characters long; at most "
            f"{MAX_TEMPLATE_CHARS}"
        )
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise TemplateError(f"bad file-name template {template!r}: {exc}") from None
    for _literal, field, spec, _conv in parsed:
        if field is None:
            continue
        _check_spec(field, spec or "")
        # Attribute and index lookups would reach into Python objects.
        if field not in FIELDS:
            allowed = ", ".join("{" + f + "}" for f in FIELDS)
            raise TemplateError(f"unknown field {{{field}}} in file-name template; use {allowed}")
    sample = NameFields("VIDEO", "A title", 1, "highlight", 0, 1000).as_dict()
    try:
        template.format(**sample)
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise TemplateError(f"bad file-name template {template!r}: {exc}") from None
    if not template.lower().endswith(EXTENSION):
        template += EXTENSION
    return template


def _check_spec(field: str, spec: str) -> None:
    """A format spec of bounded width and precision, checked before formatting."""
    m = _SPEC.fullmatch(spec)
    if m is None:
        raise TemplateError(f"bad format {spec!r} for {{{field}}} in the file-name template")
    for part in ("width", "precision"):
        value = m.group(part)
        if value and int(value) > MAX_FIELD_WIDTH:
            raise TemplateError(
                f"the {part} {int(value)} of {{{field}}} in the file-name template is over "
                f"{MAX_FIELD_WIDTH}"
            )


def render_name(template: str, fields: NameFields) -> str:
    """The sanitised file name for one clip (no directory part)."""
    template = validate_template(template)
    return sanitize_filename(template.format(**fields.as_dict()))


def sanitize_component(text: str) -> str:
    """Text made safe to sit inside a file name (no separators or control chars)."""
    text = unicodedata.normalize("NFC", text)
    text = _UNSAFE.sub("-", text)
    text = re.sub(r"\s+", " ", text).strip()
    return _DASHES.sub("-", text)


def sanitize_filename(name: str, max_bytes: int = MAX_NAME_BYTES) -> str:
    """A safe file name ending in .mp4: no separators, no leading dot or dash,
    at most max_bytes bytes of UTF-8."""
    stem = name[: -len(EXTENSION)] if name.lower().endswith(EXTENSION) else name
    stem = sanitize_component(stem).strip(".- ")
    if not stem or stem.lower() in _RESERVED:
        stem = f"clip-{stem}" if stem else "clip"
    budget = max_bytes - len(EXTENSION)
    encoded = stem.encode("utf-8")
    if len(encoded) > budget:
        stem = encoded[:budget].decode("utf-8", "ignore").rstrip(".- ")
    return stem + EXTENSION


def with_suffix_number(name: str, n: int) -> str:
    """name.mp4 -> name-2.mp4, keeping within the length bound."""
    stem = name[: -len(EXTENSION)]
    suffix = f"-{n}"
    budget = MAX_NAME_BYTES - len(EXTENSION) - len(suffix)
    stem = stem.encode("utf-8")[:budget].decode("utf-8", "ignore")
    return f"{stem}{suffix}{EXTENSION}"


def unique_names(names: Iterable[str]) -> list[str]:
    """Make names unique (case-insensitively, for case-insensitive file systems)."""
    seen: set[str] = set()
    out: list[str] = []
    for name in names:
        candidate, n = name, 1
        while candidate.casefold() in seen:
            n += 1
            candidate = with_suffix_number(name, n)
        seen.add(candidate.casefold())
        out.append(candidate)
    return out


def claim_name(folder: Path, name: str, policy: ConflictPolicy, taken: set[str]) -> str | None:
    """The name to write in folder, or None to skip a file that exists on disk.

    First the name is made unique within the batch (taken holds the casefolded names
    already claimed, and is updated): each clip has its own name whatever is on disk,
    so skip mode looks for the clip's own file, not another clip's. Then the policy
    meets the disk: skip, overwrite, or rename to a number free on disk and in the
    batch."""
    candidate, n = name, 1
    while candidate.casefold() in taken:
        n += 1
        candidate = with_suffix_number(name, n)
    taken.add(candidate.casefold())
    if policy is ConflictPolicy.OVERWRITE or not (folder / candidate).exists():
        return candidate
    if policy is ConflictPolicy.SKIP:
        return None
    own = candidate
    while candidate.casefold() in taken or (folder / candidate).exists():
        n += 1
        candidate = with_suffix_number(name, n)
    taken.discard(own.casefold())  # that name is another file's on disk
    taken.add(candidate.casefold())
    return candidate
