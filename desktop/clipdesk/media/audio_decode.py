"""Decode a source's audio with ffmpeg into a pipe: mono, low rate, 16-bit PCM, read in
bounded chunks so a 4-hour episode never sits in memory as samples.

The child runs in its own process group; a CancelToken kills that group from any
thread, which ends the read at once (the pipe closes).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
import threading
from collections.abc import Callable, Mapping

import numpy as np

DECODE_RATE = 16000  # Hz: speech and its fricatives up to 8 kHz, 32 kB/s through the pipe
# Mains hum (50/60 Hz) is steady energy that would lift the noise floor the pause
# threshold is made from; speech's energy lies above it. One 2-pole high-pass at 120 Hz
# (50 Hz down by 15 dB) did as well in bench/measure_pauses.py as a 24 dB/octave one at
# 200 Hz, for less. A short resampling filter: aliasing does not move energy in time, and
# the default filter cost a quarter more than decoding itself.
RESAMPLE = "filter_size=4:phase_shift=4"
SPEECH_BAND = "highpass=f=120"
CHUNK_S = 8  # seconds of samples per read: 128 kB


class AnalysisCancelled(Exception):
    """The caller cancelled; nothing was cached."""


class AudioError(RuntimeError):
    """The audio cannot be read; str() names the source and says why, for the user."""


class CancelToken:
    """A cancel flag shared by the caller and the work. cancel() may be called from any
    thread (the GUI's) and never blocks: it sets the flag and kills the running child."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._children: set[subprocess.Popen[bytes]] = set()

    def cancel(self) -> None:
        with self._lock:
            self._event.set()
            children = list(self._children)
        for proc in children:
            _kill_group(proc)

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise AnalysisCancelled()

    def attach(self, proc: subprocess.Popen[bytes]) -> None:
        with self._lock:
            self._children.add(proc)
            cancelled = self._event.is_set()
        if cancelled:
            _kill_group(proc)

    def detach(self, proc: subprocess.Popen[bytes]) -> None:
        with self._lock:
            self._children.discard(proc)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    # Raw PCM has no trailer to finish cleanly: SIGKILL at once.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def pcm_argv(
    ffmpeg: str,
    source: str,
    rate: int = DECODE_RATE,
    headers: Mapping[str, str] | None = None,
) -> list[str]:
    """ffmpeg reading the first audio stream of source (an absolute path or an http(s)
    URL) and writing mono s16le at rate to standard output. No shell ever sees it."""
    argv = [ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error"]
    if headers:
        argv += ["-headers", "".join(f"{k}: {v}\r\n" for k, v in headers.items())]
    argv += [
        "-i", source,
        "-map", "0:a:0", "-vn", "-sn", "-dn",  # only the audio is decoded
        "-af", f"aformat=channel_layouts=mono,aresample={rate}:{RESAMPLE},{SPEECH_BAND}",
        "-f", "s16le", "-acodec", "pcm_s16le", "pipe:1",
    ]  # fmt: skip
    return argv


def read_pcm(
    ffmpeg: str,
    source: str,
    on_chunk: Callable[[np.ndarray], None],
    cancel: CancelToken | None = None,
    rate: int = DECODE_RATE,
    headers: Mapping[str, str] | None = None,
    label: str | None = None,
) -> int:
    """Decode source and hand on_chunk int16 arrays of at most CHUNK_S seconds, in order.
    Returns the number of samples read. Raises AnalysisCancelled or AudioError."""
    cancel = cancel or CancelToken()
    cancel.check()
    name = label or source
    chunk_bytes = rate * 2 * CHUNK_S
    with tempfile.TemporaryFile() as err:  # a file, not a pipe: ffmpeg never blocks on it
        try:
            proc = subprocess.Popen(
                pcm_argv(ffmpeg, source, rate, headers),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=err,
                start_new_session=True,  # own group: cancel kills exactly this ffmpeg
            )
        except OSError as exc:
            raise AudioError(f"{name}: ffmpeg could not start: {exc}") from exc
        cancel.attach(proc)
        total = 0
        carry = b""
        try:
            assert proc.stdout is not None
            while True:
                data = proc.stdout.read(chunk_bytes)
                if not data:
                    break
                if carry:
                    data, carry = carry + data, b""
                if len(data) % 2:  # a read can end between the two bytes of a sample
                    data, carry = data[:-1], data[-1:]
                samples = np.frombuffer(data, dtype="<i2")
                total += samples.size
                on_chunk(samples)
                cancel.check()
            rc = proc.wait()
        except BaseException:
            _kill_group(proc)
            proc.wait()
            raise
        finally:
            cancel.detach(proc)
            if proc.stdout is not None:
                proc.stdout.close()
        cancel.check()  # killed mid-read: the short read above looked like an end
        if rc != 0:
            err.seek(0)
            raise AudioError(f"{name}: {_ffmpeg_reason(err.read(), rc)}")
    return total


def _ffmpeg_reason(stderr: bytes, rc: int) -> str:
    lines = [ln.strip() for ln in stderr.decode("utf-8", "replace").splitlines() if ln.strip()]
    text = " ".join(lines)
    if "matches no streams" in text:
        return "has no audio stream"
    if "No such file" in text:
        return "file not found"
    if "Invalid data found" in text:
        return "not a media file ffmpeg can read"
    return lines[-1] if lines else f"ffmpeg failed (exit {rc})"
