"""Cold start to a shown window with the 4-hour seed document loaded, and the start of
the headless commands.

Window: target 1.5 s on a 2-core machine. Each run is a fresh Python process; the time is
wall clock from spawning it to the window being exposed on the X server. Baseline:
a bare QApplication with an empty QMainWindow, started the same way in the same run.

Headless: `clipdesk --version` (target 0.06 s), `clipdesk inspect` of the built-in example
and `clipdesk export --help` (target 0.13 s), wall clock of a fresh process to its exit,
against `python -c pass` in the same run. Measured with the bytecode cache an installed
Clipdesk has (written to a private folder by a first run), and once more with
PYTHONDONTWRITEBYTECODE=1 (Clipdesk's modules compiled from source in every run, as in
a checkout that never wrote its caches).

    .venv/bin/python bench/bench_startup.py [RUNS] [--headless | --window]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from display import gui_environment

ROOT = Path(__file__).resolve().parent.parent
# A worktree sits one level deeper than the checkout: CLIPDESK_SEEDS points at them.
SEEDS = Path(os.environ.get("CLIPDESK_SEEDS") or ROOT.parent / "shared" / "seeds")
SEED = SEEDS / "000_6bff21266dae52fe.txt"
EXAMPLE = ROOT / "resources" / "example" / "example-episode.md"

WAIT_SHOWN = """
def wait_shown(app, window):
    from PySide6.QtCore import QEventLoop
    while not (window.windowHandle() and window.windowHandle().isExposed()):
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 10)
    app.processEvents()
    print("shown", flush=True)
"""

BASELINE = (
    WAIT_SHOWN
    + """
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
w = QMainWindow()
w.resize(1600, 940)
w.show()
wait_shown(app, w)
"""
)

CLIPDESK = (
    WAIT_SHOWN
    + """
import sys
from pathlib import Path
from clipdesk.app import create_app, create_window
app = create_app()
w = create_window(Path(sys.argv[1]), None)
assert w.clip_panel.model.rowCount() > 0
w.show()
wait_shown(app, w)
w.close()
"""
)


def run(code: str, env: dict[str, str], *args: str) -> float:
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - t0
    proc.wait(30)
    if line.strip() != "shown":
        raise SystemExit(f"child did not show its window (exit {proc.returncode})")
    return elapsed * 1000


HEADLESS = (
    ("clipdesk --version", ("--version",), 60),
    ("clipdesk inspect EXAMPLE", ("inspect", str(EXAMPLE)), None),
    ("clipdesk export --help", ("export", "--help"), 130),
)


def run_headless(argv: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return (time.perf_counter() - t0) * 1000


def headless_env(tmp: Path, cached: bool) -> dict[str, str]:
    env = dict(os.environ)
    env["CLIPDESK_CONFIG_DIR"] = str(tmp / "config")  # the log goes there, not to ~
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "desktop"), env.get("PYTHONPATH", "")])
    if cached:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")  # the checkout stays clean
    else:
        # The standard library's own caches are still read; Clipdesk's are never written.
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.pop("PYTHONPYCACHEPREFIX", None)
    return env


def bench_headless(runs: int) -> None:
    python = [sys.executable, "-c", "pass"]
    clipdesk = [sys.executable, "-m", "clipdesk"]
    print(f"headless: {runs} runs each, fresh process per run, median (best)")
    with tempfile.TemporaryDirectory() as tmp:
        for cached in (True, False):
            env = headless_env(Path(tmp), cached)
            for _label, args, _target in HEADLESS:  # warm the file and bytecode caches
                run_headless([*clipdesk, *args], env)
            base = [run_headless(python, env) for _ in range(runs)]
            b = statistics.median(base)
            print("with the bytecode cache" if cached else "PYTHONDONTWRITEBYTECODE=1")
            print(f"  {'python -c pass (baseline)':26} {b:6.1f} ms ({min(base):.1f})")
            for label, args, target in HEADLESS:
                times = [run_headless([*clipdesk, *args], env) for _ in range(runs)]
                t = statistics.median(times)
                goal = f"  (target <= {target} ms)" if target and cached else ""
                print(
                    f"  {label:26} {t:6.1f} ms ({min(times):.1f})  {t / b:4.1f}x baseline, "
                    f"{t - b:5.1f} ms over it{goal}"
                )


def bench_window(runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, gui_environment(Path(tmp)) as env:
        doc = str(shutil.copy(SEED, tmp))  # the window may write a project file beside it
        run(BASELINE, env)  # warm the OS file cache once; "cold" means a fresh process
        run(CLIPDESK, env, doc)
        base = [run(BASELINE, env) for _ in range(runs)]
        app = [run(CLIPDESK, env, doc) for _ in range(runs)]
    b, a = statistics.median(base), statistics.median(app)
    print(f"runs: {runs} each, fresh process per run, document: {SEED.name}")
    print(f"baseline (QApplication + empty QMainWindow) median {b:7.0f} ms  best {min(base):.0f}")
    print(
        f"clipdesk window with the 4-hour document   median {a:7.0f} ms  best {min(app):.0f}"
        f"  (target <= 1500 ms)  {a / b:4.2f}x baseline"
    )


def main() -> None:
    p = argparse.ArgumentParser(description="start-up times of the window and the commands")
    p.add_argument("runs", nargs="?", type=int, default=None, help="runs of each (7; 15 headless)")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--headless", action="store_true", help="only the headless commands")
    which.add_argument("--window", action="store_true", help="only the window")
    args = p.parse_args()
    if not args.window:
        bench_headless(args.runs or 15)
    if not args.headless:
        bench_window(args.runs or 7)


if __name__ == "__main__":
    main()
