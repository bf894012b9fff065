import pytest

from clipdesk.core.episode import ClipKind, SourceFormat
from clipdesk.core.errors import DocumentError
from clipdesk.core.reader import read_document, read_text


def messages(ep) -> str:
    return "\n".join(f"{w.line}: {w.message}" for w in ep.warnings)


def test_own_document(docs_dir) -> None:
    ep = read_document(docs_dir / "harbour-lights.md")
    assert ep.source_format is SourceFormat.SHOW_NOTES
    assert ep.title.startswith("Harbour Lights #212")
    assert ep.tags == ["maritime", "history", "fog signals"]
    assert ep.duration_ms == 5_421_000
    hl = ep.clips_of(ClipKind.HIGHLIGHT)
    # quote before the details block, "--" attribution, fractional section
    assert (hl[0].start_ms, hl[0].end_ms) == (1_132_500, 1_180_000)
    assert hl[0].speaker == "Ivo Brandt"
    assert hl[0].quote.startswith("People think a fog signal hoots.")
    # curly quotes, unquoted multi-line command with continuations
    assert hl[1].title == "Forty years and I never saw the ghost"
    assert (hl[1].start_ms, hl[1].end_ms) == (4_935_000, 4_985_000)
    # several sections in one command: one clip each
    assert [(c.start_ms, c.end_ms) for c in hl[2:]] == [(600_000, 630_000), (720_000, 765_000)]
    assert hl[2].title.endswith("(1/2)")
    kp = ep.clips_of(ClipKind.KEY_POINT)
    assert [c.title for c in kp][:2] == ["Cold open", "First posting"]
    assert (
        kp[2].summary
        == 'Diaphones, reeds and sirens and why the diaphone\'s "grunt" carries furthest'
    )
    assert kp[-1].end_ms == 5_421_000
    assert ep.transcript[2].text.endswith("It was blowing a gale.")  # continuation folded
    assert ep.transcript[2].speaker == "Ivo"
    assert ep.warnings == []
    assert ep.summary.startswith("Marta Quinn talks")


BASE = """---
title: T
duration: 100
url: https://v.example/watch?v=x
---

## Key Points

- **One** ([0:10](https://v.example/watch?v=x&t=10s)) - first
- **Two** ([0:20](https://v.example/watch?v=x&t=20s)) - second

## Transcript

[0:00](https://v.example/watch?v=x&t=0s) Hello.
[0:10](https://v.example/watch?v=x&t=10s) World.
"""


def test_crlf_bom_and_trailing_spaces() -> None:
    text = "\ufeff" + BASE.replace("\n", "  \r\n")
    ep = read_text(text, "crlf.md")
    assert [c.start_ms for c in ep.clips] == [10_000, 20_000]
    assert ep.clips[1].summary == "second"
    assert ep.transcript[1].text == "World."
    assert ep.title == "T"


def test_reordered_and_unknown_sections() -> None:
    head, _, rest = BASE.partition("## Key Points")
    kp, _, tr = rest.partition("## Transcript")
    text = (
        head + "## Sponsors\n\n- Buy things (0:05)\n\n## Transcript" + tr + "\n## Key Points" + kp
    )
    ep = read_text(text, "r.md")
    assert [c.title for c in ep.clips] == ["One", "Two"]
    assert len(ep.transcript) == 2


@pytest.mark.parametrize(
    ("change", "expect"),
    [
        (("t=20s", "t=25s"), "label 0:20 disagrees with its link's t=25s"),
        (("duration: 100", "duration: 15"), "past the episode's duration"),
        (("[0:20](https://v.example/watch?v=x&t=20s)", "[0:05](https://v.example/watch?v=x&t=5s)"),
         "out of order"),
        (("[0:20](https://v.example/watch?v=x&t=20s)", "[0:10](https://v.example/watch?v=x&t=10s)"),
         "same time as line 9"),
        (("[0:00](https://v.example/watch?v=x&t=0s) Hello.", "[0:30](https://v.example/watch?v=x&t=30s) Hi."),
         "transcript line at 0:00:10.000 is out of order"),
        (("duration: 100", "duration: [1, 2]"), "duration is not a number"),
        (("title: T", "title: T\nbroken: [unclosed"), "not valid YAML"),
        (("url: https://v.example/watch?v=x", "url: javascript:alert(1)"), "not an http/https URL"),
    ],
)  # fmt: skip
def test_inconsistencies_are_warnings_with_lines(change, expect) -> None:
    ep = read_text(BASE.replace(*change), "w.md")
    assert expect in messages(ep)
    assert all(w.line > 0 for w in ep.warnings)


