"""Finding the outside tools: ffmpeg, ffprobe and yt-dlp.

Each can be pinned with an environment variable (CLIPDESK_FFMPEG,
CLIPDESK_FFPROBE, CLIPDESK_YTDLP) or an explicit path; otherwise PATH is
searched. yt-dlp is a Python dependency, so it runs as `python -m yt_dlp`.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass

INSTALL_HINT = "install ffmpeg (Debian/Ubuntu: apt-get install ffmpeg)"


class ToolMissing(RuntimeError):
    """A tool a job needs is not installed or not where it was said to be."""


@dataclass(frozen=True)
class Tools:
    """Resolved tool locations; None for a tool that was not found."""

    ffmpeg: str | None
    ffprobe: str | None
    ytdlp: tuple[str, ...] | None
    problems: tuple[tuple[str, str], ...] = ()  # (tool, why it is missing)

    def need(self, *names: str) -> None:
        """Raise ToolMissing naming every tool in names that is missing."""
        why = dict(self.problems)
        missing = [why.get(n, f"{n} not found") for n in names if getattr(self, n) is None]
        if missing:
            raise ToolMissing("; ".join(missing))


def _find_binary(name: str, override: str | None, env_var: str, path: str | None) -> str:
    if override:
        located = shutil.which(override, path=path) if os.sep not in override else override
        if located and os.path.isfile(located) and os.access(located, os.X_OK):
            return located
        raise ToolMissing(f"{name} not found at {override!r} (set by {env_var})")
    located = shutil.which(name, path=path)
    if located is None:
        raise ToolMissing(f"{name} not found on PATH: {INSTALL_HINT}")
    return located


def find_tools(
    ffmpeg: str | None = None,
    ffprobe: str | None = None,
    ytdlp: str | None = None,
    env: Mapping[str, str] | None = None,
) -> Tools:
    """Look the tools up once; missing ones are recorded, not raised, so a
    job that does not need them can still run."""
    env = os.environ if env is None else env
    path = env.get("PATH", os.defpath)
    found: dict[str, str | None] = {}
    problems: list[tuple[str, str]] = []
    for name, explicit, var in (
        ("ffmpeg", ffmpeg, "CLIPDESK_FFMPEG"),
        ("ffprobe", ffprobe, "CLIPDESK_FFPROBE"),
    ):
        override = explicit or env.get(var) or None
        try:
            found[name] = _find_binary(name, override, var if not explicit else "settings", path)
        except ToolMissing as exc:
            found[name] = None
            problems.append((name, str(exc)))
    yt: tuple[str, ...] | None
    override = ytdlp or env.get("CLIPDESK_YTDLP") or None
    if override:
        try:
            yt = (_find_binary("yt-dlp", override, "CLIPDESK_YTDLP", path),)
        except ToolMissing as exc:
            yt = None
            problems.append(("ytdlp", str(exc)))
    elif importlib.util.find_spec("yt_dlp") is not None:
        yt = (sys.executable, "-m", "yt_dlp")
    elif (exe := shutil.which("yt-dlp", path=path)) is not None:
        yt = (exe,)
    else:
        yt = None
        problems.append(("ytdlp", "yt-dlp not found: pip install yt-dlp"))
    return Tools(found["ffmpeg"], found["ffprobe"], yt, tuple(problems))
