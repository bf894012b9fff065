"""Checks a smart-cut clip passes before it is kept: it decodes without errors where
its parts join, its timestamps start at 0, it has video and audio within one frame
of the requested length, and its first frame is the source frame at the in point.
A keyframe cut (fast mode) is checked for what it promises: video and audio, a length
that only a keyframe cut's pre-roll and reordered frames make longer, playback from
the in point, and the first samples decoding cleanly.

Every part of a clip (re-encoded head, copied run, re-encoded tail) starts on an IDR
frame, so each join is decoded from that frame for a few frames in decode order (a
whole mini-GOP of any B-frame pyramid): the copied middle is the source's own bytes,
and decoding all of it again would cost more than the cut itself. The decodes run in
this process with FFmpeg's demuxer and decoder (PyAV), strict about damage.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from clipdesk.media.h264_frames import (
    STRICT,
    CodecError,
    Decoder,
    Picture,
    error_text,
    load_codecs,
    picture,
    psnr,
)
from clipdesk.media.mp4_index import FileBytes, Mp4Error, Track, read_index
from clipdesk.media.probe import MediaInfo, check_clip
from clipdesk.media.run_result import Cancelled
from clipdesk.media.smart_cut import Frames

JOIN_FRAMES = 5  # samples decoded from each part's IDR frame: I, P and a pyramid of 3 B
# The demuxer's own reading (edit lists, timestamps) without its probing of the first
# packets: the checks decode those packets themselves.
NO_PROBE = {"probesize": "32", "analyzeduration": "0"}


@dataclass(frozen=True)
class Window:
    start_s: float
    end_s: float


def check_smart_clip(
    path: Path,
    expected_ms: int,
    windows: list[Window],
    reference: Picture,
    cancelled: Callable[[], bool],
    min_psnr: float = 30.0,
) -> str | None:
    """Why the clip must not be kept, or None. windows: where each part starts (and
    ends) in the clip; reference: the source frame at the in point."""
    try:
        index = read_index(FileBytes(path))
    except (Mp4Error, OSError) as exc:
        return f"the clip cannot be read back: {exc}"
    video, audio = index.video(), index.audio()
    fps = video.timescale / Frames(video).step if video is not None and video.count > 1 else None
    duration = None
    if video is not None:
        duration = video.duration() / video.timescale
    info = MediaInfo(duration, video is not None, audio is not None, fps)
    why = check_clip(info, expected_ms)
    if why:
        return why
    assert video is not None
    try:
        first, starts = _decode_start(path)
        for w in sorted(windows, key=lambda w: w.start_s):
            if cancelled():
                raise Cancelled
            if w.start_s > 0:
                _decode_join(path, video, w.start_s)
    except _Bad as exc:
        return str(exc)
    for kind, start in starts.items():
        if abs(start) > 0.001:
            return f"the {kind} starts at {start:.3f} s, not 0"
    quality = psnr(first, reference)
    if quality < min_psnr:
        return f"the first frame is not the source frame at the in point (PSNR {quality:.1f} dB)"
    return None


class _Bad(Exception):
    pass


def _decode_start(path: Path) -> tuple[Picture, dict[str, float]]:
    """The clip read as a player reads it (edit lists applied): its first frame, and
    when its first video and audio frames are shown; the first samples decoded."""
    try:
        av = load_codecs()
    except CodecError as exc:
        raise _Bad(str(exc)) from exc
    try:
        with av.open(str(path), options=NO_PROBE) as container:
            vs = container.streams.video[0]
            streams: list = [vs, *container.streams.audio[:1]]
            vs.codec_context.thread_count = 1
            vs.codec_context.options = dict(STRICT)
            first: Picture | None = None
            starts: dict[str, float] = {}
            sent = 0
            for packet in container.demux(*streams):
                is_video = packet.stream is vs
                if is_video:
                    if sent >= JOIN_FRAMES and first is not None:
                        continue  # enough video decoded: read on to the first audio
                    sent += 1
                for frame in packet.decode():
                    kind = "video" if is_video else "audio"
                    if kind not in starts and frame.pts is not None and frame.time_base:
                        starts[kind] = float(frame.pts * frame.time_base)
                    if is_video and first is None:
                        first = picture(frame)
                if first is not None and sent >= JOIN_FRAMES and len(starts) == len(streams):
                    break
    except av.FFmpegError as exc:
        raise _Bad(f"the clip does not decode cleanly: {error_text(exc)}") from exc
    if first is None:
        raise _Bad("the clip's first frame does not decode")
    for kind in ("video", "audio")[: len(streams)]:
        if kind not in starts:
            raise _Bad(f"the clip's {kind} does not decode")
    return first, starts


def _decode_join(path: Path, video: Track, start_s: float) -> None:
    """Decode the part that starts at start_s from its IDR frame, a few samples on."""
    pts = video.pts()
    want = start_s * video.timescale
    n = min(range(video.count), key=lambda k: abs(pts[k] - want))
    if not video.is_sync(n):
        raise _Bad(f"the part at {start_s:.3f} s does not start on a keyframe")
    assert video.avc is not None
    data = FileBytes(path)
    got = 0
    try:
        decoder = Decoder(video.avc, strict=True)
        for k in range(n, min(n + JOIN_FRAMES, video.count)):
            got += len(decoder.decode(data.read(video.offsets[k], video.sizes[k]), pts[k]))
        got += len(decoder.decode(None))
    except CodecError as exc:
        raise _Bad(f"the clip does not decode cleanly at {start_s:.3f} s: {exc}") from exc
    if got != min(JOIN_FRAMES, video.count - n):
        raise _Bad(f"the clip's frames at {start_s:.3f} s do not all decode")


def check_keyframe_clip(
    path: Path, expected_ms: int, preroll_s: float, cancelled: Callable[[], bool]
) -> str | None:
    """Why a keyframe-cut clip must not be kept, or None. preroll_s: how long its
    frames before the in point last."""
    try:
        index = read_index(FileBytes(path))
    except (Mp4Error, OSError) as exc:
        return f"the clip cannot be read back: {exc}"
    video, audio = index.video(), index.audio()
    if video is None or not video.count:
        return "the result has no video stream"
    frames = Frames(video)
    ts = video.timescale
    stored_s = (frames.end_time(len(frames.times)) - frames.times[0]) / ts
    info = MediaInfo(stored_s, True, audio is not None, ts / frames.step)
    why = check_clip(info, expected_ms, preroll_s)
    if why:
        return why
    assert audio is not None
    if abs(frames.times[0] / ts + preroll_s) > 0.001:
        return f"the clip's video does not start {preroll_s:.3f} s before the in point"
    if 0 not in frames.times:
        return "no frame of the clip is shown at its start"
    apts = audio.pts()
    if not apts[0] <= 0 < apts[-1]:
        return "the clip's audio does not play from the in point"
    if cancelled():
        raise Cancelled
    return _decode_first(path)


def _decode_first(path: Path) -> str | None:
    """Decode the first video samples (a GOP's start and a B-frame pyramid) and the
    first audio packets as stored, edit lists ignored, strict about damage."""
    try:
        av = load_codecs()
    except CodecError as exc:
        return str(exc)
    sent: dict[str, int] = {}
    got: dict[str, int] = {}
    try:
        with av.open(str(path), options={**NO_PROBE, "ignore_editlist": "1"}) as container:
            streams = [*container.streams.video[:1], *container.streams.audio[:1]]
            for s in streams:
                s.codec_context.thread_count = 1
                s.codec_context.options = dict(STRICT)
            for packet in container.demux(*streams):
                kind = packet.stream.type
                if packet.size and sent.get(kind, 0) < JOIN_FRAMES:
                    sent[kind] = sent.get(kind, 0) + 1
                    got[kind] = got.get(kind, 0) + len(packet.decode())
                if all(sent.get(s.type, 0) >= JOIN_FRAMES for s in streams):
                    break
            for s in streams:
                got[s.type] = got.get(s.type, 0) + len(s.codec_context.decode(None))
    except av.FFmpegError as exc:
        return f"the clip does not decode cleanly: {error_text(exc)}"
    for kind, n in sent.items():
        if got.get(kind, 0) < n:
            return f"the clip's first {kind} frames do not all decode"
    return None
