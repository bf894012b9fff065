"""Speech-like audio with pauses at known times, for the pause tests and benchmarks.

Two kinds of "speech": synthetic words (voiced tone bursts on a wandering pitch with
harmonics, fricative noise, and short closure dips inside words that are not pauses),
and real espeak-ng phrases. Either is laid out with known gaps, then a noise floor and a
50 Hz mains hum (with its third harmonic) are added over everything, as a cheap
microphone in a room would give. The truth is kept in milliseconds.
"""

from __future__ import annotations

import shutil
import subprocess
import wave
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

RATE = 16_000


@dataclass
class SpeechTrack:
    samples: np.ndarray  # float32 in [-1, 1] at RATE
    pauses_ms: list[tuple[int, int]] = field(default_factory=list)  # true gaps
    speech_ms: list[tuple[int, int]] = field(default_factory=list)  # phrases
    dips_ms: list[tuple[int, int]] = field(default_factory=list)  # closures inside words

    @property
    def duration_ms(self) -> int:
        return round(self.samples.size * 1000 / RATE)


def _db(level_db: float) -> float:
    return float(10 ** (level_db / 20))


def synthetic_word(rng: np.random.Generator, peak_db: float) -> tuple[np.ndarray, list[int]]:
    """One 'word' of 2-4 syllables; returns samples and the closure dips inside it
    (sample offsets of start, end pairs)."""
    parts: list[np.ndarray] = []
    dips: list[int] = []
    pos = 0
    n_syl = int(rng.integers(2, 5))
    for s in range(n_syl):
        n = int(RATE * rng.uniform(0.12, 0.26))
        t = np.arange(n) / RATE
        f0 = rng.uniform(95, 230) * (1 + 0.15 * np.sin(2 * np.pi * rng.uniform(2, 5) * t))
        phase = 2 * np.pi * np.cumsum(f0) / RATE
        voiced = sum(np.sin(k * phase) / k for k in range(1, 7))
        attack, release = int(0.012 * RATE), int(0.02 * RATE)
        env = np.ones(n)
        env[:attack] = np.linspace(0, 1, attack)
        env[-release:] = np.linspace(1, 0, release)
        syl = voiced * env * (0.6 + 0.4 * np.sin(np.pi * np.arange(n) / n))
        if rng.random() < 0.5:  # a fricative at the syllable's start
            m = int(0.05 * RATE)
            syl[:m] += 0.25 * rng.standard_normal(m) * np.linspace(0.3, 1, m)
        parts.append(syl)
        pos += n
        if s < n_syl - 1 and rng.random() < 0.7:  # a stop closure: 30-90 ms
            gap = int(RATE * rng.uniform(0.03, 0.09))
            parts.append(np.zeros(gap))
            dips += [pos, pos + gap]
            pos += gap
    word = np.concatenate(parts)
    word *= _db(peak_db) / np.max(np.abs(word))
    return word, dips


def espeak_phrase(text: str, peak_db: float, voice: str = "en") -> np.ndarray:
    """espeak-ng speaking text, resampled to RATE, cut to where it is 35 dB under its
    peak (a voice's decay into the room's noise), so the phrase's bounds are known exactly."""
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise RuntimeError("espeak-ng is not installed (packaging/setup.sh installs it)")
    raw = subprocess.run(
        [exe, "-v", voice, "-s", "165", "--stdout", text], capture_output=True, check=True
    ).stdout
    pcm = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", "pipe:0", "-ar", str(RATE), "-ac", "1",
         "-f", "s16le", "pipe:1"],
        input=raw, capture_output=True, check=True,
    ).stdout  # fmt: skip
    x = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768
    loud = np.flatnonzero(np.abs(x) > np.max(np.abs(x)) * _db(-35))
    x = x[loud[0] : loud[-1] + 1]
    return x * (_db(peak_db) / np.max(np.abs(x)))


