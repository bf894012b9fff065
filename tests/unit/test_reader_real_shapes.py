"""Shapes real show notes take (made-up documents): speaker labels, embedded players,
quotes over several lines, attributions, disagreeing times, lines nobody understood."""

from __future__ import annotations

import pytest

from clipdesk.core.episode import ClipKind
from clipdesk.core.reader import read_document, read_text


def messages(ep) -> list[tuple[int, str]]:
    return [(w.line, w.message) for w in ep.warnings]


@pytest.fixture()
def tide(docs_dir):
    return read_document(docs_dir / "tide-tables.md")


@pytest.fixture()
def lantern(docs_dir):
    return read_document(docs_dir / "lantern-log.md")


def test_transcript_speakers_in_every_spelling(tide) -> None:
    assert [(t.start_ms, t.speaker, t.text, t.line) for t in tide.transcript] == [
        (0, "Noor Haddad", "Welcome to Tide Tables.", 73),  # **Name:** [t](…)
        (4_000, "Piet de Vries", "Glad to be here.", 75),  # **Name**: [t](…)
        (9_000, "Noor Haddad", "Let's start with names.", 77),  # Name: [t](…)
        # no speaker; the next line without a time continues it
        (162_000, "", "Spring tides have nothing to do with the season. They spring up, "
         "twice a month.", 79),
        (600_000, "Piet de Vries", "It silted because they built it.", 82),  # [t](…) Name:
        (1_500_000, "", "Count the gulls on the bar.", 84),
    ]  # fmt: skip


def test_embedded_players_give_the_bounds(tide) -> None:
    hl = tide.clips_of(ClipKind.HIGHLIGHT)
    assert [(c.start_ms, c.end_ms) for c in hl] == [
        (162_000, 210_000),  # youtube.com/embed/ID?start=&end=
        (600_000, 655_000),  # youtube-nocookie.com, over three lines, &amp;start=
        (1_500_000, None),  # ?t=1500s, no end
    ]
    assert messages(tide) == [(45, "embedded player without an end time: end unknown")]


def test_quotes_over_several_lines_and_their_attributions(tide) -> None:
    first, second, third = tide.clips_of(ClipKind.HIGHLIGHT)
    assert first.quote == (
        "Spring tides have nothing to do with the season. "
        "They spring up, twice a month, at new and full moon."
    )
    assert (first.speaker, first.speakers, first.context) == (
        "Noor Haddad", ("Noor Haddad",), "on the name everyone gets wrong",
    )  # fmt: skip
    assert second.quote == "It silted because they built it. It would have silted anyway."
    assert second.speakers == ("Piet de Vries", "Noor Haddad")  # "--" and two names
    assert second.summary == "A disagreement about whether the old wall made the silting worse."
    assert third.speaker == "Piet de Vries"  # "–"


def test_surprising_quotes_keep_speaker_and_time(tide) -> None:
    assert [(q.text, q.speaker, q.start_ms, q.line, q.context) for q in tide.quotes] == [
        ("The moon does the work; the wind takes the credit.", "Noor Haddad", 730_000, 64, ""),
        ("A harbour is an argument with the sea. Nobody wins it.", "Piet de Vries", 605_000,
         67, "on silting"),
    ]  # fmt: skip


def test_clean_document_has_nothing_not_understood(tide) -> None:
    assert tide.lines_not_understood == 0
    assert (len(tide.clips_of(ClipKind.KEY_POINT)), len(tide.mentions)) == (3, 1)


def test_every_line_is_taken_or_reported(lantern) -> None:
    not_understood = [
        (line, m) for line, m in messages(lantern) if m.startswith("line not understood")
    ]
    assert not_understood == [
        (13, "line not understood in Highlights: 'These are the best moments of the night.'"),
        (37, "line not understood in Key Points: 'Some stray remark that is not a key point.'"),
        (41, "line not understood in Mentions: 'Nothing worth a mention this week.'"),
        (45, "line not understood in Transcript: '*Transcript generated automatically.*'"),
        (55, "line not understood in Transcript: '**Ada Brook:** Colza, always colza.'"),
        (56, "line not understood in Transcript: '<<3:30>> garbled line'"),
    ]
    assert lantern.lines_not_understood == 6
    assert (39, "section Mentions has 1 line but nothing could be read from it") in messages(
        lantern
    )


