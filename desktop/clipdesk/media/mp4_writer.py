"""Write an MP4 from samples that already exist in other files (a copied source
run, re-encoded heads and tails): the index is built here, the sample bytes are
copied across in bounded reads. moov comes first (fast start).

Video gets no edit list: its first stored frame is shown at time 0 (composition
offsets may be negative, version 1 ctts). Audio gets one edit that skips the
pre-roll, so the clip's audio starts on its first video frame to the sample.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

CHUNK_S = 0.5  # interleave audio and video in half-second chunks
_MATRIX = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)


@dataclass(frozen=True)
class Sample:
    file: int  # index into the writer's list of files
    offset: int
    size: int
    dts: int
    cts: int  # pts - dts
    sync: bool = True


@dataclass
class OutTrack:
    kind: str  # "vide" or "soun"
    timescale: int
    stsd: bytes  # the whole stsd box, from the source
    samples: list[Sample]
    last_duration: int  # the last sample's duration (track units)
    width: int = 0  # 16.16 fixed point, as in tkhd
    height: int = 0
    matrix: bytes = _MATRIX  # tkhd's display matrix, the source's (a phone's rotation)
    edit_media_time: int | None = None  # audio: samples to skip at the start
    edit_duration: int | None = None  # presentation length (track units) with an edit
    _durations: list[int] = field(default_factory=list, repr=False)

    def durations(self) -> list[int]:
        if not self._durations:
            d = [b.dts - a.dts for a, b in zip(self.samples, self.samples[1:], strict=False)]
            d.append(self.last_duration)
            self._durations = d
        return self._durations

    def media_duration(self) -> int:
        return sum(self.durations())

    def shown_duration(self) -> int:
        return self.edit_duration if self.edit_duration is not None else self.media_duration()


def _box(kind: bytes, *parts: bytes) -> bytes:
    body = b"".join(parts)
    return struct.pack(">I4s", 8 + len(body), kind) + body


def _full(kind: bytes, version: int, flags: int, *parts: bytes) -> bytes:
    return _box(kind, struct.pack(">I", (version << 24) | flags), *parts)


def _wide(*values: int) -> bool:
    """A header needs its 64-bit version (a long clip at a fine timescale)."""
    return any(not -(1 << 31) <= v < 1 << 31 for v in values)


def _runs(values: list[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for v in values:
        if out and out[-1][1] == v:
            out[-1] = (out[-1][0] + 1, v)
        else:
            out.append((1, v))
    return out


RUN_BYTES = 4 << 20  # a run stops growing here: one read of a high-bitrate chunk stays small


def _stored(samples: list[Sample]) -> list[tuple[int, int, int]]:
    """The samples as (file, offset, size) runs of bytes one after another in a file."""
    out: list[tuple[int, int, int]] = []
    for s in samples:
        last = out[-1] if out else None
        if last and last[0] == s.file and last[1] + last[2] == s.offset and last[2] < RUN_BYTES:
            out[-1] = (s.file, out[-1][1], out[-1][2] + s.size)
        else:
            out.append((s.file, s.offset, s.size))
    return out


@dataclass
class _Chunk:
    track: int
    first: int  # first sample number in the track
    count: int
    start_s: float
    offset: int = 0


def _chunks(tracks: list[OutTrack]) -> list[_Chunk]:
    chunks: list[_Chunk] = []
    for t, track in enumerate(tracks):
        i = 0
        samples = track.samples
        while i < len(samples):
            j = i + 1
            limit = samples[i].dts + CHUNK_S * track.timescale
            while j < len(samples) and samples[j].dts < limit:
                j += 1
            chunks.append(_Chunk(t, i, j - i, samples[i].dts / track.timescale))
            i = j
    chunks.sort(key=lambda c: (c.start_s, c.track))
    return chunks


def _stbl(track: OutTrack, chunk_offsets: list[int], chunk_sizes: list[int]) -> bytes:
    n = len(track.samples)
    stts = _runs(track.durations())
    parts = [
        track.stsd,
        _full(b"stts", 0, 0, struct.pack(">I", len(stts)),
              b"".join(struct.pack(">II", c, v) for c, v in stts)),
    ]  # fmt: skip
    cts = [s.cts for s in track.samples]
    if any(cts):
        runs = _runs(cts)
        version = 1 if min(cts) < 0 else 0
        parts.append(
            _full(b"ctts", version, 0, struct.pack(">I", len(runs)),
                  b"".join(struct.pack(">Ii", c, v) for c, v in runs))
        )  # fmt: skip
    if not all(s.sync for s in track.samples):
        syncs = [i + 1 for i, s in enumerate(track.samples) if s.sync]
        parts.append(_full(b"stss", 0, 0, struct.pack(f">I{len(syncs)}I", len(syncs), *syncs)))
    runs = _runs(chunk_sizes)
    stsc, first = [], 1
    for count, per in runs:
        stsc.append(struct.pack(">III", first, per, 1))
        first += count
    parts.append(_full(b"stsc", 0, 0, struct.pack(">I", len(stsc)), *stsc))
    sizes = [s.size for s in track.samples]
    parts.append(_full(b"stsz", 0, 0, struct.pack(f">II{n}I", 0, n, *sizes)))
    if chunk_offsets and chunk_offsets[-1] >= 1 << 32:
        body = struct.pack(f">I{len(chunk_offsets)}Q", len(chunk_offsets), *chunk_offsets)
        parts.append(_full(b"co64", 0, 0, body))
    else:
        body = struct.pack(f">I{len(chunk_offsets)}I", len(chunk_offsets), *chunk_offsets)
        parts.append(_full(b"stco", 0, 0, body))
    return _box(b"stbl", *parts)


def _moov(tracks: list[OutTrack], offsets: list[list[int]], sizes: list[list[int]]) -> bytes:
    # The video's own timescale: its edit then ends exactly where its last frame does
    # (in milliseconds it could reach into the next frame, which players then show).
    movie_ts = next((t.timescale for t in tracks if t.kind == "vide"), 1000)
    shown = [round(t.shown_duration() * movie_ts / t.timescale) for t in tracks]
    for t, d in zip(tracks, shown, strict=True):
        if d < 0 or t.media_duration() < 0 or (t.edit_media_time or 0) < 0:
            raise ValueError(f"the clip's {t.kind} track would last less than nothing")
    longest = max(shown, default=0)
    v = int(_wide(longest))
    mvhd = _full(
        b"mvhd", v, 0,
        struct.pack(">QQIQ" if v else ">IIII", 0, 0, movie_ts, longest),
        struct.pack(">IH10x", 0x10000, 0x100), _MATRIX, bytes(24),
        struct.pack(">I", len(tracks) + 1),
    )  # fmt: skip
    traks = []
    for n, track in enumerate(tracks):
        video = track.kind == "vide"
        v = int(_wide(shown[n]))
        tkhd = _full(
            b"tkhd", v, 3,
            struct.pack(">QQIIQ" if v else ">IIIII", 0, 0, n + 1, 0, shown[n]), bytes(8),
            struct.pack(">hhhH", 0, 0 if video else 1, 0 if video else 0x100, 0), track.matrix,
            struct.pack(">II", track.width if video else 0, track.height if video else 0),
        )  # fmt: skip
        edts = b""
        if track.edit_media_time is not None:
            v = int(_wide(shown[n], track.edit_media_time))
            entry = (shown[n], track.edit_media_time, 0x10000)
            elst = _full(b"elst", v, 0, struct.pack(">IQqI" if v else ">IIiI", 1, *entry))
            edts = _box(b"edts", elst)
        v = int(_wide(track.media_duration()))
        mdhd = _full(
            b"mdhd", v, 0,
            struct.pack(">QQIQHH" if v else ">IIIIHH", 0, 0, track.timescale,
                        track.media_duration(), 0x55C4, 0),
        )  # fmt: skip
        name = b"VideoHandler\x00" if video else b"SoundHandler\x00"
        hdlr = _full(b"hdlr", 0, 0, bytes(4), track.kind.encode("latin-1"), bytes(12), name)
        header = _full(b"vmhd", 0, 1, bytes(8)) if video else _full(b"smhd", 0, 0, bytes(4))
        dinf = _box(b"dinf", _full(b"dref", 0, 0, struct.pack(">I", 1), _full(b"url ", 0, 1)))
        minf = _box(b"minf", header, dinf, _stbl(track, offsets[n], sizes[n]))
        traks.append(_box(b"trak", tkhd, edts, _box(b"mdia", mdhd, hdlr, minf)))
    return _box(b"moov", mvhd, *traks)


FTYP = _box(b"ftyp", b"isom", struct.pack(">I", 0x200), b"isomiso2iso4avc1mp41")


def write_mp4(
    path: Path,
    tracks: list[OutTrack],
    files: list[Path],
    on_bytes: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> bool:
    """Write the file; False when cancelled (the partial file is left to the caller)."""
    chunks = _chunks(tracks)
    data_size = sum(s.size for t in tracks for s in t.samples)
    per_track_sizes: list[list[int]] = [[] for _ in tracks]
    for c in chunks:
        per_track_sizes[c.track].append(c.count)
    big = data_size + (1 << 20) >= 1 << 32
    mdat_header = 16 if big else 8

    def layout(moov_size: int) -> list[list[int]]:
        pos = len(FTYP) + moov_size + mdat_header
        offsets: list[list[int]] = [[] for _ in tracks]
        for c in chunks:
            c.offset = pos
            offsets[c.track].append(pos)
            samples = tracks[c.track].samples
            pos += sum(s.size for s in samples[c.first : c.first + c.count])
        return offsets

    # The moov's size depends on the offsets only through stco vs co64, fixed by `big`.
    moov = _moov(tracks, layout(0), per_track_sizes)
    moov = _moov(tracks, layout(len(moov)), per_track_sizes)
    handles: dict[int, BinaryIO] = {}
    written, total = 0, data_size
    try:
        with open(path, "wb") as out:
            out.write(FTYP)
            out.write(moov)
            if big:
                out.write(struct.pack(">I4sQ", 1, b"mdat", 16 + data_size))
            else:
                out.write(struct.pack(">I4s", 8 + data_size, b"mdat"))
            for c in chunks:
                if cancelled():
                    return False
                # Samples stored one after another in their file are copied as one run.
                samples = tracks[c.track].samples[c.first : c.first + c.count]
                for file, offset, size in _stored(samples):
                    f = handles.get(file)
                    if f is None:
                        f = handles[file] = open(files[file], "rb")  # noqa: SIM115
                    f.seek(offset)
                    data = f.read(size)
                    if len(data) != size:
                        raise OSError(f"{files[file].name} ends before a sample it indexes")
                    out.write(data)
                    written += size
                if on_bytes is not None:
                    on_bytes(written, total)
    finally:
        for f in handles.values():
            f.close()
    return True
