"""The sample index of an MP4 file (moov: stts, ctts, stss, stsz, stsc, stco/co64,
elst), read through any byte source: a local file or HTTP Range requests.

Only the moov box is held in memory (its size is bounded); the samples stay where
they are and are addressed by offset and size.
"""

from __future__ import annotations

import bisect
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Protocol

from clipdesk.media.h264_syntax import BitReader, SyntaxUnsupported, parse_sps, rbsp

MAX_MOOV_BYTES = 256 * 1024 * 1024  # about 10 hours of 60 fps video with audio
_HEADER = 16
_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts", b"dinf"}


class Mp4Error(ValueError):
    """The file is not an MP4 this reader understands; str() says why."""


class ByteSource(Protocol):
    """Random access to a file's bytes (read may return fewer bytes only at the end)."""

    @property
    def size(self) -> int: ...

    def read(self, offset: int, length: int) -> bytes: ...


class FileBytes:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._size = self.path.stat().st_size

    @property
    def size(self) -> int:
        return self._size

    def read(self, offset: int, length: int) -> bytes:
        with open(self.path, "rb") as f:
            f.seek(offset)
            return f.read(length)


@dataclass
class AvcConfig:
    """What avcC says: the parameter sets a copied stream decodes with."""

    profile: int
    compat: int
    level: int
    nal_length_size: int
    sps: list[bytes]
    pps: list[bytes]
    trailer: bytes = b""  # what follows the PPS (a High profile's chroma and bit depths)


@dataclass
class Track:
    track_id: int
    kind: str  # "vide", "soun", ...
    timescale: int
    codec: str  # sample entry fourcc: "avc1", "mp4a", ...
    stsd: bytes  # the whole stsd box, copied into cut files
    tkhd: bytes  # the whole tkhd box (size and matrix are copied)
    sizes: list[int]
    offsets: list[int]
    dts: list[int]
    cts: list[int]  # composition offsets (pts - dts), in decode order
    sync: list[int] | None  # 0-based sync sample numbers; None: every sample is one
    shift: int = 0  # subtracted from dts + cts to get presentation time (edit list)
    avc: AvcConfig | None = None
    sample_rate: int = 0
    _pts: list[int] | None = field(default=None, repr=False)

    @property
    def count(self) -> int:
        return len(self.sizes)

    def pts(self) -> list[int]:
        """Presentation times in decode order, edit list applied (track timescale)."""
        if self._pts is None:
            s = self.shift
            self._pts = [d + c - s for d, c in zip(self.dts, self.cts, strict=True)]
        return self._pts

    def is_sync(self, n: int) -> bool:
        if self.sync is None:
            return True
        return _contains(self.sync, n)

    def duration(self) -> int:
        """Presentation length in track units (last sample's duration guessed from its
        predecessor's)."""
        if not self.dts:
            return 0
        last = self.dts[-1] - self.dts[-2] if len(self.dts) > 1 else 0
        return self.dts[-1] + last - self.dts[0]


@dataclass
class Mp4Index:
    size: int
    moov_offset: int
    moov_size: int
    movie_timescale: int
    tracks: list[Track]
    first_mdat: int  # where the first media data starts (its first packets are read too)

    def video(self) -> Track | None:
        return next((t for t in self.tracks if t.kind == "vide"), None)

    def audio(self) -> Track | None:
        return next((t for t in self.tracks if t.kind == "soun"), None)


def _contains(sorted_list: list[int], n: int) -> bool:
    import bisect

    i = bisect.bisect_left(sorted_list, n)
    return i < len(sorted_list) and sorted_list[i] == n


def top_level_boxes(src: ByteSource) -> Iterator[tuple[bytes, int, int, int]]:
    """(type, offset, size, header size) of each top-level box, reading only headers."""
    offset = 0
    total = src.size
    while offset + 8 <= total:
        head = src.read(offset, _HEADER)
        if len(head) < 8:
            raise Mp4Error("the file ends inside a box header")
        size, kind = struct.unpack_from(">I4s", head)
        header = 8
        if size == 1:
            if len(head) < 16:
                raise Mp4Error("the file ends inside a box header")
            size = struct.unpack_from(">Q", head, 8)[0]
            header = 16
        elif size == 0:
            size = total - offset
        if size < header:
            raise Mp4Error(f"a {kind!r} box at byte {offset} has a bad size {size}")
        yield kind, offset, size, header
        offset += size


