"""Settings, cache and log folders: the same as QStandardPaths, redirected for tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from clipdesk import app_dirs

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG layout")


def test_override_puts_every_folder_under_one_root(tmp_path: Path) -> None:
    env = {"CLIPDESK_CONFIG_DIR": str(tmp_path), "XDG_CONFIG_HOME": "/elsewhere"}
    assert app_dirs.config_dir(env) == tmp_path
    assert app_dirs.cache_dir(env) == tmp_path / "cache"
    assert app_dirs.log_dir(env) == tmp_path / "state" / "log"


def test_relative_xdg_values_are_ignored(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    env = {"XDG_CACHE_HOME": "relative/cache"}
    assert app_dirs.cache_dir(env) == tmp_path / ".cache" / "Clipdesk" / "Clipdesk"
    assert app_dirs.log_dir({}) == tmp_path / ".local/state/Clipdesk/Clipdesk/log"


def test_folders_match_qstandardpaths(qapp, monkeypatch, tmp_path: Path) -> None:
    from PySide6.QtCore import QStandardPaths

    monkeypatch.delenv("CLIPDESK_CONFIG_DIR", raising=False)
    monkeypatch.delenv("CLIPDESK_DATA_DIR", raising=False)
    for var in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME"):
        monkeypatch.setenv(var, str(tmp_path / var.lower()))
    names = qapp.organizationName(), qapp.applicationName()
    qapp.setOrganizationName("Clipdesk")  # as clipdesk.app.create_app names it
    qapp.setApplicationName("Clipdesk")
    try:
        loc = QStandardPaths.StandardLocation

        def qt(kind) -> Path:
            return Path(QStandardPaths.writableLocation(kind))

        assert app_dirs.config_dir() == qt(loc.AppConfigLocation)
        assert app_dirs.cache_dir() == qt(loc.CacheLocation)
        assert app_dirs.state_dir() == qt(loc.StateLocation)
        assert app_dirs.data_dir() == qt(loc.AppDataLocation)
    finally:
        qapp.setOrganizationName(names[0])
        qapp.setApplicationName(names[1])
