"""The episode model: what a show-notes document says, independent of its format."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path


class ClipKind(str, enum.Enum):
    HIGHLIGHT = "highlight"
    KEY_POINT = "key-point"
    SEGMENT = "segment"
    CLIP = "clip"  # made by the editor, not read from the document

    @property
    def label(self) -> str:
        return {
            ClipKind.HIGHLIGHT: "Highlight",
            ClipKind.KEY_POINT: "Key point",
            ClipKind.SEGMENT: "Segment",
            ClipKind.CLIP: "Clip",
        }[self]


class ReviewStatus(str, enum.Enum):
    UNREVIEWED = "unreviewed"
    APPROVED = "approved"
    REJECTED = "rejected"


class SourceFormat(str, enum.Enum):
    SHOW_NOTES = "show-notes"  # format A: Markdown with YAML frontmatter
    SEGMENTS = "segments"  # format B: Key Takeaways / Segments text


@dataclass
class Notice:
    """A warning about the document, tied to a 1-based line (0 when not tied to one)."""

    line: int
    message: str
    # The kind of a clip the document names but that could not be read (so it is not
    # in the episode): exporting it fails rather than passing in silence.
    dropped: ClipKind | None = None

    def render(self, path: Path | str | None = None) -> str:
        where = f"{path}:{self.line}" if path is not None else f"line {self.line}"
        return f"{where}: {self.message}"

    def as_warning(self, path: Path | str) -> str:
        """The line `clipdesk inspect` and `clipdesk export` print: FILE:LINE: warning: …"""
        return f"{path}:{self.line}: warning: {self.message}"


@dataclass
class Clip:
    """One reviewable clip. Times are integer milliseconds; end may be unknown (None)."""

    id: str
    kind: ClipKind
    title: str
    start_ms: int
    end_ms: int | None
    line: int = 0  # 1-based source line; 0 for clips the editor made
    quote: str = ""
    speaker: str = ""  # as written: "Ann Lee" or "Ann Lee and Bo Chen"
    summary: str = ""
    takeaway: str = ""
    review: ReviewStatus = ReviewStatus.UNREVIEWED
    note: str = ""
    # Bounds as read from the document: the writer rewrites only what differs.
    orig_start_ms: int | None = None
    orig_end_ms: int | None = None
    speakers: tuple[str, ...] = ()  # each name of `speaker`
    context: str = ""  # the attribution's clause: "on the cost of rebuilding it"

    def __post_init__(self) -> None:
        if self.orig_start_ms is None and self.line:
            self.orig_start_ms = self.start_ms
            self.orig_end_ms = self.end_ms

    @property
    def duration_ms(self) -> int | None:
        if self.end_ms is None:
            return None
        return self.end_ms - self.start_ms

    @property
    def bounds_edited(self) -> bool:
        return (self.start_ms, self.end_ms) != (self.orig_start_ms, self.orig_end_ms)


@dataclass(slots=True)  # thousands per document
class TranscriptLine:
    start_ms: int
    text: str
    line: int = 0
    speaker: str = ""


@dataclass
class Mention:
    name: str
    category: str = ""
    description: str = ""
    start_ms: int | None = None
    line: int = 0


@dataclass
class Quote:
    """A quote of a Surprising Quotes section, with its attribution when given."""

    text: str
    speaker: str = ""
    start_ms: int | None = None
    line: int = 0
    context: str = ""


@dataclass
class Takeaway:
    text: str
    line: int = 0


@dataclass
class Episode:
    path: Path | None
    source_format: SourceFormat
    video_id: str = ""
    title: str = ""
    channel: str = ""
    duration_ms: int | None = None
    url: str = ""
    upload_date: str = ""
    tags: list[str] = field(default_factory=list)
    summary: str = ""
    clips: list[Clip] = field(default_factory=list)
    transcript: list[TranscriptLine] = field(default_factory=list)
    takeaways: list[Takeaway] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)
    lines_not_understood: int = 0  # non-empty lines of known sections nothing took
    # The media's real length once known (the player's or a probe's), for export only:
    # a clip past it is clamped there when exported, never in the document.
    media_length_ms: int | None = None
    # The document as read, with the places its clip times stand (see core.writer).
    source: object | None = field(default=None, repr=False, compare=False)

    def kind_numbers(self) -> dict[str, int]:
        """Each clip's own number within its kind, by id: the list's # column and the
        {index} of export names, the same whichever clips a batch holds."""
        return kind_numbers(self.clips)

    def clips_of(self, kind: ClipKind) -> list[Clip]:
        return [c for c in self.clips if c.kind is kind]

    def clip_by_id(self, clip_id: str) -> Clip | None:
        return next((c for c in self.clips if c.id == clip_id), None)

    def transcript_index_at(self, ms: int) -> int:
        """Index of the transcript line being spoken at ms, or -1 before the first."""
        lo, hi = 0, len(self.transcript)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.transcript[mid].start_ms <= ms:
                lo = mid + 1
            else:
                hi = mid
        return lo - 1

    def counts(self) -> dict[str, int]:
        out = {k.value: len(self.clips_of(k)) for k in ClipKind}
        out.update(
            transcript_lines=len(self.transcript),
            takeaways=len(self.takeaways),
            mentions=len(self.mentions),
            quotes=len(self.quotes),
            lines_not_understood=self.lines_not_understood,
            warnings=len(self.warnings),
        )
        return out


def kind_numbers(clips: list[Clip]) -> dict[str, int]:
    """1, 2, 3 … per kind, in the clips' order."""
    seen: dict[ClipKind, int] = {}
    numbers: dict[str, int] = {}
    for c in clips:
        seen[c.kind] = seen.get(c.kind, 0) + 1
        numbers[c.id] = seen[c.kind]
    return numbers
