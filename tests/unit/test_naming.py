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
