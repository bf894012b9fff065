"""Peaks and pauses from real ffmpeg decodes of speech-like audio with known pauses."""

from __future__ import annotations

import os
import shutil
import stat
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from tests.support.range_server import RangeServer
from tests.support.speech_audio import (
    SpeechTrack,
    espeak_speech,
    synthetic_speech,
    write_aac,
)

from clipdesk.core.pauses import Bound, snap_bound
from clipdesk.media.audio_analysis import (
    AnalysisCancelled,
    AudioAnalysis,
    AudioAnalysisTask,
    AudioCache,
    AudioError,
    analyse,
)
from clipdesk.media.tools import Tools

GAPS_MS = [300, 200, 600, 160, 900, 250, 450]
TOLERANCE_MS = 20


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("speech")


@pytest.fixture(scope="module")
def track() -> SpeechTrack:
    return synthetic_speech(GAPS_MS)


@pytest.fixture(scope="module")
def speech_file(folder: Path, track: SpeechTrack) -> Path:
    return write_aac(track, folder / "speech.m4a")


def logging_ffmpeg(folder: Path, name: str, extra: str = "") -> tuple[Tools, Path]:
    """Tools whose ffmpeg is a wrapper that records each run (its pid) and then becomes
    the real ffmpeg (exec keeps the pid), with extra arguments first."""
    real = shutil.which("ffmpeg")
    assert real, "ffmpeg is needed"
    log = folder / f"{name}.log"
    script = folder / f"{name}.sh"
    script.write_text(f'#!/bin/sh\necho "$$" >> "{log}"\nexec "{real}" {extra} "$@"\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return Tools(str(script), shutil.which("ffprobe"), None), log


def runs(log: Path) -> list[int]:
    return [int(x) for x in log.read_text().split()] if log.exists() else []


def inner_pauses(analysis: AudioAnalysis, track: SpeechTrack) -> list[tuple[int, int]]:
    """Detected pauses between the first word and the last (the lead-in and tail are
    silence too, but not between words)."""
    first, last = track.speech_ms[0][0], track.speech_ms[-1][1]
    return [
        (p.start_ms, p.end_ms)
        for p in analysis.pauses
        if p.end_ms > first + TOLERANCE_MS and p.start_ms < last - TOLERANCE_MS
    ]


def assert_pauses_match(found: list[tuple[int, int]], truth: list[tuple[int, int]]) -> None:
    assert len(found) == len(truth), f"found {found}, truth {truth}"
    for (a, b), (ta, tb) in zip(found, truth, strict=True):
        assert abs(a - ta) <= TOLERANCE_MS and abs(b - tb) <= TOLERANCE_MS, (
            f"pause {a}-{b} ms, truth {ta}-{tb} ms"
        )


def test_pauses_found_within_20_ms_and_none_inside_speech(
    speech_file: Path, track: SpeechTrack, tmp_path: Path
) -> None:
    analysis = analyse(speech_file, cache=AudioCache(tmp_path))
    # One found per true gap, in order, within the tolerance: so none inside speech,
    # although every word has closures and breaks of 30-110 ms in it.
    assert_pauses_match(inner_pauses(analysis, track), track.pauses_ms)
    assert all(p.depth_db > 20 for p in analysis.pauses)
    assert analysis.loudness.floor_db < analysis.loudness.threshold_db < -40
    assert abs(analysis.duration_ms - track.duration_ms) <= 50


def test_espeak_speech_pauses(folder: Path, tmp_path: Path) -> None:
    texts = [
        "we shipped the first version on a Friday afternoon",
        "and then the phones started ringing",
        "it was the best mistake we ever made",
        "you have to listen to the people who use it",
    ]
    speech = espeak_speech(texts, [400, 180, 700])
    analysis = analyse(write_aac(speech, folder / "espeak.m4a"), cache=AudioCache(tmp_path))
    assert_pauses_match(inner_pauses(analysis, speech), speech.pauses_ms)


def test_noise_gated_speech_with_digital_silence_in_its_pauses(
    folder: Path, tmp_path: Path
) -> None:
    # No noise floor to measure: the threshold must still sit under the speech.
    gated = synthetic_speech(GAPS_MS, seed=9, noise_db=-200.0, hum_db=-200.0)
    analysis = analyse(write_aac(gated, folder / "gated.m4a"), cache=AudioCache(tmp_path))
    assert_pauses_match(inner_pauses(analysis, gated), gated.pauses_ms)


def test_snapping_moves_a_bound_inside_a_word_to_the_pause_before(
    speech_file: Path, track: SpeechTrack, tmp_path: Path
) -> None:
    analysis = analyse(speech_file, cache=AudioCache(tmp_path))
    for gap_start, gap_end in track.pauses_ms:
        room = min(120, (gap_end - gap_start) // 2)  # a short pause is cut in its middle
        start = gap_end + 300  # 300 ms into the first word after the gap
        snap = snap_bound(analysis.pauses, start, Bound.START)
        assert snap.target_ms is not None, f"no pause found before {start} ms"
        assert abs(snap.target_ms - (gap_end - room)) <= TOLERANCE_MS, (
            snap.target_ms,
            gap_start,
            gap_end,
        )
        end = gap_start - 300  # 300 ms before the last word before the gap ends
        snap = snap_bound(analysis.pauses, end, Bound.END)
        assert snap.target_ms is not None
        assert abs(snap.target_ms - (gap_start + room)) <= TOLERANCE_MS


def test_peaks_follow_the_signal(speech_file: Path, track: SpeechTrack, tmp_path: Path) -> None:
    analysis = analyse(speech_file, cache=AudioCache(tmp_path))
    fine, coarse = analysis.fine, analysis.coarse
    assert fine.per_second == 100 and coarse.per_second == 10
    assert abs(len(fine) - track.duration_ms / 10) <= 5 and len(coarse) == -(-len(fine) // 10)
    assert fine.min.dtype == np.float32 and np.all(fine.min <= fine.max)
    a, b = track.pauses_ms[4]  # the 900 ms gap
    quiet = fine.window(a + 50, b - 50)
    s0, s1 = track.speech_ms[2]
    loud = fine.window(s0, s1)
    assert np.max(np.abs(fine.max[quiet])) < 0.01 < np.max(fine.max[loud])
    assert np.max(fine.rms[quiet]) * 10 < np.percentile(fine.rms[loud], 75)
    # The coarse level is the fine one folded: extremes kept.
    assert coarse.max[s0 // 100] == pytest.approx(
        np.max(fine.max[s0 // 100 * 10 : s0 // 100 * 10 + 10])
    )
    assert analysis.levels_for(ms_per_pixel=5) is fine
    assert analysis.levels_for(ms_per_pixel=250) is coarse


def test_second_open_reads_the_cache_without_decoding(
    speech_file: Path, folder: Path, tmp_path: Path
) -> None:
    tools, log = logging_ffmpeg(folder, "cached")
    cache = AudioCache(tmp_path / "audio")
    progress: list[tuple[int, int | None]] = []
    first = analyse(
        speech_file, tools, cache=cache, on_progress=lambda d, t: progress.append((d, t))
    )
    assert len(runs(log)) == 1 and not first.from_cache
    assert progress[-1][0] == progress[-1][1] == first.duration_ms
    assert [d for d, _ in progress] == sorted(d for d, _ in progress)
    assert len(list(cache.folder.glob("*.npz"))) == 1

    second = analyse(speech_file, tools, cache=cache)
    assert len(runs(log)) == 1, "the second open decoded again"
    assert second.from_cache and second.pauses == first.pauses
    assert np.array_equal(second.fine.rms, first.fine.rms)

    # A changed file is a new source: decoded afresh.
    changed = tmp_path / "changed.m4a"
    shutil.copy(speech_file, changed)
    analyse(changed, tools, cache=cache)
    os.utime(changed, ns=(time.time_ns(), time.time_ns() + 5_000_000_000))
    analyse(changed, tools, cache=cache)
    assert len(runs(log)) == 3


def test_two_analyses_at_once_share_one_decode(
    speech_file: Path, folder: Path, tmp_path: Path
) -> None:
    tools, log = logging_ffmpeg(folder, "shared")
    cache = AudioCache(tmp_path)
    results: list[AudioAnalysis] = []
    threads = [
        threading.Thread(target=lambda: results.append(analyse(speech_file, tools, cache=cache)))
        for _ in range(2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(results) == 2 and results[0].pauses == results[1].pauses
    assert len(runs(log)) == 1
    assert sorted(r.from_cache for r in results) == [False, True]


def test_a_corrupt_cache_entry_is_decoded_again(
    speech_file: Path, folder: Path, tmp_path: Path
) -> None:
    tools, log = logging_ffmpeg(folder, "corrupt")
    cache = AudioCache(tmp_path)
    first = analyse(speech_file, tools, cache=cache)
    (entry,) = tmp_path.glob("*.npz")
    entry.write_bytes(b"PK\x03\x04 not really a zip")
    again = analyse(speech_file, tools, cache=cache)
    assert len(runs(log)) == 2 and not again.from_cache and again.pauses == first.pauses


def test_cancel_kills_the_ffmpeg_child(speech_file: Path, folder: Path, tmp_path: Path) -> None:
    # -re makes ffmpeg decode at the speed of playback: the 20 s decode is still running
    # when it is cancelled.
    tools, log = logging_ffmpeg(folder, "slow", extra="-re")
    cache = AudioCache(tmp_path)
    task = AudioAnalysisTask(speech_file, tools, cache=cache)
    outcome: list[BaseException | AudioAnalysis] = []

    def work() -> None:
        try:
            outcome.append(task.run())
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=work)
    worker.start()
    deadline = time.monotonic() + 10
    while not runs(log) and time.monotonic() < deadline:
        time.sleep(0.02)
    (pid,) = runs(log)
    assert _alive(pid), "ffmpeg should still be decoding"
    started = time.monotonic()
    task.cancel()
    worker.join(5)
    assert not worker.is_alive() and time.monotonic() - started < 2
    assert isinstance(outcome[0], AnalysisCancelled)
    assert not _alive(pid), "ffmpeg outlived the cancel"
    assert not list(tmp_path.glob("*.npz")), "a cancelled analysis left a cache entry"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead but not yet reaped: read its state.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_media_without_audio_gets_a_clear_message(folder: Path, tmp_path: Path) -> None:
    import subprocess

    silent_video = folder / "no-audio.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=160x90:rate=25:d=2",
         "-c:v", "libx264", "-pix_fmt", "yuv420p", str(silent_video)],
        check=True,
    )  # fmt: skip
    with pytest.raises(AudioError, match=r"no-audio\.mp4: has no audio stream"):
        analyse(silent_video, cache=AudioCache(tmp_path))
    text = tmp_path / "notes.txt"
    text.write_text("not media")
    with pytest.raises(AudioError, match=r"notes\.txt"):
        analyse(text, cache=AudioCache(tmp_path))
    with pytest.raises(AudioError, match="media file not found"):
        analyse(tmp_path / "missing.m4a", cache=AudioCache(tmp_path))


@pytest.mark.network
def test_url_source_read_once_for_peaks_and_pauses(
    speech_file: Path, track: SpeechTrack, tmp_path: Path
) -> None:
    served = tmp_path / "served"
    served.mkdir()
    shutil.copy(speech_file, served / "episode.m4a")
    cache = AudioCache(tmp_path / "audio")
    with RangeServer(served) as server:
        url = server.url("episode.m4a")
        analysis = analyse(url, cache=cache)
        assert_pauses_match(inner_pauses(analysis, track), track.pauses_ms)
        requests = len(server.requests)
        assert requests > 0
        again = analyse(url, cache=cache)
        assert again.from_cache and len(server.requests) == requests  # no network at all


def test_a_steady_tone_has_no_pauses(folder: Path, tmp_path: Path) -> None:
    """Audio with no quiet part (a test tone, a music bed) holds no pauses: the whole
    file is not one long pause because nothing in it is louder than the rest."""
    import subprocess

    tone = folder / "tone.m4a"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440:duration=6",
         "-c:a", "aac", str(tone)],
        check=True,
    )  # fmt: skip
    assert not analyse(tone, cache=AudioCache(tmp_path)).pauses
