"""What exporting clips costs, and how exact the clips are.

Generates H.264/AAC sources made the way x264 makes them (B-frames, keyframes every
2 s, or 4 s), serves them on 127.0.0.1 with Range support, and in one run times:
- the document's own commands, one per clip, as a user would type them:
  `yt-dlp --download-sections "*S-E" --force-keyframes-at-cuts URL`;
- `clipdesk export --mode exact` and `--mode fast` (the real command line);
- the floor: an ffmpeg stream copy of the same ranges from a local copy of the source.
Each clip is measured: its first frame against the source frames start-1, start and
start+1 (PSNR, with and without edit lists), its last frame against end-2..end, its
length error in frames, its audio offset against the source in ms, decode errors.
A clip counts as exact when its first and last frames are the source's at the bounds,
and its first frame is too where edit lists are ignored. The source frames come from
one decode of the source from its beginning.

The runs under two seconds (Clipdesk's and the floor) are repeated (--repeat, 5 by
default) in rounds, each round running every one of them once in a rotated order, so
that a slow spell of the machine falls on all of them; the table gives the median wall
time and the range, and the ratios are of medians. The document's commands run once
(about 25 s), after the rounds: the runs just after their half-minute of both cores
busy were the slowest of their method.

    .venv/bin/python bench/bench_export.py [--quick] [--repeat N] [--json FILE] [--media-dir DIR]
"""

from __future__ import annotations

import argparse
import array
import json
import os
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support import x264_media  # noqa: E402
from tests.support.range_server import RangeServer  # noqa: E402

from clipdesk.media.h264_frames import pixels_psnr  # noqa: E402

FFMPEG = shutil.which("ffmpeg") or "ffmpeg"
GRAY = "scale=160:90:flags=area,format=gray"
FRAME = 160 * 90


@dataclass(frozen=True)
class Source:
    name: str
    size: str
    fps: int
    gop_s: int
    duration_s: int = 240


@dataclass
class Workload:
    label: str
    source: Source
    clips: list[tuple[int, int]]  # ms
    methods: tuple[str, ...] = ("document", "exact", "fast", "floor")
    results: dict[str, dict] = field(default_factory=dict)


def make_source(folder: Path, src: Source) -> Path:
    path = folder / f"{src.name}.mp4"
    if path.exists():
        return path
    tmp = path.with_suffix(".part.mp4")
    d = src.duration_s
    argv = [
        FFMPEG, "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc2=size={src.size}:rate={src.fps}:duration={d}",
        "-f", "lavfi", "-i", f"anoisesrc=color=pink:seed=7:amplitude=0.3:sample_rate=48000:d={d}",
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-g", str(src.gop_s * src.fps),
        "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k", "-ac", "2",
        "-movflags", "+faststart", str(tmp),
    ]  # fmt: skip
    subprocess.run(argv, check=True)
    tmp.rename(path)
    return path


def gray_frames(
    argv_in: list[str], wanted: set[int] | None = None
) -> dict[int, bytes] | list[bytes]:
    """Decoded frames as small gray pictures: all of them, or the numbered ones (one
    decode from the beginning, frames picked by number)."""
    vf = GRAY
    if wanted is not None:
        picks = "+".join(f"eq(n\\,{n})" for n in sorted(wanted))
        vf = f"select='{picks}',{GRAY}"
    argv = [FFMPEG, "-v", "error", "-nostdin", *argv_in, "-vf", vf,
            "-fps_mode", "passthrough", "-f", "rawvideo", "-"]  # fmt: skip
    raw = subprocess.run(argv, capture_output=True, check=True).stdout
    frames = [raw[i : i + FRAME] for i in range(0, len(raw), FRAME)]
    if wanted is None:
        return frames
    return dict(zip(sorted(wanted), frames, strict=False))


def psnr(a: bytes, b: bytes) -> float:
    return round(pixels_psnr(a, b), 1)


