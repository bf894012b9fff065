"""Where the application's own files are: the example episode, its demo video, icons.

They are package data (clipdesk.resources, mapped from the repository's resources/ by
setup.py) and found through importlib.resources, so a source checkout (editable
install), an installed wheel and a PyInstaller app find them the same way.

The example's demo video is generated, never packaged: `packaging/setup.sh` makes it
beside the example in a checkout; anywhere else it is made on first use in the user's
cache folder.
"""

from __future__ import annotations

import functools
import importlib.resources
import os
from pathlib import Path

from clipdesk import app_dirs

RESOURCES_OVERRIDE = "CLIPDESK_RESOURCES_DIR"
EXAMPLE_DURATION_S = 180
EXAMPLE_SIZE = (960, 540)  # as packaging/setup.sh makes it
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256)  # the hicolor PNGs beside the SVG


class ResourcesMissing(RuntimeError):
    """The installation lacks its package data."""


@functools.cache
def _package_dir() -> Path:
    try:
        files = importlib.resources.files("clipdesk.resources")
    except ModuleNotFoundError as exc:
        raise ResourcesMissing(
            "clipdesk.resources is not installed: install Clipdesk (pip install -e .) "
            "instead of running it from the source folder"
        ) from exc
    # Every supported install keeps package data as real files (wheels are unzipped,
    # PyInstaller unpacks its data files); libvlc and Qt need real paths.
    if not isinstance(files, Path):
        raise ResourcesMissing(f"clipdesk.resources is not a folder on disk: {files}")
    return files


def resources_dir() -> Path:
    """The folder holding example/ and icons/; CLIPDESK_RESOURCES_DIR replaces it (tests)."""
    override = os.environ.get(RESOURCES_OVERRIDE)
    return Path(override) if override else _package_dir()


def example_document() -> Path:
    return resources_dir() / "example" / "example-episode.md"


def example_video() -> Path:
    """Where the example's video is, or will be generated: beside the example when it was
    made there at set-up, else in the user's cache (installed packages stay read-only)."""
    beside = resources_dir() / "example" / "example.mp4"
    if beside.is_file():
        return beside
    return app_dirs.cache_dir() / "example.mp4"


def ensure_example_video() -> Path:
    """The example's video, generated with ffmpeg first when it does not exist yet."""
    path = example_video()
    if not path.is_file():
        from clipdesk.media.demo_video import make_demo_video

        width, height = EXAMPLE_SIZE
        make_demo_video(path, EXAMPLE_DURATION_S, width, height)
    return path


def icon_path(name: str) -> Path:
    return resources_dir() / "icons" / f"{name}.svg"


def icon_png(name: str, size: int) -> Path:
    """The PNG rendering of an icon at one of ICON_SIZES, in the hicolor theme layout."""
    return resources_dir() / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{name}.png"
