"""The fast way through a job, tried before the per-clip tool run: cut from the
batch's one read of the source (a sparse local copy), or from the local file, with
a smart cut in exact mode. Returns None where it does not apply, after saying why
in the job's log; the job then goes the usual way (yt-dlp or ffmpeg per clip)."""

from __future__ import annotations

import shlex
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from clipdesk.core.export_plan import ExportMode, JobSpec, SourceKind
from clipdesk.media.clip_checks import Window, check_keyframe_clip, check_smart_clip
from clipdesk.media.h264_frames import CodecError, load_codecs, load_codecs_soon
from clipdesk.media.keyframe_cut import keyframe_cut
from clipdesk.media.part_folders import clear_part_folder
from clipdesk.media.probe import past_the_end
from clipdesk.media.progress import Progress
from clipdesk.media.run_result import Cancelled, Outcome, RunResult, move_into_place
from clipdesk.media.smart_cut import (
    CannotSmartCut,
    CutInput,
    SmartCut,
    media_length,
    open_input,
)
from clipdesk.media.source_info import SourceInfoCache
from clipdesk.media.sparse_source import (
    BatchMedia,
    BatchSources,
    FetchError,
    MediaUrls,
    StallReason,
    media_urls,
)
from clipdesk.media.tools import Tools

REPORT_EVERY_S = 0.2
CHECKING = 0.92  # the share of a smart-cut job done when its checks begin


class JobRunner(Protocol):
    """What this path needs of the job runner (clipdesk.media.job_runner, which calls
    it): its job, tools and callbacks, the batch's shared reads, and the steps it falls
    back on. A protocol, so that neither module imports the other."""

    spec: JobSpec
    tools: Tools
    on_progress: Callable[[Progress], None]
    on_log: Callable[[str], None]
    grace_s: float
    stall_s: float
    source_info: SourceInfoCache | None
    batch: BatchSources | None
    pgid: int | None
    _proc: subprocess.Popen[bytes] | None
    _exited: threading.Event

    @property
    def cancelled(self) -> bool: ...
    def _fail(self, message: str) -> RunResult: ...
    def _cut_from(self, local: Path, work: Path, final: Path) -> RunResult: ...
    def _read_source_info(self, path: Path) -> str: ...