def audio_offset_ms(clip: array.array, source: array.array, start_s: float) -> float | None:
    if len(clip) < x264_media.AUDIO_RATE // 10:
        return None
    return round(x264_media.audio_offset_ms(clip, source, start_s, reach_ms=100), 2)


# Runs `clipdesk` as its script does (clipdesk.cli.run) and reports the peak memory of
# its own Python process on stderr.
WRAP = (
    "import resource, sys\n"
    "from clipdesk.cli import run\n"
    "try:\n    code = run()\n"
    "finally:\n"
    "    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "    print(f'PEAK_RSS_KB={kb}', file=sys.stderr)\n"
    "raise SystemExit(code)\n"
)
PEAK_KB: list[int] = []
CPU_S: list[float] = []  # CPU time of each timed run and its children (user + system)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cached_bytecode() -> dict[str, str]:
    """An environment in which Clipdesk runs from compiled modules, as every run after a
    user's first does: pip compiled the installed packages, but an editable install is
    not compiled, and PYTHONDONTWRITEBYTECODE would have every run compile it again.
    (A PYTHONPYCACHEPREFIX would make the standard library compile in the first run.)
    The compiled files go to __pycache__ folders, which git ignores."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("PYTHONPYCACHEPREFIX", None)
    package = ROOT / "desktop" / "clipdesk"
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], env=env, check=True)
    return env


CHILD_ENV: dict[str, str] | None = None


def timed(argv: list[str], cwd: Path | None = None) -> float:
    cpu0 = _children_cpu()
    t0 = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, env=CHILD_ENV)
    elapsed = time.perf_counter() - t0
    CPU_S.append(_children_cpu() - cpu0)
    for line in done.stderr.splitlines():
        if line.startswith("PEAK_RSS_KB="):
            PEAK_KB.append(int(line.split("=", 1)[1]))
    if done.returncode != 0:
        raise SystemExit(f"{shlex.join(argv)} failed:\n{done.stdout[-1500:]}{done.stderr[-800:]}")
    return elapsed


def notes(folder: Path, url: str, clips: list[tuple[int, int]]) -> Path:
    parts = ["---", "video_id: bench", "title: Bench", "duration: 240", f"url: {url}", "---",
             "", "## Highlights", ""]  # fmt: skip
    for i, (s, e) in enumerate(clips, start=1):
        parts += [f"### Clip {i}", "", "```bash",
                  f'yt-dlp --download-sections "*{s / 1000:.3f}-{e / 1000:.3f}" "{url}"',
                  "```", ""]  # fmt: skip
    doc = folder / "notes.md"
    doc.write_text("\n".join(parts), encoding="utf-8")
    return doc


def run_method(method: str, w: Workload, url: str, local: Path, out: Path) -> float:
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    py = sys.executable
    if method == "document":
        total = 0.0
        for i, (s, e) in enumerate(w.clips, start=1):
            argv = [py, "-m", "yt_dlp", "--ignore-config", "--no-cache-dir", "-q",
                    "--download-sections", f"*{s / 1000:.3f}-{e / 1000:.3f}",
                    "--force-keyframes-at-cuts", url, "-o", f"clip{i}.mp4"]  # fmt: skip
            total += timed(argv, cwd=out)
        return total
    if method == "floor":
        total = 0.0
        for i, (s, e) in enumerate(w.clips, start=1):
            argv = [FFMPEG, "-v", "error", "-y", "-ss", f"{s / 1000:.3f}", "-t",
                    f"{(e - s) / 1000:.3f}", "-i", str(local), "-c", "copy", "-map", "0",
                    str(out / f"clip{i}.mp4")]  # fmt: skip
            total += timed(argv)
        return total
    doc = notes(out.parent, url, w.clips)
    argv = [py, "-c", WRAP, "export", str(doc), "--out", str(out), "--mode", method,
            "--no-project", "--template", "clip{index}"]  # fmt: skip
    return timed(argv)


def measure(w: Workload, method: str, out: Path, ref: dict[int, bytes], src_pcm, fps: int) -> list:
    rows = []
    for i, (s, e) in enumerate(w.clips, start=1):
        clip = out / f"clip{i}.mp4"
        if not clip.exists():
            clip = next(out.glob(f"clip{i}*.mp4"), clip)
        if not clip.exists():
            rows.append({"clip": i, "missing": True})
            continue
        a, b = round(s * fps / 1000), round(e * fps / 1000)
        frames = gray_frames(["-i", str(clip)])
        first_noedit = gray_frames(["-ignore_editlist", "1", "-i", str(clip)], {0})
        assert isinstance(frames, list)
        errs = subprocess.run([FFMPEG, "-v", "error", "-nostdin", "-i", str(clip), "-f", "null",
                               "-"], capture_output=True, text=True).stderr.strip()  # fmt: skip
        clip_pcm = x264_media.pcm(clip)
        rows.append({
            "clip": i,
            "first_psnr": [psnr(frames[0], ref.get(n, b"")) for n in (a - 1, a, a + 1)],
            "first_psnr_no_editlist": [psnr(first_noedit.get(0, b""), ref.get(n, b""))
                                       for n in (a - 1, a, a + 1)],
            "last_psnr": [psnr(frames[-1], ref.get(n, b"")) for n in (b - 2, b - 1, b)],
            "frames_off": len(frames) - (b - a),
            "audio_offset_ms": audio_offset_ms(clip_pcm, src_pcm, s / 1000),
            "decode_errors": len(errs.splitlines()) if errs else 0,
        })  # fmt: skip
    return rows


def exact(row: dict) -> bool:
    """The clip's first and last frames are the source's at the bounds, and its first
    frame is the same where edit lists are ignored."""
    if row.get("missing"):
        return False
    f, l_, g = row["first_psnr"], row["last_psnr"], row["first_psnr_no_editlist"]
    return (f[1] > max(f[0], f[2]) and l_[1] > max(l_[0], l_[2]) and g[1] > max(g[0], g[2])
            and row["frames_off"] == 0)  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--quick", action="store_true", help="only the 720p 2 s-keyframe workload")
    ap.add_argument("--json", type=Path, help="also write the results here")
    ap.add_argument("--media-dir", type=Path, help="keep generated sources here between runs")
    ap.add_argument("--repeat", type=int, default=5, help="runs of each method but the document's")
    args = ap.parse_args()
    s720 = Source("src720_g2", "1280x720", 30, 2)
    s1080 = Source("src1080_g2", "1920x1080", 30, 2)
    s720g4 = Source("src720_g4", "1280x720", 30, 4)
    # On a keyframe, just after one, just before one, and between: 40 s in all.
    four = [(30_000, 40_000), (62_033, 72_033), (95_967, 105_967), (150_500, 160_500)]
    loads = [Workload("720p30, 2 s keyframes, 4 x 10 s", s720, four)]
    if not args.quick:
        loads += [
            Workload("1080p30, 2 s keyframes, 4 x 10 s", s1080, four),
            Workload("720p30, 4 s keyframes, 4 x 10 s", s720g4, four),
            Workload("720p30, 2 s keyframes, 4 x 20 s", s720,
                     [(s, s + 20_000) for s, _ in four], ("document", "exact", "floor")),
            Workload("720p30, 2 s keyframes, 4 x 120 s", s720,
                     [(10_033, 130_033), (40_000, 160_000), (95_967, 215_967),
                      (110_500, 230_500)], ("exact", "floor")),
        ]  # fmt: skip
    folder = Path(tempfile.mkdtemp(prefix="clipdesk-bench-export-"))
    global CHILD_ENV
    CHILD_ENV = cached_bytecode()
    media = args.media_dir or folder / "media"
    media.mkdir(parents=True, exist_ok=True)
    report = []
    try:
        with RangeServer(media) as server:
            for w in loads:
                path = make_source(media, w.source)
                url = server.url(path.name)
                local = folder / "local.mp4"
                shutil.copyfile(path, local)
                fps = w.source.fps

                def out_of(method: str) -> Path:
                    return folder / "out" / method

                runs: dict[str, list[float]] = {m: [] for m in w.methods}
                cpus: dict[str, list[float]] = {m: [] for m in w.methods}
                peaks: dict[str, list[int]] = {m: [] for m in w.methods}
                quick = [m for m in w.methods if m != "document"]
                # Each round runs the quick methods in a rotated order (none always first);
                # the document's commands run after the rounds: their half-minute of both
                # cores busy slowed the runs just after it.
                order = [quick[r % len(quick):] + quick[: r % len(quick)]
                         for r in range(max(1, args.repeat))]  # fmt: skip
                if "document" in w.methods:
                    order.append(["document"])
                for methods in order:
                    for method in methods:
                        PEAK_KB.clear()
                        CPU_S.clear()
                        runs[method].append(run_method(method, w, url, local, out_of(method)))
                        cpus[method].append(sum(CPU_S))
                        peaks[method] += PEAK_KB
                # The source frames and audio to measure against, decoded after the timed
                # runs: the decode of the whole source kept both cores busy just before them.
                wanted = set()
                for s, e in w.clips:
                    a, b = round(s * fps / 1000), round(e * fps / 1000)
                    wanted |= {a - 1, a, a + 1, b - 2, b - 1, b}
                ref = gray_frames(["-i", str(path)], wanted)
                assert isinstance(ref, dict)
                src_pcm = x264_media.pcm(path)
                for method in w.methods:
                    times = runs[method]
                    w.results[method] = {
                        "wall_s": round(statistics.median(times), 3),
                        "wall_s_runs": [round(t, 3) for t in times],
                        "cpu_s": round(statistics.median(cpus[method]), 3),
                        "python_peak_rss_mb": (round(max(peaks[method]) / 1024, 1)
                                               if peaks[method] else None),
                        # the clips of the last run
                        "clips": measure(w, method, out_of(method), ref, src_pcm, fps),
                    }  # fmt: skip
                base = w.results.get("document", {}).get("wall_s")
                floor = w.results["floor"]["wall_s"]
                load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
                print(f"\n{w.label} (source {w.source.size}, {w.source.duration_s} s; "
                      f"load average {load})")  # fmt: skip
                head = f"  {'method':9} {'wall s':>7} {'range':>11} {'CPU s':>6} {'x doc':>7}"
                print(f"{head} {'/floor':>7}  exact  max |audio| ms  decode errors  Python peak MB")
                for method, r in w.results.items():
                    t = r["wall_s"]
                    r["speedup_vs_document"] = round(base / t, 2) if base else None
                    r["ratio_to_floor"] = round(t / floor, 2)
                    # each run against the floor's run of the same round
                    pairs = zip(r["wall_s_runs"], runs["floor"], strict=False)
                    r["ratio_to_floor_rounds"] = [round(a / b, 2) for a, b in pairs]
                    kept = [c for c in r["clips"] if not c.get("missing")]
                    offs = [abs(c["audio_offset_ms"] or 0) for c in kept] or [0.0]
                    r["all_frame_exact"] = all(exact(c) for c in r["clips"])
                    ok = sum(exact(c) for c in r["clips"])
                    x = f"{base / t:7.1f}" if base else "      -"
                    errors = sum(c["decode_errors"] for c in kept)
                    peak = r["python_peak_rss_mb"] or "-"
                    spread = r["wall_s_runs"]
                    span = f"{min(spread):.2f}-{max(spread):.2f}" if len(spread) > 1 else "-"
                    print(
                        f"  {method:9} {t:7.2f} {span:>11} {r['cpu_s']:6.2f} {x} {t / floor:7.2f}"
                        f"  {ok}/{len(w.clips)}"
                        f"   {max(offs):13.2f}  {errors:13}  {peak:>14}"
                    )
                report.append({"workload": w.label, "source": w.source.__dict__,
                               "clips_ms": w.clips, "results": w.results})  # fmt: skip
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    text = json.dumps(report, indent=1)
    print("\n" + text)
    if args.json:
        args.json.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
