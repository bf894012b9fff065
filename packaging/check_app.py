"""Check the built one-folder app as a user would run it, from a folder outside the
checkout, with nothing of the development environment on PATH:

    .venv/bin/python packaging/check_app.py [--rebuild] [--screenshot FILE]

1. builds dist/clipdesk when it is missing or older than the sources (packaging/build_app.sh);
2. `clipdesk --version`, and `--version --verbose` naming the app's own resources and
   finding Qt, libvlc, yt-dlp, ffmpeg and PyAV (the smart cut's FFmpeg libraries);
3. `clipdesk inspect` on the bundled example;
4. `clipdesk export` of the example's highlights from a loopback URL: the frozen app runs
   its bundled yt-dlp and the system ffmpeg;
5. the window under a private Xvfb opening the example, generating its video in the
   user's cache, and playing it with the system libvlc (seen in the app's log, and in a
   screenshot of the screen).

Prints one line per check; exit status 0 when all pass. CI and tests/e2e/test_frozen_app.py
call it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dist" / "clipdesk" / "clipdesk"
SOURCES = [
    *(ROOT / name for name in ("desktop", "resources", "pyproject.toml", "setup.py")),
    *(ROOT / "packaging" / name for name in ("clipdesk.spec", "frozen_main.py", "build_app.sh")),
]
sys.path.insert(0, str(ROOT))  # tests.support: the Xvfb starter and the Range server

from tests.support.range_server import RangeServer  # noqa: E402
from tests.support.xvfb import Xvfb  # noqa: E402


class CheckFailed(Exception):
    pass


def newest_source() -> float:
    def files() -> Iterator[Path]:
        for src in SOURCES:
            yield from ([src] if src.is_file() else src.rglob("*"))

    return max(
        p.stat().st_mtime
        for p in files()
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".mp4"
    )


def build_if_needed(rebuild: bool) -> None:
    if not rebuild and APP.is_file() and APP.stat().st_mtime >= newest_source():
        print(f"ok    {APP.relative_to(ROOT)} is newer than the sources: no build")
        return
    started = time.monotonic()
    subprocess.run(["bash", str(ROOT / "packaging" / "build_app.sh")], check=True)
    APP.touch()  # PyInstaller keeps the bootloader's time; the build is what counts
    print(f"ok    built {APP.relative_to(ROOT)} in {time.monotonic() - started:.0f} s")


def user_env(home: Path) -> dict[str, str]:
    """A user's environment: no venv, no PYTHONPATH, no Clipdesk overrides but the
    folders (kept in the check's own temporary folder)."""
    venv_bin = str(ROOT / ".venv" / "bin")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CLIPDESK_", "PYTHON", "QT_")) and k not in ("VIRTUAL_ENV",)
    }
    env["PATH"] = os.pathsep.join(
        p for p in env.get("PATH", os.defpath).split(os.pathsep) if p and p != venv_bin
    )
    env["CLIPDESK_CONFIG_DIR"] = str(home / "config")
    env["CLIPDESK_VLC_ARGS"] = "--aout=dummy"  # a build machine has no sound card
    return env


def run(argv: list[str], env: dict[str, str], cwd: Path, timeout: float = 120) -> str:
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise CheckFailed(f"{' '.join(argv)}: exit {done.returncode}\n{done.stderr[-2000:]}")
    return done.stdout


def check_cli(env: dict[str, str], cwd: Path) -> Path:
    version = run([str(APP), "--version"], env, cwd)
    if not re.fullmatch(r"clipdesk \S+\n", version):
        raise CheckFailed(f"--version printed {version!r}")
    verbose = run([str(APP), "--version", "--verbose"], env, cwd)
    fields = dict(re.findall(r"^([\w-]+):\s+(.*)$", verbose, re.M))
    resources = Path(fields.get("resources", ""))
    if not resources.is_relative_to(APP.parent) or not resources.is_dir():
        raise CheckFailed(f"resources are not the app's own: {resources}")
    for part in ("Qt", "libvlc", "yt-dlp", "ffmpeg", "PyAV"):
        if fields.get(part, "not found").startswith("not found"):
            raise CheckFailed(f"{part}: {fields.get(part)}")
    print(f"ok    {version.strip()}; libvlc {fields['libvlc']}, Qt {fields['Qt']}")
    example = resources / "example" / "example-episode.md"
    data = json.loads(run([str(APP), "inspect", str(example), "--json"], env, cwd))
    if not data["counts"]["highlight"]:
        raise CheckFailed("inspect found no highlight in the bundled example")
    print(f"ok    inspect: {data['counts']['highlight']} highlights in the bundled example")
    return example


