"""Fast mode's keyframe cut, written in this process from the source's MP4 index, and
measured against every frame of the source decoded from its beginning: where edit
lists are honoured the clip plays from the in point to the out point; where they are
ignored it plays from the keyframe before the in point, video and audio in sync."""

from __future__ import annotations

import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from tests.support.x264_media import (
    FFMPEG,
    assert_frames_match,
    audio_offset_ms,
    frame_ms,
    gray_frames,
    make_sources,
    pcm,
    psnr,
)
from tests.unit.media.export_frames import local_job

from clipdesk.core.export_plan import ExportMode
from clipdesk.media.clip_checks import check_keyframe_clip
from clipdesk.media.job_runner import JobRunner, Outcome
from clipdesk.media.keyframe_cut import keyframe_cut
from clipdesk.media.smart_cut import CannotSmartCut, open_input
from clipdesk.media.tools import find_tools

TOOLS = find_tools()

SOURCES = {
    "25fps-2s-bframes": ("25", 2.0, 3),
    "2997fps-4s-bframes": ("30000/1001", 4.0, 3),
    "30fps-1s-no-bframes": ("30", 1.0, 0),
}
AAC_PACKET_MS = 1024 / 44_100 * 1000  # the sources' audio packets


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_sources(tmp_path_factory.mktemp("x264"), SOURCES, 12.0)


