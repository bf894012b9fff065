"""The log file: rotating, size-bounded, in the user's log folder, never holding secrets.

The level comes from `--log-level`, else CLIPDESK_LOG_LEVEL, else INFO. Everything the
file gets passes through clipdesk.media.redact, so a URL's token or a cookie logged by
any module (or a library) is hidden. Where no log folder can be made, Clipdesk runs on
without a file: a log must never stop the application.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections import deque
from pathlib import Path

from clipdesk import app_dirs
from clipdesk.media.redact import redact_text

LEVEL_ENV = "CLIPDESK_LOG_LEVEL"
LEVELS = ("debug", "info", "warning", "error")
DEFAULT_LEVEL = "info"
LOG_NAME = "clipdesk.log"
MAX_BYTES = 1_000_000
BACKUPS = 4  # clipdesk.log plus .1 ... .4: at most 5 MB
FORMAT = "%(asctime)s %(levelname)-7s %(process)d %(threadName)s %(name)s: %(message)s"

logger = logging.getLogger("clipdesk")


class RedactingFormatter(logging.Formatter):
    """Formats as usual (tracebacks too), then hides secrets in the whole record."""

    def format(self, record: logging.LogRecord) -> str:
        return redact_text(super().format(record))


def _ours_or_a_warning(record: logging.LogRecord) -> bool:
    # Clipdesk at the chosen level; libraries only when they warn (urllib3, asyncio …).
    return record.name.split(".", 1)[0] == "clipdesk" or record.levelno >= logging.WARNING


def log_file(directory: Path | None = None) -> Path:
    return (directory or app_dirs.log_dir()) / LOG_NAME


def resolve_level(cli_level: str | None) -> tuple[int, str | None]:
    """The logging level to use and a complaint about a bad environment value."""
    if cli_level:
        return getattr(logging, cli_level.upper()), None
    env = os.environ.get(LEVEL_ENV, "").strip().lower()
    if not env:
        return getattr(logging, DEFAULT_LEVEL.upper()), None
    if env in LEVELS:
        return getattr(logging, env.upper()), None
    return (
        getattr(logging, DEFAULT_LEVEL.upper()),
        f"{LEVEL_ENV}={env!r} is not one of {', '.join(LEVELS)}: using {DEFAULT_LEVEL}",
    )


_handler: logging.Handler | None = None


def setup_logging(
    cli_level: str | None = None,
    directory: Path | None = None,
    max_bytes: int = MAX_BYTES,
    backups: int = BACKUPS,
) -> Path | None:
    """Send Clipdesk's log (and other libraries' warnings) to the rotating file.

    Calling it again replaces the handler it installed (the tests run main() many
    times in one process). Returns the file, or None when it could not be opened."""
    global _handler
    level, complaint = resolve_level(cli_level)
    root = logging.getLogger()
    stop_logging()
    path = log_file(directory)
    from logging.handlers import RotatingFileHandler  # socket, pickle...: only for a file

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(
            path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8", delay=True
        )
    except OSError as exc:
        print(f"clipdesk: no log file ({path}: {exc.strerror or exc})", file=sys.stderr)
        return None
    handler.setFormatter(RedactingFormatter(FORMAT))
    handler.setLevel(level)
    handler.addFilter(_ours_or_a_warning)
    root.addHandler(handler)
    root.setLevel(min(level, logging.WARNING))
    logger.setLevel(level)
    logging.captureWarnings(True)
    _handler = handler
    if complaint:
        logger.warning(complaint)
    return path


def last_lines(count: int = 200, directory: Path | None = None) -> list[str]:
    """The last lines of the log, across the rotation (for Report a problem)."""
    path = log_file(directory)
    files = [Path(f"{path}.{n}") for n in range(BACKUPS, 0, -1)] + [path]
    tail: deque[str] = deque(maxlen=count)
    for f in files:
        with contextlib.suppress(OSError), f.open(encoding="utf-8", errors="replace") as fh:
            tail.extend(line.rstrip("\n") for line in fh)
    return list(tail)


def stop_logging() -> None:
    """Close the log file (tests, and before a frozen app's folder is removed)."""
    global _handler
    if _handler is not None:
        logging.getLogger().removeHandler(_handler)
        _handler.close()
        _handler = None
