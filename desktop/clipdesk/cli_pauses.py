"""`clipdesk pauses MEDIA`: the pauses in a source's speech, found headless.

The analysis runs on a worker thread so that Ctrl-C on the main thread cancels it (and
kills ffmpeg). Progress goes to stderr; the pauses to stdout, as a table or as JSON.
Exit status: 0 when the audio was analysed, 2 when it cannot be read, 130 after Ctrl-C.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from typing import TYPE_CHECKING, Any, TextIO

from clipdesk.core.pauses import MIN_PAUSE_MS
from clipdesk.core.timecode import format_clock

if TYPE_CHECKING:  # numpy and the analysis load only when a command needs them
    from clipdesk.media.audio_analysis import AudioAnalysis, ProgressCallback


def add_pauses_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "pauses",
        help="find the pauses in a video's or recording's speech",
        description="Decode the audio once (cached for next time) and print the silent or "
        "near-silent stretches: start, end and depth in dB below the speech level. "
        "Exit status: 0 when analysed, 2 when the media cannot be read.",
    )
    p.add_argument("media", metavar="MEDIA", help="a local media file or an http(s) URL")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument(
        "--min-pause",
        type=int,
        default=MIN_PAUSE_MS,
        metavar="MS",
        help=f"shortest pause reported, in ms ({MIN_PAUSE_MS})",
    )
    return p


def stderr_progress(name: str, out: TextIO | None = None) -> ProgressCallback:
    """Progress lines on stderr: rewritten in place on a terminal, every 10 % otherwise."""
    stream = out or sys.stderr
    tty = stream.isatty()
    last = [-1]

    def report(done_ms: int, total_ms: int | None) -> None:
        if total_ms:
            pct = min(100, done_ms * 100 // max(1, total_ms))
            step = pct if tty else pct - pct % 10
            text = f"analysing {name}: {pct:3d}%"
        else:
            step = done_ms // 600_000  # every 10 minutes of audio
            text = f"analysing {name}: {format_clock(done_ms)}"
        if step == last[0]:
            return
        last[0] = step
        stream.write(f"\r{text}" if tty else text + "\n")
        if tty and total_ms and done_ms >= total_ms:
            stream.write("\n")
        stream.flush()

    return report


def analyse_with_progress(
    location: str, min_pause_ms: int = MIN_PAUSE_MS, label: str = "clipdesk"
) -> AudioAnalysis:
    """Analyse on a worker thread, progress on stderr; Ctrl-C cancels and re-raises.
    Raises AudioError for media that cannot be read."""
    from clipdesk.media.audio_analysis import AudioAnalysisTask, AudioError
    from clipdesk.media.media_location import MediaLocation, SourceError
    from clipdesk.media.tools import find_tools

    try:
        source = MediaLocation.of(location)
    except SourceError as exc:
        raise AudioError(str(exc)) from exc
    task = AudioAnalysisTask(
        source, find_tools(), stderr_progress(source.name), min_pause_ms=min_pause_ms
    )
    result: list[AudioAnalysis] = []
    failure: list[BaseException] = []
    done = threading.Event()

    def work() -> None:
        try:
            result.append(task.run())
        except BaseException as exc:  # handed to the main thread
            failure.append(exc)
        finally:
            done.set()

    worker = threading.Thread(target=work, name=f"{label}-audio", daemon=True)
    worker.start()
    try:
        while not done.wait(0.2):  # in slices: Ctrl-C stays responsive on the main thread
            pass
    except KeyboardInterrupt:
        task.cancel()
        # An Event, not join(): a join interrupted by Ctrl-C can return at once after it,
        # and the worker must live to reap the killed ffmpeg before the process exits.
        done.wait(5)
        raise
    if failure:
        raise failure[0]
    return result[0]


def run_pauses(args: argparse.Namespace, out: TextIO | None = None) -> int:
    from clipdesk.media.audio_analysis import AnalysisCancelled, AudioError

    out = out or sys.stdout
    if args.min_pause < 10:
        print("clipdesk pauses: --min-pause must be at least 10 ms", file=sys.stderr)
        return 2
    try:
        analysis = analyse_with_progress(args.media, args.min_pause)
    except AudioError as exc:
        print(f"clipdesk pauses: {exc}", file=sys.stderr)
        return 2
    except AnalysisCancelled:
        return 130
    if args.json:
        json.dump(pauses_to_dict(analysis, args.media), out, indent=2)
        out.write("\n")
    else:
        out.write(render_pauses(analysis))
    out.flush()
    return 0


def pauses_to_dict(analysis: AudioAnalysis, media: str) -> dict[str, Any]:
    loud = analysis.loudness
    return {
        "schema": 1,
        "media": media,
        "duration_ms": analysis.duration_ms,
        "noise_floor_db": loud.floor_db,
        "speech_level_db": loud.speech_db,
        "threshold_db": loud.threshold_db,
        "from_cache": analysis.from_cache,
        "pauses": [p.to_dict() for p in analysis.pauses],
    }


def render_pauses(analysis: AudioAnalysis) -> str:
    loud = analysis.loudness
    lines = [
        f"{len(analysis.pauses)} pauses in {format_clock(analysis.duration_ms)} "
        f"(noise floor {loud.floor_db:.1f} dBFS, speech {loud.speech_db:.1f} dBFS, "
        f"threshold {loud.threshold_db:.1f} dBFS)",
        "",
        f"{'start':>12}  {'end':>12}  {'length':>7}  {'depth':>7}",
    ]
    for p in analysis.pauses:
        lines.append(
            f"{format_clock(p.start_ms):>12}  {format_clock(p.end_ms):>12}  "
            f"{p.duration_ms:>5}ms  {p.depth_db:>5.1f}dB"
        )
    return "\n".join(lines) + "\n"
