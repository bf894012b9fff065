"""Smart cut of one clip from a local (possibly sparse) MP4: re-encode only the frames
from the in point to the next keyframe (the head) and the few after the last point
where the copy may end (the tail), copy everything between, and write one MP4 whose
first stored frame is the start frame (no edit list on the video).

The heads are encoded with the source's x264 settings so their SPS/PPS are the
copied part's, byte for byte (checked). The frames to encode are decoded in this
process from the source's samples, by sample number from the keyframe before them:
no seeking, so no timestamp rounding can shift a head by a frame; frames that nothing
refers to and that are not kept are not decoded at all. Audio is copied, one packet of
pre-roll and an edit that skips to the first video frame's time (sample-exact).
"""

from __future__ import annotations

import bisect
import operator
import os
import struct
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from clipdesk.media.h264_bridge import BRIDGE_MIN, BridgeBuilder, CannotBridge
from clipdesk.media.h264_frames import (
    CodecError,
    Decoder,
    Encoded,
    Encoder,
    Picture,
    PictureFormat,
    avcc_record,
    is_reference,
    made_ahead,
    picture,
)
from clipdesk.media.h264_refs import skippable
from clipdesk.media.mp4_index import (
    AvcConfig,
    FileBytes,
    Mp4Error,
    Mp4Index,
    Track,
    idr_pic_id,
    ms_after_next_keyframe,
    nal_units,
    read_index,
    x264_settings,
)
from clipdesk.media.mp4_writer import OutTrack, Sample, write_mp4
from clipdesk.media.run_result import Cancelled

if TYPE_CHECKING:
    from av.video.frame import VideoFrame

# Head and tail encodes of every running job share the machine's cores.
ENCODE_SLOTS = threading.BoundedSemaphore(max(1, os.cpu_count() or 1))
# A long head or tail is encoded on two threads: a batch's last clips then finish on
# both cores instead of one (x264's frame threads cost about 5% more work).
ENCODE_THREADS = min(2, os.cpu_count() or 1)
LONG_PART = 12  # frames
MAX_AUDIO_PACKETS_PER_S = 1000  # AAC has about 47, Opus 50; PCM in MOV one per sample

_PROFILES = {66: "baseline", 77: "main", 100: "high", 110: "high10", 122: "high422", 244: "high444"}
_DIRECT = {"0": "none", "1": "spatial", "2": "temporal", "3": "auto"}


class CannotSmartCut(Exception):
    """The source or this clip cannot be smart-cut; str() says why (the job then
    re-encodes the whole clip)."""


@dataclass(frozen=True)
class CutInput:
    path: Path  # a local file holding at least the samples the clip needs
    index: Mp4Index