def read_index(src: ByteSource) -> Mp4Index:
    """Find moov among the top-level boxes (at the start or after mdat) and parse it."""
    moov: tuple[int, int, int] | None = None
    first_mdat = -1
    seen_ftyp = False
    for kind, offset, size, header in top_level_boxes(src):
        if offset == 0 and kind not in (b"ftyp", b"moov", b"free", b"skip", b"wide", b"mdat"):
            raise Mp4Error("not an MP4 file (no ftyp or moov box at the start)")
        seen_ftyp = seen_ftyp or kind == b"ftyp"
        if kind == b"moof":
            raise Mp4Error("a fragmented MP4 (moof boxes) is not supported")
        if kind == b"mdat" and first_mdat < 0:
            first_mdat = offset + header
        if kind == b"moov":
            moov = (offset, size, header)
        if moov is not None and first_mdat >= 0:
            break
    if moov is None:
        raise Mp4Error("no moov box (the MP4 index) in the file")
    offset, size, header = moov
    if size > MAX_MOOV_BYTES:
        raise Mp4Error(f"the MP4 index is too large ({size} bytes)")
    body = src.read(offset + header, size - header)
    if len(body) != size - header:
        raise Mp4Error("the file ends inside the MP4 index")
    movie_ts, tracks = _parse_moov(body)
    return Mp4Index(src.size, offset, size, movie_ts, tracks, max(first_mdat, 0))


def _boxes(data: bytes, start: int = 0, end: int | None = None) -> Iterator[tuple[bytes, int, int]]:
    """(type, body start, body end) of the boxes in data[start:end]."""
    end = len(data) if end is None else end
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, pos)
        header = 8
        if size == 1:
            size = struct.unpack_from(">Q", data, pos + 8)[0]
            header = 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            raise Mp4Error(f"a damaged {kind.decode('latin-1')!r} box in the MP4 index")
        yield kind, pos + header, pos + size
        pos += size


def _find(data: bytes, start: int, end: int, *path: bytes) -> tuple[int, int] | None:
    for kind, b0, b1 in _boxes(data, start, end):
        if kind == path[0]:
            if len(path) == 1:
                return b0, b1
            return _find(data, b0, b1, *path[1:])
    return None


def _parse_moov(moov: bytes) -> tuple[int, list[Track]]:
    mvhd = _find(moov, 0, len(moov), b"mvhd")
    if mvhd is None:
        raise Mp4Error("the MP4 index has no movie header")
    version = moov[mvhd[0]]
    movie_ts = struct.unpack_from(">I", moov, mvhd[0] + (20 if version == 1 else 12))[0]
    tracks = []
    for kind, b0, b1 in _boxes(moov):
        if kind == b"mvex":
            raise Mp4Error("a fragmented MP4 (mvex) is not supported")
        if kind == b"trak":
            track = _parse_trak(moov, b0, b1, movie_ts)
            if track is not None:
                tracks.append(track)
    return movie_ts or 1000, tracks