@pytest.mark.parametrize("name", list(SOURCES))
def test_keyframe_cut_plays_from_the_in_point_and_keeps_sync_without_edit_lists(
    name: str, sources: dict[str, Path], tmp_path: Path
) -> None:
    src = sources[name]
    fps = Fraction(SOURCES[name][0])
    gop = round(SOURCES[name][1] * fps)
    ref = gray_frames(src)
    ref_noedit = gray_frames(src, "-ignore_editlist", "1")
    src_audio = pcm(src)
    src_noedit = pcm(src, "-ignore_editlist", "1")
    # On a keyframe, just after one, mid-GOP, just before one; ends between keyframes.
    for k, first in enumerate([gop, gop + 1, gop + gop // 2, 2 * gop - 1]):
        end = min(first + gop + gop // 2 + 1, len(ref) - 5)
        out = tmp_path / f"clip{k}.mp4"
        log: list[str] = []
        spec = local_job(src, out, frame_ms(first, fps), frame_ms(end, fps), ExportMode.FAST)
        result = JobRunner(spec, TOOLS, on_log=log.append).run()
        assert result.outcome is Outcome.DONE, result.error
        assert any("keyframe cut: frames" in line for line in log), log
        assert not any("[clipdesk] ffmpeg:" in line for line in log), log
        # As a player that honours edit lists shows it: exactly first..end-1.
        frames = gray_frames(out)
        assert len(frames) == end - first
        assert_frames_match(frames, ref, first)
        offset = audio_offset_ms(pcm(out), src_audio, first / fps)
        assert abs(offset) <= 2.0, f"audio {offset:+.2f} ms off"
        # As one that ignores them: from the keyframe at or before the in point, with
        # its audio as in sync as the source's own there (within one AAC packet: the
        # audio is copied in whole packets).
        key = first // gop * gop
        stored = gray_frames(out, "-ignore_editlist", "1")
        assert psnr(stored[0], ref_noedit[key]) == 99.0
        assert len(stored) >= end - key
        lead = audio_offset_ms(pcm(out, "-ignore_editlist", "1"), src_noedit, key / fps, 60)
        assert -2.0 <= lead <= AAC_PACKET_MS + 2.0, f"audio {lead:+.2f} ms late"


def test_separate_video_and_audio_files_are_cut_together(
    sources: dict[str, Path], tmp_path: Path
) -> None:
    """Sources split into a video and an audio file (DASH) make one clip."""
    src = sources["25fps-2s-bframes"]
    video, audio = tmp_path / "v.mp4", tmp_path / "a.m4a"
    for path, keep in ((video, "-an"), (audio, "-vn")):
        subprocess.run([FFMPEG, "-v", "error", "-i", str(src), "-c", "copy", keep, str(path)],
                       check=True)  # fmt: skip
    out = tmp_path / "clip.mp4"
    clip = keyframe_cut(open_input(video), open_input(audio), 3_040, 6_000, out)
    assert (clip.keyframe, clip.first, clip.end) == (50, 76, 150)
    assert check_keyframe_clip(out, 2_960, clip.preroll_s, lambda: False) is None
    frames = gray_frames(out)
    assert len(frames) == 150 - 76
    assert_frames_match(frames, gray_frames(src), 76)
    assert abs(audio_offset_ms(pcm(out), pcm(src), 76 / 25)) <= 2.0


def test_a_damaged_keyframe_fails_the_check(sources: dict[str, Path], tmp_path: Path) -> None:
    src = sources["25fps-2s-bframes"]
    out = tmp_path / "clip.mp4"
    clip = keyframe_cut(open_input(src), open_input(src), 2_000, 5_000, out)
    assert check_keyframe_clip(out, 3_000, clip.preroll_s, lambda: False) is None
    index = open_input(out).index
    video = index.video()
    assert video is not None
    data = bytearray(out.read_bytes())
    at = video.offsets[0] + video.sizes[0] // 2
    data[at : at + 64] = bytes(64)  # garbage in the middle of the keyframe's slice data
    out.write_bytes(bytes(data))
    why = check_keyframe_clip(out, 3_000, clip.preroll_s, lambda: False)
    assert why is not None and "decode" in why


def test_a_source_without_an_mp4_index_is_cut_by_ffmpeg(
    sources: dict[str, Path], tmp_path: Path
) -> None:
    mkv = tmp_path / "src.mkv"
    subprocess.run([FFMPEG, "-v", "error", "-i", str(sources["25fps-2s-bframes"]), "-c", "copy",
                    str(mkv)], check=True)  # fmt: skip
    log: list[str] = []
    spec = local_job(mkv, tmp_path / "out" / "clip.mp4", 2_000, 4_000, ExportMode.FAST)
    result = JobRunner(spec, TOOLS, on_log=log.append).run()
    assert result.outcome is Outcome.DONE, result.error
    assert any("no keyframe cut from the index" in line for line in log), log
    assert any("[clipdesk] ffmpeg:" in line for line in log), log


def _rotation(path: Path) -> str:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
         "stream_side_data=rotation", "-of", "csv=p=0", str(path)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return out.strip().strip(",")


@pytest.mark.parametrize("mode", [ExportMode.FAST, ExportMode.EXACT])
def test_a_rotated_phone_video_keeps_its_rotation(
    mode: ExportMode, sources: dict[str, Path], tmp_path: Path
) -> None:
    src = tmp_path / "portrait.mp4"
    subprocess.run([FFMPEG, "-v", "error", "-i", str(sources["25fps-2s-bframes"]), "-c", "copy",
                    "-metadata:s:v:0", "rotate=90", str(src)], check=True)  # fmt: skip
    turned = _rotation(src)
    assert turned in ("90", "-90")
    out = tmp_path / "clip.mp4"
    log: list[str] = []
    result = JobRunner(local_job(src, out, 3_000, 5_000, mode), TOOLS, on_log=log.append).run()
    assert result.outcome is Outcome.DONE, result.error
    assert any("keyframe cut: frames" in line or "smart cut: frames" in line for line in log)
    assert _rotation(out) == turned


def test_a_long_clip_at_a_fine_timescale_gets_64_bit_headers(tmp_path: Path) -> None:
    """8 s at a 1 GHz timescale is more than a 32-bit duration holds."""
    src = tmp_path / "fine.mp4"
    subprocess.run(
        [FFMPEG, "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25:d=10",
         "-f", "lavfi", "-i", "sine=d=10", "-c:v", "libx264", "-bf", "3", "-g", "50", "-c:a",
         "aac", "-video_track_timescale", "1000000000", str(src)],
        check=True,
    )  # fmt: skip
    out = tmp_path / "clip.mp4"
    log: list[str] = []
    spec = local_job(src, out, 1_000, 9_000, ExportMode.FAST)
    result = JobRunner(spec, TOOLS, on_log=log.append).run()
    assert result.outcome is Outcome.DONE, result.error
    assert any("keyframe cut: frames 0-224, shown from 25" in line for line in log), log
    frames = gray_frames(out)
    assert len(frames) == 200
    assert_frames_match(frames, gray_frames(src), 25)


@pytest.mark.parametrize("mode", [ExportMode.FAST, ExportMode.EXACT])
def test_audio_that_ends_before_the_in_point_is_cut_by_ffmpeg(
    mode: ExportMode, tmp_path: Path
) -> None:
    src = tmp_path / "short-audio.mp4"
    subprocess.run(
        [FFMPEG, "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25:d=10",
         "-f", "lavfi", "-i", "sine=d=4", "-c:v", "libx264", "-bf", "3", "-g", "50", "-c:a",
         "aac", str(src)],
        check=True,
    )  # fmt: skip
    log: list[str] = []
    spec = local_job(src, tmp_path / "out" / "clip.mp4", 6_000, 8_000, mode)
    result = JobRunner(spec, TOOLS, on_log=log.append).run()
    assert any("audio ends before the clip starts" in line for line in log), log
    # Then ffmpeg's cut: a stream copy from the keyframe at 4 s keeps the audio's last
    # packet; a re-encode from 6 s has no audio, which the result check says (no crash).
    if mode is ExportMode.FAST:
        assert result.outcome is Outcome.DONE, result.error
    else:
        assert (result.outcome, result.error) == (Outcome.FAILED, "the result has no audio stream")


def test_without_ffmpegs_libraries_fast_mode_is_cut_by_ffmpeg(
    sources: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The keyframe cut's check decodes with PyAV: without it the clip is not written
    only to be thrown away, ffmpeg cuts it at once."""
    monkeypatch.setitem(sys.modules, "av", None)  # `import av` raises ImportError
    log: list[str] = []
    spec = local_job(sources["25fps-2s-bframes"], tmp_path / "clip.mp4", 3_000, 5_000,
                     ExportMode.FAST)  # fmt: skip
    result = JobRunner(spec, TOOLS, on_log=log.append).run()
    assert result.outcome is Outcome.DONE, result.error
    assert any("no keyframe cut from the index (FFmpeg's libraries (PyAV)" in line
               for line in log), log  # fmt: skip
    assert not any("keyframe cut: frames" in line for line in log), log


def test_pcm_stored_a_sample_at_a_time_is_cut_by_ffmpeg(
    sources: dict[str, Path], tmp_path: Path
) -> None:
    mov = tmp_path / "pcm.mov"
    subprocess.run([FFMPEG, "-v", "error", "-i", str(sources["25fps-2s-bframes"]), "-c:v", "copy",
                    "-c:a", "pcm_s16le", str(mov)], check=True)  # fmt: skip
    with pytest.raises(CannotSmartCut, match="a sample at a time"):
        keyframe_cut(open_input(mov), open_input(mov), 3_000, 5_000, tmp_path / "clip.mp4")
