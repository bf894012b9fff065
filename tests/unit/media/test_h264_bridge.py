"""The smart cut's bridge into a GOP (h264_bridge): the frames up to the first I or P
frame at the in point re-encoded, that frame stored exactly (I_PCM), the rest of the
GOP copied with rewritten slice headers. Measured against the source decoded by
ffmpeg: every copied frame must be the source's, bit for bit."""

from __future__ import annotations

import subprocess
from fractions import Fraction
from pathlib import Path
from types import SimpleNamespace

import pytest
from tests.support.x264_media import FFMPEG, make_x264_source

from clipdesk.media import h264_bridge, h264_refs
from clipdesk.media.h264_frames import Decoder
from clipdesk.media.h264_syntax import parse_pps, parse_slice, parse_sps, write_slice
from clipdesk.media.mp4_index import FileBytes, nal_units, read_index
from clipdesk.media.smart_cut import Frames, SmartCut, open_input

# name: (fps, keyframe interval s, B-frames, preset, x264 params, size)
SOURCES = {
    "veryfast-25": ("25", 2.0, 3, "veryfast", "", "320x180"),
    "superfast-2997": ("30000/1001", 2.0, 3, "superfast", "", "320x180"),
    "cavlc-no-bframes-30": ("30", 2.0, 0, "veryfast", "cabac=0", "320x176"),
    "flat-b-weightp2-25": ("25", 4.0, 2, "veryfast", "b-pyramid=none:weightp=2", "320x180"),
    "three-refs-25": ("25", 2.0, 3, "medium", "", "320x180"),
    "four-slices-25": ("25", 2.0, 3, "veryfast", "slices=4", "320x180"),
}


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bridge-sources")
    out = {}
    for name, (fps, gop, bf, preset, params, size) in SOURCES.items():
        out[name] = make_x264_source(folder / f"{name}.mp4", fps, gop, bf, duration_s=12.0,
                                     size=size, preset=preset, x264_params=params)  # fmt: skip
    return out


def frame_md5s(path: Path, *input_args: str) -> list[str]:
    argv = [FFMPEG, "-v", "error", "-nostdin", *input_args, "-i", str(path), "-map", "0:v:0",
            "-fps_mode", "passthrough", "-f", "framemd5", "-"]  # fmt: skip
    lines = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    return [ln.rsplit(",", 1)[1].strip() for ln in lines.splitlines() if ln and ln[0] != "#"]


def decode_errors(path: Path) -> str:
    argv = [FFMPEG, "-v", "error", "-nostdin", "-i", str(path), "-f", "null", "-"]
    return subprocess.run(argv, capture_output=True, text=True).stderr


def cut(src: Path, first_frame: int, frames: int, work: Path):  # type: ignore[no-untyped-def]
    inp = open_input(src)
    f = Frames.of(inp.index.video())
    fps = Fraction(f.track.timescale, f.step)
    start_ms = int(first_frame * 1000 / fps) + 1
    end_ms = int((first_frame + frames) * 1000 / fps) + 1
    work.mkdir(parents=True, exist_ok=True)
    out = work / "clip.mp4"
    result = SmartCut(inp, inp, work, lambda: False, lambda _f: None).cut(start_ms, end_ms, out)
    return result, out, f


def test_slice_headers_written_back_unchanged_are_the_same_bytes(sources):
    for name in ("veryfast-25", "cavlc-no-bframes-30", "flat-b-weightp2-25", "three-refs-25",
                 "four-slices-25"):  # fmt: skip
        index = read_index(FileBytes(sources[name]))
        v = index.video()
        avc = v.avc
        sps = parse_sps(avc.sps[0])
        pps = {p.pps_id: p for p in map(parse_pps, avc.pps)}
        data = FileBytes(sources[name])
        for n in range(v.count):
            for nal in nal_units(data.read(v.offsets[n], v.sizes[n]), avc.nal_length_size):
                if nal[0] & 0x1F not in (1, 5):
                    continue
                h = parse_slice(nal, sps, pps)
                again = write_slice(nal, h, sps, frame_num=h.frame_num, poc_lsb=h.poc_lsb,
                                    modifications=h.modifications, marking=h.marking)  # fmt: skip
                assert again == bytes(nal), f"{name}: sample {n}"


@pytest.mark.parametrize("name", ["veryfast-25", "superfast-2997", "cavlc-no-bframes-30",
                                  "flat-b-weightp2-25", "four-slices-25"])  # fmt: skip
@pytest.mark.parametrize("after_key", [1, 2, 5, 13])
def test_bridged_clip_copies_the_gop_bit_exact(sources, tmp_path, name, after_key):
    src = sources[name]
    first_key = Frames.of(open_input(src).index.video()).keys[1]
    result, clip, _f = cut(src, first_key + after_key, 130, tmp_path)
    assert any(n.startswith("head: ") for n in result.notes), result.notes
    head, *rest = result.plan.segments
    bridged = int(result.notes[0].split()[1])  # "head: N frames re-encoded, ..."
    assert bridged <= 3
    # Only the frames before the exact anchor, and a re-encoded tail, may differ.
    redone = set(range(head.first, head.first + bridged))
    redone |= {n for s in rest if s.encode for n in range(s.first, s.end)}
    want = frame_md5s(src)
    got = frame_md5s(clip)
    a = result.plan.first
    assert a == first_key + after_key and len(got) == 130
    differ = {a + i for i, md5 in enumerate(got) if md5 != want[a + i]}
    assert differ <= redone, (sorted(differ), result.notes)
    assert head.end - head.first - bridged > 0  # frames of the GOP were copied
    assert decode_errors(clip) == ""
    # Players that ignore edit lists see the same frames (the video has none).
    assert frame_md5s(clip, "-ignore_editlist", "1") == got