def lay_out(
    phrases: list[tuple[np.ndarray, list[int]]],
    gaps_ms: list[int],
    lead_ms: int = 500,
    noise_db: float = -58.0,
    hum_db: float = -50.0,
    seed: int = 1,
) -> SpeechTrack:
    """Phrases separated by gaps (one fewer gap than phrases), silence of lead_ms at both
    ends, then noise and hum over the whole track."""
    assert len(gaps_ms) == len(phrases) - 1
    rng = np.random.default_rng(seed)
    out: list[np.ndarray] = [np.zeros(lead_ms * RATE // 1000)]
    pos = out[0].size
    track = SpeechTrack(np.empty(0, np.float32))
    for i, (x, dips) in enumerate(phrases):
        track.speech_ms.append((pos * 1000 // RATE, (pos + x.size) * 1000 // RATE))
        track.dips_ms += [
            ((pos + a) * 1000 // RATE, (pos + b) * 1000 // RATE)
            for a, b in zip(dips[::2], dips[1::2], strict=True)
        ]
        out.append(x)
        pos += x.size
        gap = (gaps_ms[i] if i < len(gaps_ms) else lead_ms) * RATE // 1000
        track.pauses_ms.append((pos * 1000 // RATE, (pos + gap) * 1000 // RATE))
        out.append(np.zeros(gap))
        pos += gap
    track.pauses_ms.pop()  # the tail is not between words
    y = np.concatenate(out)
    t = np.arange(y.size) / RATE
    y += _db(noise_db) * rng.standard_normal(y.size)  # white noise at noise_db RMS
    y += _db(hum_db) * np.sqrt(2) * (np.sin(2 * np.pi * 50 * t) + 0.3 * np.sin(2 * np.pi * 150 * t))
    track.samples = np.clip(y, -1, 1).astype(np.float32)
    return track


def synthetic_speech(
    gaps_ms: list[int], words_per_phrase: int = 4, seed: int = 7, **kw: float
) -> SpeechTrack:
    """Phrases of synthetic words at levels from -6 to -22 dBFS (a quiet speaker too),
    the words of a phrase joined by 40-110 ms breaks that are not pauses."""
    rng = np.random.default_rng(seed)
    phrases = []
    for _ in range(len(gaps_ms) + 1):
        level = float(rng.uniform(-22, -6))
        parts: list[np.ndarray] = []
        dips: list[int] = []
        pos = 0
        for w in range(words_per_phrase):
            word, word_dips = synthetic_word(rng, level + float(rng.uniform(-4, 0)))
            parts.append(word)
            dips += [pos + d for d in word_dips]
            pos += word.size
            if w < words_per_phrase - 1:
                gap = int(RATE * rng.uniform(0.04, 0.11))
                parts.append(np.zeros(gap))
                dips += [pos, pos + gap]
                pos += gap
        phrases.append((np.concatenate(parts), dips))
    return lay_out(phrases, gaps_ms, seed=seed, **kw)  # type: ignore[arg-type]


def espeak_speech(texts: list[str], gaps_ms: list[int], seed: int = 3, **kw: float) -> SpeechTrack:
    """espeak-ng phrases with peaks from -14 to -3 dBFS (its speech has a higher crest
    factor than the synthetic words)."""
    rng = np.random.default_rng(seed)
    phrases = [(espeak_phrase(t, float(rng.uniform(-14, -3))), []) for t in texts]
    return lay_out(phrases, gaps_ms, seed=seed, **kw)  # type: ignore[arg-type]


def write_wav(track: SpeechTrack, path: Path) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes((track.samples * 32767).astype("<i2").tobytes())
    return path


def write_aac(track: SpeechTrack, path: Path, rate: int = 44_100) -> Path:
    """The track as an encoder would deliver it: AAC in an M4A at 44.1 kHz."""
    wav = write_wav(track, path.with_suffix(".src.wav"))
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-i", str(wav), "-ar", str(rate), "-c:a", "aac",
         "-b:a", "96k", str(path)],
        check=True,
    )  # fmt: skip
    wav.unlink()
    return path


def write_speech_video(track: SpeechTrack, path: Path, fps: str = "25") -> Path:
    """The track under a moving test picture, as a camera file comes: H.264 with
    B-frames and a 2 s keyframe interval, AAC audio, in an MP4."""
    wav = write_wav(track, path.with_suffix(".src.wav"))
    seconds = f"{track.duration_ms / 1000:.3f}"
    keyint = str(round(float(eval_rate(fps)) * 2))
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y",
         "-f", "lavfi", "-i", f"testsrc2=size=320x180:rate={fps}:duration={seconds}",
         "-i", str(wav),
         "-c:v", "libx264", "-preset", "veryfast", "-bf", "2", "-g", keyint,
         "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "96k", "-shortest", str(path)],
        check=True,
    )  # fmt: skip
    wav.unlink()
    return path


def eval_rate(fps: str) -> float:
    """ "25" or "30000/1001" as a number."""
    num, _, den = fps.partition("/")
    return float(num) / float(den or 1)
