"""The timeline's sound: waveform and pauses drawn from the peaks, drags snapping into
pauses (Shift frees them), the snap commands (one undo step each), the bound status."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QUndoStack
from tests.gui.editing.test_timeline import drag, edge
from tests.support.episodes import build_episode

from clipdesk.core.bounds import Bound, Timebase
from clipdesk.core.clip_store import ClipStore
from clipdesk.core.episode import Clip, ClipKind
from clipdesk.core.pauses import Pause
from clipdesk.media.audio_analysis import AudioAnalysis
from clipdesk.media.audio_levels import COARSE_PER_S, FINE_PER_S, Levels
from clipdesk.media.pause_detect import Loudness
from clipdesk.ui.common.theme import WAVEFORM_BODY
from clipdesk.ui.editing.edit_actions import EditActions
from clipdesk.ui.editing.pause_status import bound_status
from clipdesk.ui.editing.timeline import Timeline
from clipdesk.ui.editing.undo_commands import ClipEditor
from clipdesk.ui.editing.waveform import envelope

DURATION_MS = 60_000
# Speech everywhere but in these pauses (media time).
PAUSES = (Pause(9_000, 9_500, 30.0), Pause(19_600, 20_400, 28.0), Pause(39_700, 40_100, 25.0))


def speech_levels(duration_ms: int, pauses: tuple[Pause, ...]) -> Levels:
    n = duration_ms * FINE_PER_S // 1000
    t = np.arange(n) / FINE_PER_S
    amp = (0.3 + 0.2 * np.sin(t * 7.0)).astype(np.float32)
    for p in pauses:
        amp[p.start_ms // 10 : p.end_ms // 10] = 0.002
    return Levels(FINE_PER_S, -amp, amp.copy(), (amp * 0.5).astype(np.float32))


def analysis_of(pauses: tuple[Pause, ...] = PAUSES) -> AudioAnalysis:
    fine = speech_levels(DURATION_MS, pauses)
    loud = Loudness(floor_db=-60.0, speech_db=-20.0, threshold_db=-45.0)
    return AudioAnalysis(
        "/media/talk.mp4", DURATION_MS, fine, fine.coarser(COARSE_PER_S), pauses, loud
    )


@pytest.fixture()
def timeline(qtbot) -> Timeline:
    clips = [
        # In 300 ms inside the word after the first pause; out inside speech too.
        Clip("hl-1", ClipKind.HIGHLIGHT, "Opening", 9_800, 19_300, line=1),
        Clip("hl-2", ClipKind.HIGHLIGHT, "Later", 30_000, 39_500, line=2),
    ]
    episode = build_episode(clips, [])
    editor = ClipEditor(ClipStore(episode), QUndoStack(), Timebase(duration_ms=DURATION_MS, fps=25))
    widget = Timeline(editor)
    qtbot.addWidget(widget)
    widget.resize(1000, 200)
    widget.show()
    qtbot.waitExposed(widget)
    widget.setAnalysis(analysis_of())
    return widget


def test_envelope_takes_the_extremes_of_each_column() -> None:
    levels = speech_levels(10_000, ())
    mins, maxs, _rms, valid = envelope(levels, 0, 100.0, 100)  # 10 bins a column
    assert valid.all()
    for col in (0, 37, 99):
        assert maxs[col] == pytest.approx(levels.max[col * 10 : col * 10 + 10].max())
        assert mins[col] == pytest.approx(levels.min[col * 10 : col * 10 + 10].min())
    # Zoomed far in: each column shows the bin under it; past the end, no data.
    _, maxs, _, valid = envelope(levels, 9_990, 1.0, 40)
    assert valid[:10].all() and not valid[10:].any()
    assert maxs[0] == pytest.approx(levels.max[999])


def test_waveform_and_pauses_are_drawn(timeline: Timeline) -> None:
    tl = timeline
    tl.setZoom(20)
    tl.setViewStart(8_000)
    image = tl.grab().toImage()
    wave = tl.wave_rect()
    y = round(wave.center().y())
    speech_x = round(tl.x_for(8_500))
    pause_x = round(tl.x_for(9_250))
    assert QColor(image.pixel(speech_x, y)) == WAVEFORM_BODY
    pause_colour = QColor(image.pixel(pause_x, round(wave.top()) + 3))
    background = QColor(image.pixel(speech_x, round(wave.top()) + 1))
    assert pause_colour != background  # the pause is shaded in the track
    # And lighter across the lanes, where there is no band.
    lane_y = round(tl.lane_rect(1).center().y())
    assert QColor(image.pixel(pause_x, lane_y)) != QColor(image.pixel(speech_x, lane_y))


def test_without_analysis_the_track_is_gone(timeline: Timeline) -> None:
    tl = timeline
    with_track = tl.wave_rect().height()
    tl.setAnalysis(None)
    assert with_track > 0 and tl.wave_rect().height() == 0 and tl.pauses() == ()


def test_drag_snaps_into_a_pause_and_shift_frees(qtbot, timeline: Timeline) -> None:
    tl = timeline
    tl.setZoom(20)  # snapping within 160 ms
    tl.setViewStart(8_000)
    clip = tl.store.get("hl-1")
    # The in point's cut in the first pause: 120 ms before the word, on the frame grid.
    drag(qtbot, tl, edge(tl, "hl-1", Bound.START), [tl.x_for(9_500), tl.x_for(9_450)])
    assert clip.start_ms == 9_360
    drag(qtbot, tl, edge(tl, "hl-1", Bound.START), [tl.x_for(9_450)], shift=True)
    assert abs(clip.start_ms - 9_450) <= 40
    assert tl.editor.stack.count() == 2


def actions_for(
    tl: Timeline, selected: str | None, playhead: int = 0, seeks: list[int] | None = None
) -> EditActions:
    return EditActions(
        tl.editor,
        tl,
        playhead=lambda: playhead,
        selected_clip=lambda: selected,
        seek=(seeks if seeks is not None else []).append,
        play_range=lambda _a, _b: None,
        pauses=tl.pauses,
        snap_set=tl.snap_set_bound,
    )


def test_set_in_snaps_into_a_pause_close_by(timeline: Timeline) -> None:
    tl = timeline
    tl.setZoom(20)  # 8 px are 160 ms
    clip = tl.store.get("hl-1")
    actions_for(tl, "hl-1", playhead=9_500).action("set_in").trigger()
    assert clip.start_ms == 9_360  # the pause's cut point, 140 ms away
    actions_for(tl, "hl-1", playhead=9_600).action("set_in").trigger()
    assert clip.start_ms == 9_600  # 240 ms away: where the playhead is
    tl.setSnapping(False)
    actions_for(tl, "hl-1", playhead=9_500).action("set_in").trigger()
    assert clip.start_ms == 9_480  # no snapping: the playhead's frame


def test_a_bound_set_into_a_pause_is_the_frame_shown(timeline: Timeline) -> None:
    """I / O that snap into a pause move the playhead there too: the frame on screen is
    the frame stored, not the one where the key was pressed."""
    tl = timeline
    tl.setZoom(20)
    clip = tl.store.get("hl-1")
    seeks: list[int] = []
    actions_for(tl, "hl-1", playhead=9_500, seeks=seeks).action("set_in").trigger()
    assert clip.start_ms == 9_360
    assert seeks == [9_360]
    seeks.clear()
    actions_for(tl, "hl-1", playhead=19_650, seeks=seeks).action("set_out").trigger()
    assert clip.end_ms != 19_640  # snapped to the pause's cut point, not the playhead's frame
    assert seeks == [clip.end_ms]
    seeks.clear()
    actions_for(tl, "hl-1", playhead=9_600, seeks=seeks).action("set_in").trigger()
    assert clip.start_ms == 9_600 and seeks == []  # not snapped: the frame shown already


def test_snap_command_moves_a_bound_inside_a_word_to_the_pause_before(
    timeline: Timeline,
) -> None:
    tl = timeline
    stack = tl.editor.stack
    actions = actions_for(tl, "hl-1")
    actions.action("snap_clip").trigger()
    clip = tl.store.get("hl-1")
    # 9 800 lies 300 ms into the word after the pause 9 000-9 500: the in goes to the
    # pause's cut point (120 ms before the word, on the 25 fps grid).
    assert clip.start_ms == 9_360 and PAUSES[0].contains(clip.start_ms)
    # The out point, in speech 300 ms before the next pause, goes into it.
    assert clip.end_ms == 19_720 and PAUSES[1].contains(clip.end_ms)
    assert stack.count() == 1 and "to pauses" in stack.undoText()
    stack.undo()
    assert (clip.start_ms, clip.end_ms) == (9_800, 19_300)


def test_snap_all_is_one_undo_step(timeline: Timeline) -> None:
    tl = timeline
    actions = actions_for(tl, None)
    actions.action("snap_all").trigger()
    assert tl.editor.stack.count() == 1
    later = tl.store.get("hl-2")
    assert later.start_ms == 30_000  # no pause within 600 ms: it stays
    assert PAUSES[2].contains(later.end_ms)
    assert PAUSES[0].contains(tl.store.get("hl-1").start_ms)
    tl.editor.stack.undo()
    assert (later.start_ms, later.end_ms) == (30_000, 39_500)


def test_snap_refused_without_pauses(qtbot, timeline: Timeline) -> None:
    tl = timeline
    tl.setAnalysis(None)
    actions = actions_for(tl, "hl-1")
    with qtbot.waitSignal(tl.editor.refused) as blocker:
        actions.action("snap_clip").trigger()
    assert "not analysed" in blocker.args[0] and tl.editor.stack.count() == 0


def test_snap_distance_limits_the_move(timeline: Timeline) -> None:
    tl = timeline
    actions = actions_for(tl, "hl-1")
    actions.snap_distance_ms = 100
    assert actions.snap_to_pauses(["hl-1"]) == 0
    assert tl.editor.stack.count() == 0


def test_bound_status_says_where_bounds_sit(timeline: Timeline) -> None:
    tl = timeline
    clip = tl.store.get("hl-1")
    text = bound_status(clip, PAUSES, tl.timebase)
    assert text.splitlines() == [
        "In: in speech, a snap would move it -440 ms",
        "Out: in speech, a snap would move it +420 ms",
    ]
    inside = Clip("x", ClipKind.CLIP, "x", 9_360, 40_000)
    lines = bound_status(inside, PAUSES, tl.timebase).splitlines()
    assert lines[0] == "In: in a pause, on its cut point"
    assert lines[1].startswith("Out: in a pause, a snap would move it")


def test_offset_documents_snap_in_media_time(qtbot) -> None:
    # Document time + 1 000 ms = media time: the pause at 9 000-9 500 media is at
    # 8 000-8 500 in the document.
    clips = [Clip("hl-1", ClipKind.HIGHLIGHT, "Opening", 8_800, 18_300, line=1)]
    tb = Timebase(offset_ms=1_000, duration_ms=DURATION_MS, fps=25)
    editor = ClipEditor(ClipStore(build_episode(clips, [])), QUndoStack(), tb)
    tl = Timeline(editor)
    qtbot.addWidget(tl)
    tl.setAnalysis(analysis_of())
    actions_for(tl, "hl-1").action("snap_clip").trigger()
    clip = editor.store.get("hl-1")
    assert clip.start_ms == 8_360 and clip.end_ms == 18_720


def test_thumbnail_strip_shows_its_source(qtbot, timeline: Timeline) -> None:
    from PySide6.QtGui import QImage

    class Source:
        has_video = True

        def __init__(self) -> None:
            self.asked: list[tuple[int, float, float]] = []
            image = QImage(64, 36, QImage.Format.Format_RGB32)
            image.fill(QColor("#ff0000"))
            self.image = image

        def want_thumbnails(self, spacing_ms: int, start_ms: float, end_ms: float) -> None:
            self.asked.append((spacing_ms, start_ms, end_ms))

        def thumbnails(self, spacing_ms: int, start_ms: float, end_ms: float):
            return [(t, self.image) for t in range(0, DURATION_MS, spacing_ms)]

    tl = timeline
    source = Source()
    tl.setThumbnailSource(source)
    qtbot.waitUntil(lambda: bool(source.asked))
    spacing, start, end = source.asked[-1]
    assert spacing * 1 >= tl.msPerPixel() * 64 and start == 0 and end == DURATION_MS
    strip = tl.thumb_rect()
    assert strip.height() > 0 and tl.lane_rect(0).top() > strip.bottom()
    image = tl.grab().toImage()
    assert QColor(image.pixel(QPoint(3, round(strip.center().y())))) == QColor("#ff0000")
    # Zoomed in, a finer spacing is asked for, for the part shown.
    source.asked.clear()
    tl.setZoom(20)
    tl.setViewStart(30_000)
    qtbot.waitUntil(lambda: bool(source.asked))
    fine, start, _end = source.asked[-1]
    assert fine < spacing and start == 30_000
