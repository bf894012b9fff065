"""One rule for what an export cuts, used by the window and `clipdesk export` alike: the
media asked for, else the project's media binding, else what the player has open, else a
video beside the document, else the document's URL; clips moved by the project's offset."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.support.episodes import build_episode, clip

from clipdesk.core.bounds import Timebase
from clipdesk.core.clip_store import ClipStore
from clipdesk.core.export_plan import ExportSettings, PlanError, Selection, SourceKind
from clipdesk.core.export_request import export_location, export_request
from clipdesk.core.project_file import MediaBinding, Project

URL = "https://www.example.org/watch?v=demo"


def project_for(doc: Path, **fields: object) -> Project:
    episode = build_episode(
        [clip("h1", 4_000, 6_000, "First"), clip("h2", 21_000, 23_500, "Second")],
        path=doc,
        video_id="demo",
        **fields,
    )
    return Project(doc, ClipStore(episode), Timebase())


def touch(path: Path) -> Path:
    path.write_bytes(b"\0")
    return path


def settings(tmp_path: Path) -> ExportSettings:
    return ExportSettings(out_dir=str(tmp_path / "out"), only=Selection.HIGHLIGHTS)


def test_the_document_url_when_nothing_else_is_known(tmp_path: Path) -> None:
    project = project_for(tmp_path / "notes.md", url=URL)
    request = export_request(tmp_path / "notes.md", project, settings(tmp_path))
    assert (request.media.kind, request.media.location) == (SourceKind.REMOTE, URL)
    assert [j.source for j in request.plan.jobs] == [URL, URL]


def test_a_video_beside_the_document_before_the_url(tmp_path: Path) -> None:
    doc = tmp_path / "notes.md"
    video = touch(tmp_path / "notes.mp4")
    request = export_request(doc, project_for(doc, url=URL), settings(tmp_path))
    assert (request.media.kind, request.media.location) == (SourceKind.LOCAL, str(video))


def test_named_after_the_video_id_counts_as_beside(tmp_path: Path) -> None:
    doc = tmp_path / "notes.md"
    video = touch(tmp_path / "demo.webm")
    assert export_location(doc, project_for(doc)) == str(video)


def test_what_the_player_opened_before_a_video_beside(tmp_path: Path) -> None:
    doc = tmp_path / "notes.md"
    touch(tmp_path / "notes.mp4")
    playing = touch(tmp_path / "attached.mkv")
    assert export_location(doc, project_for(doc), playing=str(playing)) == str(playing)


def test_the_project_media_binding_before_anything_found(tmp_path: Path) -> None:
    doc = tmp_path / "notes.md"
    touch(tmp_path / "notes.mp4")
    bound = touch(tmp_path / "bound.mp4")
    project = project_for(doc, url=URL)
    project.set_media(MediaBinding(str(bound)))
    request = export_request(doc, project, settings(tmp_path), playing=str(tmp_path / "x.mp4"))
    assert request.media.location == str(bound)


def test_the_media_asked_for_wins_and_is_taken_from_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = tmp_path / "docs" / "notes.md"
    doc.parent.mkdir()
    project = project_for(doc, url=URL)
    project.set_media(MediaBinding(str(touch(tmp_path / "bound.mp4"))))
    monkeypatch.chdir(tmp_path)
    video = touch(tmp_path / "asked.mp4")
    request = export_request(doc, project, settings(tmp_path), media="asked.mp4")
    assert request.media.location == str(video)


def test_a_relative_binding_is_taken_from_the_document_folder(tmp_path: Path) -> None:
    doc = tmp_path / "notes.md"
    video = touch(tmp_path / "bound.mp4")
    project = project_for(doc)
    project.set_media(MediaBinding("bound.mp4"))
    assert export_request(doc, project, settings(tmp_path)).media.location == str(video)


def test_clips_are_cut_in_media_time(tmp_path: Path) -> None:
    doc = tmp_path / "notes.md"
    project = project_for(doc, url=URL)
    project.timebase.offset_ms = 1_500
    jobs = export_request(doc, project, settings(tmp_path)).plan.jobs
    assert [(j.start_ms, j.end_ms) for j in jobs] == [(5_500, 7_500), (22_500, 25_000)]


def test_bad_settings_are_refused_once_with_a_reason(tmp_path: Path) -> None:
    doc = tmp_path / "notes.md"
    bad = ExportSettings(out_dir=str(tmp_path), jobs=0)
    with pytest.raises(PlanError, match="jobs must be between 1 and 16"):
        export_request(doc, project_for(doc, url=URL), bad)


def test_no_media_at_all_says_so(tmp_path: Path) -> None:
    doc = tmp_path / "notes.md"
    with pytest.raises(PlanError, match="names no video URL"):
        export_request(doc, project_for(doc), settings(tmp_path))