def check_window(env: dict[str, str], cwd: Path, screenshot: Path) -> Path:
    xvfb = Xvfb("1280x800x24")
    display = xvfb.start()
    if display is None:
        raise CheckFailed("Xvfb could not start: apt-get install xvfb")
    env = {**env, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    env.pop("WAYLAND_DISPLAY", None)
    log = Path(env["CLIPDESK_CONFIG_DIR"]) / "state" / "log" / "clipdesk.log"
    output = (cwd / "app-output.txt").open("w+")
    app = subprocess.Popen(
        [str(APP), "--play", "--log-level", "debug"],
        env=env, cwd=cwd, stdout=output, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        # Generating the example video (ffmpeg) comes first, then libvlc plays it.
        played = wait_for_log(
            log, app, output, r"libvlc time (\d+) ms", lambda m: int(m[1]) >= 2_000
        )
        print(f"ok    window: the example plays ({played[0]})")
        grab_screen(display, screenshot)
        print(f"ok    screenshot {screenshot}")
        app.send_signal(signal.SIGINT)  # as Ctrl+C: the window closes, libvlc is released
        rc = app.wait(30)
        if rc != 0:
            raise CheckFailed(f"the app exited with {rc}:\n{tail(output)}")
        print("ok    window closed, exit status 0")
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
        xvfb.stop()
        output.close()
    return log


def tail(output) -> str:
    output.seek(0)
    return output.read()[-3000:]


def wait_for_log(log: Path, app: subprocess.Popen, output, pattern: str, good, timeout=120.0):
    deadline = time.monotonic() + timeout
    rx = re.compile(pattern)
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace") if log.exists() else ""
        for match in rx.finditer(text):
            if good(match):
                return match
        if app.poll() is not None:
            raise CheckFailed(f"the app exited ({app.returncode}):\n{tail(output)}")
        time.sleep(0.2)  # another process writes the log: poll it
    raise CheckFailed(f"no {pattern!r} in {log} after {timeout:.0f} s:\n{text[-3000:]}")


def grab_screen(display: str, target: Path) -> None:
    """Capture the X screen with Qt from this environment (the app draws there)."""
    code = (
        "import sys; from PySide6.QtGui import QGuiApplication; a = QGuiApplication([]); "
        "img = a.primaryScreen().grabWindow(0).toImage(); "
        "colours = {img.pixel(x, y) for x in range(0, img.width(), 4) "
        "for y in range(0, img.height(), 4)}; "
        "sys.exit(0 if img.save(sys.argv[1]) and len(colours) > 200 else 3)"
    )
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    done = subprocess.run([sys.executable, "-c", code, str(target)], env=env, timeout=60)
    if done.returncode != 0:
        raise CheckFailed(f"the screen grab failed or shows no picture ({done.returncode})")


def check_export(example: Path, env: dict[str, str], cwd: Path) -> None:
    video = Path(env["CLIPDESK_CONFIG_DIR"]) / "cache" / "example.mp4"
    if not video.is_file():
        raise CheckFailed(f"the example video was not generated in the cache ({video})")
    if any(example.parent.glob("*.mp4")):
        raise CheckFailed("the app wrote into its own resources")
    print(f"ok    the example video was made in the cache: {video}")
    out = cwd / "clips"
    with RangeServer(video.parent) as server:
        url = server.url(video.name)
        run([str(APP), "export", str(example), "--out", str(out), "--media", url,
             "--only", "highlights", "--jobs", "2"], env, cwd, timeout=300)  # fmt: skip
    made = sorted(p.name for p in out.glob("*.mp4"))
    if not made:
        raise CheckFailed("export made no file")
    print(f"ok    export through the bundled yt-dlp and ffmpeg: {len(made)} clips ({made[0]} …)")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Check the built app (dist/clipdesk).")
    p.add_argument("--rebuild", action="store_true", help="build even when up to date")
    p.add_argument("--screenshot", type=Path, help="where to keep the screen capture")
    a = p.parse_args(argv)
    try:
        build_if_needed(a.rebuild)
        home = Path(tempfile.mkdtemp(prefix="clipdesk-app-check-"))
        try:
            env = user_env(home)
            example = check_cli(env, home)
            shot = a.screenshot or home / "app-window.png"
            check_window(env, home, shot.resolve())
            check_export(example, env, home)
            if a.screenshot is None:
                shutil.copy(shot, ROOT / "dist" / "app-window.png")
        finally:
            shutil.rmtree(home, ignore_errors=True)
    except (CheckFailed, subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        print(f"FAIL  {exc}", file=sys.stderr)
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
