import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clipdesk.core.naming import (
    DEFAULT_TEMPLATE,
    MAX_NAME_BYTES,
    ConflictPolicy,
    NameFields,
    TemplateError,
    claim_name,
    render_name,
    sanitize_filename,
    slugify,
    time_stamp,
    unique_names,
    validate_template,
)


def fields(title: str = "The DeepSeek moment", index: int = 3) -> NameFields:
    return NameFields("EV7WhVT270Q", title, index, "highlight", 117_000, 180_500)


def test_default_template() -> None:
    assert render_name(DEFAULT_TEMPLATE, fields()) == "EV7WhVT270Q-03-the-deepseek-moment.mp4"


def test_all_fields() -> None:
    name = render_name("{kind}_{start}_{end}_{index}_{video_id}", fields())
    assert name == "highlight_1m57s_3m00.500s_3_EV7WhVT270Q.mp4"


@pytest.mark.parametrize(
    ("ms", "text"),
    [(0, "0s"), (5_000, "5s"), (117_000, "1m57s"), (3_723_500, "1h02m03.500s")],
)
def test_time_stamp(ms: int, text: str) -> None:
    assert time_stamp(ms) == text


def test_slug() -> None:
    assert (
        slugify("“Forty years — and I never saw the ghost”")
        == "forty-years-and-i-never-saw-the-ghost"
    )
    assert slugify("Café crème") == "cafe-creme"
    assert slugify("!!!") == "clip"
    assert len(slugify("word " * 100)) <= 60


@pytest.mark.parametrize(
    "template",
    ["{nope}.mp4", "{video_id.__class__}", "{index[0]}", "{index:zz}", "{", "  "],
)
def test_bad_templates(template: str) -> None:
    with pytest.raises(TemplateError):
        validate_template(template)


def test_template_gets_extension() -> None:
    assert validate_template("{slug}") == "{slug}.mp4"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd", "etc-passwd.mp4"),
        (".hidden.mp4", "hidden.mp4"),
        ("-rf.mp4", "rf.mp4"),
        ("a\\b/c:d.mp4", "a-b-c-d.mp4"),
        ("nul.mp4", "clip-nul.mp4"),
        ("", "clip.mp4"),
        ("tab\there\n.mp4", "tab-here.mp4"),
    ],
)
def test_sanitize(raw: str, clean: str) -> None:
    assert sanitize_filename(raw) == clean


def test_hostile_title_cannot_escape_folder() -> None:
    name = render_name("{slug}-{video_id}", NameFields("../../x", "/etc/passwd", 1, "clip", 0, 1))
    assert "/" not in name and not name.startswith((".", "-"))


@given(st.text(max_size=400))
def test_sanitize_properties(raw: str) -> None:
    name = sanitize_filename(raw)
    assert name.endswith(".mp4")
    assert "/" not in name and "\\" not in name and "\x00" not in name
    assert not name.startswith((".", "-", " "))
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES


def test_unique_in_batch() -> None:
    names = unique_names(["a.mp4", "A.mp4", "a.mp4", "b.mp4"])
    assert names == ["a.mp4", "A-2.mp4", "a-3.mp4", "b.mp4"]
    assert len({n.casefold() for n in names}) == 4


def test_claim_name_policies(tmp_path: Path) -> None:
    (tmp_path / "x.mp4").write_bytes(b"old")
    assert claim_name(tmp_path, "x.mp4", ConflictPolicy.SKIP, set()) is None
    assert claim_name(tmp_path, "x.mp4", ConflictPolicy.OVERWRITE, set()) == "x.mp4"
    assert claim_name(tmp_path, "x.mp4", ConflictPolicy.RENAME, set()) == "x-2.mp4"
    (tmp_path / "x-2.mp4").write_bytes(b"old")
    taken = {"x-3.mp4"}
    assert claim_name(tmp_path, "x.mp4", ConflictPolicy.RENAME, taken) == "x-4.mp4"
    assert "x-4.mp4" in taken
    assert claim_name(tmp_path, "new.mp4", ConflictPolicy.SKIP, taken) == "new.mp4"
    # Unique within the batch even when overwriting files on disk.
    assert claim_name(tmp_path, "NEW.mp4", ConflictPolicy.OVERWRITE, taken) == "NEW-2.mp4"


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{slug:>10000000}", "width 10000000 of {slug}"),
        ("{index:.99999d}", "precision 99999 of {index}"),
        ("{slug:{index}}", "bad format '{index}'"),
        ("{slug}" * 100, "at most 400"),
    ],
)
def test_template_widths_and_length_are_bounded_before_formatting(
    template: str, message: str
) -> None:
    with pytest.raises(TemplateError, match=re.escape(message)):
        validate_template(template)


def test_bounded_specs_still_work() -> None:
    fields = NameFields("x" * 10_000, "A title", 7, "highlight", 0, 1_000)
    name = render_name("{video_id}-{index:_>6}-{slug:.5}", fields)
    assert len(name.encode()) <= MAX_NAME_BYTES
    assert render_name("{index:_>6}-{slug:.5}", fields) == "_____7-a-tit.mp4"


def test_skip_mode_without_index_names_each_clip_before_looking_on_disk(tmp_path) -> None:
    """With a template without {index} every clip renders the same name: each gets its
    own numbered name first, and skip mode then asks whether that file exists."""
    from clipdesk.core.episode import Clip, ClipKind, Episode, SourceFormat
    from clipdesk.core.export_plan import ExportSettings, MediaSource, SourceKind, plan_export

    clips = [
        Clip(f"highlight-{i}", ClipKind.HIGHLIGHT, "Same title", i * 10_000, i * 10_000 + 2_000)
        for i in range(1, 4)
    ]
    episode = Episode(None, SourceFormat.SHOW_NOTES, video_id="vid", clips=clips)
    (tmp_path / "vid.mp4").write_bytes(b"clip 1, from an earlier run")
    media = MediaSource(SourceKind.REMOTE, "https://example.com/v.mp4")
    settings = ExportSettings(out_dir=str(tmp_path), template="{video_id}.mp4")
    plan = plan_export(episode, settings, media)
    assert [(p.clip_id, p.reason) for p in plan.problems] == [
        ("highlight-1", "vid.mp4 exists, skipped")
    ]
    assert [(j.clip_id, Path(j.output).name) for j in plan.jobs] == [
        ("highlight-2", "vid-2.mp4"),
        ("highlight-3", "vid-3.mp4"),
    ]
    # Rename: the first clip's file exists, so it moves to a number no other clip has.
    settings.conflict = ConflictPolicy.RENAME
    plan = plan_export(episode, settings, media)
    names = [Path(j.output).name for j in plan.jobs]
    assert len(set(names)) == 3 and "vid.mp4" not in names
