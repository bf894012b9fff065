"""Export planning: Episode + selection + settings + media source -> job specs.

Pure data. Only the media location (an http(s) URL or a local path) and each
clip's parsed range leave here; nothing else from the document reaches a tool.
"""

from __future__ import annotations

import dataclasses
import enum
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from clipdesk.core.episode import Clip, ClipKind, Episode, ReviewStatus
from clipdesk.core.identifiers import check_job_id, is_clip_id
from clipdesk.core.media_location import is_url
from clipdesk.core.naming import (
    DEFAULT_TEMPLATE,
    ConflictPolicy,
    NameFields,
    claim_name,
    render_name,
    sanitize_component,
    sanitize_filename,
    validate_template,
)
from clipdesk.core.timecode import format_clock

if TYPE_CHECKING:  # only annotated here: `clipdesk export --help` loads this module
    from clipdesk.core.bounds import Timebase

MAX_JOBS = 16


class ExportMode(str, enum.Enum):
    EXACT = "exact"  # re-encode: frame-exact start and length
    FAST = "fast"  # stream copy: cuts fall on keyframes


class Selection(str, enum.Enum):
    ALL = "all"
    SELECTED = "selected"
    APPROVED = "approved"
    HIGHLIGHTS = "highlights"
    KEY_POINTS = "key-points"
    SEGMENTS = "segments"
    CLIPS = "clips"

    @property
    def kind(self) -> ClipKind | None:
        return {
            Selection.HIGHLIGHTS: ClipKind.HIGHLIGHT,
            Selection.KEY_POINTS: ClipKind.KEY_POINT,
            Selection.SEGMENTS: ClipKind.SEGMENT,
            Selection.CLIPS: ClipKind.CLIP,
        }.get(self)


class PlanError(ValueError):
    """Settings or a media source that cannot be planned at all."""


class SourceKind(str, enum.Enum):
    REMOTE = "remote"  # cut by yt-dlp
    LOCAL = "local"  # cut by ffmpeg


@dataclass(frozen=True)
class MediaSource:
    kind: SourceKind
    location: str  # an http(s) URL or an absolute local path


