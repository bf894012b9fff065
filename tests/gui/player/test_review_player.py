"""The player logic over the fake backend: playhead, clip ranges, loop, frames, shuttle."""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtWidgets import QApplication
from tests.support import review_window  # noqa: F401  (applies the PySide6 guard)

from clipdesk.ui.player.backend import PlaybackSource, PlayerState
from clipdesk.ui.player.fake_backend import FakePlayerBackend
from clipdesk.ui.player.player import Player
from clipdesk.ui.player.playhead import PlayheadClock


class FakeClock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def test_playhead_interpolates_between_reports() -> None:
    now = FakeClock()
    clock = PlayheadClock(now)
    clock.report(1_000)
    clock.set_running(True)
    now.t += 0.2
    assert clock.position() == 1_000  # waits for the player's first report after starting
    clock.report(1_000)
    now.t += 0.1
    assert clock.position() == 1_100
    now.t += 0.1
    assert clock.position() == 1_200
    clock.report(1_150)  # a late report (jitter) must not pull the playhead back
    assert clock.position() == 1_200
    now.t += 0.05
    assert clock.position() == 1_200  # holds still until the clock catches up
    now.t += 0.1
    assert clock.position() == 1_300
    clock.jump(500)  # a seek moves it back at once
    assert clock.position() == 500
    clock.report(500)
    clock.set_rate(2.0)
    now.t += 0.1
    assert clock.position() == 700
    clock.set_running(False)
    now.t += 1.0
    assert clock.position() == 700
    clock.length_ms = 600
    assert clock.position() == 600


def test_playhead_waits_for_a_stalled_player() -> None:
    now = FakeClock()
    clock = PlayheadClock(now)
    clock.set_running(True)
    clock.report(1_000)
    now.t += 0.3
    assert clock.position() == 1_300
    now.t += 5.0  # libvlc stalls: no report for 5 s
    assert clock.position() == 1_400  # at most 400 ms past its last report
    assert clock.reported == 1_000
    clock.report(1_100)  # it resumes behind the playhead: hold still, no jump back
    assert clock.position() == 1_400
    now.t += 0.35
    assert clock.position() == 1_450
    clock.set_rate(2.0)  # faster play may run further ahead
    now.t += 5.0
    assert clock.position() == 1_900
    clock.report(2_000)
    now.t += 0.1
    assert clock.position() == 2_200


def test_reading_the_playhead_changes_nothing() -> None:
    now = FakeClock()
    read, unread = PlayheadClock(now), PlayheadClock(now)
    for clock in (read, unread):
        clock.set_running(True)
        clock.report(1_000)
    now.t += 0.2
    assert [read.position() for _ in range(5)] == [1_200] * 5
    # A report 150 ms behind is jitter whether or not anyone read the playhead.
    for clock in (read, unread):
        clock.report(1_050)
    assert read.position() == unread.position() == 1_200


class StallingBackend(FakePlayerBackend):
    """Its clock stops at stall_at (libvlc under load), while the wall clock runs on."""

    stall_at: int | None = None

    def _now_ms(self) -> float:
        now = super()._now_ms()
        return now if self.stall_at is None else min(now, float(self.stall_at))


def test_play_clip_plays_to_its_end_when_the_player_stalls(qtbot) -> None:
    backend = StallingBackend(length_ms=20_000)
    p = Player(backend)
    with qtbot.waitSignal(p.length_changed):
        p.open(PlaybackSource("fake://clip"))
    finished: list[bool] = []
    shown: list[int] = []
    stalled: list[int] = []
    p.range_finished.connect(lambda: finished.append(True))
    p.position_changed.connect(shown.append)
    backend.time_reported.connect(lambda ms: stalled.append(ms) if ms == 1_200 else None)
    backend.stall_at = 1_200
    p.play_range(1_000, 1_400)
    qtbot.waitUntil(lambda: len(stalled) >= 3, timeout=3_000)  # stalled for 500 ms or more
    assert p.playing and not finished and p.active_range == (1_000, 1_400)
    assert max(shown) <= 1_400  # the playhead waits at the clip end
    backend.stall_at = None
    with qtbot.waitSignal(p.range_finished, timeout=3_000):
        pass
    assert backend.time() == 1_400 and p.position() == 1_400
    p.shutdown()


