"""The window with real media: attaching a speech-like video (real ffmpeg) leads to its
pauses on the timeline, a second open reads the cache instead of decoding, other media
cancels a running analysis, and the export dialog snaps the clips into the pauses."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.support.review_window import make_window
from tests.support.speech_audio import SpeechTrack, synthetic_speech, write_speech_video

from clipdesk.core.export_plan import Selection
from clipdesk.media.audio_analysis import AudioCache
from clipdesk.media.export_queue import JobState
from clipdesk.ui.player.fake_backend import FakePlayerBackend
from clipdesk.ui.shell.main_window import MainWindow

GAPS_MS = [300, 200, 600, 160, 900, 250]
TOLERANCE_MS = 20


@pytest.fixture(scope="module")
def track() -> SpeechTrack:
    return synthetic_speech(GAPS_MS)


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory, track: SpeechTrack) -> Path:
    return write_speech_video(track, tmp_path_factory.mktemp("sound") / "talk.mp4")


def _clock(ms: int) -> str:
    return f"{ms // 60_000}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def _document(tmp_path: Path, track: SpeechTrack) -> Path:
    """One highlight whose in lies 300 ms inside the word after the third pause."""
    gap = track.pauses_ms[2]
    start, end = gap[1] + 300, track.pauses_ms[4][0] - 250
    doc = tmp_path / "talk.md"
    doc.write_text(
        "---\ntitle: Talk\nurl: https://www.example.org/watch?v=abc\n---\n\n"
        '## Highlights\n\n### "The pier"\n\n```bash\n'
        f'yt-dlp --download-sections "*{_clock(start)}-{_clock(end)}" '
        '"https://www.example.org/watch?v=abc"\n```\n\n> "The pier."\n'
    )
    return doc


def _window(qtbot, tmp_path: Path, track: SpeechTrack) -> MainWindow:
    window = make_window(qtbot, tmp_path, FakePlayerBackend(length_ms=track.duration_ms))
    window.analysis.cache = AudioCache(tmp_path / "audio-cache")
    window.analysis.thumbnail_root = tmp_path / "thumbs"
    return window


def test_attached_media_shows_its_pauses_and_is_decoded_once(
    qtbot, tmp_path: Path, track: SpeechTrack, video: Path
) -> None:
    window = _window(qtbot, tmp_path, track)
    doc = _document(tmp_path, track)
    progress: list[str] = []
    window.analysis.progress_changed.connect(progress.append)
    assert window.open_document(doc, media=str(video))
    session = window.editing.session
    assert session is not None
    timeline = session.timeline
    qtbot.waitUntil(lambda: timeline.analysis() is not None, timeout=30_000)
    analysis = timeline.analysis()
    assert analysis is not None and not analysis.from_cache
    assert any(text.startswith("Analysing the audio") for text in progress)
    assert window.status_analysis.text() == ""  # done: the status bar says nothing more
    shown = timeline.pauses()
    for start, end in track.pauses_ms:
        assert any(
            abs(p.start_ms - start) <= TOLERANCE_MS and abs(p.end_ms - end) <= TOLERANCE_MS
            for p in shown
        ), (start, end, shown)
    assert timeline.wave_rect().height() > 0
    # Thumbnails come from the video, in the background.
    qtbot.waitUntil(lambda: bool(list(window.analysis.cached_spacings())), timeout=30_000)
    assert timeline.thumb_rect().height() > 0

    # The details panel says where the selected clip's bounds sit.
    clip = window.doc.store[0]
    window.sync.select_clip(clip.id)
    qtbot.waitUntil(lambda: not window.details.pause_status.isHidden())
    assert window.details.pause_status.text().startswith("In: in speech, a snap would move it -")

    # B snaps the in point into the pause before the word: one undo step.
    window.editing.session.actions.action("snap_clip").trigger()
    gap = track.pauses_ms[2]
    assert gap[0] <= clip.start_ms <= gap[1]
    assert session.stack.count() == 1

    # Open again: the peaks come from the cache, no second decode.
    assert window.editing.close()
    qtbot.waitUntil(lambda: window.analysis.analysis is None)
    assert window.open_document(doc, media=str(video))
    timeline = window.editing.session.timeline
    qtbot.waitUntil(lambda: timeline.analysis() is not None, timeout=30_000)
    again = timeline.analysis()
    assert again is not None and again.from_cache
    assert again.pauses == analysis.pauses


def test_other_media_cancels_the_running_analysis(
    qtbot, tmp_path: Path, track: SpeechTrack, video: Path
) -> None:
    window = _window(qtbot, tmp_path, track)
    analysed: list[object] = []
    window.analysis.analysed.connect(analysed.append)
    window.analysis.start(str(video))
    first = window.analysis._task
    assert first is not None and window.analysis.running
    window.analysis.start(str(video))  # the media changes
    assert first.cancelled
    qtbot.waitUntil(lambda: bool(analysed), timeout=30_000)
    qtbot.waitUntil(lambda: window.background.pending == 0, timeout=30_000)
    assert len(analysed) == 1  # only the second analysis reports


def test_export_dialog_snaps_to_pauses(
    qtbot, tmp_path: Path, track: SpeechTrack, video: Path
) -> None:
    window = _window(qtbot, tmp_path, track)
    doc = _document(tmp_path, track)
    assert window.open_document(doc, media=str(video))
    timeline = window.editing.session.timeline
    qtbot.waitUntil(lambda: timeline.analysis() is not None, timeout=30_000)
    posted: list[str] = []
    from clipdesk.ui.common import messages

    messages.bus().posted.connect(lambda m: posted.append(m.text + "\n" + m.detail))
    dialog = window.exports.request_export(Selection.ALL, "all clips")
    assert dialog is not None and dialog.snap_distance() is None
    dialog.out_dir.setText(str(tmp_path / "clips"))
    dialog.snap.setChecked(True)
    dialog.snap_ms.setValue(600)
    assert dialog.snap_distance() == 600
    jobs_before = len(window.exports.queue.jobs)
    dialog.accept()
    assert len(window.exports.queue.jobs) == jobs_before + 1
    job = window.exports.queue.jobs[-1]
    gap = track.pauses_ms[2]
    assert gap[0] <= job.spec.start_ms <= gap[1]  # the cut starts in the pause
    report = next(p for p in posted if p.startswith("Snapped "))
    assert "start" in report and "pause" in report
    # A real cut of the snapped range: the window closes with nothing left running.
    qtbot.waitUntil(lambda: job.state in (JobState.DONE, JobState.FAILED), timeout=60_000)
    assert job.state is JobState.DONE, job.error


def test_closing_the_document_cancels_the_analysis(
    qtbot, tmp_path: Path, track: SpeechTrack, video: Path
) -> None:
    window = _window(qtbot, tmp_path, track)
    analysed: list[object] = []
    window.analysis.analysed.connect(analysed.append)
    assert window.open_document(_document(tmp_path, track), media=str(video))
    task = window.analysis._task
    assert task is not None  # started by the media opening, not yet done (no events ran)
    assert window.editing.close()
    assert task.cancelled and not window.analysis.running
    qtbot.waitUntil(lambda: window.background.pending == 0, timeout=30_000)
    assert analysed == []  # a result that comes after the close is dropped
    assert window.status_analysis.text() == ""