@dataclass
class ExportSettings:
    out_dir: str = ""
    template: str = DEFAULT_TEMPLATE
    mode: ExportMode = ExportMode.EXACT
    jobs: int = 2
    only: Selection = Selection.ALL
    conflict: ConflictPolicy = ConflictPolicy.SKIP

    def validate(self) -> ExportSettings:
        if not str(self.out_dir).strip():
            raise PlanError("no output folder given")
        self.template = validate_template(self.template)
        check_jobs(self.jobs)
        return self

    def to_dict(self) -> dict[str, Any]:
        return {
            "out_dir": str(self.out_dir),
            "template": self.template,
            "mode": self.mode.value,
            "jobs": int(self.jobs),
            "only": self.only.value,
            "conflict": self.conflict.value,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ExportSettings:
        """Settings from plain data (a project file); unknown keys are ignored."""
        if not isinstance(data, dict):
            raise ValueError("export settings must be a mapping")
        out = cls()
        try:
            if "out_dir" in data:
                out.out_dir = str(data["out_dir"])
            if "template" in data:
                out.template = str(data["template"])
            if "mode" in data:
                out.mode = ExportMode(data["mode"])
            if "jobs" in data:
                jobs = data["jobs"]
                if isinstance(jobs, bool) or not isinstance(jobs, int):
                    raise ValueError(f"jobs must be a whole number, not {jobs!r}")
                out.jobs = jobs
            if "only" in data:
                out.only = Selection(data["only"])
            if "conflict" in data:
                out.conflict = ConflictPolicy(data["conflict"])
        except ValueError as exc:
            raise ValueError(f"bad export settings: {exc}") from None
        return out


@dataclass(frozen=True)
class JobSpec:
    """Everything a job runner needs: where from, which range, where to."""

    job_id: str
    clip_id: str
    title: str
    kind: str
    index: int
    source_kind: SourceKind
    source: str
    start_ms: int
    end_ms: int
    output: str  # final absolute path
    mode: ExportMode = ExportMode.EXACT
    # Applied again when the file is moved into place: it may have appeared meanwhile.
    conflict: ConflictPolicy = ConflictPolicy.SKIP

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms

    @property
    def file_name(self) -> str:
        return Path(self.output).name

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["source_kind"] = self.source_kind.value
        d["mode"] = self.mode.value
        d["conflict"] = self.conflict.value
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> JobSpec:
        """A spec read back from a project file. The project file travels with the
        document and is as untrusted: the source must be an http(s) URL or a path, the
        output a clean file name in an existing absolute folder, and a recorded
        `overwrite` becomes `rename` (replacing a file needs the user's choice now)."""
        if not isinstance(data, dict):
            raise ValueError("a job spec must be a mapping")
        try:
            spec = cls(
                job_id=str(data["job_id"]),
                clip_id=str(data["clip_id"]),
                title=str(data.get("title", "")),
                kind=str(data.get("kind", "")),
                index=int(data.get("index", 0)),
                source_kind=SourceKind(data["source_kind"]),
                source=str(data["source"]),
                start_ms=int(data["start_ms"]),
                end_ms=int(data["end_ms"]),
                output=str(data["output"]),
                mode=ExportMode(data.get("mode", "exact")),
                conflict=ConflictPolicy(data.get("conflict", "skip")),
            )
        except KeyError as exc:
            raise ValueError(f"job spec is missing {exc.args[0]!r}") from None
        except (TypeError, ValueError) as exc:
            raise ValueError(f"bad job spec: {exc}") from None
        check_job_id(spec.job_id)  # it names the job's temporary folder
        if not is_clip_id(spec.clip_id):
            raise ValueError(f"bad clip id {spec.clip_id!r}")
        if spec.source_kind is SourceKind.REMOTE:
            check_url(spec.source)
        if spec.end_ms <= spec.start_ms or spec.start_ms < 0:
            raise ValueError(f"bad job spec: range {spec.start_ms}-{spec.end_ms} ms")
        check_output(spec.output)
        if spec.conflict is ConflictPolicy.OVERWRITE:
            spec = dataclasses.replace(spec, conflict=ConflictPolicy.RENAME)
        return spec


@dataclass(frozen=True)
class PlanProblem:
    """A clip that gets no job, and why. error=False for a deliberate skip."""

    clip_id: str
    title: str
    reason: str
    error: bool = True


@dataclass
class ExportPlan:
    jobs: list[JobSpec] = field(default_factory=list)
    problems: list[PlanProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # about clips that are exported

    @property
    def errors(self) -> list[PlanProblem]:
        return [p for p in self.problems if p.error]


def check_jobs(jobs: int) -> int:
    """How many clips are cut at once: 1 to MAX_JOBS."""
    if not 1 <= int(jobs) <= MAX_JOBS:
        raise PlanError(f"jobs must be between 1 and {MAX_JOBS}, not {jobs}")
    return jobs


def check_url(url: str) -> str:
    if not is_url(url):
        raise PlanError(f"not an http(s) URL: {url!r}")
    if any(c.isspace() for c in url):
        raise PlanError(f"a URL cannot contain spaces: {url!r}")
    return url


def check_output(output: str) -> str:
    """An output path from a saved record: a name the naming rules would have made, in
    an existing folder given as a plain absolute path. Raises ValueError saying why not."""
    path = Path(output)
    if not path.is_absolute() or os.path.normpath(output) != output:
        raise ValueError(f"output {output!r} is not a plain absolute path")
    if path.name != sanitize_filename(path.name):
        raise ValueError(f"output file name {path.name!r} is not a clean clip name")
    if not path.parent.is_dir():
        raise ValueError(f"output folder {str(path.parent)!r} does not exist")
    return output


def resolve_media(media: str | None, episode: Episode, base: Path | None = None) -> MediaSource:
    """Where the video comes from: the --media value, else the document's URL.

    A relative path is taken relative to base (the current folder by default).
    """
    if media is None or not media.strip():
        if not episode.url:
            raise PlanError("the document names no video URL; give a media file or URL")
        return MediaSource(SourceKind.REMOTE, check_url(episode.url.strip()))
    media = media.strip()
    scheme = urlsplit(media).scheme.lower()
    if scheme in ("http", "https"):
        return MediaSource(SourceKind.REMOTE, check_url(media))
    if scheme == "file":
        media = urlsplit(media).path
    elif len(scheme) > 1:  # one letter is a Windows drive
        raise PlanError(f"unsupported media location {media!r}: use a file or an http(s) URL")
    path = Path(media).expanduser()
    if not path.is_absolute():
        path = (base or Path.cwd()) / path
    if not path.is_file():
        raise PlanError(f"media file not found: {path}")
    return MediaSource(SourceKind.LOCAL, str(path.resolve()))


def in_media_time(episode: Episode, timebase: Timebase) -> Episode:
    """A copy of the episode whose clip bounds are media times (document + offset): clip
    times are the document's, cuts are made in the media."""
    clips = [
        dataclasses.replace(
            c,
            start_ms=timebase.to_media(c.start_ms),
            end_ms=timebase.to_media(c.end_ms) if c.end_ms is not None else None,
        )
        for c in episode.clips
    ]
    return dataclasses.replace(
        episode,
        clips=clips,
        duration_ms=timebase.duration_ms or episode.duration_ms,
        media_length_ms=timebase.duration_ms or episode.media_length_ms,
    )


def select_clips(
    episode: Episode, only: Selection, selected_ids: Iterable[str] | None = None
) -> tuple[list[Clip], list[PlanProblem]]:
    """The clips to export, in document order, and the ones deliberately left out."""
    problems: list[PlanProblem] = []
    if only is Selection.SELECTED:
        wanted = set(selected_ids or ())
        return [c for c in episode.clips if c.id in wanted], problems
    if only is Selection.APPROVED:
        return [c for c in episode.clips if c.review is ReviewStatus.APPROVED], problems
    kind = only.kind
    chosen = []
    for c in episode.clips:
        if kind is not None and c.kind is not kind:
            continue
        if c.review is ReviewStatus.REJECTED:
            problems.append(PlanProblem(c.id, c.title, "rejected in review", error=False))
            continue
        chosen.append(c)
    return chosen, problems


def clip_problem(clip: Clip, episode: Episode) -> str | None:
    """Why a clip cannot be exported, or None."""
    if clip.end_ms is None:
        return "its end time is unknown: set an end before exporting"
    if clip.start_ms < 0:
        return "it starts before the video"
    if clip.end_ms <= clip.start_ms:
        return "it ends before it starts"
    if episode.duration_ms and clip.start_ms >= episode.duration_ms:
        return "it starts after the end of the video"
    return None


def clamp_to_media(clip: Clip, media_length_ms: int | None, notes: list[str]) -> int:
    """The end to cut at: the clip's, or the media's real end when the clip runs past it
    (the document keeps what it says; the note tells the editor)."""
    assert clip.end_ms is not None
    if media_length_ms is None or clip.end_ms <= media_length_ms:
        return clip.end_ms
    notes.append(
        f"{clip.title}: ends at {format_clock(clip.end_ms)}, past the media's end "
        f"{format_clock(media_length_ms)}: exported up to the media's end"
    )
    return media_length_ms


def name_fields(episode: Episode, clip: Clip, index: int) -> NameFields:
    """What a clip's file name is made of (its export, and the settings' preview)."""
    video_id = sanitize_component(episode.video_id) or (
        sanitize_component(episode.path.stem) if episode.path else "video"
    )
    return NameFields(
        video_id, clip.title, index, clip.kind.value, clip.start_ms, clip.end_ms or 0, clip.id
    )


def plan_export(
    episode: Episode,
    settings: ExportSettings,
    media: MediaSource,
    selected_ids: Iterable[str] | None = None,
) -> ExportPlan:
    import uuid  # it imports platform; `clipdesk export --help` loads this module

    settings.validate()
    out_dir = Path(settings.out_dir).expanduser().absolute()
    clips, problems = select_clips(episode, settings.only, selected_ids)
    numbers = episode.kind_numbers()  # {index}: the clip's own, not its place in the batch
    ready: list[tuple[int, Clip]] = []
    for clip in clips:
        why = clip_problem(clip, episode)
        if why:
            problems.append(PlanProblem(clip.id, clip.title, f"cannot export: {why}"))
        else:
            ready.append((numbers.get(clip.id, 0), clip))
    plan = ExportPlan(problems=problems)
    taken: set[str] = set()
    for index, clip in ready:
        name = render_name(settings.template, name_fields(episode, clip, index))
        final = claim_name(out_dir, name, settings.conflict, taken)
        if final is None:
            plan.problems.append(
                PlanProblem(clip.id, clip.title, f"{name} exists, skipped", error=False)
            )
            continue
        assert clip.end_ms is not None
        end_ms = clamp_to_media(clip, episode.media_length_ms, plan.notes)
        plan.jobs.append(
            JobSpec(
                job_id=uuid.uuid4().hex[:12],
                clip_id=clip.id,
                title=clip.title,
                kind=clip.kind.value,
                index=index,
                source_kind=media.kind,
                source=media.location,
                start_ms=clip.start_ms,
                end_ms=end_ms,
                output=str(out_dir / final),
                mode=settings.mode,
                conflict=settings.conflict,
            )
        )
    return plan
