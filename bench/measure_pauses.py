"""How well each candidate finds pauses in speech-like audio with known gaps.

Candidates, each on the same AAC files decoded by ffmpeg:
- energy gate: clipdesk.media.pause_detect over the 10 ms RMS bins (what Clipdesk uses);
- ffmpeg silencedetect, given the threshold the gate computed and two higher ones (it
  cannot compute one itself, so in Clipdesk it would need a second decode);
- webrtcvad (PyPI webrtcvad-wheels), modes 0-3, over 10 ms frames of the same 8 kHz PCM,
  when it is installed (it is not a dependency).

Audio: synthetic words (voiced bursts, fricatives, closures inside words) and espeak-ng
phrases, gaps of 150-900 ms, a -58 dBFS noise floor and a -50 dBFS 50 Hz hum.
Printed per method: true pauses found, pauses found inside speech, and the median and
worst error of the pause edges in ms, plus the time per hour of audio.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.speech_audio import (  # noqa: E402
    SpeechTrack,
    espeak_speech,
    synthetic_speech,
    write_aac,
)

from clipdesk.media.audio_decode import DECODE_RATE, SPEECH_BAND, read_pcm  # noqa: E402
from clipdesk.media.audio_levels import LevelReducer  # noqa: E402
from clipdesk.media.pause_detect import MIN_PAUSE_MS, detect_pauses  # noqa: E402

SENTENCES = [
    "the interview starts with a question about the early years",
    "nobody expected the project to take that long",
    "we shipped the first version on a Friday afternoon",
    "and then the phones started ringing",
    "it was the best mistake we ever made",
    "there is a lesson in that for every founder",
    "you have to listen to the people who use it",
    "most of the time they know better than you do",
    "so we rebuilt the whole thing from the ground up",
    "that took another two years",
]


def score(found: list[tuple[int, int]], track: SpeechTrack) -> tuple[int, int, float, float, int]:
    """(true pauses found, pauses inside speech, median edge error, worst edge error,
    number of truths)."""
    errors: list[int] = []
    hits = 0
    for a, b in track.pauses_ms:
        match = [f for f in found if f[0] < b and f[1] > a]
        if match:
            hits += 1
            errors += [abs(match[0][0] - a), abs(match[-1][1] - b)]
    inside = sum(
        1
        for f in found
        if not any(f[0] < b and f[1] > a for a, b in track.pauses_ms)
        and f[0] > track.speech_ms[0][0]
        and f[1] < track.speech_ms[-1][1]
    )
    med = float(np.median(errors)) if errors else float("nan")
    worst = float(max(errors)) if errors else float("nan")
    return hits, inside, med, worst, len(track.pauses_ms)


def decode(path: Path) -> np.ndarray:
    chunks: list[np.ndarray] = []
    read_pcm("ffmpeg", str(path), lambda c: chunks.append(c.copy()))
    return np.concatenate(chunks)


def energy_gate(pcm: np.ndarray) -> tuple[list[tuple[int, int]], float, float]:
    t0 = time.perf_counter()
    red = LevelReducer(DECODE_RATE)
    red.feed(pcm)
    pauses, stats = detect_pauses(red.finish())
    return [(p.start_ms, p.end_ms) for p in pauses], time.perf_counter() - t0, stats.threshold_db


def silencedetect(path: Path, threshold_db: float) -> tuple[list[tuple[int, int]], float]:
    t0 = time.perf_counter()
    err = subprocess.run(
        ["ffmpeg", "-nostdin", "-hide_banner", "-i", str(path), "-map", "0:a:0", "-ac", "1",
         "-ar", str(DECODE_RATE), "-af",
         f"{SPEECH_BAND},silencedetect=noise={threshold_db}dB:duration={MIN_PAUSE_MS / 1000}",
         "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    ).stderr  # fmt: skip
    starts = [float(x) for x in re.findall(r"silence_start: ([\d.]+)", err)]
    ends = [float(x) for x in re.findall(r"silence_end: ([\d.]+)", err)]
    found = [(round(a * 1000), round(b * 1000)) for a, b in zip(starts, ends, strict=False)]
    return found, time.perf_counter() - t0


def vad(pcm: np.ndarray, mode: int) -> tuple[list[tuple[int, int]], float] | None:
    try:
        import webrtcvad  # type: ignore[import-not-found]
    except ImportError:
        return None
    t0 = time.perf_counter()
    v = webrtcvad.Vad(mode)
    frame = DECODE_RATE // 100
    raw = pcm.astype("<i2").tobytes()
    speech = [
        v.is_speech(raw[i * 2 * frame : (i + 1) * 2 * frame], DECODE_RATE)
        for i in range(pcm.size // frame)
    ]
    found: list[tuple[int, int]] = []
    run = None
    for i, s in enumerate([*speech, True]):
        if not s and run is None:
            run = i
        elif s and run is not None:
            if (i - run) * 10 >= MIN_PAUSE_MS:
                found.append((run * 10, i * 10))
            run = None
    return found, time.perf_counter() - t0


def main() -> None:
    rng = np.random.default_rng(11)
    with tempfile.TemporaryDirectory(prefix="clipdesk-pauses-") as tmp:
        tracks = {
            "synthetic": synthetic_speech([int(g) for g in rng.uniform(150, 900, 40)]),
            "espeak-ng": espeak_speech(SENTENCES, [int(g) for g in rng.uniform(150, 900, 9)]),
        }
        print(f"{'audio':10} {'method':22} {'found':>7} {'inside':>6} {'median':>7} "
              f"{'worst':>6} {'s/hour':>7}")  # fmt: skip
        for name, track in tracks.items():
            path = write_aac(track, Path(tmp) / f"{name}.m4a")
            pcm = decode(path)
            hours = pcm.size / DECODE_RATE / 3600

            def row(
                method: str,
                found: list[tuple[int, int]],
                secs: float,
                n: str = name,
                track: SpeechTrack = track,
                hours: float = hours,
            ) -> None:
                hits, inside, med, worst, total = score(found, track)
                print(f"{n:10} {method:22} {hits:>3}/{total:<3} {inside:>6} {med:>5.0f}ms "
                      f"{worst:>4.0f}ms {secs / hours:>7.2f}")  # fmt: skip

            found, secs, thr = energy_gate(pcm)
            row(f"energy gate {thr:.0f} dB", found, secs)
            # silencedetect compares single samples, not 10 ms RMS: give it the gate's
            # threshold and two higher ones (noise peaks stand ~10 dB over its RMS).
            for extra in (0, 6, 12):
                found, secs = silencedetect(path, thr + extra)
                row(f"silencedetect {thr + extra:.0f} dB", found, secs)
            for mode in range(4):
                got = vad(pcm, mode)
                if got is None:
                    print(f"{name:10} webrtcvad: not installed (pip install webrtcvad-wheels)")
                    break
                row(f"webrtcvad mode {mode}", *got)


if __name__ == "__main__":
    main()