@pytest.fixture()
def player(qtbot):
    backend = FakePlayerBackend(length_ms=20_000)
    p = Player(backend)
    with qtbot.waitSignal(p.length_changed):
        p.open(PlaybackSource("fake://clip"))
    yield p
    p.shutdown()
    assert backend.released


def test_seek_moves_the_playhead_at_once(player: Player, qtbot) -> None:
    with qtbot.waitSignal(player.position_changed) as blocker:
        player.seek(7_000)
    assert blocker.args == [7_000]
    assert ("set_time", 7_000) in player.backend.calls
    player.skip(-10_000)
    assert player.position() == 0
    player.seek(99_000)
    assert player.position() == 20_000  # clamped to the length


def test_playhead_moves_smoothly_while_playing(player: Player, qtbot) -> None:
    seen: list[int] = []
    reports: list[int] = []
    player.position_changed.connect(seen.append)
    player.play()
    player.backend.time_reported.connect(reports.append)
    qtbot.waitUntil(lambda: len(reports) >= 3, timeout=3_000)
    played = list(seen)
    player.pause()
    # The backend reports every 250 ms; the playhead moves many times in between,
    # and never backwards while playing.
    moves = [b - a for a, b in itertools.pairwise(played) if b != a]
    assert len(moves) >= 3 * len(reports)
    assert all(m > 0 for m in moves)


def test_play_clip_stops_at_its_end(player: Player, qtbot) -> None:
    with qtbot.waitSignal(player.range_finished, timeout=3_000):
        player.play_range(1_000, 1_400)
    assert player.state is PlayerState.PAUSED
    assert player.position() == 1_400
    assert player.active_range is None


def test_loop_clip_repeats_until_turned_off(player: Player, qtbot) -> None:
    starts: list[int] = []
    player.position_changed.connect(lambda ms: starts.append(ms) if ms == 2_000 else None)
    player.play_range(2_000, 2_300, loop=True)
    qtbot.waitUntil(lambda: len(starts) >= 3, timeout=3_000)  # first start + two loops
    assert player.playing
    with qtbot.waitSignal(player.range_finished, timeout=3_000):
        player.set_loop(False)
    assert not player.playing


def test_frame_steps(player: Player) -> None:
    player.seek(1_000)
    player.step_frame(True)
    assert ("next_frame", None) in player.backend.calls
    assert player.position() == 1_040
    player.step_frame(False)
    player.step_frame(False)
    assert player.position() == 960


def test_jkl_shuttle(player: Player, qtbot) -> None:
    player.shuttle_forward()
    qtbot.waitUntil(lambda: player.playing)
    assert player.rate == 1.0
    player.shuttle_forward()
    player.shuttle_forward()
    assert player.rate == 4.0
    player.shuttle_stop()
    assert not player.playing and player.rate == 1.0
    player.seek(10_000)
    player.shuttle_back()
    player.shuttle_back()  # 2x backwards: 400 ms per 200 ms step
    assert player.shuttle_speed() == -2.0
    qtbot.waitUntil(lambda: player.position() <= 9_000, timeout=2_000)
    assert not player.playing
    moves: list[int] = []
    player.position_changed.connect(moves.append)
    player.shuttle_stop()
    stopped_at = player.position()
    moves.clear()
    # No timer may keep seeking after K: the shuttle is off and nothing is pending.
    assert player.shuttle_speed() == 0.0 and not player.playing
    QApplication.processEvents()
    assert moves == [] and player.position() == stopped_at


def test_rate_volume_mute_reach_the_backend(player: Player, qtbot) -> None:
    with qtbot.waitSignal(player.rate_changed):
        player.set_rate(1.5)
    player.set_volume(130)
    player.set_muted(True)
    b = player.backend
    assert (b.rate, b.volume, b.muted) == (1.5, 100, True)


def test_player_without_backend_still_navigates(qtbot) -> None:
    p = Player(None)
    assert not p.available
    with qtbot.waitSignal(p.position_changed):
        p.seek(3_000)
    p.play()  # nothing to play: no error, no crash
    p.step_frame(True)
    assert p.position() == 3_000
