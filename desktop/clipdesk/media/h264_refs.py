"""What an H.264 decoder holds while it decodes frames: the short-term reference
pictures (H.264 8.2.4 and 8.2.5, frames only), the reference lists a slice gets from
them, and picture order counts. The smart cut's bridge rewrites copied slices from this
model, and a decode from a keyframe uses it to pass over B-frames nothing shown needs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from clipdesk.media.h264_syntax import (
    SLICE_B,
    SLICE_I,
    SliceHeader,
    Sps,
    SyntaxUnsupported,
    parse_pps,
    parse_slice,
    parse_sps,
)
from clipdesk.media.mp4_index import AvcConfig, nal_units


class NotHeld(Exception):
    """A slice refers to a picture the decoder does not hold (or is not modelled)."""


@dataclass(eq=False)
class Pic:
    """A reference picture: a source sample (>= 0) or one of the bridge's own (< 0)."""

    sample: int
    frame_num: int
    poc: int


class RefModel:
    """The short-term reference frames a decoder holds (H.264 8.2.4 and 8.2.5, frames
    only) and the reference lists a slice gets from them."""

    def __init__(self, sps: Sps) -> None:
        self.max = sps.max_frame_num
        self.size = max(1, sps.max_refs)
        self.refs: list[Pic] = []

    def pic_num(self, pic: Pic, cur_fn: int) -> int:
        return pic.frame_num if pic.frame_num <= cur_fn else pic.frame_num - self.max

    def find(self, pic_num: int, cur_fn: int) -> Pic:
        for p in self.refs:
            if self.pic_num(p, cur_fn) == pic_num:
                return p
        raise NotHeld("a slice refers to a picture its decoder does not hold")

    def lists(self, h: SliceHeader, cur_fn: int, cur_poc: int) -> list[list[Pic]]:
        if h.kind == SLICE_I:
            return []
        if h.kind == SLICE_B:
            before = sorted((p for p in self.refs if p.poc < cur_poc), key=lambda p: -p.poc)
            after = sorted((p for p in self.refs if p.poc > cur_poc), key=lambda p: p.poc)
            l0, l1 = before + after, after + before
            if len(l1) > 1 and l1 == l0:
                l1[0], l1[1] = l1[1], l1[0]
            inits = [l0, l1]
        else:
            inits = [sorted(self.refs, key=lambda p: -self.pic_num(p, cur_fn))]
        out = []
        for lst, init in enumerate(inits):
            n = h.refs[lst]
            got = init[:n]
            pred = cur_fn
            for idx, (idc, diff) in enumerate(h.modifications[lst] or ()):
                nw = pred - (diff + 1) if idc == 0 else pred + diff + 1
                nw = nw + self.max if nw < 0 else nw - self.max if nw >= self.max else nw
                pred = nw
                target = self.find(nw - self.max if nw > cur_fn else nw, cur_fn)
                got = (got[:idx] + [target] + [p for p in got[idx:] if p is not target])[:n]
            out.append(got)
        return out

    def modifications(self, targets: list[Pic], cur_fn: int) -> tuple[tuple[int, int], ...]:
        """Commands that put exactly these pictures first in a list, in this order."""
        out = []
        pred = cur_fn
        for t in targets:
            pn = self.pic_num(t, cur_fn)
            nw = pn + self.max if pn < 0 else pn
            if nw == pred:  # the same picture again (x264's weightp=2 duplicates one)
                out.append((0, self.max - 1))
            else:
                out.append((0, pred - nw - 1) if nw < pred else (1, nw - pred - 1))
            pred = nw
        return tuple(out)

    def removed_by(self, h: SliceHeader, cur_fn: int) -> list[Pic]:
        """The pictures marking the current one takes out (before it is added)."""
        if not h.nal_ref_idc:
            return []
        if h.idr:
            return list(self.refs)
        if h.marking is not None:
            return [self.find(cur_fn - (diff + 1), cur_fn) for _op, diff in h.marking]
        if len(self.refs) >= self.size:
            return [min(self.refs, key=lambda p: self.pic_num(p, cur_fn))]
        return []

    def replace(self, removed: list[Pic], added: Pic | None) -> None:
        self.refs = [p for p in self.refs if not any(p is r for r in removed)]
        if added is not None:
            self.refs.append(added)


