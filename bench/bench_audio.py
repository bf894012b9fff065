"""What analysing a 4-hour episode's audio costs: peaks and pauses from one ffmpeg decode.

The source is made in a temporary folder: 10 minutes of speech-like audio (synthetic
words with pauses, noise floor, hum) encoded as AAC 44.1 kHz stereo at 128 kbit/s, as
podcasts are, and repeated to 4 hours without re-encoding. Figures, all from this run:
- baseline: ffmpeg decoding the same audio to /dev/null (-f null), what any analysis
  that decodes the source must pay;
- the whole analysis, cold (empty cache): decode to mono 16 kHz through a pipe, the
  10 ms levels, the 10/s levels, pauses, and the cache write; its ratio to the baseline;
- within it, the time spent in the numpy reduction of the samples to levels and in
  pause detection;
- the same analysis a second time (from the cache).
Target: under 60 s for the 4-hour source on the 2-core development machine.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from tests.support.speech_audio import synthetic_speech, write_wav  # noqa: E402

from clipdesk.media import audio_levels  # noqa: E402
from clipdesk.media.audio_analysis import AudioCache, analyse  # noqa: E402
from clipdesk.media.pause_detect import detect_pauses  # noqa: E402
from clipdesk.media.tools import find_tools  # noqa: E402


def make_source(folder: Path, hours: float, piece_min: float) -> Path:
    rng = np.random.default_rng(5)
    phrases = int(piece_min * 60 / 3.0)
    track = synthetic_speech([int(g) for g in rng.uniform(150, 1200, phrases)], seed=5)
    wav = write_wav(track, folder / "piece.wav")
    piece = folder / "piece.m4a"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-i", str(wav), "-ac", "2", "-ar", "44100",
         "-c:a", "aac", "-b:a", "128k", str(piece)],
        check=True,
    )  # fmt: skip
    loops = max(0, round(hours * 3600 / (track.duration_ms / 1000)) - 1)
    source = folder / "episode.m4a"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-stream_loop", str(loops), "-i", str(piece),
         "-c", "copy", str(source)],
        check=True,
    )  # fmt: skip
    return source


def timed(fn):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def cpu_s() -> float:
    """CPU seconds used so far by this process and its finished children (ffmpeg)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hours", type=float, default=4.0)
    args = ap.parse_args()
    tools = find_tools()
    tools.need("ffmpeg", "ffprobe")
    with tempfile.TemporaryDirectory(prefix="clipdesk-bench-audio-") as tmp:
        folder = Path(tmp)
        (source, made_s) = timed(lambda: make_source(folder, args.hours, piece_min=10))
        print(f"source: {args.hours:g} h AAC stereo 128k, {source.stat().st_size / 1e6:.0f} MB "
              f"(made in {made_s:.1f} s)")  # fmt: skip

        cpu0 = cpu_s()
        null_argv = [tools.ffmpeg or "ffmpeg", "-nostdin", "-v", "error", "-i", str(source),
                     "-map", "0:a:0", "-f", "null", "-"]  # fmt: skip
        _, base_s = timed(lambda: subprocess.run(null_argv, check=True))
        base_cpu = cpu_s() - cpu0
        print(f"baseline, ffmpeg decoding the audio to /dev/null: {base_s:.1f} s "
              f"(CPU {base_cpu:.1f} s)")  # fmt: skip

        # Time the numpy reduction inside the real run by wrapping the reducer's feed.
        spent = [0.0]
        original = audio_levels.LevelReducer.feed

        def feed(self, chunk):  # type: ignore[no-untyped-def]
            t0 = time.perf_counter()
            original(self, chunk)
            spent[0] += time.perf_counter() - t0

        audio_levels.LevelReducer.feed = feed  # type: ignore[method-assign]
        cache = AudioCache(folder / "cache")
        cpu0 = cpu_s()
        try:
            result, cold_s = timed(lambda: analyse(source, tools, cache=cache))
            cold_cpu = cpu_s() - cpu0
        finally:
            audio_levels.LevelReducer.feed = original  # type: ignore[method-assign]
        _, detect_s = timed(lambda: detect_pauses(result.fine))
        print(
            f"analysis, cold: {cold_s:.1f} s ({cold_s / base_s:.2f}x the baseline; "
            f"{'within' if cold_s < 60 else 'OVER'} the 60 s target): "
            f"{len(result.pauses)} pauses in {result.duration_ms / 3600_000:.2f} h"
        )
        print(f"  CPU, ffmpeg and Python together: {cold_cpu:.1f} s "
              f"({cold_cpu / base_cpu:.2f}x the baseline's)")  # fmt: skip
        print(f"  of which the numpy reduction to 10 ms levels: {spent[0]:.2f} s, "
              f"pause detection: {detect_s * 1000:.0f} ms")  # fmt: skip
        entry = next(cache.folder.glob("*.npz"))
        print(f"  cache entry: {entry.stat().st_size / 1e6:.1f} MB")
        again, warm_s = timed(lambda: analyse(source, tools, cache=cache))
        assert again.from_cache
        print(f"analysis, from the cache: {warm_s * 1000:.0f} ms")
        shutil.rmtree(folder / "cache", ignore_errors=True)


if __name__ == "__main__":
    main()
