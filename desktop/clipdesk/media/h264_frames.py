"""H.264 frames decoded and encoded in this process (PyAV: FFmpeg's libraries, with
libx264): the frames around a smart cut go from the source's samples to new samples
with no ffmpeg run between them (each costs 60-70 ms of start-up before any work) and
no file in between.

Samples are length-prefixed NAL units, as MP4 stores them; x264 writes Annex B (start
codes), which is rewritten here.
"""

from __future__ import annotations

import contextlib
import math
import queue
import struct
import sys
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from types import ModuleType
from typing import TYPE_CHECKING, Literal, TypeVar

from clipdesk.media.mp4_index import AvcConfig, nal_units

if TYPE_CHECKING:
    import av
    from av.video.frame import VideoFrame

T = TypeVar("T")
_loaded = threading.Lock()


class CodecError(Exception):
    """A decode or encode failed, or FFmpeg's libraries cannot be loaded; str() says how."""


def load_codecs() -> ModuleType:
    """PyAV, imported (about 80 ms: FFmpeg's libraries are loaded); a batch does it
    while its source is still being read, not when a clip needs it."""
    with _loaded:
        try:
            import av
        except ImportError as exc:  # a broken install: the clip is re-encoded instead
            raise CodecError(f"FFmpeg's libraries (PyAV) cannot be loaded: {exc}") from exc
        return av


def _load_quietly() -> None:
    with contextlib.suppress(CodecError):
        load_codecs()  # the clip that needs them says why they are missing


def load_codecs_soon() -> None:
    if "av" not in sys.modules:  # every job of a batch asks; one thread loads them
        threading.Thread(target=_load_quietly, name="load-codecs", daemon=True).start()


class _Raised:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


def made_ahead(items: Iterable[T], depth: int = 4) -> Iterator[T]:
    """items, made on a thread of their own up to depth ahead of the one taking them:
    a decode feeding an encode keeps two cores busy instead of one. An error in the
    making is raised here; stopping early stops the making."""
    box: queue.Queue[object] = queue.Queue(depth)
    stop = threading.Event()
    end = object()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                box.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def make() -> None:
        try:
            for item in items:
                if not put(item):
                    return
            put(end)
        except BaseException as exc:  # handed to the taking thread
            put(_Raised(exc))

    maker = threading.Thread(target=make, name="decode-ahead", daemon=True)
    maker.start()
    try:
        while True:
            got = box.get()
            if got is end:
                return
            if isinstance(got, _Raised):
                raise got.exc
            yield got  # type: ignore[misc]
    finally:
        stop.set()
        maker.join()


def error_text(exc: BaseException) -> str:
    """FFmpeg's own words for an error (PyAV's str() adds the errno and the call)."""
    return str(getattr(exc, "strerror", None) or exc)


def avcc_record(avc: AvcConfig) -> bytes:
    """The avcC payload (decoder configuration) for these parameter sets."""
    out = bytearray([1, avc.profile, avc.compat, avc.level, 0xFC | (avc.nal_length_size - 1)])
    out.append(0xE0 | len(avc.sps))
    for sps in avc.sps:
        out += struct.pack(">H", len(sps)) + sps
    out.append(len(avc.pps))
    for pps in avc.pps:
        out += struct.pack(">H", len(pps)) + pps
    return bytes(out + avc.trailer)


def annexb_units(data: bytes) -> Iterator[bytes]:
    """The NAL units of an Annex B byte stream (3- or 4-byte start codes)."""
    starts = []
    at = data.find(b"\x00\x00\x01")
    while at >= 0:
        starts.append(at + 3)
        at = data.find(b"\x00\x00\x01", at + 3)
    for i, s in enumerate(starts):
        end = starts[i + 1] - 3 if i + 1 < len(starts) else len(data)
        # A 4-byte start code leaves its leading zero on the unit before it.
        yield data[s:end].rstrip(b"\x00") if i + 1 < len(starts) else data[s:end]


