"""Snapping clip bounds into pauses (core, pure)."""

from __future__ import annotations

from clipdesk.core.episode import Clip, ClipKind, Episode, SourceFormat
from clipdesk.core.pauses import (
    Bound,
    Pause,
    cut_point,
    pause_at,
    snap_bound,
    snap_clip,
    snap_episode,
)

# Speech, then a pause 10.0-10.5 s, speech, a pause 14.0-14.8 s, speech.
PAUSES = [Pause(10_000, 10_500, 30.0), Pause(14_000, 14_800, 28.0)]


def test_in_point_inside_a_word_moves_to_the_pause_before_it() -> None:
    snap = snap_bound(PAUSES, 10_800, Bound.START)  # 300 ms into the first word
    assert snap.target_ms == 10_500 - 120  # 120 ms of room before that word
    assert snap.move_ms == -420 and not snap.in_pause and snap.pause == PAUSES[0]


def test_out_point_leaves_room_after_the_last_word() -> None:
    snap = snap_bound(PAUSES, 13_750, Bound.END)  # 250 ms before the word ends
    assert snap.target_ms == 14_000 + 120
    assert snap.move_ms == 370


def test_nothing_within_reach_stays() -> None:
    snap = snap_bound(PAUSES, 12_000, Bound.START)
    assert snap.target_ms is None and snap.move_ms == 0 and not snap.moves
    assert snap_bound(PAUSES, 12_000, Bound.START, max_distance_ms=2_000).target_ms == 10_380


def test_the_distance_limits_the_move_not_the_gap() -> None:
    # 300 ms into the word, but the cut point is 420 ms away.
    assert snap_bound(PAUSES, 10_800, Bound.START, max_distance_ms=400).target_ms is None
    assert snap_bound(PAUSES, 10_800, Bound.START, max_distance_ms=420).target_ms == 10_380


def test_bound_in_a_pause_is_reported_and_kept_the_margin_from_the_word() -> None:
    snap = snap_bound(PAUSES, 10_450, Bound.START)  # 50 ms before the word: too tight
    assert snap.in_pause and snap.target_ms == 10_380 and snap.move_ms == -70
    assert pause_at(PAUSES, 10_450) == PAUSES[0] and pause_at(PAUSES, 10_600) is None


def test_nearest_pause_wins_and_ties_keep_the_word() -> None:
    pauses = [Pause(1_000, 1_200, 20.0), Pause(1_600, 1_800, 20.0)]
    # Cut points for an in point: 1_100 and 1_700 (short pauses: their middle).
    assert cut_point(pauses[0], Bound.START) == 1_100
    assert snap_bound(pauses, 1_300, Bound.START).target_ms == 1_100
    assert snap_bound(pauses, 1_500, Bound.START).target_ms == 1_700
    assert snap_bound(pauses, 1_400, Bound.START).target_ms == 1_100  # tie: earlier
    assert snap_bound(pauses, 1_400, Bound.END).target_ms == 1_700  # tie: later


def test_snapping_never_empties_a_clip() -> None:
    pause = [Pause(5_000, 5_600, 30.0)]
    start, end = snap_clip(pause, 5_100, 5_300)  # both would land in the same pause
    assert end is not None
    new_start = start.target_ms if start.target_ms is not None else 5_100
    new_end = end.target_ms if end.target_ms is not None else 5_300
    assert new_start < new_end


def test_snap_episode_moves_only_the_chosen_clips_and_lists_every_move() -> None:
    clips = [
        Clip("a", ClipKind.HIGHLIGHT, "A", 10_800, 13_750),
        Clip("b", ClipKind.HIGHLIGHT, "B", 10_800, 13_750),
        Clip("c", ClipKind.SEGMENT, "C", 10_800, None),
    ]
    episode = Episode(None, SourceFormat.SHOW_NOTES, clips=clips)
    snapped, moves = snap_episode(episode, PAUSES, ["a", "c"])
    got = {c.id: (c.start_ms, c.end_ms) for c in snapped.clips}
    assert got == {"a": (10_380, 14_120), "b": (10_800, 13_750), "c": (10_380, None)}
    assert [(m.clip_id, m.bound, m.snapped_from, m.snapped_to) for m in moves] == [
        ("a", Bound.START, 10_800, 10_380),
        ("a", Bound.END, 13_750, 14_120),
        ("c", Bound.START, 10_800, 10_380),
    ]
    assert moves[0].to_dict()["moved_ms"] == -420
    assert episode.clips[0].start_ms == 10_800  # the original is left alone
