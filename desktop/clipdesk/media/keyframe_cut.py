"""Fast mode's keyframe cut, written in this process from the source's MP4 index: no
ffmpeg run, no re-encode, any codec the MP4 holds.

The video is copied from the keyframe at or before the in point up to the last sample
a frame before the out point needs (so it may hold a few frames reordered past the
out point). An edit list starts playback at the in point, as ffmpeg's stream copy
does. The audio is copied from the keyframe's time with the same edit: players that
honour edit lists play the clip from the in point, players that ignore them play it
from the keyframe, and both keep video and audio in sync.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from clipdesk.media.mp4_writer import OutTrack, write_mp4
from clipdesk.media.run_result import Cancelled
from clipdesk.media.smart_cut import (
    CannotSmartCut,
    CutInput,
    Frames,
    audio_track,
    timed_samples,
    track_matrix,
    track_size,
)


@dataclass(frozen=True)
class KeyframeClip:
    keyframe: int  # the first frame stored (source numbering, presentation order)
    first: int  # the first frame shown where edit lists are honoured
    end: int  # one past the last frame shown there
    preroll_s: float  # how long the frames before the in point last


def keyframe_cut(
    video: CutInput,
    audio: CutInput | None,
    start_ms: int,
    end_ms: int,
    out: Path,
    cancelled: Callable[[], bool] = lambda: False,
    on_fraction: Callable[[float], None] = lambda f: None,
) -> KeyframeClip:
    """Write the clip; CannotSmartCut says why it cannot be cut this way (the caller
    then runs ffmpeg), Cancelled that it was cancelled (out may be left half written)."""
    track = video.index.video()
    if track is None or not track.count:
        raise CannotSmartCut("the source has no video track")
    frames = Frames.of(track)
    a = frames.frame_at(start_ms)
    b = min(frames.frame_at(end_ms), len(frames.times))
    if a >= b:
        raise CannotSmartCut("the clip holds no video frame")
    key = frames.key_at_or_before(a)
    d0 = frames.order[key]
    d1 = max(frames.order[f] for f in range(key, b)) + 1
    base = frames.times[key]
    pts = track.pts()
    # Frames shown before the keyframe (an open GOP's leading pictures) refer to the
    # GOP before it, which is not copied: they are left out.
    parts = [
        (0, track.offsets[n], track.sizes[n], track.is_sync(n), pts[n] - base)
        for n in range(d0, d1)
        if frames.rank[n] >= key
    ]
    shown_at = frames.times[a] - base
    shown_for = frames.end_time(b) - frames.times[a]
    last = frames.end_time(b) - frames.times[b - 1]
    vout = OutTrack("vide", track.timescale, track.stsd, timed_samples(parts), last,
                    *track_size(track), matrix=track_matrix(track))  # fmt: skip
    vout.edit_media_time, vout.edit_duration = shown_at, shown_for
    tracks, files = [vout], [video.path]
    atrack = audio.index.audio() if audio is not None else None
    if audio is not None and atrack is not None:
        if audio.path not in files:
            files.append(audio.path)
        ts = track.timescale
        aout = audio_track(atrack, files.index(audio.path), base / ts,
                           (frames.end_time(b) - base) / ts)  # fmt: skip
        rate = atrack.timescale
        assert aout.edit_media_time is not None  # audio_track starts it at the keyframe
        aout.edit_media_time += round(shown_at * rate / ts)
        aout.edit_duration = min(
            round(shown_for * rate / ts), aout.media_duration() - aout.edit_media_time
        )
        if aout.edit_duration <= 0:
            raise CannotSmartCut("the audio ends before the clip starts")
        tracks.append(aout)
    if not write_mp4(out, tracks, files, lambda n, total: on_fraction(n / max(1, total)),
                     cancelled):  # fmt: skip
        raise Cancelled
    return KeyframeClip(key, a, b, shown_at / track.timescale)
