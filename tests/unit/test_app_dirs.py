"""The cache folder without Qt is the one the window gets from QStandardPaths."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from clipdesk.core.app_dirs import cache_dir, media_cache_dir


def test_override_redirects_the_cache() -> None:
    env = {"CLIPDESK_CONFIG_DIR": "/tmp/cfg", "HOME": "/home/x"}
    assert cache_dir(env) == Path("/tmp/cfg/cache")
    assert media_cache_dir("audio", env) == Path("/tmp/cfg/cache/audio")
    with pytest.raises(ValueError):
        media_cache_dir("../elsewhere", env)


@pytest.mark.skipif(sys.platform != "linux", reason="XDG folders")
def test_xdg_cache_home_is_followed_when_absolute() -> None:
    assert cache_dir({"HOME": "/home/x"}) == Path("/home/x/.cache/Clipdesk/Clipdesk")
    assert cache_dir({"HOME": "/home/x", "XDG_CACHE_HOME": "/var/c"}) == Path(
        "/var/c/Clipdesk/Clipdesk"
    )
    assert cache_dir({"HOME": "/home/x", "XDG_CACHE_HOME": "rel"}) == Path(
        "/home/x/.cache/Clipdesk/Clipdesk"
    )


def test_same_folder_as_qstandardpaths(qapp, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QStandardPaths

    monkeypatch.delenv("CLIPDESK_CONFIG_DIR", raising=False)
    names = (qapp.applicationName(), qapp.organizationName())
    qapp.setApplicationName("Clipdesk")
    qapp.setOrganizationName("Clipdesk")
    try:
        where = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.CacheLocation)
    finally:
        qapp.setApplicationName(names[0])
        qapp.setOrganizationName(names[1])
    assert cache_dir() == Path(where)
