from pathlib import Path

import pytest
from tests.support.episodes import build_episode, clip

from clipdesk.core.episode import Episode, ReviewStatus
from clipdesk.core.export_plan import (
    ExportMode,
    ExportSettings,
    JobSpec,
    MediaSource,
    PlanError,
    Selection,
    SourceKind,
    plan_export,
    resolve_media,
)
from clipdesk.core.naming import ConflictPolicy

URL = "https://www.example.org/watch?v=abc"
REMOTE = MediaSource(SourceKind.REMOTE, URL)


def episode() -> Episode:
    return build_episode(
        [
            clip("h1", 1_000, 5_000, "Opening line", line=10),
            clip("h2", 7_000, 9_000, "Opening line", line=20, review=ReviewStatus.APPROVED),
            clip("k1", 2_000, 4_000, "Point", line=30),
            clip("s1", 10_000, None, "Open end", line=40),
            clip("h3", 1_000, 2_000, "Rejected", line=50, review=ReviewStatus.REJECTED),
        ],
        video_id="abc",
        url=URL,
    )


def settings(tmp_path: Path, **kw: object) -> ExportSettings:
    return ExportSettings(out_dir=str(tmp_path), **kw)  # type: ignore[arg-type]


def test_highlights_named_and_ordered(tmp_path: Path) -> None:
    plan = plan_export(episode(), settings(tmp_path, only=Selection.HIGHLIGHTS), REMOTE)
    names = [Path(j.output).name for j in plan.jobs]
    assert names == ["abc-01-opening-line.mp4", "abc-02-opening-line.mp4"]
    assert [(p.clip_id, p.error) for p in plan.problems] == [("h3", False)]
    job = plan.jobs[0]
    assert (job.start_ms, job.end_ms, job.source, job.source_kind) == (
        1_000, 5_000, URL, SourceKind.REMOTE,
    )  # fmt: skip
    assert Path(job.output).parent == tmp_path


def test_unknown_end_is_an_error(tmp_path: Path) -> None:
    plan = plan_export(episode(), settings(tmp_path, only=Selection.SEGMENTS), REMOTE)
    assert plan.jobs == []
    assert plan.errors[0].clip_id == "s1"
    assert "end time is unknown" in plan.errors[0].reason


def test_selected_and_approved(tmp_path: Path) -> None:
    ep = episode()
    plan = plan_export(ep, settings(tmp_path, only=Selection.SELECTED), REMOTE, ["k1", "h1"])
    assert [j.clip_id for j in plan.jobs] == ["h1", "k1"]  # document order
    plan = plan_export(ep, settings(tmp_path, only=Selection.APPROVED), REMOTE)
    assert [j.clip_id for j in plan.jobs] == ["h2"]


def test_conflicts_at_plan_time(tmp_path: Path) -> None:
    (tmp_path / "abc-01-opening-line.mp4").write_bytes(b"x")
    s = settings(tmp_path, only=Selection.HIGHLIGHTS)
    plan = plan_export(episode(), s, REMOTE)
    assert [j.clip_id for j in plan.jobs] == ["h2"]
    assert any("exists, skipped" in p.reason and not p.error for p in plan.problems)
    s.conflict = ConflictPolicy.RENAME
    plan = plan_export(episode(), s, REMOTE)
    assert [Path(j.output).name for j in plan.jobs] == [
        "abc-01-opening-line-2.mp4",
        "abc-02-opening-line.mp4",
    ]


def test_same_names_made_unique(tmp_path: Path) -> None:
    s = settings(tmp_path, only=Selection.HIGHLIGHTS, template="{video_id}-{slug}")
    (tmp_path / "abc-opening-line-2.mp4").write_bytes(b"x")
    s.conflict = ConflictPolicy.RENAME
    names = [Path(j.output).name for j in plan_export(episode(), s, REMOTE).jobs]
    # The second clip's batch name (-2) exists on disk, so it moves on to -3.
    assert names == ["abc-opening-line.mp4", "abc-opening-line-3.mp4"]


def test_index_is_the_clips_own_number_in_every_batch(tmp_path: Path) -> None:
    """{index} is the clip's number within its kind (the list's #), not its place in the
    batch: h2 is highlight 2 whether exported alone, with the approved or with all, so a
    second batch skips the file the first one wrote."""
    ep = episode()
    alone = plan_export(ep, settings(tmp_path, only=Selection.SELECTED), REMOTE, ["h2"])
    approved = plan_export(ep, settings(tmp_path, only=Selection.APPROVED), REMOTE)
    every = plan_export(ep, settings(tmp_path, only=Selection.HIGHLIGHTS), REMOTE)
    names = {Path(j.output).name for plan in (alone, approved) for j in plan.jobs}
    assert names == {"abc-02-opening-line.mp4"}
    assert [j.index for j in alone.jobs] == [2]
    assert [Path(j.output).name for j in every.jobs][1] == "abc-02-opening-line.mp4"
    (tmp_path / "abc-02-opening-line.mp4").write_bytes(b"x")  # the first batch's file
    again = plan_export(ep, settings(tmp_path, only=Selection.SELECTED), REMOTE, ["h2"])
    assert again.jobs == [] and "exists, skipped" in again.problems[0].reason
    # A key point is numbered among the key points.
    k = plan_export(ep, settings(tmp_path, only=Selection.SELECTED), REMOTE, ["k1"])
    assert Path(k.jobs[0].output).name == "abc-01-point.mp4"