def test_a_run_of_shifted_transcript_links_is_one_warning(lantern) -> None:
    assert [t.start_ms // 1000 for t in lantern.transcript] == [0, 30, 60, 120, 180, 240, 300, 360]
    runs = [(line, m) for line, m in messages(lantern) if "transcript links" in m]
    assert runs == [
        (
            51,
            "lines 51 to 54: 4 transcript links are 900 s past their labels (first: label "
            "3:00, t=1080s; last: label 6:00, t=1260s); decided by the spacing of the lines "
            "before and the episode's duration 20:00: using the labels",
        )
    ]
    assert not any("out of order" in m or "past the episode" in m for _, m in runs)


def test_label_and_link_decided_by_evidence(lantern) -> None:
    kp = lantern.clips_of(ClipKind.KEY_POINT)
    assert [c.start_ms for c in kp] == [60_000, 120_000, 240_000]  # t=900s lost: order + line
    found = dict(messages(lantern))
    assert found[35] == (
        "label 2:00 disagrees with its link's t=900s (15:00); decided by the order of the "
        "lines around and the transcript line at that time: using the label"
    )
    assert found[24] == (
        "highlight 'Trim the wick at midnight': label 1:00 disagrees with its link's t=70s "
        "(1:10); decided by the transcript line at that time: using the label"
    )


def test_thumbnail_outside_its_highlight_and_clip_past_the_end(lantern) -> None:
    found = dict(messages(lantern))
    assert found[17] == (
        "thumbnail link t=305s (5:05) lies outside highlight 'Trim the wick at midnight' "
        "(1:00-1:30, from its clip command)"
    )
    late = lantern.clips_of(ClipKind.HIGHLIGHT)[1]
    assert (late.start_ms, late.end_ms) == (1_180_000, 1_230_000)  # kept as written
    assert found[29] == "Highlight runs to 0:20:30.000, past the episode's duration 0:20:00.000"


def test_link_wins_when_nothing_else_decides() -> None:
    ep = read_text("## Key Points\n\n- **A** ([0:10](https://x.example/w?v=a&t=12s)) - a\n", "k.md")
    assert ep.clips[0].start_ms == 12_000
    assert messages(ep) == [
        (3, "label 0:10 disagrees with its link's t=12s (0:12); nothing else in the document "
         "decides: using the link")
    ]  # fmt: skip


def test_at_most_twenty_not_understood_a_section_then_a_count() -> None:
    lines = "".join(f"<garbled {n}>\n" for n in range(25))
    ep = read_text(f"## Transcript\n\n[0:00](https://x.example/w?t=0) hi\n{lines}", "t.md")
    reported = [m for _, m in messages(ep) if "not understood" in m]
    assert len(reported) == 21
    assert reported[-1] == "5 more lines not understood in Transcript (25 in all)"
    assert ep.lines_not_understood == 25


def test_foreign_embeds_and_attributions_of_nothing() -> None:
    doc = (
        "## Highlights\n\n### Elsewhere\n\n"
        '<iframe src="https://evil.example/embed/abcdefgh?start=5&end=9"></iframe>\n'
        "> — Someone, [0:05](https://x.example/w?t=5)\n"
    )
    ep = read_text(doc, "e.md")
    hl = ep.clips[0]
    assert (hl.start_ms, hl.end_ms, hl.speaker) == (5_000, None, "Someone")
    assert (5, "an embedded player from 'evil.example': no clip bounds taken from it") in (
        messages(ep)
    )


def test_transcript_styles_of_other_tools() -> None:
    """Bold labels around time and speaker, a bracketed speaker, bullets, and one
    heading per turn with the words below it."""
    ep = read_text(
        "## Transcript\n\n"
        "**[0:00:00]** The harbour opens at dawn.\n"
        "**[00:05] Speaker 1:** Ropes first.\n"
        "**[Speaker 2] 00:00:09** Then the chains.\n"
        "- [00:12](https://x.example/w?v=a&t=12) and the bell\n"
        "### 00:00:20 · Speaker 1\n\n"
        "Ring it twice.\n\n"
        "### 00:00:31 · Speaker 2\n"
        "Once is for fog.\n",
        "styles.md",
    )
    assert [(t.start_ms, t.speaker, t.text) for t in ep.transcript] == [
        (0, "", "The harbour opens at dawn."),
        (5_000, "Speaker 1", "Ropes first."),
        (9_000, "Speaker 2", "Then the chains."),
        (12_000, "", "and the bell"),
        (20_000, "Speaker 1", "Ring it twice."),
        (31_000, "Speaker 2", "Once is for fog."),
    ]
    assert ep.lines_not_understood == 0 and ep.warnings == []


def test_chapter_lists_as_key_points() -> None:
    ep = read_text(
        "## Chapters\n\n"
        "- [00:00:00](https://x.example/w?v=a&t=0s) intro: the lamp room (1920s)\n"
        "- [00:03:39](https://x.example/w?v=a&t=219s) — Keepers and their logs\n"
        "- [05:00 — Fog signals](https://x.example/w?v=a&t=300s)\n"
        "- [06:10](https://youtu.be/abcdefghijk?t=370) The last watch\n"
        "- [08:28] Automation\n"
        "00:09:30 Listener mail\n\n"
        "## Transcript\n\n### [00:00] Intro\n\n[00:00] Evening all.\n\n"
        "**[00:10](https://x.example/w?v=a&t=10s)**\n\nThe lamp is lit.\n",
        "chapters.md",
    )
    assert [(c.start_ms // 1000, c.title) for c in ep.clips] == [
        (0, "intro: the lamp room (1920s)"),
        (219, "Keepers and their logs"),
        (300, "Fog signals"),
        (370, "The last watch"),
        (508, "Automation"),
        (570, "Listener mail"),
    ]
    assert [(t.start_ms, t.text) for t in ep.transcript] == [
        (0, "Evening all."),
        (10_000, "The lamp is lit."),  # a time alone on its line, the words below
    ]
    assert ep.warnings == [] and ep.lines_not_understood == 0


def test_details_markup_is_not_a_highlight_summary(docs_dir) -> None:
    ep = read_document(docs_dir / "harbour-lights.md")
    assert [c.summary for c in ep.clips_of(ClipKind.HIGHLIGHT)] == ["", "", "", ""]
    assert ep.lines_not_understood == 0


def test_a_section_warning_on_every_line_is_cut_short() -> None:
    items = "".join(f"- item {n} without a time\n" for n in range(300))
    ep = read_text(f"## Key Points\n\n- **A** (0:10) - a\n{items}", "many.md")
    found = messages(ep)
    assert len(found) == 201
    assert found[:2] == [
        (4, "key point without a time; skipped"),
        (5, "key point without a time; skipped"),
    ]
    assert found[-1] == (204, "100 more warnings in Key Points not shown")
