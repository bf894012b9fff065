"""A smart cut's head without re-encoding the rest of its GOP: a bridge.

A head re-encodes the frames from the in point to the next keyframe, because every
P frame after the in point predicts from the one before. A bridge re-encodes only the
frames up to the first anchor frame (I or P) at or after the in point, stores that
anchor exactly as the source decodes it (every macroblock I_PCM, the decoded samples
themselves), and then copies the rest of the GOP: its frames predict from pictures the
decoder holds bit for bit as the source's, so they decode to the source's frames.

Copied slices keep their data; their headers are rewritten for the shorter stream
(frame_num, picture order count, and reference lists and marking stated explicitly
for the pictures the decoder holds), which a model of the decoder's reference
pictures works out. I_PCM needs CAVLC, so the anchor's slice uses a second PPS of its
own. The bridge is decoded back before it is used: the anchor and the copied frames
after it must equal the source's frames exactly, or the head is re-encoded as before.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from clipdesk.media.h264_frames import (
    CodecError,
    Decoder,
    Encoded,
    Encoder,
    Picture,
    PictureFormat,
    is_reference,
    length_prefixed,
    picture,
)
from clipdesk.media.h264_refs import NotHeld, Pic, PocCounter, RefModel, follow
from clipdesk.media.h264_syntax import (
    SLICE_B,
    BitWriter,
    Pps,
    SliceHeader,
    Sps,
    SyntaxUnsupported,
    escaped,
    parse_pps,
    parse_slice,
    parse_sps,
    pcm_pps,
    write_slice,
)
from clipdesk.media.mp4_index import AvcConfig, nal_units

if TYPE_CHECKING:
    from av.video.frame import VideoFrame

# Below this many frames to the next keyframe re-encoding them costs less than the
# decodes a bridge needs to check itself.
BRIDGE_MIN = 8


class CannotBridge(Exception):
    """This head needs the full re-encode; str() says why."""


@dataclass
class _Sample:
    nals: list[bytes]
    headers: list[SliceHeader | None]  # per NAL unit; None: not a slice

    @property
    def slices(self) -> list[SliceHeader]:
        return [h for h in self.headers if h is not None]

    @property
    def first(self) -> SliceHeader:
        if not self.slices:
            raise CannotBridge("a sample holds no slice")
        return self.slices[0]


def _planes(frame: VideoFrame) -> list[tuple[bytes, int, int]]:
    """Each plane of the frame as its samples row after row (the line padding left
    out), with its width and height."""
    out = []
    for plane in frame.planes:
        data, step, w, h = memoryview(plane).cast("B"), plane.line_size, plane.width, plane.height
        if step == w:
            out.append((bytes(data[: w * h]), w, h))
        else:
            out.append((b"".join(data[r * step : r * step + w] for r in range(h)), w, h))
    return out


def pcm_slice(
    frame: VideoFrame, sps: Sps, pps_id: int, idr: bool, frame_num: int, poc_lsb: int,
    marking: tuple[tuple[int, int], ...],
) -> bytes:  # fmt: skip
    """One slice of I_PCM macroblocks holding the frame's samples exactly; deblocking
    off (it would not change I_PCM samples at QP 0 anyway)."""
    (y, yw, yh), (u, uw, uh), (v, vw, vh) = _planes(frame)
    hm, wm = sps.height_mbs, sps.width_mbs
    if (yh, yw) != (hm * 16, wm * 16) or (uh, uw, vh, vw) != (hm * 8, wm * 8) * 2:
        raise CannotBridge("the decoded frame is cropped or not 4:2:0")
    w = BitWriter()
    w.u(8, 0x60 | (5 if idr else 1))
    w.ue(0)
    w.ue(7)
    w.ue(pps_id)  # first_mb_in_slice, slice_type I (all I), PPS
    w.u(sps.frame_num_bits, frame_num)
    if idr:
        w.ue(0)  # idr_pic_id
    if sps.poc_type == 0:
        w.u(sps.poc_lsb_bits, poc_lsb)
    if idr:
        w.u(2, 0)  # no_output_of_prior_pics, long_term_reference
    else:
        w.u(1, 1)
        w.commands(marking, 0)
    w.se(0)  # slice_qp_delta
    w.ue(1)  # disable_deblocking_filter_idc
    w.ue(25)  # mb_type I_PCM
    w.align(0)
    blocks = _macroblocks(y, u, v, wm, hm)
    # ue(25) and the alignment zeros before every macroblock after the first (whose
    # code is already in the header)
    mark = b"\x0d\x00"
    body = mark.join(blocks[i : i + MB_BYTES] for i in range(0, len(blocks), MB_BYTES))
    return escaped(w.data() + body + b"\x80")


MB_BYTES = 384  # a 4:2:0 macroblock's samples: 16x16 luma, 8x8 Cb, 8x8 Cr


def _macroblocks(y: bytes, u: bytes, v: bytes, wm: int, hm: int) -> memoryview:
    """The planes' samples macroblock after macroblock in raster order, each one's
    luma rows, then Cb's, then Cr's. Moved 8 samples at a time (a luma macroblock's
    row is two such pieces, a chroma one's one), by strided slices: one assignment
    moves a piece of every macroblock in a row of them."""
    out = bytearray(wm * hm * MB_BYTES)
    dst = memoryview(out).cast("Q")
    per_mb, per_row = MB_BYTES // 8, wm * MB_BYTES // 8
    span = per_mb * (wm - 1) + 1  # from a macroblock's piece to the last one's in the row
    luma = memoryview(y).cast("Q")
    for r in range(hm * 16):
        at, src = (r // 16) * per_row + (r % 16) * 2, r * 2 * wm
        dst[at : at + span : per_mb] = luma[src : src + 2 * wm : 2]
        dst[at + 1 : at + 1 + span : per_mb] = luma[src + 1 : src + 2 * wm : 2]
    for plane, first in ((u, 32), (v, 40)):
        chroma = memoryview(plane).cast("Q")
        for r in range(hm * 8):
            at, src = (r // 8) * per_row + first + r % 8, r * wm
            dst[at : at + span : per_mb] = chroma[src : src + wm]
    return memoryview(out)


def cropped(frame: VideoFrame, sps: Sps) -> VideoFrame:
    """The frame as shown (the SPS's cropping applied to a decoder's whole picture)."""
    if sps.crop == (0, 0, 0, 0):
        return frame
    from clipdesk.media.h264_frames import load_codecs

    left, right, top, bottom = sps.crop
    planes = _planes(frame)
    h, w = planes[0][2] - top - bottom, planes[0][1] - left - right
    if h % 2 or w % 2 or left % 2 or top % 2:
        raise CannotBridge("the picture is cropped to an odd size")
    out = load_codecs().VideoFrame(w, h, "yuv420p")
    for plane, (data, width, _), scale in zip(out.planes, planes, (1, 2, 2), strict=True):
        t, lo = top // scale, left // scale
        pad = b"\0" * (plane.line_size - plane.width)
        at = [(t + r) * width + lo for r in range(plane.height)]
        plane.update(b"".join(data[a : a + plane.width] + pad for a in at))
    for name in ("color_range", "colorspace"):
        if hasattr(frame, name):
            setattr(out, name, getattr(frame, name))
    return out


@dataclass
class Bridge:
    samples: list[Encoded]  # decode order; pts: frames after the in point
    first: Picture  # the source frame at the in point
    pps: bytes  # the PPS its anchor slice needs, added to the clip's avcC
    encoded: int  # frames re-encoded before the anchor
    copied: int  # frames copied after it, with new slice headers


class BridgeBuilder:
    """Builds one head's bridge from the source's samples (a SmartCut's)."""

    def __init__(
        self,
        avc: AvcConfig,
        read_sample: Callable[[int], bytes],
        rank: list[int],
        order: list[int],
        times: list[int],
        pts: list[int],
        cancelled: Callable[[], bool],
    ) -> None:
        self.avc = avc
        self.read_sample = read_sample
        self.rank, self.order, self.times, self.pts = rank, order, times, pts
        self.cancelled = cancelled
        try:
            if len(avc.sps) != 1:
                raise CannotBridge("the source has more than one SPS")
            self.sps = parse_sps(avc.sps[0])
            self.pps_of: dict[int, Pps] = {p.pps_id: p for p in map(parse_pps, avc.pps)}
        except SyntaxUnsupported as exc:
            raise CannotBridge(str(exc)) from exc
        if not self.pps_of:
            raise CannotBridge("the source has no PPS")
        if self.sps.gaps_allowed:
            raise CannotBridge("the source allows gaps in frame numbers")
        if self.sps.bit_depth != 8 or self.sps.chroma_format != 1:
            raise CannotBridge("the source is not 8-bit 4:2:0")
        if any(p.bottom_field_poc or p.redundant_pic_cnt for p in self.pps_of.values()):
            raise CannotBridge("the source's PPS uses field or redundant picture syntax")
        self.pcm_pps_id = max(self.pps_of) + 1
        if self.pcm_pps_id > 255 or len(avc.pps) >= 255:
            raise CannotBridge("no PPS number is free")
        self.pcm_pps = pcm_pps(self.pcm_pps_id, self.sps.sps_id)

    def _sample(self, n: int) -> _Sample:
        return self._parse(self.read_sample(n))

    def _parse(self, data: bytes) -> _Sample:
        nals = list(nal_units(data, self.avc.nal_length_size))
        headers: list[SliceHeader | None] = []
        for nal in nals:
            kind = nal[0] & 0x1F if nal else 0
            headers.append(parse_slice(nal, self.sps, self.pps_of) if kind in (1, 5) else None)
        return _Sample(nals, headers)

    def build(
        self,
        first: int,
        key: int,
        end: int,
        encoder_for: Callable[[VideoFrame, PictureFormat], Encoder],
        progress: Callable[[int], None],
    ) -> Bridge:
        try:
            return self._build(first, key, end, encoder_for, progress)
        except (SyntaxUnsupported, NotHeld) as exc:
            raise CannotBridge(str(exc)) from exc
        except CodecError as exc:
            raise CannotBridge(f"decoding or encoding failed: {exc}") from exc

    def _build(
        self,
        a: int,
        key: int,
        k1: int,
        encoder_for: Callable[[VideoFrame, PictureFormat], Encoder],
        progress: Callable[[int], None],
    ) -> Bridge:
        rank, order, sps = self.rank, self.order, self.sps
        d0, d_end = order[key], order[k1]
        if sorted(rank[d] for d in range(d0, d_end)) != list(range(key, k1)):
            raise CannotBridge("the GOP's frames are not stored together")
        samples = {d: self._sample(d) for d in range(d0, d_end)}
        # The model starts from nothing: the GOP must start with an IDR frame (which
        # empties the decoder's references) and hold no other.
        if not samples[d0].first.idr or any(samples[d].first.idr for d in range(d0 + 1, d_end)):
            raise CannotBridge("the GOP does not start with its only IDR frame")
        anchor = {d: samples[d].first.kind != SLICE_B for d in samples}
        m = next((r for r in range(a, k1) if anchor[order[r]]), None)
        if m is None:
            raise CannotBridge("no I or P frame between the in point and the next keyframe")
        p = order[m]
        q = next((d for d in range(p + 1, d_end) if anchor[d]), d_end)
        if q == d_end:
            raise CannotBridge("nothing to copy before the next keyframe")
        if any(rank[d] >= m for d in range(p + 1, q)) or any(rank[d] <= m for d in range(q, d_end)):
            raise CannotBridge("the frames around the in point are not ordered as expected")
        if any(rank[d] >= a for d in range(d0, p)):
            raise CannotBridge("a frame decoded before the anchor is shown after the in point")
        if sorted(r for r in (rank[d] for d in range(p + 1, q)) if r >= a) != list(range(a, m)):
            raise CannotBridge("the frames before the anchor are not all in its group")
        v_end = next((d for d in range(q + 1, d_end) if anchor[d]), d_end)

        # The source as a decoder sees it: frame numbers, orders, lists and marking.
        seen = follow(sps, {d: samples[d].slices for d in range(d0, d_end)})
        pic, lists, removed = seen.pics, seen.lists, seen.removed
        if not any(x is pic[p] for x in seen.held[q]) or not samples[p].first.nal_ref_idc:
            raise CannotBridge("the anchor is not held as a reference")

        source = self._decode(d0, q, v_end, a, m)
        progress(m - a)
        ours: list[Encoded] = []
        mine = RefModel(sps)
        ours_count = PocCounter(sps)
        last_ref_fn, last_ref_poc = 0, 0
        shown = {r: cropped(source[r], sps) for r in range(a, m)} if a < m else {}
        first = shown[a] if a < m else cropped(source[a], sps)
        if a < m:
            encoder = encoder_for(shown[a], PictureFormat.of(self._decoder))
            got: list[Encoded] = []
            for r in range(a, m):
                got.extend(encoder.encode(shown[r]))
            got.extend(encoder.encode(None))
            if len(got) != m - a or not got[0].key:
                raise CannotBridge("the frames before the anchor did not encode one to one")
            if (encoder.sps, encoder.pps) != (self.avc.sps, self.avc.pps):
                raise CannotBridge("the re-encoded frames' SPS/PPS differ from the source's")
            for i, e in enumerate(got):
                head = self._parse(e.data).first
                own = Pic(-1 - i, head.frame_num, ours_count.poc(head))
                mine.replace(mine.removed_by(head, own.frame_num),
                             own if head.nal_ref_idc else None)  # fmt: skip
                if head.nal_ref_idc:
                    last_ref_fn, last_ref_poc = own.frame_num, own.poc
                if own.poc >= pic[p].poc - pic[order[a]].poc:
                    raise CannotBridge("the re-encoded frames' order does not fit the anchor's")
            ours.extend(got)
        # The anchor, exactly.
        idr = a == m
        m_fn = 0 if idr else (last_ref_fn + 1) % sps.max_frame_num
        m_poc = 0 if idr else pic[p].poc - pic[order[a]].poc
        if not idr and sps.poc_type == 0 and m_poc - last_ref_poc >= sps.max_poc_lsb // 2:
            raise CannotBridge("the anchor's picture order count is too far ahead")
        # The bridge's own references go: the decoder then holds what the source's
        # holds of the pictures the copied frames use, and nothing else.
        marking = tuple((1, m_fn - mine.pic_num(x, m_fn) - 1) for x in mine.refs)
        pcm = pcm_slice(source[m], sps, self.pcm_pps_id, idr, m_fn,
                        m_poc % sps.max_poc_lsb, marking)  # fmt: skip
        ours.append(Encoded(length_prefixed([pcm], self.avc.nal_length_size), m - a, m - a, idr))
        m_pic = Pic(-1000, m_fn, m_poc)
        mine.refs = [m_pic]
        # What a decoder derives from the written orders must be what was meant (the
        # order count's high bits come from the previous reference, not written).
        as_read = replace(samples[p].first, nal_type=5 if idr else 1, nal_ref_idc=3,
                          frame_num=m_fn, poc_lsb=m_poc % sps.max_poc_lsb)  # fmt: skip
        if ours_count.poc(as_read) != m_poc:
            raise CannotBridge("the anchor's picture order count would be misread")
        # The rest of the GOP, copied with headers for this stream.
        mapped: dict[int, Pic] = {p: m_pic}
        base_fn = samples[q].first.frame_num
        for d in range(q, d_end):
            if self.cancelled():
                raise CannotBridge("cancelled")
            s = samples[d]
            h = s.first
            fn = (h.frame_num - base_fn + m_fn + 1) % sps.max_frame_num
            poc = pic[d].poc - pic[p].poc + m_poc
            as_read = replace(h, frame_num=fn, poc_lsb=poc % sps.max_poc_lsb)
            if ours_count.poc(as_read) != poc:
                raise CannotBridge("a copied frame's picture order count would be misread")
            own = Pic(d, fn, poc)
            mods: list[list[tuple[tuple[int, int], ...] | None]] = []
            for per_slice in lists[d]:
                mods.append([None, None])
                for lst, targets in enumerate(per_slice):
                    if any(t.sample not in mapped for t in targets):
                        raise CannotBridge("a copied frame refers to a frame before the anchor")
                    mods[-1][lst] = mine.modifications([mapped[t.sample] for t in targets], fn)
            gone = [mapped[x.sample] for x in removed[d] if x.sample in mapped]
            ops = tuple((1, fn - mine.pic_num(g, fn) - 1) for g in gone)
            if h.nal_ref_idc:
                mine.replace(gone, own)
                mapped[d] = own
                if len(mine.refs) > mine.size:
                    raise CannotBridge("the copied frames would hold too many references")
            nals = []
            slice_mods = iter(mods)
            for nal, slice_head in zip(s.nals, s.headers, strict=True):
                if slice_head is None:
                    nals.append(nal)
                    continue
                m0, m1 = next(slice_mods)
                nals.append(write_slice(
                    nal, slice_head, sps, frame_num=fn, poc_lsb=poc % sps.max_poc_lsb,
                    modifications=(m0, m1), marking=ops if h.nal_ref_idc else None,
                ))  # fmt: skip
            data = length_prefixed(nals, self.avc.nal_length_size)
            ours.append(Encoded(data, rank[d] - a, len(ours), False))
        progress(k1 - a)
        self._check(ours, source, a, m, [rank[d] for d in range(q, v_end)])
        return Bridge(ours, picture(first), self.pcm_pps, m - a, d_end - q)

    def _decode(self, d0: int, q: int, v_end: int, a: int, m: int) -> dict[int, VideoFrame]:
        """The source's frames a..m and those of the first copied group, decoded from
        the keyframe (frames nothing refers to and not wanted are left out)."""
        decoder = self._decoder = Decoder(self.avc, uncropped=True)
        out: dict[int, VideoFrame] = {}

        def keep(frames: list[VideoFrame]) -> None:
            for f in frames:
                if f.pts is None:
                    raise CannotBridge("a decoded frame has no time")
                k = bisect.bisect_left(self.times, f.pts)
                if k >= len(self.times) or self.times[k] != f.pts:
                    raise CannotBridge("a decoded frame's time is not one of the source's")
                out[k] = f

        for d in range(d0, v_end):
            if self.cancelled():
                raise CannotBridge("cancelled")
            data = self.read_sample(d)
            wanted = d >= q or a <= self.rank[d] <= m
            if not wanted and not is_reference(data, self.avc.nal_length_size):
                continue
            keep(decoder.decode(data, self.pts[d]))
        keep(decoder.decode(None))
        need = set(range(a, m + 1)) | {self.rank[d] for d in range(q, v_end)}
        if not need <= out.keys():
            raise CannotBridge("the source's frames around the in point do not decode")
        return out

    def _check(
        self, ours: list[Encoded], source: dict[int, VideoFrame], a: int, m: int,
        copied: list[int],
    ) -> None:  # fmt: skip
        """Decode the bridge and the first copied group (strictly): the anchor and the
        copied frames must be the source's, sample for sample."""
        avc = replace(self.avc, pps=[*self.avc.pps, self.pcm_pps])
        decoder = Decoder(avc, strict=True, uncropped=True)
        wanted = (m - a + 1) + len(copied)  # the bridge and the first copied group
        got: dict[int, VideoFrame] = {}
        shown: list[int] = []  # in the order the decoder gives them out
        try:
            for e in ours[:wanted]:
                for f in decoder.decode(e.data, e.pts):
                    got[f.pts or 0] = f
                    shown.append(f.pts or 0)
            for f in decoder.decode(None):
                got[f.pts or 0] = f
                shown.append(f.pts or 0)
        except CodecError as exc:
            raise CannotBridge(f"the bridge does not decode: {exc}") from exc
        if shown != sorted(shown):
            raise CannotBridge("the bridge's frames come out of the decoder out of order")
        for r in [m, *copied]:
            frame = got.get(r - a)
            if frame is None:
                raise CannotBridge("the bridge does not decode every frame")
            if _planes(frame) != _planes(source[r]):
                raise CannotBridge("the bridge does not decode to the source's frames")
