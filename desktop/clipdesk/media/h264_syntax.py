"""H.264 syntax that the smart cut reads and rewrites: RBSP bits, the SPS and PPS fields
slice headers depend on, and slice headers themselves (frames only: no fields, no
slice groups, no SP/SI slices).

A slice header is parsed into the fields a cut changes (frame_num, the picture order
count, the reference list modifications and the reference marking) and raw bit runs
for everything else, so that writing it back changes only those fields. The slice
data after the header is copied: byte for byte under CABAC (it starts byte-aligned),
bit for bit under CAVLC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_EMULATED = re.compile(b"\x00\x00(?=[\x00-\x03])")

SLICE_P, SLICE_B, SLICE_I = 0, 1, 2  # slice_type % 5 (SP and SI are refused)


class SyntaxUnsupported(ValueError):
    """The stream uses syntax the cut does not rewrite; str() says which."""


def rbsp(nal: bytes) -> bytes:
    """The NAL unit without its emulation prevention bytes (header byte kept)."""
    return nal.replace(b"\x00\x00\x03", b"\x00\x00")


def escaped(data: bytes) -> bytes:
    """The NAL unit with emulation prevention bytes inserted where the RBSP needs them."""
    out = _EMULATED.sub(b"\x00\x00\x03", data)
    return out + b"\x03" if out.endswith(b"\x00") else out


class BitReader:
    def __init__(self, data: bytes, pos: int = 8) -> None:
        self.data = data
        self.pos = pos  # in bits; 8: past the NAL header byte

    def u(self, n: int) -> int:
        if n == 0:
            return 0
        end = self.pos + n
        if end > len(self.data) * 8:
            raise SyntaxUnsupported("a header runs past the end of its NAL unit")
        first, last = self.pos >> 3, (end + 7) >> 3
        chunk = int.from_bytes(self.data[first:last], "big")
        self.pos = end
        return (chunk >> ((last << 3) - end)) & ((1 << n) - 1)

    def ue(self) -> int:
        zeros = 0
        while self.u(1) == 0:
            zeros += 1
            if zeros > 31:
                raise SyntaxUnsupported("a damaged Exp-Golomb code")
        return (1 << zeros) - 1 + self.u(zeros)

    def se(self) -> int:
        k = self.ue()
        return (k + 1) // 2 if k & 1 else -(k // 2)

    def bits(self, start: int, end: int) -> tuple[int, int]:
        """The bits start..end of the data as (value, count)."""
        keep, self.pos = self.pos, start
        value = self.u(end - start) if end > start else 0
        self.pos = keep
        return value, end - start


class BitWriter:
    def __init__(self) -> None:
        self.value = 0
        self.count = 0

    def u(self, n: int, v: int) -> None:
        self.value = (self.value << n) | (v & ((1 << n) - 1))
        self.count += n

    def ue(self, v: int) -> None:
        v += 1
        n = v.bit_length()
        self.u(2 * n - 1, v)

    def se(self, v: int) -> None:
        self.ue(2 * v - 1 if v > 0 else -2 * v)

    def commands(self, pairs: tuple[tuple[int, int], ...], end: int) -> None:
        """(operation, argument) pairs as ue(v) codes, then the closing operation."""
        for op, arg in pairs:
            self.ue(op)
            self.ue(arg)
        self.ue(end)

    def raw(self, run: tuple[int, int]) -> None:
        self.u(run[1], run[0])

    def align(self, bit: int) -> None:
        while self.count % 8:
            self.u(1, bit)

    def data(self) -> bytes:
        assert self.count % 8 == 0
        return self.value.to_bytes(self.count // 8, "big")


_HIGH = {100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135}


@dataclass(frozen=True)
class Sps:
    sps_id: int
    profile: int
    chroma_format: int
    bit_depth: int
    frame_num_bits: int
    poc_type: int
    poc_lsb_bits: int
    max_refs: int
    width_mbs: int
    height_mbs: int
    crop: tuple[int, int, int, int] = (0, 0, 0, 0)  # left, right, top, bottom (luma pixels)
    gaps_allowed: bool = False  # gaps_in_frame_num_value_allowed_flag

    @property
    def max_frame_num(self) -> int:
        return 1 << self.frame_num_bits

    @property
    def max_poc_lsb(self) -> int:
        return 1 << self.poc_lsb_bits  # 1 for types without the field


def parse_sps(nal: bytes) -> Sps:
    b = BitReader(rbsp(nal))
    profile = b.u(8)
    b.u(16)  # constraint flags, level
    sps_id = b.ue()
    chroma, depth = 1, 8
    if profile in _HIGH:
        chroma = b.ue()
        if chroma == 3 and b.u(1):
            raise SyntaxUnsupported("separate colour planes")
        depth = b.ue() + 8
        if b.ue() + 8 != depth:
            raise SyntaxUnsupported("different luma and chroma bit depths")
        b.u(1)  # qpprime_y_zero_transform_bypass
        if b.u(1):
            raise SyntaxUnsupported("scaling matrices")
    frame_num_bits = b.ue() + 4
    poc_type = b.ue()
    poc_lsb_bits = 0
    if poc_type == 0:
        poc_lsb_bits = b.ue() + 4
    elif poc_type == 1:
        raise SyntaxUnsupported("picture order count type 1")
    max_refs = b.ue()
    gaps = bool(b.u(1))
    width, height = b.ue() + 1, b.ue() + 1
    if not b.u(1):
        raise SyntaxUnsupported("field coding (frame_mbs_only_flag 0)")
    b.u(1)  # direct_8x8_inference
    crop = (0, 0, 0, 0)
    if b.u(1):
        # Crop units are chroma samples: two luma samples across for 4:2:0 and 4:2:2,
        # two down for 4:2:0.
        ux, uy = (2 if chroma in (1, 2) else 1), (2 if chroma == 1 else 1)
        left, right, top, bottom = b.ue(), b.ue(), b.ue(), b.ue()
        crop = (left * ux, right * ux, top * uy, bottom * uy)
    return Sps(sps_id, profile, chroma, depth, frame_num_bits, poc_type, poc_lsb_bits,
               max_refs, width, height, crop, gaps)  # fmt: skip


@dataclass(frozen=True)
class Pps:
    pps_id: int
    sps_id: int
    cabac: bool
    bottom_field_poc: bool
    refs_l0: int  # num_ref_idx_l0_default_active
    refs_l1: int
    weighted_pred: bool
    weighted_bipred: int
    deblocking_control: bool
    redundant_pic_cnt: bool


def parse_pps(nal: bytes) -> Pps:
    b = BitReader(rbsp(nal))
    pps_id, sps_id = b.ue(), b.ue()
    cabac, bottom = bool(b.u(1)), bool(b.u(1))
    if b.ue() != 0:
        raise SyntaxUnsupported("slice groups")
    refs_l0, refs_l1 = b.ue() + 1, b.ue() + 1
    weighted_pred, weighted_bipred = bool(b.u(1)), b.u(2)
    b.se(), b.se(), b.se()  # pic_init_qp, pic_init_qs, chroma_qp_index_offset
    deblocking, _constrained, redundant = bool(b.u(1)), b.u(1), bool(b.u(1))
    return Pps(pps_id, sps_id, cabac, bottom, refs_l0, refs_l1, weighted_pred,
               weighted_bipred, deblocking, redundant)  # fmt: skip


def pcm_pps(pps_id: int, sps_id: int) -> bytes:
    """A PPS for I_PCM slices: CAVLC (an I_PCM macroblock is then a 9-bit code and its
    samples), deblocking controlled by the slice."""
    w = BitWriter()
    w.u(8, 0x68)  # nal_ref_idc 3, PPS
    w.ue(pps_id)
    w.ue(sps_id)
    w.u(1, 0)  # entropy_coding_mode_flag: CAVLC
    w.u(1, 0)  # bottom_field_pic_order_in_frame_present
    w.ue(0)  # num_slice_groups_minus1
    w.ue(0)
    w.ue(0)  # num_ref_idx defaults
    w.u(1, 0)
    w.u(2, 0)  # weighted prediction
    w.se(0)
    w.se(0)
    w.se(0)  # pic_init_qp, pic_init_qs, chroma_qp_index_offset
    w.u(1, 1)  # deblocking_filter_control_present
    w.u(1, 0)
    w.u(1, 0)  # constrained_intra_pred, redundant_pic_cnt_present
    w.u(1, 1)
    w.align(0)
    return w.data()


# modification_of_pic_nums_idc 0/1 with abs_diff_pic_num_minus1; 2 (long-term) refused
Modification = tuple[int, int]
# memory_management_control_operation 1 with difference_of_pic_nums_minus1
Marking = tuple[int, int]


@dataclass(frozen=True)
class SliceHeader:
    nal_ref_idc: int
    nal_type: int
    first_mb: int
    slice_type: int  # as coded (0..9)
    pps_id: int
    frame_num: int
    idr_pic_id: int
    poc_lsb: int
    after_poc: tuple[int, int]  # delta bottom, redundant count, direct flag, ref counts
    refs: tuple[int, int]  # active reference counts, lists 0 and 1
    modifications: tuple[tuple[Modification, ...] | None, tuple[Modification, ...] | None]
    weights: tuple[int, int]  # pred_weight_table
    idr_flags: int  # no_output_of_prior_pics and long_term_reference (IDR)
    marking: tuple[Marking, ...] | None  # None: sliding window
    rest: tuple[int, int]  # cabac_init_idc .. deblocking
    data_at: int  # bit where the slice data starts (past cabac alignment)
    cabac: bool

    @property
    def kind(self) -> int:
        return self.slice_type % 5

    @property
    def idr(self) -> bool:
        return self.nal_type == 5


def parse_slice(nal: bytes, sps: Sps, pps_of: dict[int, Pps]) -> SliceHeader:
    """The header of a coded slice NAL unit (types 1 and 5)."""
    data = rbsp(nal)
    b = BitReader(data)
    ref_idc, nal_type = data[0] >> 5 & 3, data[0] & 0x1F
    first_mb, slice_type, pps_id = b.ue(), b.ue(), b.ue()
    kind = slice_type % 5
    if kind > SLICE_I:
        raise SyntaxUnsupported("SP/SI slices")
    pps = pps_of.get(pps_id)
    if pps is None:
        raise SyntaxUnsupported(f"a slice refers to an unknown PPS {pps_id}")
    frame_num = b.u(sps.frame_num_bits)
    idr_id = b.ue() if nal_type == 5 else 0
    poc_lsb = b.u(sps.poc_lsb_bits) if sps.poc_type == 0 else 0
    at = b.pos
    if sps.poc_type == 0 and pps.bottom_field_poc:
        b.se()
    if pps.redundant_pic_cnt:
        b.ue()
    if kind == SLICE_B:
        b.u(1)
    refs = (0, 0)
    if kind != SLICE_I:
        refs = (pps.refs_l0, pps.refs_l1 if kind == SLICE_B else 0)
        if b.u(1):
            refs = (b.ue() + 1, b.ue() + 1 if kind == SLICE_B else 0)
    after_poc = b.bits(at, b.pos)
    mods: list[tuple[Modification, ...] | None] = [None, None]
    for lst in range(2 if kind == SLICE_B else 1 if kind == SLICE_P else 0):
        if b.u(1):
            got = []
            while (idc := b.ue()) != 3:
                if idc > 1:
                    raise SyntaxUnsupported("long-term reference pictures")
                got.append((idc, b.ue()))
            mods[lst] = tuple(got)
    at = b.pos
    if (pps.weighted_pred and kind == SLICE_P) or (pps.weighted_bipred == 1 and kind == SLICE_B):
        b.ue()
        chroma = sps.chroma_format != 0
        if chroma:
            b.ue()
        for lst in range(2 if kind == SLICE_B else 1):
            for _ in range(refs[lst]):
                if b.u(1):
                    b.se(), b.se()
                if chroma and b.u(1):
                    b.se(), b.se(), b.se(), b.se()
    weights = b.bits(at, b.pos)
    idr_flags, marking = 0, None
    if ref_idc:
        if nal_type == 5:
            idr_flags = b.u(2)
            if idr_flags & 1:
                raise SyntaxUnsupported("long-term reference pictures")
        elif b.u(1):
            ops = []
            while (op := b.ue()) != 0:
                if op != 1:
                    raise SyntaxUnsupported(f"reference marking operation {op}")
                ops.append((op, b.ue()))
            marking = tuple(ops)
    at = b.pos
    if pps.cabac and kind != SLICE_I:
        b.ue()
    b.se()  # slice_qp_delta
    if pps.deblocking_control and b.ue() != 1:
        b.se(), b.se()
    rest = b.bits(at, b.pos)
    end = b.pos
    if pps.cabac:
        end = (end + 7) & ~7
    return SliceHeader(ref_idc, nal_type, first_mb, slice_type, pps_id, frame_num, idr_id,
                       poc_lsb, after_poc, refs, (mods[0], mods[1]), weights, idr_flags,
                       marking, rest, end, pps.cabac)  # fmt: skip


def write_slice(
    nal: bytes,
    header: SliceHeader,
    sps: Sps,
    *,
    frame_num: int,
    poc_lsb: int,
    modifications: tuple[tuple[Modification, ...] | None, tuple[Modification, ...] | None],
    marking: tuple[Marking, ...] | None,
) -> bytes:
    """The slice NAL unit with these fields in its header; the rest as it was."""
    data = rbsp(nal)
    h = header
    w = BitWriter()
    w.u(8, data[0])
    w.ue(h.first_mb)
    w.ue(h.slice_type)
    w.ue(h.pps_id)
    w.u(sps.frame_num_bits, frame_num)
    if h.idr:
        w.ue(h.idr_pic_id)
    if sps.poc_type == 0:
        w.u(sps.poc_lsb_bits, poc_lsb)
    w.raw(h.after_poc)
    for lst in range(2 if h.kind == SLICE_B else 1 if h.kind == SLICE_P else 0):
        mods = modifications[lst]
        w.u(1, mods is not None)
        if mods is not None:
            w.commands(mods, 3)
    w.raw(h.weights)
    if h.nal_ref_idc:
        if h.idr:
            w.u(2, h.idr_flags)
        else:
            w.u(1, marking is not None)
            if marking is not None:
                w.commands(marking, 0)
    w.raw(h.rest)
    if h.cabac:
        w.align(1)
        return escaped(w.data() + data[h.data_at // 8 :])
    # CAVLC: the slice data continues at any bit; shift it after the new header and
    # end it again with a stop bit and zeros to the byte.
    tail_bits = len(data) * 8 - h.data_at
    tail = int.from_bytes(data, "big") & ((1 << tail_bits) - 1)
    if not tail:
        raise SyntaxUnsupported("a slice without its trailing bits")
    zeros = (tail & -tail).bit_length() - 1
    tail, tail_bits = tail >> zeros, tail_bits - zeros
    total = w.count + tail_bits
    pad = (-total) % 8
    value = ((w.value << tail_bits) | tail) << pad
    return escaped(value.to_bytes((total + pad) // 8, "big"))