class PocCounter:
    """Picture order counts of frames in decode order (types 0 and 2)."""

    def __init__(self, sps: Sps) -> None:
        self.sps = sps
        self.msb = self.lsb = 0
        self.offset = self.prev_fn = 0

    def poc(self, h: SliceHeader) -> int:
        if self.sps.poc_type == 2:
            if h.idr:
                self.offset = 0
            elif self.prev_fn > h.frame_num:
                self.offset += self.sps.max_frame_num
            self.prev_fn = h.frame_num
            return 2 * (self.offset + h.frame_num) - (0 if h.nal_ref_idc else 1)
        top = self.sps.max_poc_lsb
        if h.idr:
            self.msb = self.lsb = 0
        lsb, msb = h.poc_lsb, self.msb
        if lsb < self.lsb and self.lsb - lsb >= top // 2:
            msb += top
        elif lsb > self.lsb and lsb - self.lsb > top // 2:
            msb -= top
        if h.nal_ref_idc:
            self.msb, self.lsb = msb, lsb
        return msb + lsb


@dataclass
class Followed:
    """A run of frames as a decoder sees it, by sample number."""

    pics: dict[int, Pic]
    lists: dict[int, list[list[list[Pic]]]]  # sample -> slice -> reference list
    removed: dict[int, list[Pic]]  # what the sample's marking takes out
    held: dict[int, list[Pic]]  # the references held when the sample is decoded


def follow(sps: Sps, slices: dict[int, list[SliceHeader]]) -> Followed:
    """Follow samples in decode order (their slice headers; the first an IDR frame)
    through the model. NotHeld when a slice refers to a picture that is not held."""
    model, count = RefModel(sps), PocCounter(sps)
    out = Followed({}, {}, {}, {})
    for d, heads in slices.items():
        first = heads[0]
        pic = out.pics[d] = Pic(d, first.frame_num, count.poc(first))
        out.held[d] = list(model.refs)
        # Every slice of a picture has its own lists (the same ones, as x264 writes).
        out.lists[d] = [model.lists(x, first.frame_num, pic.poc) for x in heads]
        out.removed[d] = model.removed_by(first, first.frame_num)
        model.replace(out.removed[d], pic if first.nal_ref_idc else None)
    return out


def needed(lists: dict[int, list[list[list[Pic]]]], wanted: set[int]) -> set[int]:
    """The samples a decode of the wanted ones needs: them, and every picture in the
    active reference lists of a needed sample, back to the keyframe."""
    need = set(wanted)
    for d in sorted(lists, reverse=True):
        if d in need:
            need.update(x.sample for per_slice in lists[d] for lst in per_slice for x in lst)
    return need


def skippable(
    avc: AvcConfig, read_sample: Callable[[int], bytes], d0: int, d1: int, wanted: set[int]
) -> set[int]:
    """Reference B-frames among samples d0..d1-1 (d0 an IDR frame) that a decode of
    the wanted ones can pass over (FFmpeg's skip_frame): nothing decoded refers to them,
    and every frame decoded after the first of them is a P-frame whose lists are all
    written out. FFmpeg fills the frame numbers of a passed-over frame with a copy of
    the previous one, which a default list would pick up (a B-frame's, by its order
    count); written-out lists do not. Nothing when the headers cannot be followed."""
    try:
        if len(avc.sps) != 1 or not avc.pps:
            return set()
        sps = parse_sps(avc.sps[0])
        if sps.gaps_allowed or sps.max_refs < 2:
            return set()
        pps_of = {p.pps_id: p for p in map(parse_pps, avc.pps)}
        heads: dict[int, list[SliceHeader]] = {}
        for d in range(d0, d1):
            units = nal_units(read_sample(d), avc.nal_length_size)
            slices = [parse_slice(u, sps, pps_of) for u in units if u and u[0] & 0x1F in (1, 5)]
            if not slices or (d == d0) != slices[0].idr:
                return set()
            heads[d] = slices
        lists = follow(sps, heads).lists
    except (SyntaxUnsupported, NotHeld):
        return set()
    need = needed(lists, wanted)
    fed = need | {d for d in heads if heads[d][0].nal_ref_idc}
    candidates = {d for d in fed - need if all(x.kind == SLICE_B for x in heads[d])}

    def explicit(d: int) -> bool:
        return all(
            x.kind != SLICE_B and (x.kind == SLICE_I or len(x.modifications[0] or ()) >= x.refs[0])
            for x in heads[d]
        )

    # Frames decoded after the last one that needs default lists come after every skip.
    last_default = max((d for d in fed - candidates if not explicit(d)), default=d0)
    return {d for d in candidates if d > last_default}
