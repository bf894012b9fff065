"""The user's data folder, without Qt (the command line needs it too).

CLIPDESK_DATA_DIR overrides it; CLIPDESK_CONFIG_DIR (which tests set to keep away from
the user's real files) moves it below that folder; else the XDG data folder.
"""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    override = os.environ.get("CLIPDESK_DATA_DIR")
    if override:
        return Path(override)
    config = os.environ.get("CLIPDESK_CONFIG_DIR")
    if config:
        return Path(config) / "data"
    xdg = os.environ.get("XDG_DATA_HOME")
    return (Path(xdg) if xdg else Path.home() / ".local" / "share") / "clipdesk"


def fallback_projects_dir() -> Path:
    """Project files of documents whose folder cannot be written."""
    return data_dir() / "projects"
