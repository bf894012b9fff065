"""The desktop entry, icons and AppStream metainfo as a desktop installs and uses them:
validated by the freedesktop tools, and "Open with Clipdesk" on a .md file opening it."""

from __future__ import annotations

import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from clipdesk import __version__
from clipdesk.resource_files import ICON_SIZES

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
METAINFO = PACKAGING / "io.github.clipdesk.Clipdesk.metainfo.xml"
CLIPDESK = Path(sys.executable).with_name("clipdesk")


def tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is missing: run bash packaging/setup.sh"
    return path


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    prefix = tmp_path_factory.mktemp("prefix")
    subprocess.run(
        [sys.executable, str(PACKAGING / "install_desktop.py"), "--prefix", str(prefix),
         "--exec", str(CLIPDESK)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return prefix / "share"


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", head[16:24])


def test_entries_validate(installed: Path) -> None:
    for entry in (PACKAGING / "clipdesk.desktop", installed / "applications/clipdesk.desktop"):
        run = subprocess.run([tool("desktop-file-validate"), str(entry)], capture_output=True)
        assert run.returncode == 0 and run.stdout == b"", run.stdout
    run = subprocess.run(
        [tool("appstreamcli"), "validate", "--no-net", str(installed / f"metainfo/{METAINFO.name}")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout


def test_icon_at_every_standard_size(installed: Path) -> None:
    hicolor = installed / "icons" / "hicolor"
    assert (hicolor / "scalable/apps/clipdesk.svg").read_bytes() == (
        ROOT / "resources/icons/clipdesk.svg"
    ).read_bytes()
    for size in ICON_SIZES:
        assert png_size(hicolor / f"{size}x{size}/apps/clipdesk.png") == (size, size)
    assert {16, 32, 48, 64, 128, 256} <= set(ICON_SIZES)


def test_pngs_are_rendered_from_the_current_svg(qapp, tmp_path: Path) -> None:
    from PySide6.QtGui import QImage

    subprocess.run(
        [sys.executable, str(PACKAGING / "render_icons.py"), "--out", str(tmp_path)],
        check=True, capture_output=True,
    )  # fmt: skip
    for size in ICON_SIZES:
        rel = f"{size}x{size}/apps/clipdesk.png"
        fresh = QImage(str(tmp_path / rel))
        kept = QImage(str(ROOT / "resources/icons/hicolor" / rel))
        assert kept.size() == fresh.size()
        # Another Qt may antialias an edge differently: a few levels, never a new picture.
        worst = max(
            abs(a - b)
            for y in range(size)
            for x in range(size)
            for a, b in zip(
                kept.pixelColor(x, y).getRgb(), fresh.pixelColor(x, y).getRgb(), strict=True
            )
        )
        assert worst <= 48, f"{rel} differs from the SVG: run packaging/render_icons.py"


def test_metainfo_has_this_release_and_a_screenshot() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.find("releases/release").get("version") == __version__
    image = root.findtext("screenshots/screenshot/image")
    assert image.endswith("/packaging/screenshots/window.png")
    assert (PACKAGING / "screenshots" / "window.png").is_file()


def test_markdown_files_offer_clipdesk(installed: Path) -> None:
    """The MIME cache a file manager reads lists Clipdesk for text/markdown."""
    env = {**os.environ, "XDG_DATA_HOME": str(installed), "XDG_DATA_DIRS": str(installed)}
    run = subprocess.run(
        [tool("gio"), "mime", "text/markdown"], capture_output=True, text=True, env=env
    )
    assert run.returncode == 0, run.stderr
    assert "clipdesk.desktop" in run.stdout.split("Registered applications:")[1]


def test_open_with_clipdesk_opens_the_file(installed: Path, tmp_path: Path, docs_dir) -> None:
    """gio launches the entry the way a file manager does: Exec's %f gets the path."""
    document = tmp_path / "night shift notes.md"  # a space: %f must stay one argument
    shutil.copy(docs_dir / "night-shift.txt", document)
    config = tmp_path / "config"
    env = {
        **os.environ, "CLIPDESK_CONFIG_DIR": str(config), "QT_QPA_PLATFORM": "offscreen",
        "CLIPDESK_VLC_ARGS": "--aout=dummy --vout=dummy",
        "XDG_DATA_HOME": str(installed), "XDG_DATA_DIRS": str(installed),
    }  # fmt: skip
    entry = installed / "applications" / "clipdesk.desktop"
    subprocess.run([tool("gio"), "launch", str(entry), str(document)], check=True, env=env)
    log = config / "state" / "log" / "clipdesk.log"
    deadline = time.monotonic() + 60
    line = ""
    while time.monotonic() < deadline and not line:
        text = log.read_text() if log.exists() else ""
        line = next((ln for ln in text.splitlines() if "clipdesk.app: document" in ln), "")
        time.sleep(0.1)  # polling a file another process writes: no signal to wait on
    assert line.endswith(f"document opened: {document}"), line or "no log line in 60 s"
    pid = int(line.split()[3])
    os.kill(pid, signal.SIGINT)  # Ctrl+C closes the window
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
        time.sleep(0.1)
    assert not Path(f"/proc/{pid}").exists()
    assert re.search(r"started: .*night shift notes\.md", log.read_text())