def test_highlight_end_before_start_is_a_warning() -> None:
    text = (
        BASE
        + '\n## Highlights\n\n### Backwards\n\n```\nyt-dlp --download-sections "*0:30-0:20" https://v.example/watch?v=x\n```\n'
    )
    ep = read_text(text, "h.md")
    assert "ends (0:00:20.000) at or before its start" in messages(ep)
    assert ep.warnings[0].line == 22


def test_label_link_disagreement_uses_the_link() -> None:
    ep = read_text(BASE.replace("t=20s", "t=25s"), "w.md")
    assert ep.clips[1].start_ms == 25_000


@pytest.mark.parametrize(
    ("data", "line", "message"),
    [
        (b"", 1, "empty"),
        (b"   \n\n", 1, "empty"),
        (b"hello\nworld\x00\x01binary", 2, "binary"),
        (b"\x01\x02\x03\x04 not text\n" * 20, 1, "binary"),
        (b"# Just a README\n\n## Install\n\npip install x\n", 1, "not a show-notes document"),
        (b"---\ntitle: x\n---\n\nSome text only.\n", 1, "no highlights, key points"),
        (b"## Key Points\n\n- nothing timed here\n", 1, "no highlights, key points"),
    ],
)
def test_not_a_document(data: bytes, line: int, message: str, tmp_path) -> None:
    path = tmp_path / "doc.md"
    path.write_bytes(data)
    with pytest.raises(DocumentError) as info:
        read_document(path)
    assert info.value.line == line
    assert message in info.value.message
    assert str(info.value).startswith(f"{path}:{line}: ")


def test_missing_file_and_folder(tmp_path) -> None:
    with pytest.raises(DocumentError, match="no such file"):
        read_document(tmp_path / "nope.md")
    with pytest.raises(DocumentError, match="folder"):
        read_document(tmp_path)


def test_highlight_without_command_uses_its_link() -> None:
    text = (
        BASE
        + '\n## Highlights\n\n### Q\n\n> "Quote"\n> — A. Person, [0:42](https://v.example/watch?v=x&t=42s)\n'
    )
    ep = read_text(text, "h.md")
    hl = ep.clips_of(ClipKind.HIGHLIGHT)[0]
    assert (hl.start_ms, hl.end_ms, hl.speaker, hl.quote) == (42_000, None, "A. Person", "Quote")
    assert "no clip command: end unknown" in messages(ep)


def test_headings_inside_code_fences_are_not_sections() -> None:
    text = BASE + "\n## Notes\n\n```\n## Highlights\n### fake\n```\n"
    ep = read_text(text, "f.md")
    assert ep.clips_of(ClipKind.HIGHLIGHT) == []


def test_transcript_link_time_speaker_and_bold_labels() -> None:
    ep = read_text(
        "## Transcript\n\n"
        "[0:10](https://x.example/w?v=a&t=12s) Ann: hello\n"
        "[0:20](https://x.example/w?t=20&v=a) Bob Smith: hi\n"
        "**[0:30]** plain words\n"
        "0:40 - no brackets\n",
        "t.md",
    )
    assert [(t.start_ms, t.speaker, t.text) for t in ep.transcript] == [
        (12_000, "Ann", "hello"),
        (20_000, "Bob Smith", "hi"),
        (30_000, "", "plain words"),
        (40_000, "", "no brackets"),
    ]
    assert [(w.line, w.message) for w in ep.warnings] == [
        (
            3,
            "label 0:10 disagrees with its link's t=12s (0:12); "
            "nothing else in the document decides: using the link",
        )
    ]


@pytest.mark.parametrize(
    ("meta", "expect"),
    [
        ("upload_date: 2026-02-31", None),
        ("title: " + "[" * 5000, "frontmatter is nested deeper than 16 levels"),
        ("duration: 1e999", None),
        ("duration: .inf", "not a number of seconds"),
        ("duration: -.inf", "not a number of seconds"),
        ("z: !!python/object/apply:os.system ['touch /tmp/clipdesk-yaml-pwned']", "not valid YAML"),
    ],
)
def test_hostile_frontmatter_values_never_fail_the_document(meta, expect) -> None:
    head = meta if meta.startswith("title") else f"title: T\n{meta}"
    ep = read_text(BASE.replace("title: T", head).replace("duration: 100\n", ""), "y.md")
    assert [c.start_ms for c in ep.clips] == [10_000, 20_000]
    if expect:
        assert expect in messages(ep)
    if meta.startswith("upload_date"):
        assert ep.upload_date == "2026-02-31"  # kept as written
