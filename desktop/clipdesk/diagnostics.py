"""What Clipdesk runs on and where it keeps its files: for About, Report a problem and
`clipdesk --version --verbose`. No Qt needed: PySide6 is reported when importable."""

from __future__ import annotations

import platform
import subprocess
import sys
from dataclasses import dataclass, field

from clipdesk import __version__, app_dirs, logs, resource_files

NOT_FOUND = "not found"


@dataclass(frozen=True)
class Diagnostics:
    versions: dict[str, str] = field(default_factory=dict)
    locations: dict[str, str] = field(default_factory=dict)

    def as_text(self) -> str:
        width = max(map(len, [*self.versions, *self.locations]))
        lines = [f"{k + ':':<{width + 1}} {v}" for k, v in self.versions.items()]
        lines.append("")
        lines += [f"{k + ':':<{width + 1}} {v}" for k, v in self.locations.items()]
        return "\n".join(lines) + "\n"


def _qt_versions() -> dict[str, str]:
    try:
        import PySide6
        from PySide6 import QtCore
    except ImportError as exc:
        return {"Qt": f"{NOT_FOUND} ({exc})", "PySide6": NOT_FOUND}
    return {"Qt": QtCore.qVersion(), "PySide6": PySide6.__version__}


def _vlc_versions() -> dict[str, str]:
    try:
        import vlc  # loads libvlc: fails with OSError when libvlc is not installed
    except (ImportError, OSError) as exc:
        return {"python-vlc": f"{NOT_FOUND} ({exc})", "libvlc": NOT_FOUND}
    try:
        libvlc = vlc.libvlc_get_version().decode("utf-8", "replace")
    except (AttributeError, OSError, NameError) as exc:  # python-vlc without its library
        libvlc = f"{NOT_FOUND} ({exc})"
    return {"python-vlc": getattr(vlc, "__version__", "?"), "libvlc": libvlc}


def _ytdlp_version() -> str:
    try:
        from yt_dlp.version import __version__ as version
    except ImportError:
        return NOT_FOUND
    return str(version)


def _pyav_version() -> str:
    try:
        import av
    except ImportError as exc:
        return f"{NOT_FOUND} ({exc})"
    ffmpeg = ".".join(map(str, av.library_versions.get("libavcodec", ())))
    return f"{av.__version__} (libavcodec {ffmpeg})"


def _ffmpeg_version() -> str:
    from clipdesk.media.tools import find_tools

    tools = find_tools()
    if tools.ffmpeg is None:
        return f"{NOT_FOUND} ({dict(tools.problems).get('ffmpeg', '')})"
    try:
        done = subprocess.run(
            [tools.ffmpeg, "-hide_banner", "-version"],
            capture_output=True, text=True, timeout=10, check=False,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"{tools.ffmpeg}: does not run ({exc})"
    first = (done.stdout.splitlines() or ["?"])[0]
    version = first.removeprefix("ffmpeg version ").split(" Copyright")[0]
    return f"{version} ({tools.ffmpeg})"


def collect() -> Diagnostics:
    versions = {
        "Clipdesk": __version__,
        "Python": f"{platform.python_version()} ({sys.executable})",
        "platform": platform.platform(),
        **_qt_versions(),
        **_vlc_versions(),
        "yt-dlp": _ytdlp_version(),
        "ffmpeg": _ffmpeg_version(),
        "PyAV": _pyav_version(),  # the smart cut's decoder and encoder
    }
    locations = {
        "settings": str(app_dirs.settings_file()),
        "cache": str(app_dirs.cache_dir()),
        "log": str(logs.log_file()),
        "resources": _resources_location(),
    }
    return Diagnostics(versions, locations)


def _resources_location() -> str:
    try:
        return str(resource_files.resources_dir())
    except resource_files.ResourcesMissing as exc:
        return f"{NOT_FOUND} ({exc})"


def problem_report(log_lines: int = 100) -> str:
    """Versions, folders and the last log lines, ready to paste into a bug report."""
    tail = logs.last_lines(log_lines)
    log = "\n".join(tail) if tail else "(the log is empty)"
    return f"{collect().as_text()}\nLast {len(tail)} log lines:\n{log}\n"
