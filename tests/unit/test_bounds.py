"""Edit logic: validation, nudges, split, duplicate, new clips, offset, snapping."""

from __future__ import annotations

import pytest
from tests.support.episodes import build_episode, clip

from clipdesk.core.bounds import (
    Bound,
    EditRefused,
    NudgeUnit,
    Timebase,
    align_offset,
    check_bounds,
    duplicate_clip,
    format_offset,
    new_clip_at,
    nudge_time,
    nudged_bound,
    parse_offset,
    parse_time,
    preview_range,
    snap,
    snap_candidates,
    split_clip,
    title_at,
    with_bound,
)
from clipdesk.core.episode import (
    Clip,
    ClipKind,
    Episode,
    ReviewStatus,
)


def make_episode() -> Episode:
    return build_episode(
        [
            clip("hl-1", 10_000, 20_000, "Opening", line=5),
            clip("kp-1", 30_000, 45_000, "Point", kind="key-point", line=9),
            clip("seg-1", 50_000, None, "Segment", kind="segment", line=12),
        ],
        [
            (0, "Welcome to the show."),
            (12_500, "Today we talk about " + "very " * 30 + "long titles."),
            (31_000, "Second topic."),
        ],
    )


@pytest.mark.parametrize(
    ("text", "ms"),
    [("1:57", 117_000), ("1:57.250", 117_250), ("117.25", 117_250), ("00:01:57.250", 117_250)],
)
def test_typed_times(text: str, ms: int) -> None:
    assert parse_time(text) == ms


@pytest.mark.parametrize("text", ["", "abc", "1:75", "-3", "1:2:3:4"])
def test_typed_time_refused_with_hint(text: str) -> None:
    with pytest.raises(EditRefused, match="is not a time: type 1:57"):
        parse_time(text)


def test_check_bounds_messages() -> None:
    check_bounds(0, 1)
    check_bounds(5, None)
    with pytest.raises(EditRefused, match="must be after the in point"):
        check_bounds(5_000, 5_000)
    with pytest.raises(EditRefused, match="before the document"):
        check_bounds(-1, 10)
    tb = Timebase(duration_ms=60_000)
    check_bounds(0, 60_000, tb)
    with pytest.raises(EditRefused, match=r"past the end of the media \(0:01:00.000\)"):
        check_bounds(0, 60_001, tb)
    with pytest.raises(EditRefused, match=r"in point .* past the end"):
        check_bounds(60_000, None, tb)
    shifted = Timebase(offset_ms=-10_000, duration_ms=60_000)
    with pytest.raises(EditRefused, match="before the start of the media"):
        check_bounds(9_000, 20_000, shifted)
    check_bounds(10_000, 70_000, shifted)


def test_with_bound_refuses_crossing() -> None:
    clip = make_episode().clips[0]
    assert with_bound(clip, Bound.START, 12_000, None) == (12_000, 20_000)
    assert with_bound(clip, Bound.END, 25_000, None) == (10_000, 25_000)
    with pytest.raises(EditRefused, match=r"in point 0:00:20\.000 must be before the out point"):
        with_bound(clip, Bound.START, 20_000, None)
    with pytest.raises(EditRefused, match="must be after the in point"):
        with_bound(clip, Bound.END, 9_000, None)


def test_nudge_steps_and_frame_grid() -> None:
    assert nudge_time(1_000, 1, NudgeUnit.TENTH) == 1_100
    assert nudge_time(1_000, -3, NudgeUnit.SECOND) == -2_000
    assert nudge_time(1_000, 1, NudgeUnit.FRAME, 25) == 1_040
    # 29.97 fps: ten single-frame nudges equal one ten-frame nudge, no drift.
    t = 0
    for _ in range(10):
        t = nudge_time(t, 1, NudgeUnit.FRAME, 30000 / 1001)
    assert t == nudge_time(0, 10, NudgeUnit.FRAME, 30000 / 1001) == 334
    # An off-grid time snaps to the nearest frame first.
    assert nudge_time(1_013, 1, NudgeUnit.FRAME, 25) == 1_040
    # On the grid, 100 ms and 1 s are whole frames: back and forth returns exactly.
    assert nudge_time(1_000, 1, NudgeUnit.TENTH, 25, grid=True) == 1_120
    ntsc = 30000 / 1001
    there = nudge_time(1_001, 1, NudgeUnit.TENTH, ntsc, grid=True)
    assert there == 1_101 and nudge_time(there, -1, NudgeUnit.TENTH, ntsc, grid=True) == 1_001
    assert nudge_time(1_000, 1, NudgeUnit.SECOND, 25, grid=True) == 2_000