def export_fast_path(runner: JobRunner, work: Path, final: Path) -> RunResult | None:
    spec = runner.spec
    log = runner.on_log
    cancelled = lambda: runner.cancelled  # noqa: E731
    media: BatchMedia | None = None
    if spec.source_kind is SourceKind.LOCAL:
        load_codecs_soon()
        try:
            video = audio = open_input(Path(spec.source))
        except CannotSmartCut as exc:
            if spec.mode is ExportMode.EXACT:
                log(f"[clipdesk] no smart cut ({exc}): re-encoding the whole clip")
            else:
                log(f"[clipdesk] no keyframe cut from the index ({exc}): cutting with ffmpeg")
            return None
        except OSError:
            return None  # the usual way says what is wrong with the file
        # The index says how long the media is: no ffprobe run for every clip.
        why = past_the_end(spec, *media_length(video.index))
        if why:
            return runner._fail(why)
    else:
        batch, info = runner.batch, runner.source_info
        if batch is None or info is None:
            return None
        got = batch.get(spec.source, info.folder, lambda: _resolve(runner), cancelled, log)
        if got is None or runner.cancelled:
            # yt-dlp may still be reading the page for the batch: the job ends once the
            # cancel has stopped it (the runner kills it after its grace period).
            if runner._proc is not None:
                runner._exited.wait(runner.grace_s + 1.0)
            return RunResult(Outcome.CANCELLED, "cancelled")
        if isinstance(got, StallReason):
            log(f"[clipdesk] reading the source stalled ({got})")
            return runner._fail(
                f"the source sent nothing for {runner.stall_s:g} s; the batch does not try it again"
            )
        if isinstance(got, str):
            log(f"[clipdesk] the source cannot be read by byte ranges ({got}): "
                "cutting the clip with yt-dlp instead")  # fmt: skip
            return None
        media = got
        load_codecs_soon()  # while the clip's byte ranges arrive
        try:
            if spec.mode is ExportMode.FAST:  # exact mode waits as it goes (_smart)
                media.wait_for(spec.start_ms, spec.end_ms, cancelled)
        except FetchError as exc:
            _fetch_failed(runner, exc)
            return None
        if runner.cancelled:
            return RunResult(Outcome.CANCELLED, "cancelled")
        for source in media.sources():
            what = "the whole file" if source.whole_file else "the byte ranges the batch needs"
            log(f"[clipdesk] one read of the source for the batch: {what} of "
                f"{source.url} ({source.index.size} bytes) into a local copy")  # fmt: skip
        video = CutInput(media.video.path, media.video.index)
        audio = CutInput(media.audio.path, media.audio.index) if media.audio else video
    single = media is None or media.audio is None
    if spec.mode is ExportMode.FAST:
        try:
            done = _keyframe(runner, video, audio, work)
        except Cancelled:
            return RunResult(Outcome.CANCELLED, "cancelled")
        if not isinstance(done, str):
            return _keep(runner, done, final)
        if runner.cancelled:
            return RunResult(Outcome.CANCELLED, "cancelled")
        clear_part_folder(work)
        if not single:
            log(f"[clipdesk] no keyframe cut from the index ({done}): cutting with yt-dlp")
            return None
        log(f"[clipdesk] no keyframe cut from the index ({done}): cutting with ffmpeg")
        return runner._cut_from(video.path, work, final)
    batch_read = media

    def wait(start_ms: int, end_ms: int) -> None:
        if batch_read is not None:
            batch_read.wait_for(start_ms, end_ms, cancelled)
            if runner.cancelled:
                raise Cancelled

    try:
        smart = _smart(runner, video, audio, work, final, wait)
        if isinstance(smart, str) and single:
            wait(spec.start_ms, spec.end_ms)  # ffmpeg reads the clip from the local copy
    except Cancelled:
        return RunResult(Outcome.CANCELLED, "cancelled")
    except FetchError as exc:
        clear_part_folder(work)
        _fetch_failed(runner, exc)
        return None
    if isinstance(smart, RunResult):
        return smart
    if runner.cancelled:
        return RunResult(Outcome.CANCELLED, "cancelled")
    clear_part_folder(work)
    if not single:
        log(f"[clipdesk] no smart cut ({smart}): re-encoding the clip with yt-dlp")
        return None
    log(f"[clipdesk] no smart cut ({smart}): re-encoding the whole clip")
    return runner._cut_from(video.path, work, final)


def _fetch_failed(runner: JobRunner, exc: FetchError) -> None:
    runner.on_log(f"[clipdesk] fetching the source's byte ranges failed ({exc}): "
                  "cutting the clip with yt-dlp instead")  # fmt: skip


def _reporter(runner: JobRunner) -> Callable[[float], None]:
    """The job's progress from the share of it done (0..1), at most every
    REPORT_EVERY_S: frames and bytes come faster than anyone reads (a line of
    `clipdesk export`, or a queue event), as ffmpeg's progress came."""
    spec = runner.spec
    began = time.monotonic()
    lock, last, told = threading.Lock(), [0.0], [0.0]

    def fraction(f: float) -> None:
        with lock:  # head and tail encodes report from their own threads
            f = last[0] = max(last[0], min(f, 0.99))
            now = time.monotonic()
            if now - told[0] < REPORT_EVERY_S and f < CHECKING:
                return
            told[0] = now
        spent = now - began
        speed = f * spec.duration_ms / 1000 / spent if spent > 0 and f > 0 else None
        eta = spent * (1 - f) / f if f > 0 else None
        runner.on_progress(Progress(f, round(f * spec.duration_ms), speed, eta))

    return fraction