def _parse_trak(d: bytes, b0: int, b1: int, movie_ts: int) -> Track | None:
    tkhd = _find(d, b0, b1, b"tkhd")
    mdhd = _find(d, b0, b1, b"mdia", b"mdhd")
    hdlr = _find(d, b0, b1, b"mdia", b"hdlr")
    stbl = _find(d, b0, b1, b"mdia", b"minf", b"stbl")
    if tkhd is None or mdhd is None or hdlr is None or stbl is None:
        return None
    v = d[tkhd[0]]
    track_id = struct.unpack_from(">I", d, tkhd[0] + (20 if v == 1 else 12))[0]
    v = d[mdhd[0]]
    timescale = struct.unpack_from(">I", d, mdhd[0] + (20 if v == 1 else 12))[0]
    if timescale <= 0:
        raise Mp4Error("a track has no time scale")
    kind = d[hdlr[0] + 8 : hdlr[0] + 12].decode("latin-1")
    s0, s1 = stbl
    boxes = {k: (x0, x1) for k, x0, x1 in _boxes(d, s0, s1)}
    for need in (b"stsd", b"stts", b"stsz", b"stsc"):
        if need not in boxes:
            raise Mp4Error(f"a track's sample table has no {need.decode()}")
    stsd0, stsd1 = boxes[b"stsd"]
    entry_count = struct.unpack_from(">I", d, stsd0 + 4)[0]
    if entry_count != 1:
        raise Mp4Error(f"a track with {entry_count} sample descriptions is not supported")
    entry = next(_boxes(d, stsd0 + 8, stsd1))
    codec = entry[0].decode("latin-1")
    sizes = _stsz(d, *boxes[b"stsz"])
    n = len(sizes)
    dts = _stts(d, *boxes[b"stts"], n)
    cts = _ctts(d, *boxes[b"ctts"], n) if b"ctts" in boxes else [0] * n
    if b"stco" in boxes:
        chunks = _u32_table(d, boxes[b"stco"][0])
    elif b"co64" in boxes:
        c0 = boxes[b"co64"][0]
        count = struct.unpack_from(">I", d, c0 + 4)[0]
        chunks = list(struct.unpack_from(f">{count}Q", d, c0 + 8))
    else:
        raise Mp4Error("a track's sample table has no chunk offsets")
    offsets = _sample_offsets(d, boxes[b"stsc"][0], chunks, sizes)
    sync = _u32_table(d, boxes[b"stss"][0]) if b"stss" in boxes else None
    if sync is not None:
        sync = sorted(s - 1 for s in sync)
    shift = _edit_shift(d, b0, b1, movie_ts, timescale)
    # stsd box including its header, as it stands in the file
    stsd = d[stsd0 - 8 : stsd1]
    track = Track(
        track_id, kind, timescale, codec, stsd, d[tkhd[0] - 8 : tkhd[1]],
        sizes, offsets, dts, cts, sync, shift,
    )  # fmt: skip
    e0, e1 = entry[1], entry[2]
    if codec in ("avc1", "avc3") and e1 - e0 > 78:
        avcc = _find(d, e0 + 78, e1, b"avcC")
        if avcc is not None:
            track.avc = parse_avcc(d[avcc[0] : avcc[1]])
    if kind == "soun" and e1 - e0 >= 28:
        track.sample_rate = struct.unpack_from(">I", d, e0 + 24)[0] >> 16
    return track


def _u32_table(d: bytes, b0: int) -> list[int]:
    count = struct.unpack_from(">I", d, b0 + 4)[0]
    if b0 + 8 + 4 * count > len(d):
        raise Mp4Error("a sample table runs past the end of the MP4 index")
    return list(struct.unpack_from(f">{count}I", d, b0 + 8))


def _stsz(d: bytes, b0: int, b1: int) -> list[int]:
    fixed, count = struct.unpack_from(">II", d, b0 + 4)
    if fixed:
        return [fixed] * count
    if b0 + 12 + 4 * count > b1:
        raise Mp4Error("the sample size table is damaged")
    return list(struct.unpack_from(f">{count}I", d, b0 + 12))


def _stts(d: bytes, b0: int, b1: int, n: int) -> list[int]:
    count = struct.unpack_from(">I", d, b0 + 4)[0]
    if b0 + 8 + 8 * count > b1:
        raise Mp4Error("the sample time table is damaged")
    pairs = struct.unpack_from(f">{2 * count}I", d, b0 + 8)
    out: list[int] = []
    t = 0
    for i in range(0, len(pairs), 2):
        k, delta = pairs[i], pairs[i + 1]
        out.extend(range(t, t + k * delta, delta) if delta else [t] * k)
        t += k * delta
    if len(out) < n:
        raise Mp4Error("the sample time table covers fewer samples than the size table")
    return out[:n]


def _ctts(d: bytes, b0: int, b1: int, n: int) -> list[int]:
    count = struct.unpack_from(">I", d, b0 + 4)[0]
    if b0 + 8 + 8 * count > b1:
        raise Mp4Error("the composition offset table is damaged")
    # Version 0 offsets are unsigned in the standard but writers put negative ones in
    # both versions: read them signed, as ffmpeg does.
    pairs = struct.unpack_from(f">{2 * count}i", d, b0 + 8)
    out: list[int] = []
    for i in range(0, len(pairs), 2):
        out.extend([pairs[i + 1]] * pairs[i])
    out.extend([0] * (n - len(out)))
    return out[:n]


