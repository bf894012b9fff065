"""Where Clipdesk keeps its settings, cache and logs, computed without Qt.

The folders are the ones QStandardPaths gives once the application has its
organisation and application names (both "Clipdesk"), so the window, the command
line and the crash and About reports all agree. CLIPDESK_CONFIG_DIR redirects every
folder under one root, so tests never touch the user's real configuration.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

CONFIG_OVERRIDE = "CLIPDESK_CONFIG_DIR"
DATA_OVERRIDE = "CLIPDESK_DATA_DIR"  # the data folder alone
# QStandardPaths joins the organisation and application names: "Clipdesk/Clipdesk".
APP_SUBDIR = Path("Clipdesk") / "Clipdesk"


def _env(env: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if env is None else env


def _override(env: Mapping[str, str]) -> Path | None:
    value = env.get(CONFIG_OVERRIDE)
    return Path(value) if value else None


def _xdg(env: Mapping[str, str], var: str, default: str) -> Path:
    # The XDG spec says a relative value is invalid and must be ignored.
    value = env.get(var, "")
    base = Path(value) if value and os.path.isabs(value) else Path.home() / default
    return base / APP_SUBDIR


def _windows_local(env: Mapping[str, str]) -> Path:
    return Path(env.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local") / APP_SUBDIR


def config_dir(env: Mapping[str, str] | None = None) -> Path:
    """Settings (clipdesk.ini): QStandardPaths' AppConfigLocation."""
    env = _env(env)
    if (root := _override(env)) is not None:
        return root
    if sys.platform == "win32":
        return _windows_local(env)
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Preferences" / APP_SUBDIR
    return _xdg(env, "XDG_CONFIG_HOME", ".config")


def settings_file(env: Mapping[str, str] | None = None) -> Path:
    return config_dir(env) / "clipdesk.ini"


def cache_dir(env: Mapping[str, str] | None = None) -> Path:
    """Generated files that can be made again (the example video): CacheLocation."""
    env = _env(env)
    if (root := _override(env)) is not None:
        return root / "cache"
    if sys.platform == "win32":
        return _windows_local(env) / "cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / APP_SUBDIR
    return _xdg(env, "XDG_CACHE_HOME", ".cache")


def state_dir(env: Mapping[str, str] | None = None) -> Path:
    """State that outlives a run but is not a setting: StateLocation (Qt 6.7)."""
    env = _env(env)
    if (root := _override(env)) is not None:
        return root / "state"
    if sys.platform == "win32":
        return _windows_local(env) / "State"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Preferences" / APP_SUBDIR / "State"
    return _xdg(env, "XDG_STATE_HOME", ".local/state")


def log_dir(env: Mapping[str, str] | None = None) -> Path:
    """The rotating log files, under the state folder."""
    return state_dir(env) / "log"


def data_dir(env: Mapping[str, str] | None = None) -> Path:
    """The user's own data Clipdesk keeps (project files of documents in folders that
    cannot be written): AppDataLocation; CLIPDESK_DATA_DIR replaces it."""
    env = _env(env)
    if value := env.get(DATA_OVERRIDE):
        return Path(value)
    if (root := _override(env)) is not None:
        return root / "data"
    if sys.platform == "win32":
        return Path(env.get("APPDATA") or Path.home() / "AppData" / "Roaming") / APP_SUBDIR
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / APP_SUBDIR
    return _xdg(env, "XDG_DATA_HOME", ".local/share")


def fallback_projects_dir(env: Mapping[str, str] | None = None) -> Path:
    """Project files of documents whose folder cannot be written."""
    return data_dir(env) / "projects"
