"""Where Clipdesk keeps its cache, without Qt, so the command line and the window agree.

The window's folders come from QStandardPaths with the application and organisation
both named "Clipdesk" (ui/settings.py); this gives the same folders on each platform.
CLIPDESK_CONFIG_DIR redirects everything (tests never touch the user's folders).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

APP = "Clipdesk"  # QCoreApplication's organisation and application names (app.py)


def cache_dir(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    override = env.get("CLIPDESK_CONFIG_DIR")
    if override:
        return Path(override) / "cache"
    home = Path(env.get("HOME") or Path.home())
    if sys.platform == "win32":
        local = env.get("LOCALAPPDATA")
        return Path(local or home / "AppData" / "Local") / APP / APP / "cache"
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / APP / APP
    xdg = env.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else home / ".cache"
    return base / APP / APP


def media_cache_dir(kind: str, env: Mapping[str, str] | None = None) -> Path:
    """A sub-folder of the cache for one kind of derived media data ("audio", "thumbnails")."""
    if not kind.isidentifier():
        raise ValueError(f"not a cache folder name: {kind!r}")
    return cache_dir(env) / kind
