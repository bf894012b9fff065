from clipdesk.core.episode import ClipKind, SourceFormat
from clipdesk.core.reader import read_document, read_text


def test_own_segments_document(docs_dir) -> None:
    ep = read_document(docs_dir / "night-shift.txt")
    assert ep.source_format is SourceFormat.SEGMENTS
    seg = ep.clips_of(ClipKind.SEGMENT)
    assert [c.title for c in seg] == [
        "Cold Open",
        "Why Two A.M.",
        "Feeding the Starter",
        "The Wholesale Trade",
    ]
    assert [c.start_ms for c in seg] == [0, 270_000, 1_145_500, 3_760_000]
    assert [c.end_ms for c in seg] == [270_000, 1_145_500, 3_760_000, None]
    assert seg[1].summary == (
        "The baker explains bulk fermentation and why retarding dough in the fridge only buys a few hours."
    )
    assert seg[0].takeaway == "The host introduces the overnight bakery."
    assert seg[3].takeaway == "" and seg[3].summary.startswith("Cafés")
    assert len(ep.takeaways) == 3
    assert ep.title == "Night Shift Podcast — Episode 88"
    assert [w.line for w in ep.warnings] == [26]


def test_crlf_and_bom_segments() -> None:
    text = "\ufeffSegments\r\nIntro\r\nCopied to clipboard!\r\n(00:00:00)\r\n- Summary: hi\r\nNext  \r\n(00:01:00)  \r\n"
    ep = read_text(text, "b.txt")
    assert [(c.title, c.start_ms) for c in ep.clips] == [("Intro", 0), ("Next", 60_000)]
    assert ep.clips[0].summary == "hi"


def test_unsorted_segments_warn() -> None:
    text = "Segments\nA\n(00:10:00)\nB\n(00:05:00)\n"
    ep = read_text(text, "b.txt")
    assert any("out of order" in w.message and w.line == 5 for w in ep.warnings)


def test_lines_that_are_neither_titles_nor_text_are_reported() -> None:
    from clipdesk.core.reader import read_text

    ep = read_text(
        "Key Takeaways\n- Ovens first.\n\nSegments\nThis week on the show\nsponsored by flour\n"
        "Cold Open (00:00:00)\n- Summary: The back door.\nStray line\nWhy Two A.M.\n(00:04:30)\n"
        "- Summary: Dough.\n",
        "seg.txt",
    )
    assert [c.title for c in ep.clips] == ["Cold Open", "Why Two A.M."]
    assert ep.clips[0].summary == "The back door. Stray line"  # text continuing the field
    assert [(w.line, w.message) for w in ep.warnings if "not understood" in w.message] == [
        (5, "line not understood in Segments: 'This week on the show'"),
        (6, "line not understood in Segments: 'sponsored by flour'"),
    ]
    assert ep.lines_not_understood == 2
