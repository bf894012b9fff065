"""Typed options over QSettings, in the folder QStandardPaths gives (clipdesk.app_dirs
computes it without Qt; CLIPDESK_CONFIG_DIR redirects it for tests)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from clipdesk import app_dirs

MAX_RECENT = 10


def config_dir() -> Path:
    return app_dirs.config_dir()


def cache_dir() -> Path:
    return app_dirs.cache_dir()


def _doc_key(document: Path | str) -> str:
    # QSettings keys treat "/" as groups and are case-insensitive on some platforms:
    # store per-document values in a list of (path, value) pairs instead of as keys.
    return str(Path(document).expanduser().resolve())


class Settings:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or app_dirs.settings_file()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._q = QSettings(str(self.path), QSettings.Format.IniFormat)

    def sync(self) -> None:
        self._q.sync()

    # -- generic typed access ---------------------------------------------
    def _get_str(self, key: str, default: str = "") -> str:
        v = self._q.value(key, default)
        return v if isinstance(v, str) else default

    def _get_int(self, key: str, default: int) -> int:
        try:
            return int(self._q.value(key, default))  # type: ignore[call-overload]
        except (TypeError, ValueError):
            return default

    def _get_bool(self, key: str, default: bool) -> bool:
        v = self._q.value(key, default)
        if isinstance(v, str):
            return v.lower() in ("true", "1", "yes")
        return bool(v)

    def _get_list(self, key: str) -> list[str]:
        v = self._q.value(key, [])
        if isinstance(v, str):
            return [v] if v else []
        return [str(x) for x in v] if isinstance(v, list) else []

    # -- recent files -------------------------------------------------------
    def recent_files(self) -> list[str]:
        return self._get_list("recent/files")

    def add_recent_file(self, path: Path | str) -> list[str]:
        p = _doc_key(path)
        files = [p] + [f for f in self.recent_files() if f != p]
        files = files[:MAX_RECENT]
        self._q.setValue("recent/files", files)
        return files

    def clear_recent_files(self) -> None:
        self._q.setValue("recent/files", [])

    # -- media remembered per document -------------------------------------
    def media_for(self, document: Path | str) -> str | None:
        key = _doc_key(document)
        for pair in self._get_list("media/remembered"):
            doc, sep, media = pair.partition("\t")
            if sep and doc == key:
                return media or None
        return None

    def set_media_for(self, document: Path | str, media: str | None) -> None:
        key = _doc_key(document)
        pairs = [p for p in self._get_list("media/remembered") if p.partition("\t")[0] != key]
        if media:
            pairs.insert(0, f"{key}\t{media}")
        self._q.setValue("media/remembered", pairs[:200])

    # -- export folders the user chose ----------------------------------------------
    def export_folders(self) -> list[str]:
        """Folders the user exported to in this installation: the only ones (besides
        the document's own) that jobs restored from a project file may write into."""
        return self._get_list("export/folders")

    def add_export_folder(self, folder: Path | str) -> None:
        key = _doc_key(folder)
        folders = [key] + [f for f in self.export_folders() if f != key]
        self._q.setValue("export/folders", folders[:200])

    # -- player ---------------------------------------------------------------
    @property
    def volume(self) -> int:
        return max(0, min(100, self._get_int("player/volume", 80)))

    @volume.setter
    def volume(self, value: int) -> None:
        self._q.setValue("player/volume", int(value))

    @property
    def follow_transcript(self) -> bool:
        return self._get_bool("transcript/follow", True)

    @follow_transcript.setter
    def follow_transcript(self, value: bool) -> None:
        self._q.setValue("transcript/follow", bool(value))

    @property
    def last_open_dir(self) -> str:
        return self._get_str("files/last_open_dir", str(Path.home()))

    @last_open_dir.setter
    def last_open_dir(self, value: str) -> None:
        self._q.setValue("files/last_open_dir", value)

    # -- window -------------------------------------------------------------
    def window_state(self) -> tuple[QByteArray | None, QByteArray | None]:
        geo = self._q.value("window/geometry")
        state = self._q.value("window/state")
        return (
            geo if isinstance(geo, QByteArray) else None,
            state if isinstance(state, QByteArray) else None,
        )

    def set_window_state(self, geometry: QByteArray, state: QByteArray) -> None:
        self._q.setValue("window/geometry", geometry)
        self._q.setValue("window/state", state)

    def splitter_state(self, name: str) -> QByteArray | None:
        v = self._q.value(f"window/splitter_{name}")
        return v if isinstance(v, QByteArray) else None

    def set_splitter_state(self, name: str, state: QByteArray) -> None:
        self._q.setValue(f"window/splitter_{name}", state)

    # -- the clip list's columns ----------------------------------------------
    def hidden_columns(self) -> list[str] | None:
        """The clip list's columns hidden by choice; None when never saved."""
        if not self._q.contains("window/hidden_columns"):
            return None
        return self._get_list("window/hidden_columns")

    def set_hidden_columns(self, names: list[str]) -> None:
        self._q.setValue("window/hidden_columns", list(names))
