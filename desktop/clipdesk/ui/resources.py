"""Where the application's own files live: icons and the built-in example."""

from __future__ import annotations

import os
from pathlib import Path

EXAMPLE_DURATION_S = 180


def resources_dir() -> Path:
    override = os.environ.get("CLIPDESK_RESOURCES_DIR")
    if override:
        return Path(override)
    # desktop/clipdesk/ui/resources.py -> <repo>/resources
    return Path(__file__).resolve().parents[3] / "resources"


def example_document() -> Path:
    return resources_dir() / "example" / "example-episode.md"


def example_video() -> Path:
    return resources_dir() / "example" / "example.mp4"


def icon_path(name: str) -> Path:
    return resources_dir() / "icons" / f"{name}.svg"
