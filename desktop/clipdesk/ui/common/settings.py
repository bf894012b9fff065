"""Typed options over QSettings, in the folder QStandardPaths gives (clipdesk.app_dirs
computes it without Qt; CLIPDESK_CONFIG_DIR redirects it for tests)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from clipdesk import app_dirs
from clipdesk.core.bounds import DEFAULT_LONG_NUDGE_MS, DEFAULT_OPEN_END_MS
from clipdesk.core.export_plan import MAX_JOBS, ExportMode
from clipdesk.core.naming import DEFAULT_TEMPLATE, TemplateError, validate_template

MAX_RECENT = 10
THEMES = ("system", "light", "dark")
DEFAULT_SEEK_MS = 5_000
DEFAULT_SNAP_PX = 8
# Bounds the dialog offers; values outside them in a hand-edited file fall back to these.
SEEK_RANGE_MS = (100, 600_000)
NUDGE_RANGE_MS = (100, 60_000)
OPEN_END_RANGE_MS = (1_000, 600_000)
SNAP_RANGE_PX = (1, 50)


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

    def _get_ranged(self, key: str, default: int, bounds: tuple[int, int]) -> int:
        value = self._get_int(key, default)
        return value if bounds[0] <= value <= bounds[1] else default

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

    # -- export defaults ----------------------------------------------------------------
    @property
    def output_folder(self) -> str:
        """Where exports go when the project has not chosen a folder ("" = beside the
        document)."""
        return self._get_str("export/output_folder", "")

    @output_folder.setter
    def output_folder(self, value: str) -> None:
        self._q.setValue("export/output_folder", value)

    @property
    def name_template(self) -> str:
        value = self._get_str("export/template", DEFAULT_TEMPLATE)
        try:
            return validate_template(value)
        except TemplateError:
            return DEFAULT_TEMPLATE

    @name_template.setter
    def name_template(self, value: str) -> None:
        self._q.setValue("export/template", validate_template(value))

    @property
    def export_jobs(self) -> int:
        return self._get_ranged("export/jobs", 2, (1, MAX_JOBS))

    @export_jobs.setter
    def export_jobs(self, value: int) -> None:
        self._q.setValue("export/jobs", int(value))

    @property
    def export_mode(self) -> ExportMode:
        try:
            return ExportMode(self._get_str("export/mode", ExportMode.EXACT.value))
        except ValueError:
            return ExportMode.EXACT

    @export_mode.setter
    def export_mode(self, value: ExportMode) -> None:
        self._q.setValue("export/mode", ExportMode(value).value)

    # -- editing and playback -----------------------------------------------------------
    @property
    def open_end_ms(self) -> int:
        return self._get_ranged("editing/open_end_ms", DEFAULT_OPEN_END_MS, OPEN_END_RANGE_MS)

    @open_end_ms.setter
    def open_end_ms(self, value: int) -> None:
        self._q.setValue("editing/open_end_ms", int(value))

    @property
    def seek_step_ms(self) -> int:
        return self._get_ranged("player/seek_step_ms", DEFAULT_SEEK_MS, SEEK_RANGE_MS)

    @seek_step_ms.setter
    def seek_step_ms(self, value: int) -> None:
        self._q.setValue("player/seek_step_ms", int(value))

    @property
    def nudge_step_ms(self) -> int:
        """The long nudge (Alt+Shift+arrow); the frame and tenth nudges stay as named."""
        return self._get_ranged("editing/nudge_step_ms", DEFAULT_LONG_NUDGE_MS, NUDGE_RANGE_MS)

    @nudge_step_ms.setter
    def nudge_step_ms(self, value: int) -> None:
        self._q.setValue("editing/nudge_step_ms", int(value))

    @property
    def snapping(self) -> bool:
        return self._get_bool("editing/snapping", True)

    @snapping.setter
    def snapping(self, value: bool) -> None:
        self._q.setValue("editing/snapping", bool(value))

    @property
    def snap_px(self) -> int:
        return self._get_ranged("editing/snap_px", DEFAULT_SNAP_PX, SNAP_RANGE_PX)

    @snap_px.setter
    def snap_px(self, value: int) -> None:
        self._q.setValue("editing/snap_px", int(value))

    # -- appearance and keys ------------------------------------------------------------
    @property
    def theme(self) -> str:
        value = self._get_str("appearance/theme", "system")
        return value if value in THEMES else "system"

    @theme.setter
    def theme(self, value: str) -> None:
        if value not in THEMES:
            raise ValueError(f"unknown theme {value!r}")
        self._q.setValue("appearance/theme", value)

    def shortcuts(self) -> dict[str, str]:
        """The shortcuts the user changed: action id -> portable key text ("" = none)."""
        pairs = self._get_list("keys/shortcuts")
        out = {}
        for pair in pairs:
            name, sep, keys = pair.partition("\t")
            if sep and name:
                out[name] = keys
        return out

    def set_shortcuts(self, changed: dict[str, str]) -> None:
        self._q.setValue("keys/shortcuts", [f"{k}\t{v}" for k, v in sorted(changed.items())])

    # -- the clip list's columns ----------------------------------------------
    def hidden_columns(self) -> list[str] | None:
        """The clip list's columns hidden by choice; None when never saved."""
        if not self._q.contains("window/hidden_columns"):
            return None
        return self._get_list("window/hidden_columns")

    def set_hidden_columns(self, names: list[str]) -> None:
        self._q.setValue("window/hidden_columns", list(names))