def length_prefixed(units: list[bytes], length_size: int) -> bytes:
    return b"".join(len(u).to_bytes(length_size, "big") + u for u in units)


def is_reference(sample: bytes, length_size: int) -> bool:
    """Whether other frames may be predicted from this one (nal_ref_idc of its first
    slice): a frame that is not can be left out of a decode that does not show it."""
    for nal in nal_units(sample, length_size):
        if nal and nal[0] & 0x1F in (1, 5):
            return bool(nal[0] & 0x60)
    return True


# FFmpeg's error detection set to fail on any damage, not conceal it.
STRICT = {"err_detect": "crccheck+bitstream+buffer+explode"}
SAMPLE_STEP = 8  # pictures are compared on every 8th pixel of every 8th row


@dataclass(frozen=True)
class Picture:
    """A decoded frame's luma, every SAMPLE_STEP-th pixel of every SAMPLE_STEP-th row:
    enough to tell one frame from its neighbours."""

    width: int
    height: int
    luma: bytes


def picture(frame: VideoFrame) -> Picture:
    plane = frame.planes[0]
    w, h, stride = plane.width, plane.height, plane.line_size
    data = memoryview(plane).cast("B")
    step = SAMPLE_STEP
    bits = frame.format.components[0].bits
    if bits <= 8:
        rows = [bytes(data[y * stride : y * stride + w : step]) for y in range(0, h, step)]
        return Picture(w, h, b"".join(rows))
    # 10 or 12 bits in two bytes a sample (little-endian, as FFmpeg's decoders give
    # them here): the top 8 bits of each, so that pictures compare as 8-bit ones do.
    order: Literal["big", "little"] = "big" if frame.format.name.endswith("be") else "little"
    shift = bits - 8
    luma = bytearray()
    for y in range(0, h, step):
        row = bytes(data[y * stride : y * stride + 2 * w])
        luma += bytes(
            min(255, int.from_bytes(row[x : x + 2], order) >> shift)
            for x in range(0, 2 * w, 2 * step)
        )
    return Picture(w, h, bytes(luma))


def psnr(a: Picture, b: Picture) -> float:
    """Luma PSNR in dB (99 when equal, 0 when the sizes differ)."""
    if (a.width, a.height) != (b.width, b.height):
        return 0.0
    return pixels_psnr(a.luma, b.luma)


def pixels_psnr(a: bytes, b: bytes) -> float:
    """PSNR of two same-sized 8-bit pictures given as bytes (0 when they differ in size)."""
    if not a or len(a) != len(b):
        return 0.0
    if a == b:  # an exact cut's first frame, compared at memcmp speed
        return 99.0
    mse = sum((x - y) * (x - y) for x, y in zip(a, b, strict=True)) / len(a)
    return 99.0 if mse == 0 else 10 * math.log10(255 * 255 / mse)


class Decoder:
    """An H.264 decoder fed with MP4 samples; frames come out in presentation order,
    each with the pts given with its sample. strict: any damage in the stream is an
    error (CodecError), not a frame patched up."""

    def __init__(self, avc: AvcConfig, strict: bool = False, uncropped: bool = False) -> None:
        av = self._av = load_codecs()
        ctx = av.CodecContext.create("h264", "r")
        ctx.extradata = avcc_record(avc)
        ctx.thread_count = 1  # the batch's clips already keep every core busy
        options = dict(STRICT) if strict else {}
        if uncropped:  # whole macroblocks, as the decoder holds them for reference
            options["apply_cropping"] = "0"
        ctx.options = options
        self._ctx = ctx

    def decode(self, sample: bytes | None, pts: int = 0, skip: bool = False) -> list[VideoFrame]:
        """The frames that became ready; None flushes the last ones out. skip: a
        B-frame passed to the decoder but not decoded (see h264_bridge.skippable)."""
        packet = None
        if sample is not None:
            packet = self._av.Packet(sample)
            packet.pts = packet.dts = pts
        self._ctx.skip_frame = "BIDIR" if skip else "DEFAULT"
        try:
            return list(self._ctx.decode(packet))
        except self._av.FFmpegError as exc:
            raise CodecError(f"decoding failed: {error_text(exc)}") from exc

    @property
    def context(self) -> av.VideoCodecContext:
        return self._ctx


