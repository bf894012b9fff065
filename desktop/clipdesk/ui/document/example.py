"""The built-in example document: the one test of "is this the example", and the places
the example uses instead of its own folder (which may be read-only and is shared)."""

from __future__ import annotations

from pathlib import Path

from clipdesk.ui.common.settings import config_dir
from clipdesk.ui.resources import example_document, example_video


def is_example(path: Path) -> bool:
    try:
        return path.resolve() == example_document().resolve()
    except OSError:
        return False


def project_document(path: Path) -> Path:
    """Where the project file of a document lives beside: the document's own folder,
    except for the bundled example, whose project file goes to the configuration folder."""
    if is_example(path):
        folder = config_dir() / "example"
        folder.mkdir(parents=True, exist_ok=True)
        return folder / path.name
    return path


def example_video_target() -> Path:
    """Where the example video is (or will be) generated: beside the example, else the cache."""
    return example_video()