def test_nudged_bound_uses_media_frames_and_validates() -> None:
    ep = make_episode()
    tb = Timebase(offset_ms=5, duration_ms=60_000, fps=25)
    clip = ep.clips[0]
    start, end = nudged_bound(clip, Bound.START, 1, NudgeUnit.FRAME, tb)
    assert (start + 5) % 40 == 0 and end == 20_000
    with pytest.raises(EditRefused, match="no out point"):
        nudged_bound(ep.clips[2], Bound.END, 1, NudgeUnit.TENTH, tb)
    with pytest.raises(EditRefused, match="past the end of the media"):
        nudged_bound(ep.clips[1], Bound.END, 20, NudgeUnit.SECOND, tb)


def test_split_duplicate_and_new_clip() -> None:
    ep = make_episode()
    clip = ep.clips[0]
    clip.review = ReviewStatus.APPROVED
    first, second = split_clip(clip, 15_000, "clip-1", Timebase())
    assert first == (10_000, 15_000)
    assert (second.id, second.start_ms, second.end_ms) == ("clip-1", 15_000, 20_000)
    assert second.kind is ClipKind.CLIP and second.line == 0
    assert second.review is ReviewStatus.UNREVIEWED
    with pytest.raises(EditRefused, match="not inside"):
        split_clip(clip, 20_000, "x", None)
    open_end = split_clip(ep.clips[2], 55_000, "x", None)
    assert open_end[0] == (50_000, 55_000) and open_end[1].end_ms is None

    dup = duplicate_clip(clip, "clip-2")
    assert dup.title == "Opening (copy)" and (dup.start_ms, dup.end_ms) == (10_000, 20_000)
    assert clip.id == "hl-1"  # the original is untouched

    tb = Timebase(duration_ms=36_000)
    new = new_clip_at(ep, 31_500, "clip-3", tb)
    assert (new.start_ms, new.end_ms, new.title) == (31_500, 36_000, "Second topic.")
    with pytest.raises(EditRefused, match="media ends there"):
        new_clip_at(ep, 36_000, "x", tb)


def test_new_clip_title_from_transcript() -> None:
    ep = make_episode()
    long = title_at(ep, 13_000)
    assert long.startswith("Today we talk about very") and long.endswith("…")
    assert len(long) <= 81
    ep.transcript.clear()
    assert title_at(ep, 61_000) == "Clip at 0:01:01.000"


def test_offset_alignment() -> None:
    # Format B lists a topic at 00:16:29 that the video has at 1:57.
    clip = Clip("seg-1", ClipKind.SEGMENT, "Topic", parse_time("00:16:29"), None, line=3)
    offset = align_offset(parse_time("1:57"), clip)
    assert offset == -872_000
    tb = Timebase(offset_ms=offset)
    assert tb.to_media(clip.start_ms) == 117_000
    assert tb.to_document(117_000) == clip.start_ms
    assert format_offset(offset) == "-0:14:32.000"
    assert parse_offset("-14:32") == offset
    assert parse_offset(format_offset(offset)) == offset
    assert parse_offset("+1:00.5") == 60_500


def test_timebase_announces_changes() -> None:
    tb = Timebase()
    heard: list[str] = []
    tb.subscribe(heard.append)
    tb.offset_ms = 10
    tb.offset_ms = 10
    tb.duration_ms = 0  # unknown
    tb.duration_ms = 5_000
    tb.fps = float("nan")
    tb.fps = 30
    assert heard == ["offset_ms", "duration_ms", "fps"]
    assert tb.frame_fps == 30


def test_preview_range_clamped() -> None:
    tb = Timebase(duration_ms=10_000)
    assert preview_range(5_000, tb) == (3_000, 7_000)
    assert preview_range(500, tb) == (0, 2_500)
    assert preview_range(9_500, tb) == (7_500, 10_000)


def test_snapping() -> None:
    ep = make_episode()
    tb = Timebase(offset_ms=1_000)
    cands = snap_candidates(ep, tb, exclude_clip="hl-1")
    assert 11_000 not in cands and 21_000 not in cands  # the dragged clip's own bounds
    assert {1_000, 13_500, 31_000, 32_000, 46_000, 51_000} <= set(cands)
    assert snap(13_400, cands, 200) == 13_500
    assert snap(13_000, cands, 200) == 13_000
    assert snap_candidates(ep, tb, transcript=False, clips=False) == []