def test_id_field_names_a_clip_by_its_id(tmp_path: Path) -> None:
    s = settings(tmp_path, only=Selection.SELECTED, template="{id}-{kind}-{index}")
    plan = plan_export(episode(), s, REMOTE, ["h2", "k1"])
    assert [Path(j.output).name for j in plan.jobs] == ["h2-highlight-2.mp4", "k1-key-point-1.mp4"]


def test_settings_round_trip_and_validation() -> None:
    s = ExportSettings(
        "/out", "{slug}", ExportMode.FAST, 3, Selection.APPROVED, ConflictPolicy.RENAME
    )
    assert ExportSettings.from_dict(s.to_dict()) == s
    assert ExportSettings.from_dict({}) == ExportSettings()
    for bad in ({"mode": "slow"}, {"jobs": "2"}, {"jobs": True}, {"conflict": "ask"}):
        with pytest.raises(ValueError, match="bad export settings"):
            ExportSettings.from_dict(bad)
    with pytest.raises(PlanError):
        ExportSettings("/out", jobs=0).validate()
    with pytest.raises(PlanError):
        ExportSettings("").validate()


def test_job_spec_round_trip_rejects_bad_urls(tmp_path: Path) -> None:
    job = plan_export(episode(), settings(tmp_path), REMOTE).jobs[0]
    assert JobSpec.from_dict(job.to_dict()) == job
    bad = dict(job.to_dict(), source="file:///etc/passwd")
    with pytest.raises(ValueError):
        JobSpec.from_dict(bad)
    with pytest.raises(ValueError, match="missing"):
        JobSpec.from_dict({"job_id": "x"})


def test_restored_spec_is_checked_like_untrusted_input(tmp_path: Path) -> None:
    """A project file travels with the document: its queue may name any path."""
    job = plan_export(episode(), settings(tmp_path), REMOTE).jobs[0]
    good = job.to_dict()
    for output, why in [
        (str(tmp_path / "gone" / "x.mp4"), "does not exist"),
        (str(tmp_path / "../x.mp4"), "plain absolute path"),
        ("relative/x.mp4", "plain absolute path"),
        (str(tmp_path / ".bashrc"), "not a clean clip name"),
        (str(tmp_path / "-rf.mp4"), "not a clean clip name"),
        (str(tmp_path / "x.sh"), "not a clean clip name"),
        (str(tmp_path / "a\nb.mp4"), "not a clean clip name"),
    ]:
        with pytest.raises(ValueError, match=why):
            JobSpec.from_dict(dict(good, output=output))
    (tmp_path / "sub").mkdir()
    ok = JobSpec.from_dict(dict(good, output=str(tmp_path / "sub" / "a-clip.mp4")))
    assert ok.output == str(tmp_path / "sub" / "a-clip.mp4")
    # Replacing a file needs the user's choice now, not a record's.
    restored = JobSpec.from_dict(dict(good, conflict="overwrite"))
    assert restored.conflict is ConflictPolicy.RENAME
    assert JobSpec.from_dict(dict(good, conflict="skip")).conflict is ConflictPolicy.SKIP


def test_resolve_media(tmp_path: Path) -> None:
    ep = episode()
    assert resolve_media(None, ep) == REMOTE
    assert resolve_media("http://127.0.0.1:8/v.mp4", ep).kind is SourceKind.REMOTE
    video = tmp_path / "v.mp4"
    video.write_bytes(b"x")
    assert resolve_media(str(video), ep) == MediaSource(SourceKind.LOCAL, str(video))
    assert resolve_media("v.mp4", ep, base=tmp_path).location == str(video)
    for bad in ("ftp://host/v.mp4", str(tmp_path / "missing.mp4"), "javascript:alert(1)"):
        with pytest.raises(PlanError):
            resolve_media(bad, ep)
    ep.url = ""
    with pytest.raises(PlanError, match="no video URL"):
        resolve_media(None, ep)
    ep.url = "--exec=rm"
    with pytest.raises(PlanError):
        resolve_media(None, ep)


def test_clip_past_the_media_is_clamped_only_at_export(tmp_path: Path) -> None:
    from clipdesk.core.bounds import Timebase
    from clipdesk.core.export_plan import in_media_time
    from clipdesk.core.reader import read_text

    doc = (
        "---\nduration: 100\n---\n\n## Highlights\n\n### Runs long\n\n"
        'yt-dlp --download-sections "*1:30-2:10" "https://www.example.org/watch?v=abc"\n'
    )
    ep = read_text(doc, "long.md")
    clip = ep.clips[0]
    assert (clip.start_ms, clip.end_ms) == (90_000, 130_000)  # kept as written
    assert any("past the episode's duration" in w.message for w in ep.warnings)
    # The media's real length is not known: cut as the document says.
    plan = plan_export(in_media_time(ep, Timebase()), settings(tmp_path), REMOTE)
    assert plan.jobs[0].end_ms == 130_000 and plan.notes == []
    # The player (or a probe) knows the media is 2:00 long: the job stops there, with a note.
    plan = plan_export(in_media_time(ep, Timebase(duration_ms=120_000)), settings(tmp_path), REMOTE)
    assert plan.jobs[0].end_ms == 120_000
    assert plan.notes == [
        "Runs long: ends at 0:02:10.000, past the media's end 0:02:00.000: "
        "exported up to the media's end"
    ]
    assert (clip.start_ms, clip.end_ms) == (90_000, 130_000)  # the document's clip untouched
