from __future__ import annotations

from fractions import Fraction

import pytest

from clipdesk.core.bounds import NudgeUnit, nudge_time
from clipdesk.core.frame_grid import frame_at, frame_middle_ms

NTSC = float(Fraction(30_000, 1_001))


@pytest.mark.parametrize(
    ("ms", "frame"), [(0, 0), (39, 0), (40, 1), (4_999, 124), (5_000, 125), (5_039, 125)]
)
def test_frames_at_25_fps(ms: int, frame: int) -> None:
    assert frame_at(ms, 25.0) == frame


def test_rounded_ntsc_frame_starts_mean_their_frame() -> None:
    # Frame 31 starts at 1034.37 ms, written 1034; 1033 is still frame 30.
    assert frame_at(1_034, NTSC) == 31
    assert frame_at(1_033, NTSC) == 30
    for frame in range(0, 200_000, 997):  # to about 1 h 51 min
        start = round(frame * 1000 / NTSC)
        assert frame_at(start, NTSC) == frame
        assert frame_at(frame_middle_ms(frame, NTSC), NTSC) == frame


def test_frame_nudges_land_on_the_frame_they_name() -> None:
    ms = 61_000
    for steps in range(1, 40):
        moved = nudge_time(ms, steps, NudgeUnit.FRAME, NTSC)
        assert frame_at(moved, NTSC) == frame_at(ms, NTSC) + steps


def test_frame_middle_is_inside_the_frame() -> None:
    assert frame_middle_ms(125, 25.0) == 5_020
    assert frame_middle_ms(0, NTSC) == 17