def _sample_offsets(d: bytes, b0: int, chunks: list[int], sizes: list[int]) -> list[int]:
    count = struct.unpack_from(">I", d, b0 + 4)[0]
    table = struct.unpack_from(f">{3 * count}I", d, b0 + 8)
    offsets: list[int] = []
    n = len(sizes)
    for e in range(count):
        first, per_chunk = table[3 * e] - 1, table[3 * e + 1]
        last = table[3 * e + 3] - 1 if e + 1 < count else len(chunks)
        if per_chunk == 1:  # a sample a chunk, as ffmpeg interleaves: the chunks' offsets
            offsets.extend(chunks[first : max(first, min(last, first + n - len(offsets)))])
            continue
        for c in range(first, min(last, len(chunks))):
            i = len(offsets)
            if i >= n:
                return offsets
            k = min(per_chunk, n - i)
            if k > 0:  # a chunk's samples follow one another from its offset
                offsets.extend(accumulate(sizes[i : i + k - 1], initial=chunks[c]))
    if len(offsets) < n:
        raise Mp4Error("the chunk tables cover fewer samples than the size table")
    return offsets


def _edit_shift(d: bytes, b0: int, b1: int, movie_ts: int, timescale: int) -> int:
    """What to subtract from a sample's composition time to get its presentation
    time: the first edit's media time, less any empty edit (a delay) before it."""
    elst = _find(d, b0, b1, b"edts", b"elst")
    if elst is None:
        return 0
    v = d[elst[0]]
    count = struct.unpack_from(">I", d, elst[0] + 4)[0]
    pos = elst[0] + 8
    delay = 0
    for _ in range(count):
        if v == 1:
            seg, media = struct.unpack_from(">Qq", d, pos)
            pos += 20
        else:
            seg, media = struct.unpack_from(">Ii", d, pos)
            pos += 12
        if media == -1:
            delay += seg * timescale // max(1, movie_ts)
            continue
        return media - delay
    return -delay


def ms_after_next_keyframe(index: Mp4Index, start_ms: int) -> int:
    """A millisecond just past the first video keyframe after start_ms (the end of
    the GOP a smart cut's head is cut from)."""
    video = index.video()
    if video is None or not video.count:
        return start_ms
    pts = video.pts()
    ts = video.timescale
    keys = sorted(pts[s] for s in (video.sync or range(video.count)))
    i = bisect.bisect_right(keys, start_ms * ts / 1000)
    return int(keys[i] * 1000 / ts) + 1 if i < len(keys) else 1 << 62


def parse_avcc(b: bytes) -> AvcConfig:
    if len(b) < 7 or b[0] != 1:
        raise Mp4Error("a damaged avcC (H.264 configuration)")
    pos = 6
    sps, pps = [], []
    for _ in range(b[5] & 0x1F):
        n = struct.unpack_from(">H", b, pos)[0]
        sps.append(b[pos + 2 : pos + 2 + n])
        pos += 2 + n
    count = b[pos]
    pos += 1
    for _ in range(count):
        n = struct.unpack_from(">H", b, pos)[0]
        pps.append(b[pos + 2 : pos + 2 + n])
        pos += 2 + n
    return AvcConfig(b[1], b[2], b[3], (b[4] & 3) + 1, sps, pps, b[pos:])


def nal_units(sample: bytes, length_size: int = 4) -> Iterator[bytes]:
    """The NAL units of one length-prefixed H.264 sample."""
    pos = 0
    while pos + length_size <= len(sample):
        n = int.from_bytes(sample[pos : pos + length_size], "big")
        pos += length_size
        yield sample[pos : pos + n]
        pos += n


def x264_settings(sample: bytes, length_size: int = 4) -> dict[str, str] | None:
    """x264's settings string (an SEI in the first frame it wrote) as key=value pairs."""
    for nal in nal_units(sample, length_size):
        if not nal or nal[0] & 0x1F != 6:
            continue
        at = nal.find(b"x264 - core")
        if at < 0:
            continue
        text = nal[at:].split(b"\x00", 1)[0].decode("ascii", "replace")
        _, sep, options = text.partition(" - options: ")
        if not sep:
            return {}
        out = {}
        for item in options.split():
            key, eq, value = item.partition("=")
            if eq:
                out[key] = value
        return out
    return None


def idr_pic_id(sample: bytes, sps: bytes, length_size: int = 4) -> int | None:
    """The idr_pic_id of an IDR sample's first slice, or None when it cannot be read
    (scaling matrices or fields in the SPS, not an IDR, a damaged header)."""
    try:
        frame_num_bits = parse_sps(sps).frame_num_bits
        nal = next((n for n in nal_units(sample, length_size) if n and n[0] & 0x1F == 5), None)
        if nal is None:
            return None
        s = BitReader(rbsp(nal))
        s.ue(), s.ue(), s.ue()  # first_mb_in_slice, slice_type, pic_parameter_set_id
        s.u(frame_num_bits)
        return s.ue()
    except (IndexError, SyntaxUnsupported):
        return None