def test_source_with_three_references_re_encodes_the_head(sources, tmp_path):
    src = sources["three-refs-25"]
    first_key = Frames.of(open_input(src).index.video()).keys[1]
    result, clip, _f = cut(src, first_key + 3, 60, tmp_path)
    assert result.notes == [
        "head re-encoded to the keyframe: a copied frame refers to a frame before the anchor"
    ]
    assert decode_errors(clip) == ""


def test_a_wrong_anchor_is_caught_and_the_head_re_encoded(sources, tmp_path, monkeypatch):
    real = h264_bridge.pcm_slice

    def damaged(*args, **kwargs):  # type: ignore[no-untyped-def]
        nal = bytearray(real(*args, **kwargs))
        nal[len(nal) // 2] ^= 0x10  # one sample of the anchor off by 16
        return bytes(nal)

    monkeypatch.setattr(h264_bridge, "pcm_slice", damaged)
    src = sources["veryfast-25"]
    first_key = Frames.of(open_input(src).index.video()).keys[1]
    result, clip, _f = cut(src, first_key + 5, 60, tmp_path)
    assert result.notes == [
        "head re-encoded to the keyframe: the bridge does not decode to the source's frames"
    ]
    assert decode_errors(clip) == ""


def test_reference_lists_written_out_are_read_back_the_same(sources) -> None:
    """Explicit list commands name every entry, the same picture twice included (x264's
    weightp=2 lists a picture twice for fades), across a frame_num wrap."""
    sps = parse_sps(read_index(FileBytes(sources["veryfast-25"])).video().avc.sps[0])
    assert sps.max_frame_num == 16
    model = h264_refs.RefModel(sps)
    a, b, c = (h264_refs.Pic(n, fn, 2 * n) for n, fn in ((0, 14), (1, 15), (2, 1)))
    model.refs = [a, b, c]  # frame_num 14, 15, then 1 after the wrap
    cur = 2
    for targets in ([a, a], [b, a, b], [c, a], [a, c, b], [c, c, c]):
        mods = model.modifications(targets, cur)
        assert all(0 <= diff < sps.max_frame_num for _idc, diff in mods), mods  # ue(v) range
        header = SimpleNamespace(kind=0, refs=(len(targets), 0), modifications=(mods, None))
        assert model.lists(header, cur, 10) == [targets], (targets, mods)  # type: ignore[arg-type]


def avcc_parts(stsd: bytes) -> tuple[int, bytes]:
    """An avc1 sample description's avcC: how many PPS it lists, and what follows them."""
    at = stsd.index(b"avcC") - 4
    size = int.from_bytes(stsd[at : at + 4], "big")
    record = stsd[at + 8 : at + size]
    pos = 6
    for _ in range(record[5] & 0x1F):
        pos += 2 + int.from_bytes(record[pos : pos + 2], "big")
    count, pos = record[pos], pos + 1
    for _ in range(count):
        pos += 2 + int.from_bytes(record[pos : pos + 2], "big")
    return count, record[pos:]


def test_bridged_clip_keeps_the_sources_avcc_and_adds_one_pps(sources, tmp_path):
    src = sources["veryfast-25"]
    first_key = Frames.of(open_input(src).index.video()).keys[1]
    result, clip, _f = cut(src, first_key + 5, 60, tmp_path)
    assert result.notes[0].startswith("head: ")
    before, after = read_index(FileBytes(src)).video(), read_index(FileBytes(clip)).video()
    assert after.avc.sps == before.avc.sps
    assert after.avc.pps[:-1] == before.avc.pps and len(after.avc.pps) == len(before.avc.pps) + 1
    count, trailer = avcc_parts(before.stsd)
    # A High profile record ends with chroma format and bit depths: kept as they were.
    assert before.avc.profile == 100 and len(trailer) >= 4
    assert avcc_parts(after.stsd) == (count + 1, trailer)


@pytest.mark.parametrize("name", ["veryfast-25", "superfast-2997", "flat-b-weightp2-25",
                                  "three-refs-25", "four-slices-25"])  # fmt: skip
def test_frames_decoded_passing_over_b_frames_are_the_sources(sources, name):
    """For every frame of a GOP as a head or tail would want it: decoded with the
    B-frames skippable() names passed over, it is the frame a full decode gives."""
    src = sources[name]
    track = open_input(src).index.video()
    f = Frames.of(track)
    data = FileBytes(src)

    def read(n: int) -> bytes:
        return data.read(track.offsets[n], track.sizes[n])

    d0, d1 = f.order[f.keys[1]], f.order[f.keys[2]]
    pts = track.pts()

    def decode(until: int, skip: set[int]) -> dict[int, list[bytes]]:
        dec = Decoder(track.avc)
        got = {}
        for n in range(d0, until):
            for frame in dec.decode(read(n), pts[n], skip=n in skip):
                got[frame.pts] = [bytes(p) for p in frame.planes]
        for frame in dec.decode(None):
            got[frame.pts] = [bytes(p) for p in frame.planes]
        return got

    full = decode(d1, set())
    passed_over = 0
    for target in range(d0, d1):
        skip = h264_refs.skippable(track.avc, read, d0, target + 1, {target})
        passed_over += len(skip)
        assert target not in skip
        assert decode(target + 1, skip)[pts[target]] == full[pts[target]], (name, target)
    # B-pyramids have reference B-frames to pass over (without, none are fed at all).
    if name in ("veryfast-25", "superfast-2997", "four-slices-25"):
        assert passed_over > 0