def _smart(
    runner: JobRunner,
    video: CutInput,
    audio: CutInput,
    work: Path,
    final: Path,
    wait: Callable[[int, int], None],
) -> RunResult | str:
    """The smart cut, checked and moved into place; or why it could not be done."""

    spec = runner.spec
    fraction = _reporter(runner)

    def cancelled() -> bool:
        return runner.cancelled

    out = work / "clip.mp4"
    try:
        cut = SmartCut(video, audio, work, cancelled, fraction, wait)
        result = cut.cut(spec.start_ms, spec.end_ms, out)
    except (CannotSmartCut, ValueError) as exc:  # ValueError: the writer's refusal
        return str(exc)
    except OSError as exc:
        return f"cannot write the clip: {exc}"
    plan, frames = result.plan, cut.frames
    base = frames.times[plan.first]
    ts = frames.track.timescale
    # Every part starts on an IDR frame: each is decoded from there for a moment.
    windows = [
        Window((frames.times[s.first] - base) / ts, (frames.end_time(s.end) - base) / ts)
        for s in plan.segments
    ]
    parts = ", ".join(
        f"{'encode' if s.encode else 'copy'} {s.end - s.first}" for s in plan.segments
    )
    runner.on_log(f"[clipdesk] smart cut: frames {plan.first}-{plan.end - 1} ({parts})")
    for note in result.notes:
        runner.on_log(f"[clipdesk] smart cut: {note}")
    fraction(CHECKING)
    why = check_smart_clip(out, spec.duration_ms, windows, result.reference, cancelled)
    if why:
        return f"the smart-cut clip failed a check: {why}"
    return _keep(runner, out, final)


def _keyframe(runner: JobRunner, video: CutInput, audio: CutInput, work: Path) -> Path | str:
    """Fast mode's keyframe cut from the index, checked; or why it could not be done."""
    spec = runner.spec
    out = work / "clip.mp4"
    report = _reporter(runner)
    try:
        load_codecs()  # the check decodes with them: without them, no clip to throw away
    except CodecError as exc:
        return str(exc)
    try:
        clip = keyframe_cut(video, audio, spec.start_ms, spec.end_ms, out,
                            lambda: runner.cancelled, lambda f: report(f * CHECKING))  # fmt: skip
    except (CannotSmartCut, ValueError) as exc:  # ValueError: the writer's refusal
        return str(exc)
    except OSError as exc:
        return f"cannot write the clip: {exc}"
    runner.on_log(
        f"[clipdesk] keyframe cut: frames {clip.keyframe}-{clip.end - 1}, shown from "
        f"{clip.first} ({clip.preroll_s:.3f} s of frames before the in point kept)"
    )
    report(CHECKING)
    why = check_keyframe_clip(out, spec.duration_ms, clip.preroll_s, lambda: runner.cancelled)
    if why:
        return f"the clip failed a check: {why}"
    return out


def _keep(runner: JobRunner, out: Path, final: Path) -> RunResult:
    """Move a checked clip into place under its final name."""
    spec = runner.spec
    try:
        written = move_into_place(out, final, spec.conflict)
    except OSError as exc:
        return runner._fail(f"cannot write {final}: {exc.strerror or exc}")
    if written is None:
        return runner._fail(f"{final.name} appeared in the output folder meanwhile; not replaced")
    runner.on_progress(Progress(1.0, spec.duration_ms, None, 0.0, True))
    runner.on_log(f"[clipdesk] wrote {written}")
    return RunResult(Outcome.DONE, output=str(written))


def _resolve(runner: JobRunner) -> MediaUrls | str:
    """yt-dlp's reading of the page, once per batch, turned into media URLs."""
    if runner.source_info is None:
        return "no shared source information"
    info = runner.source_info.get(
        runner.spec.source, runner._read_source_info, lambda: runner.cancelled
    )
    if info is None:
        return "yt-dlp could not read the source"
    urls = media_urls(info)
    if isinstance(urls, MediaUrls):
        runner.on_log(f"[clipdesk] media URL(s) from yt-dlp: {shlex.join([urls.video])}"
                      + (" + separate audio" if urls.audio else ""))  # fmt: skip
    return urls
