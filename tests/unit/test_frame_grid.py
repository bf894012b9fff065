from __future__ import annotations

from fractions import Fraction

import pytest

from clipdesk.core.bounds import NudgeUnit, Timebase, nudge_time
from clipdesk.core.frame_grid import (
    frame_at,
    frame_middle_ms,
    frame_start_ms,
    last_frame_before,
    on_grid,
)

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


@pytest.mark.parametrize("fps", [25.0, NTSC])
def test_on_grid_is_the_start_of_the_frame_on_screen(fps: float) -> None:
    for ms in range(0, 120_000, 37):
        start = on_grid(ms, fps)
        assert start <= ms + 1 and frame_at(start, fps) == frame_at(ms, fps)  # starts are rounded
        assert on_grid(start, fps) == start  # already on the grid: unchanged
    assert on_grid(49_113, 25.0) == 49_080


def test_last_frame_before_an_end() -> None:
    assert last_frame_before(8_720, 25.0) == 217  # 8.720 starts frame 218: not shown
    assert last_frame_before(8_700, 25.0) == 217  # inside frame 217: it is shown
    assert last_frame_before(frame_start_ms(31, NTSC), NTSC) == 30
    assert last_frame_before(0, 25.0) == 0


def test_timebase_puts_document_times_on_the_media_grid() -> None:
    tb = Timebase(offset_ms=5, fps=25.0)
    assert tb.on_grid(1_013) == 995  # media 1018 is in frame 25 (1000 ms): document 995
    assert Timebase(fps=None).on_grid(1_013) == 1_013  # no frame rate yet: unchanged
