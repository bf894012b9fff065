"""A document, its project file and export settings turned into the jobs to run.

The window's Export menu and `clipdesk export` both come here, so they pick the same
media the same way and plan the same cuts: the media asked for, else the project
file's media binding, else what the player has open, else a video beside the document,
else the document's own URL; clip times moved into media time by the project's offset.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from clipdesk.core.episode import Episode
from clipdesk.core.export_plan import (
    ExportPlan,
    ExportSettings,
    MediaSource,
    in_media_time,
    plan_export,
    resolve_media,
)
from clipdesk.core.media_location import sidecar_media
from clipdesk.core.project_file import Project


@dataclass(frozen=True)
class ExportRequest:
    settings: ExportSettings
    media: MediaSource
    plan: ExportPlan


def export_location(document: Path, project: Project, playing: str | None = None) -> str | None:
    """The media location an export cuts when none is asked for, or None for the
    document's URL."""
    if project.media is not None:
        return project.media.source
    if playing:
        return playing
    side = sidecar_media(document, project.store.episode)
    return str(side) if side is not None else None


def export_request(
    document: Path,
    project: Project,
    settings: ExportSettings,
    *,
    media: str | None = None,
    playing: str | None = None,
    selected_ids: Iterable[str] = (),
    adjust: Callable[[Episode, MediaSource], Episode] | None = None,
) -> ExportRequest:
    """Plan an export of the document as its project file has it. `adjust` may move the
    clips (in media time, knowing the source) before planning, e.g. snapping to pauses.
    Raises PlanError (bad settings, no usable media) or TemplateError (a bad file-name
    template)."""
    episode = project.store.episode
    if media and media.strip():
        source = resolve_media(media, episode)  # as typed: relative to the current folder
    else:
        source = resolve_media(
            export_location(document, project, playing), episode, document.parent
        )
    in_media = in_media_time(episode, project.timebase)
    if adjust is not None:
        in_media = adjust(in_media, source)
    plan = plan_export(in_media, settings, source, selected_ids)
    return ExportRequest(settings, source, plan)
