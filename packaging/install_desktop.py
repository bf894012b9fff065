"""Install Clipdesk's desktop entry, icons and AppStream metainfo for a user or a prefix.

    python3 packaging/install_desktop.py [--prefix ~/.local] [--exec PATH]

Files go to PREFIX/share/applications, PREFIX/share/icons/hicolor (the SVG as
scalable, the PNGs at 16-256) and PREFIX/share/metainfo. --exec points the entry at
one program (the built app, dist/clipdesk/clipdesk, or a venv's clipdesk); without it
the entry runs `clipdesk` from PATH. Standard library only: it also runs with the
system Python next to a built app.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DESKTOP = HERE / "clipdesk.desktop"
METAINFO = HERE / "io.github.clipdesk.Clipdesk.metainfo.xml"
ICON_NAME = "clipdesk"


def default_prefix() -> Path:
    data_home = os.environ.get("XDG_DATA_HOME", "")
    if data_home and os.path.isabs(data_home):
        return Path(data_home).parent  # PREFIX/share is XDG_DATA_HOME
    return Path.home() / ".local"


def desktop_entry(exec_path: str | None) -> str:
    text = DESKTOP.read_text(encoding="utf-8")
    if exec_path:
        # Desktop-entry quoting: the program in double quotes, with \ " ` $ escaped.
        quoted = '"' + re.sub(r'([\\"`$])', r"\\\1", exec_path) + '"'
        text = re.sub(r"^Exec=\S+", lambda _: f"Exec={quoted}", text, count=1, flags=re.M)
        text = re.sub(r"^TryExec=.*\n", "", text, flags=re.M)
        text = text.replace("\nExec=", f"\nTryExec={exec_path}\nExec=", 1)
    return text


def icon_files(icons: Path) -> list[tuple[Path, str]]:
    """(source, path under hicolor/) for the SVG and every rendered PNG."""
    files = [(icons / f"{ICON_NAME}.svg", f"scalable/apps/{ICON_NAME}.svg")]
    for png in sorted((icons / "hicolor").glob(f"*/apps/{ICON_NAME}.png")):
        files.append((png, str(png.relative_to(icons / "hicolor"))))
    return files


def install(prefix: Path, exec_path: str | None, icons: Path) -> list[Path]:
    share = prefix / "share"
    written: list[Path] = []

    def put(target: Path, data: bytes) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
        written.append(target)

    put(share / "applications" / DESKTOP.name, desktop_entry(exec_path).encode())
    put(share / "metainfo" / METAINFO.name, METAINFO.read_bytes())
    for source, rel in icon_files(icons):
        put(share / "icons" / "hicolor" / rel, source.read_bytes())
    # Caches are refreshed when the tools are there; a missing tool only delays the menu.
    for argv in (
        ["update-desktop-database", "-q", str(share / "applications")],
        ["gtk-update-icon-cache", "-q", "-t", "-f", str(share / "icons" / "hicolor")],
    ):
        if shutil.which(argv[0]):
            subprocess.run(argv, check=False, capture_output=True)
    return written


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--prefix", type=Path, default=None, help="default: ~/.local")
    p.add_argument("--exec", dest="exec_path", help="absolute path of the program to run")
    p.add_argument("--icons", type=Path, default=ROOT / "resources" / "icons", help="icons folder")
    a = p.parse_args(argv)
    if a.exec_path and not os.path.isabs(a.exec_path):
        p.error("--exec needs an absolute path (the menu does not start in this folder)")
    for path in install(a.prefix or default_prefix(), a.exec_path, a.icons):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
