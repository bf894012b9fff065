"""The checks a smart-cut clip passes before it is kept, on real clips made by the
smart cut from x264 sources: a good clip passes; damage at a join, a first frame that
is not the source's, or a clip that fails any check is never delivered as it is."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from tests.support.x264_media import gray_frames, make_x264_source, psnr
from tests.unit.media.export_frames import local_job

import clipdesk.media.batch_export as batch_export
from clipdesk.media.clip_checks import Window, check_smart_clip
from clipdesk.media.job_runner import JobRunner, Outcome
from clipdesk.media.mp4_index import FileBytes, read_index
from clipdesk.media.smart_cut import CutResult, SmartCut, open_input
from clipdesk.media.tools import find_tools

FPS = Fraction(25)


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("checks")
    return make_x264_source(folder / "src.mp4", "25", 1.0, 3, duration_s=6.0)


def ms(frame: int) -> int:
    return round(frame * 1000 / FPS)


def cut(source: Path, work: Path, first: int, end: int) -> tuple[Path, CutResult, list[Window]]:
    """A smart cut of frames first..end-1, and where its parts start."""
    work.mkdir(exist_ok=True)
    inp = open_input(source)
    smart = SmartCut(inp, inp, work, lambda: False, lambda f: None)
    out = work / "clip.mp4"
    result = smart.cut(ms(first), ms(end), out)
    frames, plan = smart.frames, result.plan
    base, ts = frames.times[plan.first], frames.track.timescale
    windows = [
        Window((frames.times[s.first] - base) / ts, (frames.end_time(s.end) - base) / ts)
        for s in plan.segments
    ]
    return out, result, windows


def test_a_good_clip_passes(source: Path, tmp_path: Path) -> None:
    # A head (frames 26-49), a copied run from the keyframe at 50, a tail.
    out, result, windows = cut(source, tmp_path, 26, 88)
    assert [s.encode for s in result.plan.segments][:2] == [True, False]
    assert check_smart_clip(out, ms(88) - ms(26), windows, result.reference, lambda: False) is None


def test_damage_where_the_copied_part_starts_is_found(source: Path, tmp_path: Path) -> None:
    out, result, windows = cut(source, tmp_path, 26, 88)
    video = read_index(FileBytes(out)).video()
    assert video is not None
    join = windows[1].start_s * video.timescale
    n = min(range(video.count), key=lambda k: abs(video.pts()[k] - join))
    assert video.is_sync(n)
    # Garbage in the middle of the copied IDR frame's slice data.
    with open(out, "r+b") as f:
        f.seek(video.offsets[n] + video.sizes[n] // 2)
        f.write(bytes(range(256)) * 4)
    why = check_smart_clip(out, ms(88) - ms(26), windows, result.reference, lambda: False)
    assert why is not None and "does not decode cleanly" in why, why


def test_a_first_frame_that_is_not_the_source_frame_is_found(source: Path, tmp_path: Path) -> None:
    out, _, windows = cut(source, tmp_path / "a", 26, 88)
    _, later, _ = cut(source, tmp_path / "b", 40, 88)  # the source frame 14 frames on
    why = check_smart_clip(out, ms(88) - ms(26), windows, later.reference, lambda: False)
    assert why is not None and "first frame is not the source frame" in why, why


def test_a_clip_that_fails_a_check_is_re_encoded_whole(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []

    def failing(*args: object, **kwargs: object) -> str:
        seen.append("checked")
        return "the clip does not decode cleanly at 0.960 s: made up for this test"

    monkeypatch.setattr(batch_export, "check_smart_clip", failing)
    out = tmp_path / "clip.mp4"
    log: list[str] = []
    result = JobRunner(
        local_job(source, out, ms(26), ms(88)), find_tools(), on_log=log.append
    ).run()
    assert result.outcome is Outcome.DONE, result.error
    assert seen == ["checked"]
    assert any("the smart-cut clip failed a check: the clip does not decode" in x for x in log), log
    frames, ref = gray_frames(out), gray_frames(source)
    assert len(frames) == 62
    for i, got in enumerate(frames):
        assert psnr(got, ref[26 + i]) > 30
    assert [p.name for p in tmp_path.iterdir()] == ["clip.mp4"]