class Frames:
    """A video track seen in presentation order."""

    _recent: ClassVar[dict[int, tuple[Track, Frames]]] = {}
    _recent_lock: ClassVar[threading.Lock] = threading.Lock()

    @classmethod
    def of(cls, track: Track) -> Frames:
        """The same as Frames(track), made once for the clips of a batch (they share
        the source's index)."""
        with cls._recent_lock:
            got = cls._recent.get(id(track))
            if got is not None and got[0] is track:
                return got[1]
        frames = cls(track)
        with cls._recent_lock:
            if len(cls._recent) >= 4:
                cls._recent.clear()
            cls._recent[id(track)] = (track, frames)
        return frames

    def __init__(self, track: Track) -> None:
        self.track = track
        pts = track.pts()
        self.pts = pts
        self.order = sorted(range(track.count), key=pts.__getitem__)  # frame -> sample
        # sample -> frame: the inverse permutation, sorted out in C rather than a loop
        self.rank = sorted(range(track.count), key=self.order.__getitem__)
        self.times = list(map(pts.__getitem__, self.order))
        steps = sorted(map(operator.sub, self.times[1:], self.times))
        self.step = steps[len(steps) // 2] if steps else track.timescale // 25
        self.keys = sorted(self.rank[s] for s in (track.sync or range(track.count)))

    def frame_at(self, ms: int) -> int:
        """The first frame shown at or after ms (a quarter frame of slack for ms rounding)."""
        t = ms * self.track.timescale / 1000 - self.step / 4
        return bisect.bisect_left(self.times, t)

    def key_at_or_before(self, frame: int) -> int:
        i = bisect.bisect_right(self.keys, frame) - 1
        if i < 0:
            raise CannotSmartCut("the video does not start with a keyframe")
        return self.keys[i]

    def end_time(self, frame: int) -> int:
        """Presentation time where frame starts (one step past the last frame)."""
        return self.times[frame] if frame < len(self.times) else self.times[-1] + self.step


@dataclass(frozen=True)
class Segment:
    encode: bool
    first: int  # first frame (presentation order, source numbering)
    end: int  # one past the last frame
    samples: tuple[int, int]  # source samples (decode order) copied, or decoded for the encode
    key: int = 0  # encode: the keyframe its decode run starts on
    # encode: one frame encoded twice, the second IDR frame kept (x264 numbers it 1)
    second_idr: bool = False


@dataclass
class VideoPlan:
    first: int
    end: int
    segments: list[Segment]

    @property
    def frames(self) -> int:
        return self.end - self.first

    @property
    def encoded_frames(self) -> int:
        return sum(s.end - s.first for s in self.segments if s.encode)


def plan_video(
    frames: Frames,
    start_ms: int,
    end_ms: int,
    copied_idr_id: Callable[[int], int | None] = lambda sample: None,
) -> VideoPlan:
    """Which frames to encode and which samples to copy. copied_idr_id reads a copied
    keyframe's idr_pic_id (None: unknown, taken as a clash)."""
    a = frames.frame_at(start_ms)
    b = min(frames.frame_at(end_ms), len(frames.times))
    if a >= b:
        raise CannotSmartCut("the clip holds no video frame")
    inside = [k for k in frames.keys if a <= k < b]
    segments: list[Segment] = []
    if not inside:
        segments.append(_encode_segment(frames, a, b))
        return VideoPlan(a, b, segments)
    k1 = inside[0]
    _check_closed(frames, k1)
    if a < k1:
        segments.append(_encode_segment(frames, a, k1))
    # Copy the longest run of samples (decode order) from k1 whose frames are exactly
    # k1..T-1: nothing kept then refers to a frame that is not kept.
    d0 = frames.order[k1]
    top, cut_t, cut_d = k1 - 1, k1, d0
    for seen, d in enumerate(range(d0, frames.track.count), start=1):
        f = frames.rank[d]
        if f >= b or f < k1:
            break
        top = max(top, f)
        if top - k1 + 1 == seen:
            cut_t, cut_d = top + 1, d + 1
    if cut_t == k1:
        raise CannotSmartCut("no run of frames after the keyframe can be copied")
    segments.append(Segment(False, k1, cut_t, (d0, cut_d)))
    if cut_t < b:
        segments.append(_encode_segment(frames, cut_t, b))
    return VideoPlan(a, b, _no_lone_idr(frames, segments, copied_idr_id))


def _no_lone_idr(
    frames: Frames, segments: list[Segment], copied_idr_id: Callable[[int], int | None]
) -> list[Segment]:
    """Every part starts with an IDR frame and x264 numbers its first one 0: a part of
    one frame followed by another part would put two IDR frames with the same
    idr_pic_id back to back, which H.264 forbids. Such a part grows instead."""
    out = list(segments)
    i = 0
    while i < len(out) - 1:
        part, nxt = out[i], out[i + 1]
        if part.end - part.first != 1:
            i += 1
            continue
        copied = copied_idr_id(nxt.samples[0]) if part.encode and not nxt.encode else None
        if copied is not None and copied != 0:
            i += 1  # x264's IDR frame is numbered 0, the copied one is not: no clash
            continue
        if copied == 0:
            # x264 numbers its second IDR frame 1: the frame is encoded twice and the
            # second kept, instead of re-encoding the whole next GOP.
            out[i] = replace(part, second_idr=True)
            i += 1
            continue
        if part.encode and not nxt.encode:
            # A one-frame head: copy from the next keyframe instead, if there is one.
            later = [k for k in frames.keys if nxt.first < k < nxt.end]
            if later and _closed(frames, later[0]):
                k2 = later[0]
                out[i : i + 2] = [
                    _encode_segment(frames, part.first, k2),
                    Segment(False, k2, nxt.end, (frames.order[k2], nxt.samples[1])),
                ]
                i += 1
                continue
        out[i : i + 2] = [_encode_segment(frames, part.first, nxt.end)]
    return out


def _closed(frames: Frames, key: int) -> bool:
    try:
        _check_closed(frames, key)
    except CannotSmartCut:
        return False
    return True


def _check_closed(frames: Frames, key: int) -> None:
    d = frames.order[key]
    lo, hi = max(0, d - 64), min(frames.track.count, d + 64)
    for s in range(lo, hi):
        if (s < d) != (frames.rank[s] < key):
            raise CannotSmartCut("open GOP at the keyframe after the in point")


def _encode_segment(frames: Frames, first: int, end: int) -> Segment:
    key = frames.key_at_or_before(first)
    d0 = frames.order[key]
    d1 = max(frames.order[f] for f in range(key, end)) + 1
    return Segment(True, first, end, (d0, d1), key)


# -- x264 settings ------------------------------------------------------------------


def x264_options(track: Track, first_sample: bytes) -> dict[str, str]:
    """libx264's options that rebuild the source's SPS/PPS: every option the headers
    depend on is the source's, the analysis ones are cheap."""
    avc = track.avc
    if track.codec != "avc1" or avc is None:
        raise CannotSmartCut(f"the video is {track.codec}, not H.264 in avc1")
    s = x264_settings(first_sample, avc.nal_length_size)
    if s is None:
        raise CannotSmartCut("the video was not made by x264 (no settings to match)")
    for key, why in (("interlaced", "interlaced video"), ("open_gop", "open GOPs")):
        if s.get(key, "0") != "0":
            raise CannotSmartCut(f"the source uses {why}")
    if s.get("cqm", "0") != "0":
        raise CannotSmartCut("the source uses custom quantiser matrices")
    if avc.profile not in _PROFILES:
        raise CannotSmartCut(f"H.264 profile {avc.profile} is not supported")
    p: dict[str, str] = {}
    for ours, theirs in (
        ("cabac", "cabac"), ("ref", "ref"), ("8x8dct", "8x8dct"), ("bframes", "bframes"),
        ("b-pyramid", "b_pyramid"), ("weightp", "weightp"), ("weightb", "weightb"),
        ("keyint", "keyint"), ("min-keyint", "keyint_min"),
        ("chroma-qp-offset", "chroma_qp_offset"), ("constrained-intra", "constrained_intra"),
        ("bluray-compat", "bluray_compat"), ("vbv-maxrate", "vbv_maxrate"),
        ("vbv-bufsize", "vbv_bufsize"), ("nal-hrd", "nal_hrd"),
    ):  # fmt: skip
        if theirs in s:
            p[ours] = s[theirs]
    deblock = s.get("deblock", "1:0:0").split(":")
    if deblock[0] == "0":
        p["no-deblock"] = "1"
    elif len(deblock) == 3:
        p["deblock"] = f"{deblock[1]},{deblock[2]}"
    if s.get("direct") in _DIRECT:
        p["direct"] = _DIRECT[s["direct"]]
    rc = s.get("rc", "crf")
    if rc == "crf" and "crf" in s:
        p["crf"] = s["crf"]  # its integer part sets the PPS's initial QP
    elif rc in ("abr", "2pass") and "bitrate" in s:
        p["bitrate"] = s["bitrate"]
    elif rc == "cqp" and "qp" in s:
        p["qp"] = s["qp"]
    else:
        raise CannotSmartCut(f"x264 rate control {rc!r} cannot be matched")
    # The reported chroma QP offset already includes psy's adjustment: no psy here,
    # so it is taken as it stands. The rest only changes the analysis, not the headers:
    # no adaptive quantisation and no subpixel refinement take about a third off the
    # encode (heads still come out within 50 dB of the source frames).
    p.update(psy="0", subme="0", me="dia", trellis="0", mbtree="0", scenecut="0")
    p["aq-mode"] = "0"
    p.update({"rc-lookahead": "0", "b-adapt": "0", "sliced-threads": "0"})
    p["level"] = str(avc.level)
    return {
        "preset": "ultrafast",
        "profile": _PROFILES[avc.profile],
        "x264-params": ":".join(f"{k}={v}" for k, v in p.items()),
    }


def _keyint_at_least(options: dict[str, str], frames: int) -> dict[str, str]:
    """A part longer than the source's keyframe interval (a head grown to the next
    keyframe) gets no IDR frame inside: its last frame could be one, next to the
    copied IDR frame. The interval is not in x264's SPS/PPS (which are checked)."""
    params = dict(item.split("=", 1) for item in options["x264-params"].split(":"))
    if params.get("keyint", "").isdigit() and int(params["keyint"]) < frames:
        params["keyint"] = str(frames)
    return {**options, "x264-params": ":".join(f"{k}={v}" for k, v in params.items())}


def first_nal_type(sample: bytes, length_size: int) -> int:
    for nal in nal_units(sample, length_size):
        if nal and nal[0] & 0x1F in (1, 5):
            return nal[0] & 0x1F
    return 0


# -- the cut ------------------------------------------------------------------------


@dataclass(frozen=True)
class EncodedPart:
    """A head or tail: its samples (decode order) stored one after another in path."""

    path: Path
    samples: list[Encoded]
    offsets: list[int]
    pps: bytes = b""  # a PPS the part's samples need besides the source's (a bridge's)
    note: str = ""


@dataclass
class CutResult:
    plan: VideoPlan
    reference: Picture  # the source frame at the in point, for the check
    encoded_frames: int
    notes: list[str] = field(default_factory=list)


class SmartCut:
    """Cut one clip. Raises CannotSmartCut (say why, re-encode instead) or Cancelled."""

    def __init__(
        self,
        video: CutInput,
        audio: CutInput | None,
        work: Path,
        cancelled: Callable[[], bool],
        on_fraction: Callable[[float], None],
        wait_for: Callable[[int, int], None] = lambda start_ms, end_ms: None,
    ) -> None:
        """wait_for(start_ms, end_ms): returns once the source's bytes for that span of
        the clip are on disk (a remote source's batch read is still going on)."""
        self.video, self.audio = video, audio
        self.work = work
        self.cancelled = cancelled
        self.on_fraction = on_fraction
        self.wait_for = wait_for
        vtrack = video.index.video()
        if vtrack is None:
            raise CannotSmartCut("the source has no video track")
        self.vtrack = vtrack
        self.frames = Frames.of(vtrack)
        self._file = FileBytes(video.path)

    def read_sample(self, n: int) -> bytes:
        t = self.vtrack
        return self._file.read(t.offsets[n], t.sizes[n])

    def cut(self, start_ms: int, end_ms: int, out: Path) -> CutResult:
        try:
            return self._cut(start_ms, end_ms, out)
        except CodecError as exc:
            raise CannotSmartCut(str(exc)) from exc

    def _cut(self, start_ms: int, end_ms: int, out: Path) -> CutResult:
        frames, track = self.frames, self.vtrack
        if track.codec != "avc1" or track.avc is None:
            raise CannotSmartCut(f"the video is {track.codec}, not H.264 in avc1")
        avc = track.avc
        sps = avc.sps[0] if avc.sps else b""

        def copied_id(n: int) -> int | None:
            return idr_pic_id(self.read_sample(n), sps, avc.nal_length_size)

        # The head can start once its GOP is here; the rest of the clip arrives meanwhile.
        self.wait_for(start_ms, min(end_ms, ms_after_next_keyframe(self.video.index, start_ms)))
        plan = plan_video(frames, start_ms, end_ms, copied_id)
        copies = [s for s in plan.segments if not s.encode]
        if copies:  # each copied run's first sample is read (is it an IDR frame?)
            self.wait_for(start_ms, min(end_ms, self._ms_after(copies[-1].first)))
        encodes = [s for s in plan.segments if s.encode]
        options: dict[str, str] = {}
        if encodes:
            options = x264_options(track, self.read_sample(0))
        for seg in plan.segments:
            if not seg.encode:
                nal = first_nal_type(self.read_sample(seg.samples[0]), avc.nal_length_size)
                if nal != 5:
                    raise CannotSmartCut("the keyframe after the in point is not an IDR frame")
        total = max(1, plan.encoded_frames)
        done = [0] * len(plan.segments)
        results: dict[int, tuple[EncodedPart, Picture | None]] = {}
        errors: list[BaseException] = []
        notes: list[str] = []

        def encode(i: int, seg: Segment) -> None:
            def progress(frame: int) -> None:
                done[i] = frame
                self.on_fraction(0.6 * sum(done) / total)

            try:
                # Its frames are decoded from the keyframe before it, up to its end.
                if i == 0:
                    self.wait_for(start_ms, min(end_ms, self._ms_after(seg.end)))
                else:
                    self.wait_for(self._ms(seg.first), end_ms)
                with ENCODE_SLOTS:
                    if i == 0 and self._bridgeable(plan, seg):
                        try:
                            results[i] = self._bridge(i, seg, options, progress)
                            notes.append(results[i][0].note)
                            return
                        except CannotBridge as exc:
                            notes.append(f"head re-encoded to the keyframe: {exc}")
                    results[i] = self._encode(i, seg, options, i == 0, progress)
            except BaseException as exc:  # handed to the caller's thread
                errors.append(exc)

        threads = [
            threading.Thread(target=encode, args=(i, s), daemon=True)
            for i, s in enumerate(plan.segments)
            if s.encode
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise errors[0]
        first_shown = results[0][1] if 0 in results else None
        if first_shown is None:  # the clip starts with a copied keyframe: decoded alone
            first_shown = self._decode_alone(frames.order[plan.first])
        self.wait_for(start_ms, end_ms)
        self._write(plan, {i: part for i, (part, _) in results.items()}, out)
        return CutResult(plan, first_shown, plan.encoded_frames, notes)

    def _ms(self, frame: int) -> int:
        return self.frames.times[frame] * 1000 // self.vtrack.timescale

    def _ms_after(self, frame: int) -> int:
        """A millisecond past the start of the frame (its sample is then in the spans)."""
        return -(-self.frames.end_time(frame + 1) * 1000 // self.vtrack.timescale) + 1

    def _bridgeable(self, plan: VideoPlan, seg: Segment) -> bool:
        after = plan.segments[1:2]
        return (
            seg.end - seg.first >= BRIDGE_MIN
            and not seg.second_idr
            and bool(after)
            and not after[0].encode
            and after[0].first == seg.end
        )

    def _bridge(
        self, i: int, seg: Segment, options: dict[str, str], progress: Callable[[int], None]
    ) -> tuple[EncodedPart, Picture | None]:
        """The head as a bridge into its GOP (h264_bridge), instead of re-encoding it."""
        frames, t = self.frames, self.vtrack
        avc = self._avc()
        step = Fraction(frames.step, t.timescale)

        def encoder_for(frame: VideoFrame, like: PictureFormat) -> Encoder:
            return Encoder(options, like, frame, step, avc.nal_length_size)

        builder = BridgeBuilder(avc, self.read_sample, frames.rank, frames.order,
                                frames.times, t.pts(), self.cancelled)  # fmt: skip
        bridge = builder.build(seg.first, seg.key, seg.end, encoder_for, progress)
        if self.cancelled():
            raise Cancelled
        part = self._store(i, bridge.samples, bridge.pps)
        part = replace(part, note=f"head: {bridge.encoded} frames re-encoded, the anchor "
                       f"stored exactly, {bridge.copied} copied")  # fmt: skip
        return part, bridge.first

    def _store(self, i: int, samples: list[Encoded], pps: bytes = b"") -> EncodedPart:
        path = self.work / f"seg{i}.h264"
        offsets, at = [], 0
        with open(path, "wb") as f:
            for e in samples:
                offsets.append(at)
                f.write(e.data)
                at += len(e.data)
        return EncodedPart(path, samples, offsets, pps)

    def _decode_alone(self, n: int) -> Picture:
        try:
            decoder = Decoder(self._avc())
            got = decoder.decode(self.read_sample(n), 0) + decoder.decode(None)
        except CodecError as exc:
            raise CannotSmartCut(f"the keyframe at the in point: {exc}") from exc
        if not got:
            raise CannotSmartCut("the keyframe at the in point does not decode")
        return picture(got[0])

    def _avc(self) -> AvcConfig:
        assert self.vtrack.avc is not None
        return self.vtrack.avc

    def _encode(
        self,
        i: int,
        seg: Segment,
        options: dict[str, str],
        want_ref: bool,
        progress: Callable[[int], None],
    ) -> tuple[EncodedPart, Picture | None]:
        """Decode the segment's frames from the keyframe before it and encode them. The
        frames before the segment that nothing refers to are not decoded."""
        frames, t = self.frames, self.vtrack
        avc = self._avc()
        count = seg.end - seg.first
        extra = 1 if seg.second_idr else 0  # encoded frames dropped before the kept ones
        options = _keyint_at_least(options, count + 1)
        if seg.second_idr:
            options["forced-idr"] = "1"
        pts = t.pts()
        decoder = Decoder(avc)
        encoder: Encoder | None = None
        encoded: list[Encoded] = []
        reference: Picture | None = None
        frame_time = Fraction(frames.step, t.timescale)
        threads = ENCODE_THREADS if count >= LONG_PART else 1

        # Read on the decoding thread with its first frame, taken after it.
        decoded_as: list[PictureFormat] = []

        # A head just before a keyframe needs the GOP's P-frames, not its B-frames.
        wanted = {n for n in range(*seg.samples) if seg.first <= frames.rank[n] < seg.end}
        skip = skippable(avc, self.read_sample, seg.samples[0], seg.samples[1], wanted)

        def shown() -> Iterator[tuple[int, VideoFrame]]:
            """The segment's frames, decoded from the keyframe before it."""
            for n in range(*seg.samples):
                if self.cancelled():
                    raise Cancelled
                data = self.read_sample(n)
                if n not in wanted and not is_reference(data, avc.nal_length_size):
                    continue
                yield from in_segment(decoder.decode(data, pts[n], skip=n in skip))
            yield from in_segment(decoder.decode(None))

        def in_segment(got: list[VideoFrame]) -> Iterator[tuple[int, VideoFrame]]:
            for frame in got:
                if frame.pts is None:
                    raise CannotSmartCut("a decoded frame of the head/tail has no time")
                k = bisect.bisect_left(frames.times, frame.pts)
                if k < len(frames.times) and frames.times[k] != frame.pts:
                    raise CannotSmartCut("a decoded frame's time is not one of the source's")
                if seg.first <= k < seg.end:
                    if not decoded_as:
                        decoded_as.append(PictureFormat.of(decoder))
                    yield k, frame

        try:
            for k, frame in made_ahead(shown()):
                if encoder is None:
                    encoder = Encoder(options, decoded_as[0], frame, frame_time,
                                      avc.nal_length_size, threads)  # fmt: skip
                if want_ref and reference is None:
                    reference = picture(frame)
                if extra and k == seg.first:
                    encoded.extend(encoder.encode(frame))
                    encoded.extend(encoder.encode(frame, idr=True))
                else:
                    encoded.extend(encoder.encode(frame))
                progress(k - seg.first + 1)
            if encoder is None:
                raise CannotSmartCut("the frames of the head/tail do not decode")
            encoded.extend(encoder.encode(None))
        except CodecError as exc:
            raise CannotSmartCut(f"the head/tail encode failed: {exc}") from exc
        if len(encoded) != count + extra:
            got = len(encoded)
            raise CannotSmartCut(f"the head/tail encode gave {got} frames, not {count + extra}")
        if (encoder.sps, encoder.pps) != (avc.sps, avc.pps):
            raise CannotSmartCut("the re-encoded frames' SPS/PPS differ from the source's")
        if seg.second_idr:
            kept = next(e for e in encoded if e.pts == 1)
            if not kept.key or idr_pic_id(kept.data, avc.sps[0], avc.nal_length_size) != 1:
                raise CannotSmartCut("the re-encoded frame is not an IDR frame numbered 1")
        return self._store(i, encoded), reference

    # -- writing -------------------------------------------------------------------
    def _write(self, plan: VideoPlan, encoded: dict[int, EncodedPart], out: Path) -> None:
        frames, t = self.frames, self.vtrack
        files = [self.video.path]
        parts: list[tuple[int, int, int, bool, int]] = []  # file, offset, size, sync, pts
        base = frames.times[plan.first]
        for i, seg in enumerate(plan.segments):
            if not seg.encode:
                for n in range(*seg.samples):
                    parts.append((0, t.offsets[n], t.sizes[n], t.is_sync(n), t.pts()[n] - base))
                continue
            part = encoded[i]
            files.append(part.path)
            extra = 1 if seg.second_idr else 0
            for e, offset in zip(part.samples, part.offsets, strict=True):
                if e.pts < extra:
                    continue
                when = frames.times[seg.first + e.pts - extra] - base
                parts.append((len(files) - 1, offset, len(e.data), e.key, when))
        last = frames.end_time(plan.end) - frames.times[plan.end - 1]
        stsd = t.stsd
        bridged = [part.pps for part in encoded.values() if part.pps]
        if bridged:  # one head per clip: at most one PPS to add
            avc = self._avc()
            stsd = with_avcc(stsd, avcc_record(replace(avc, pps=[*avc.pps, bridged[0]])))
        video = OutTrack("vide", t.timescale, stsd, timed_samples(parts), last, *track_size(t),
                         matrix=track_matrix(t))  # fmt: skip
        tracks = [video]
        start_s = base / t.timescale
        length_s = (frames.end_time(plan.end) - base) / t.timescale
        if self.audio is not None:
            atrack = self.audio.index.audio()
            if atrack is not None:
                if self.audio.path not in files:
                    files.append(self.audio.path)
                tracks.append(audio_track(atrack, files.index(self.audio.path), start_s, length_s))

        def wrote(n: int, total: int) -> None:
            self.on_fraction(0.6 + 0.3 * n / max(1, total))

        if not write_mp4(out, tracks, files, wrote, self.cancelled):
            raise Cancelled


def timed_samples(parts: list[tuple[int, int, int, bool, int]]) -> list[Sample]:
    """Video samples in decode order from (file, offset, size, sync, presentation time)
    with the first frame shown at 0: decode times are the presentation times in order,
    so that no sample is decoded later than the one after it needs."""
    times = sorted(p[4] for p in parts)
    return [
        Sample(f, off, size, times[k], pts - times[k], sync)
        for k, (f, off, size, sync, pts) in enumerate(parts)
    ]


def with_avcc(stsd: bytes, record: bytes) -> bytes:
    """The stsd box of one avc1 entry with this avcC record in it."""
    if len(stsd) < 24 or struct.unpack_from(">I", stsd, 12)[0] != 1:
        raise CannotSmartCut("the video's sample description is not one avc1 entry")
    entry = struct.unpack_from(">I", stsd, 16)[0]
    at = 16 + 8 + 78
    while at + 8 <= 16 + entry:
        size, kind = struct.unpack_from(">I4s", stsd, at)
        if size < 8:
            break
        if kind == b"avcC":
            box = struct.pack(">I4s", 8 + len(record), b"avcC") + record
            grow = len(box) - size
            body = stsd[:at] + box + stsd[at + size :]
            head = struct.pack(">I", len(body)) + body[4:16] + struct.pack(">I", entry + grow)
            return head + body[20:]
        at += size
    raise CannotSmartCut("the video's sample description has no avcC")


def track_size(t: Track) -> tuple[int, int]:
    # tkhd ends with width and height (16.16 fixed point)
    w, h = struct.unpack_from(">II", t.tkhd, len(t.tkhd) - 8)
    return w, h


def track_matrix(t: Track) -> bytes:
    """The display matrix (a rotation) in the source's tkhd, just before its size."""
    return t.tkhd[-44:-8]


def audio_track(track: Track, file: int, start_s: float, length_s: float) -> OutTrack:
    """The audio packets covering start..start+length with one packet of pre-roll, and
    an edit that starts playback exactly at start."""
    pts = track.pts()
    rate = track.timescale
    if track.count > MAX_AUDIO_PACKETS_PER_S * max(1.0, track.duration() / rate):
        # PCM stored a sample at a time: millions of entries for a minute of clip.
        raise CannotSmartCut("the audio is stored a sample at a time (PCM)")
    start, end = round(start_s * rate), round((start_s + length_s) * rate)
    first = max(0, bisect.bisect_right(pts, start) - 2)  # the packet holding start, less one
    last = bisect.bisect_left(pts, end)
    if last <= first:
        raise CannotSmartCut("no audio in the clip's range")
    base = track.dts[first]
    samples = [
        Sample(file, track.offsets[n], track.sizes[n], track.dts[n] - base, 0)
        for n in range(first, min(last + 1, track.count))
    ]
    step = track.dts[1] - track.dts[0] if track.count > 1 else 1024
    skip = start - pts[first]
    if skip < 0:
        raise CannotSmartCut("the audio starts after the clip does")
    out = OutTrack("soun", rate, track.stsd, samples, step)
    if out.media_duration() <= skip:
        raise CannotSmartCut("the audio ends before the clip starts")
    out.edit_media_time = skip
    out.edit_duration = min(end - start, out.media_duration() - skip)
    return out


_opened: dict[tuple[str, int, int], CutInput] = {}
_opened_lock = threading.Lock()


def open_input(path: Path) -> CutInput:
    """A local MP4's index, read once for the clips of a batch (by path, size and time
    of change: an index of a long source takes tens of milliseconds to read)."""
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    with _opened_lock:
        got = _opened.get(key)
    if got is not None:
        return got
    try:
        opened = CutInput(path, read_index(FileBytes(path)))
    except Mp4Error as exc:
        raise CannotSmartCut(str(exc)) from exc
    with _opened_lock:
        if len(_opened) >= 4:
            _opened.clear()
        _opened[key] = opened
    return opened


def media_length(index: Mp4Index) -> tuple[float | None, float | None]:
    """How long the media lasts (its video, else its audio) and its frame rate, from
    its index."""
    video = index.video()
    track = video if video is not None and video.count else index.audio()
    if track is None or not track.count or not track.timescale:
        return None, None
    fps = None
    if video is not None and video.count > 1:
        fps = video.timescale / Frames.of(video).step
    return track.duration() / track.timescale, fps
