"""The two real documents the product was conceived from (skipped when absent)."""

import json
import subprocess
import sys

from clipdesk.core.episode import ClipKind
from clipdesk.core.reader import read_document
from clipdesk.core.writer import render_document

A = "000_6bff21266dae52fe.txt"
B = "001_3baa9c223fab6a12.txt"


def test_show_notes_seed(seeds_dir) -> None:
    ep = read_document(seeds_dir / A)
    hl = ep.clips_of(ClipKind.HIGHLIGHT)
    assert len(hl) == 6
    assert (hl[0].start_ms, hl[0].end_ms) == (117_000, 180_000)
    assert [(c.start_ms, c.end_ms) for c in hl[1:3]] == [
        (2_408_000, 2_468_000),
        (5_838_000, 5_898_000),
    ]
    assert hl[0].speaker == "Sebastian Raschka"
    assert hl[0].quote.startswith("The DeepSeek moment really won")
    kp = ep.clips_of(ClipKind.KEY_POINT)
    assert len(kp) == 26
    assert kp[-1].end_ms == 15_913_000  # the last ends at the duration
    assert kp[2].start_ms == 638_000 and kp[1].end_ms == 638_000
    assert len(ep.transcript) == 87
    assert ep.duration_ms == 15_913_000
    assert ep.video_id == "EV7WhVT270Q"
    assert ep.channel == "Lex Fridman"
    assert ep.upload_date == "2026-01-31"
    assert "AGI" in ep.tags
    assert ep.transcript[-1].start_ms == 15_228_000
    assert len(ep.quotes) == 3
    assert any(m.name == "NVIDIA" and m.start_ms == 14_410_000 for m in ep.mentions)


def test_segments_seed(seeds_dir) -> None:
    ep = read_document(seeds_dir / B)
    seg = ep.clips_of(ClipKind.SEGMENT)
    assert len(seg) == 34
    assert seg[0].start_ms == 0 and seg[-1].start_ms == 16_203_000  # 00:00:00 .. 04:30:03
    assert seg[1].title == "China vs US AI Race" and seg[1].start_ms == 989_000
    assert seg[0].end_ms == seg[1].start_ms
    assert seg[-1].end_ms is None  # no duration in this format
    assert seg[1].takeaway.startswith("The AI competition is characterized")
    assert seg[1].summary.startswith("The discussion begins")
    assert len(ep.takeaways) == 15


def test_seeds_write_back_byte_identical(seeds_dir) -> None:
    for name in (A, B):
        assert render_document(read_document(seeds_dir / name)) == (seeds_dir / name).read_bytes()


def test_inspect_json_on_the_seed(seeds_dir) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "clipdesk", "inspect", str(seeds_dir / A), "--json"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    data = json.loads(out.stdout)
    assert data["counts"]["highlight"] == 6
    assert data["counts"]["key-point"] == 26
    assert data["counts"]["transcript_lines"] == 87
    assert data["episode"]["duration_ms"] == 15_913_000
    first = data["clips"][0]
    assert (first["kind"], first["start_ms"], first["end_ms"]) == ("highlight", 117_000, 180_000)
