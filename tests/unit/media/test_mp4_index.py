"""The MP4 index read in Python against ffprobe's view of the same files, over a
file and over HTTP Range requests; the media URLs taken from yt-dlp's JSON."""

from __future__ import annotations

import json
import subprocess
from fractions import Fraction
from pathlib import Path

import pytest
from tests.support.range_server import RangeServer
from tests.support.x264_media import FFMPEG, idr_pic_ids, make_x264_source

from clipdesk.media.mp4_index import FileBytes, Mp4Error, idr_pic_id, read_index, x264_settings
from clipdesk.media.range_fetch import HttpBytes, RangeError
from clipdesk.media.sparse_source import MediaUrls, SparseSource, media_urls, needed_spans


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("mp4")
    src = make_x264_source(d / "fast-start.mp4", "30000/1001", 2.0, 3, duration_s=14.0)
    # The same streams with moov after mdat, and fragmented.
    subprocess.run([FFMPEG, "-v", "error", "-i", str(src), "-c", "copy", str(d / "tail.mp4")],
                   check=True)  # fmt: skip
    subprocess.run([FFMPEG, "-v", "error", "-i", str(src), "-c", "copy", "-movflags",
                    "frag_keyframe+empty_moov", str(d / "frag.mp4")], check=True)  # fmt: skip
    return d


def ffprobe_packets(path: Path, stream: str) -> list[dict]:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", stream, "-show_entries",
         "packet=pts,dts,size,pos,flags", "-of", "json", str(path)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return json.loads(out)["packets"]


@pytest.mark.parametrize("name", ["fast-start.mp4", "tail.mp4"])
def test_index_agrees_with_ffprobe(folder: Path, name: str) -> None:
    path = folder / name
    index = read_index(FileBytes(path))
    video, audio = index.video(), index.audio()
    assert video is not None and audio is not None
    packets = ffprobe_packets(path, "v:0")
    assert video.count == len(packets)
    assert video.sizes == [int(p["size"]) for p in packets]
    assert video.offsets == [int(p["pos"]) for p in packets]
    # ffprobe's pts are after the edit list, as Track.pts() is.
    assert video.pts() == [int(p["pts"]) for p in packets]
    keys = [n for n, p in enumerate(packets) if "K" in p["flags"]]
    assert video.sync == keys
    apackets = ffprobe_packets(path, "a:0")
    assert audio.count == len(apackets)
    assert audio.offsets == [int(p["pos"]) for p in apackets]
    assert video.avc is not None and video.avc.nal_length_size == 4
    first = FileBytes(path).read(video.offsets[0], video.sizes[0])
    settings = x264_settings(first)
    assert settings is not None and settings["bframes"] == "3"


def test_index_over_http_ranges(folder: Path) -> None:
    with RangeServer(folder) as server:
        http = HttpBytes(server.url("tail.mp4"))
        index = read_index(http)
        assert index.size == (folder / "tail.mp4").stat().st_size
        # Only box headers and the index were read, not the media.
        assert http.bytes_read < 64 * 1024 + index.moov_size + 1024
        assert all(r and r.startswith("bytes=") for _, r in server.requests)
        server.faults["tail.mp4"] = "norange"
        with pytest.raises(RangeError, match="does not support byte ranges"):
            HttpBytes(server.url("tail.mp4"))


def test_fragmented_mp4_is_refused_with_a_reason(folder: Path) -> None:
    with pytest.raises(Mp4Error, match="fragmented"):
        read_index(FileBytes(folder / "frag.mp4"))


def test_sparse_copy_holds_what_a_clip_needs(folder: Path, tmp_path: Path) -> None:
    src = folder / "tail.mp4"
    with RangeServer(folder) as server:
        sparse = SparseSource.open(server.url("tail.mp4"), tmp_path)
        sparse.plan([(3_003, 4_004)])
        sparse.wait_for(3_003, 4_004, lambda: False)
        sparse.close()
    assert not sparse.whole_file
    assert sparse.path.stat().st_size == src.stat().st_size
    data, copy = src.read_bytes(), sparse.path.read_bytes()
    for lo, hi in needed_spans(sparse.index, 3_003, 4_004):
        assert copy[lo:hi] == data[lo:hi]
    assert copy != data  # the rest was never fetched
    video = sparse.index.video()
    assert video is not None
    fps = Fraction(30000, 1001)
    # From the keyframe before the start (a second of margin) to a second past the end.
    lo, hi = needed_spans(sparse.index, 3_003, 4_004)[0]
    assert lo <= video.offsets[round(2 * fps)] and hi >= video.offsets[round(4 * fps)]


def test_media_urls_from_ytdlp_json(tmp_path: Path) -> None:
    info = tmp_path / "info.json"
    info.write_text(json.dumps({"requested_formats": [
        {"url": "https://cdn.example/v.mp4", "protocol": "https", "ext": "mp4",
         "vcodec": "avc1.64001f", "acodec": "none", "http_headers": {"User-Agent": "x"}},
        {"url": "https://cdn.example/a.m4a", "protocol": "https", "ext": "m4a",
         "vcodec": "none", "acodec": "mp4a.40.2"},
    ]}))  # fmt: skip
    assert media_urls(info) == MediaUrls(
        "https://cdn.example/v.mp4", "https://cdn.example/a.m4a", {"User-Agent": "x"}
    )
    info.write_text(json.dumps({"url": "https://x/p.m3u8", "protocol": "m3u8_native"}))
    assert media_urls(info) == "the media is streamed (m3u8_native), not one file"
    info.write_text(json.dumps({"url": "https://x/v.webm", "protocol": "https", "ext": "webm"}))
    assert media_urls(info) == "the media is webm, not MP4"


def test_idr_pic_id_read_like_ffmpeg_reads_it(folder: Path) -> None:
    path = folder / "fast-start.mp4"
    video = read_index(FileBytes(path)).video()
    assert video is not None and video.avc is not None and video.sync is not None
    src = FileBytes(path)
    ours = [
        idr_pic_id(src.read(video.offsets[n], video.sizes[n]), video.avc.sps[0])
        if video.is_sync(n) else None
        for n in range(video.count)
    ]  # fmt: skip
    assert ours == idr_pic_ids(path)
    assert {i for i in ours if i is not None} == {0, 1}
