"""Render resources/icons/NAME.svg into the hicolor PNG sizes desktops ask for.

    .venv/bin/python packaging/render_icons.py [--out DIR]

Qt's own SVG renderer (QtSvg, part of PySide6) does the drawing, so the same script
runs wherever Clipdesk runs, with no extra package. The PNGs are committed beside the
SVG (resources/icons/hicolor/SIZExSIZE/apps/), so installs and builds need no renderer.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from clipdesk.resource_files import ICON_SIZES

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"


def render(svg: Path, size: int, target: Path) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: not an SVG Qt can read")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    target.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(target), "PNG"):
        raise SystemExit(f"could not write {target}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=Path, default=ICONS / "hicolor", help="hicolor folder")
    p.add_argument("--name", default="clipdesk")
    a = p.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no screen needed
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841
    svg = ICONS / f"{a.name}.svg"
    for size in ICON_SIZES:
        target = a.out / f"{size}x{size}" / "apps" / f"{a.name}.png"
        render(svg, size, target)
        print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