@dataclass(frozen=True)
class Encoded:
    data: bytes  # length-prefixed NAL units
    pts: int  # the number of the frame given to the encoder
    dts: int
    key: bool


@dataclass(frozen=True)
class PictureFormat:
    """What the SPS says of the decoded pictures beyond their size: the encoder is given
    the same, so that its SPS (VUI) is the source's."""

    sample_aspect_ratio: Fraction | None
    color_primaries: int
    color_trc: int
    colorspace: int
    color_range: int

    @classmethod
    def of(cls, decoder: Decoder) -> PictureFormat:
        ctx = decoder.context
        sar = ctx.sample_aspect_ratio
        return cls(Fraction(sar) if sar else None, ctx.color_primaries, ctx.color_trc,
                   ctx.colorspace, ctx.color_range)  # fmt: skip


class Encoder:
    """libx264 with the given options, for frames like the first one given, of the
    given format; pts counts frames. The parameter sets it writes are in sps/pps once
    it has been given a frame. threads: x264's frame threads (a long head or tail
    finishes sooner when a core is free)."""

    def __init__(
        self,
        options: Mapping[str, str],
        like: PictureFormat,
        frame: VideoFrame,
        frame_time: Fraction,
        length_size: int,
        threads: int = 1,
    ) -> None:
        av = self._av = load_codecs()
        ctx = av.CodecContext.create("libx264", "w")
        assert isinstance(ctx, av.VideoCodecContext)
        ctx.width, ctx.height = frame.width, frame.height
        ctx.pix_fmt = frame.format.name
        # x264 writes its time base into the SPS (VUI timing): one frame per tick pair,
        # as the source's encoder was given it.
        ctx.time_base = frame_time
        ctx.framerate = 1 / frame_time
        if like.sample_aspect_ratio:
            ctx.sample_aspect_ratio = like.sample_aspect_ratio
        ctx.color_primaries, ctx.color_trc = like.color_primaries, like.color_trc
        ctx.colorspace, ctx.color_range = like.colorspace, like.color_range
        ctx.thread_count = threads
        ctx.flags |= av.codec.context.Flags.global_header  # parameter sets apart
        ctx.options = dict(options)
        self._ctx = ctx
        self._length_size = length_size
        self._count = 0
        self.sps: list[bytes] = []
        self.pps: list[bytes] = []

    def encode(self, frame: VideoFrame | None, idr: bool = False) -> list[Encoded]:
        """Encode the next frame (None: flush); idr forces an IDR frame."""
        if frame is not None:
            frame.pts = self._count
            frame.time_base = self._ctx.time_base
            frame.pict_type = (
                self._av.video.frame.PictureType.I if idr else self._av.video.frame.PictureType.NONE
            )
            self._count += 1
        try:
            packets = self._ctx.encode(frame)
        except self._av.FFmpegError as exc:
            raise CodecError(f"encoding failed: {error_text(exc)}") from exc
        if not self.sps and self._ctx.extradata:
            for unit in annexb_units(self._ctx.extradata):
                kind = unit[0] & 0x1F if unit else 0
                (self.sps if kind == 7 else self.pps if kind == 8 else []).append(unit)
        out = []
        for p in packets:
            units = [u for u in annexb_units(bytes(p)) if u and u[0] & 0x1F not in (7, 8, 9)]
            assert p.pts is not None and p.dts is not None
            out.append(Encoded(length_prefixed(units, self._length_size), p.pts, p.dts,
                               p.is_keyframe))  # fmt: skip
        return out
