import difflib

import pytest

from clipdesk.core.episode import ClipKind
from clipdesk.core.reader import read_document, read_text
from clipdesk.core.writer import WriteError, render_document, write_document

DOCS = ["harbour-lights.md", "night-shift.txt", "hostile.md"]


def changed_lines(before: bytes, after: bytes) -> list[tuple[str, str]]:
    a, b = before.decode().splitlines(), after.decode().splitlines()
    assert len(a) == len(b)
    return [(x, y) for x, y in zip(a, b, strict=True) if x != y]


@pytest.mark.parametrize("name", DOCS)
def test_unedited_documents_write_back_byte_identical(docs_dir, name) -> None:
    path = docs_dir / name
    assert render_document(read_document(path)) == path.read_bytes()


@pytest.mark.parametrize("name", DOCS)
def test_crlf_bom_variants_write_back_byte_identical(docs_dir, name) -> None:
    data = b"\xef\xbb\xbf" + (docs_dir / name).read_bytes().replace(b"\n", b" \r\n")
    assert render_document(read_text(data, name)) == data


def test_edited_highlight_changes_only_its_times(docs_dir) -> None:
    path = docs_dir / "harbour-lights.md"
    ep = read_document(path)
    ghost = ep.clips_of(ClipKind.HIGHLIGHT)[1]
    ghost.start_ms, ghost.end_ms = 4_930_250, 4_990_000
    after = render_document(ep)
    diff = changed_lines(path.read_bytes(), after)
    assert [d[1] for d in diff] == [
        "[![Clip](https://img.example.org/hb7Lk2mQx0A.jpg)](https://www.example.org/watch?v=hb7Lk2mQx0A&t=4930s)",
        "  --download-sections *1:22:10.25-1:23:10 \\",
        "> — Ivo Brandt, [1:22:10](https://www.example.org/watch?v=hb7Lk2mQx0A&t=4930s)",
    ]
    again = read_text(after, "x.md").clips_of(ClipKind.HIGHLIGHT)[1]
    assert (again.start_ms, again.end_ms) == (4_930_250, 4_990_000)


def test_edited_multi_section_command_keeps_its_other_section(docs_dir) -> None:
    ep = read_document(docs_dir / "harbour-lights.md")
    second = ep.clips_of(ClipKind.HIGHLIGHT)[3]
    second.end_ms = 770_000
    diff = changed_lines((docs_dir / "harbour-lights.md").read_bytes(), render_document(ep))
    assert diff == [(
        'yt-dlp --download-sections "*10:00-10:30,12:00-12:45" https://www.example.org/watch?v=hb7Lk2mQx0A',
        'yt-dlp --download-sections "*10:00-10:30,12:00-12:50" https://www.example.org/watch?v=hb7Lk2mQx0A',
    )]  # fmt: skip


def test_edited_key_point_and_segment(docs_dir) -> None:
    ep = read_document(docs_dir / "harbour-lights.md")
    kp = ep.clips_of(ClipKind.KEY_POINT)[1]
    kp.start_ms = 3_600_500
    diff = changed_lines((docs_dir / "harbour-lights.md").read_bytes(), render_document(ep))
    assert diff == [(
        "- **First posting** ([4:12](https://www.example.org/watch?v=hb7Lk2mQx0A&t=252s)) - Ivo arrives at Skerry Rock in 1979",
        "- **First posting** ([1:00:00](https://www.example.org/watch?v=hb7Lk2mQx0A&t=3600s)) - Ivo arrives at Skerry Rock in 1979",
    )]  # fmt: skip
    ep = read_document(docs_dir / "night-shift.txt")
    ep.clips[2].start_ms = 1_150_000
    diff = changed_lines((docs_dir / "night-shift.txt").read_bytes(), render_document(ep))
    assert diff == [("(00:19:05.500)", "(00:19:10.000)")]


def test_unified_diff_of_an_edit_is_small(seeds_dir) -> None:
    path = seeds_dir / "000_6bff21266dae52fe.txt"
    ep = read_document(path)
    ep.clips[0].start_ms += 2_000
    old = path.read_text().splitlines()
    new = render_document(ep).decode().splitlines()
    changes = [ln for ln in difflib.ndiff(old, new) if ln.startswith(("+ ", "- "))]
    assert len(changes) == 6  # thumbnail link, clip command, attribution: each - and +


def test_write_document_is_atomic_and_keeps_mode(docs_dir, tmp_path) -> None:
    target = tmp_path / "doc.md"
    target.write_bytes((docs_dir / "harbour-lights.md").read_bytes())
    target.chmod(0o640)
    ep = read_document(target)
    ep.clips[0].start_ms = 1_000
    write_document(ep, target)
    assert read_document(target).clips[0].start_ms == 1_000
    assert target.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["doc.md"]


def test_episode_without_source_cannot_be_written() -> None:
    from clipdesk.core.episode import Episode, SourceFormat

    with pytest.raises(WriteError):
        render_document(Episode(path=None, source_format=SourceFormat.SHOW_NOTES))


def test_edited_embedded_player_bounds_are_written_into_the_iframe(docs_dir) -> None:
    path = docs_dir / "tide-tables.md"
    ep = read_document(path)
    first, second = ep.clips[0], ep.clips[1]
    first.start_ms, first.end_ms = 170_000, 215_500
    second.end_ms = 660_000
    old = path.read_text().splitlines()
    new = render_document(ep).decode().splitlines()
    changed = [(i + 1, b) for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
    assert [line for line, _ in changed] == [23, 27, 32]
    assert "embed/tT4bLz9Qw2E?start=170&end=216" in changed[0][1]  # the end rounded up
    assert "[2:50](https://www.youtube.com/watch?v=tT4bLz9Qw2E&t=170s)" in changed[1][1]
    assert "&amp;start=600&amp;end=660" in changed[2][1]
    reread = read_text(render_document(ep), path)
    assert [(c.start_ms, c.end_ms) for c in reread.clips[:2]] == [
        (170_000, 216_000),
        (600_000, 660_000),
    ]
