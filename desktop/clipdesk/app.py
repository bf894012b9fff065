"""Start the review window: `clipdesk [DOC] [--media PATH_OR_URL]`."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import traceback
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from clipdesk import __version__

logger = logging.getLogger(__name__)
if TYPE_CHECKING:  # Qt is imported only when the window is wanted
    from PySide6.QtWidgets import QApplication

    from clipdesk.ui.shell.main_window import MainWindow


def prefer_xcb() -> None:
    """libvlc 3 cannot embed its video in a Wayland surface: use X11 (XWayland) instead."""
    if (
        sys.platform.startswith("linux")
        and os.environ.get("WAYLAND_DISPLAY")
        and not os.environ.get("QT_QPA_PLATFORM")
    ):
        os.environ["QT_QPA_PLATFORM"] = "xcb"


def install_excepthook() -> None:
    """An unexpected error is reported in the window and on stderr; the app keeps running."""
    from clipdesk.ui.common import messages

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        text = "".join(traceback.format_exception(kind, value, tb))
        sys.stderr.write(text)
        logger.error("uncaught exception", exc_info=(kind, value, tb))
        if issubclass(kind, KeyboardInterrupt):
            from PySide6.QtWidgets import QApplication

            QApplication.quit()
            return
        with contextlib.suppress(Exception):  # reporting must never raise from the hook
            messages.error(f"Internal error: {value or kind.__name__}", text)

    sys.excepthook = hook


def create_app(argv: list[str] | None = None) -> QApplication:
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    prefer_xcb()
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or sys.argv[:1])
    app.setApplicationName("Clipdesk")
    app.setOrganizationName("Clipdesk")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("clipdesk")
    from clipdesk.resource_files import ICON_SIZES, icon_path, icon_png

    # The rendered PNGs first: they need no SVG plugin and are sharp at small sizes.
    icon = QIcon()
    for path in [icon_png("clipdesk", size) for size in ICON_SIZES] + [icon_path("clipdesk")]:
        if path.is_file():
            icon.addFile(str(path))
    if not icon.isNull():
        app.setWindowIcon(icon)
    return app


def create_window(document: Path | None, media: str | None) -> MainWindow:
    """The main window with its player (or the reason there is none) and the document."""
    from clipdesk.ui.player.backend import PlayerUnavailable
    from clipdesk.ui.player.create import create_backend
    from clipdesk.ui.resources import example_document
    from clipdesk.ui.shell.main_window import MainWindow

    backend = None
    reason = ""
    try:
        backend = create_backend()
    except PlayerUnavailable as exc:
        reason = str(exc)
    if reason:
        logger.warning("no player: %s", reason)
    window = MainWindow(backend, reason)
    log_playback(window)
    window.media.hold_until_shown()
    # A document that cannot be read leaves an empty window with the reason in its banner.
    path = document if document is not None else example_document()
    opened = window.open_document(path, media)
    logger.info("document %s: %s", "opened" if opened else "not opened", path)
    return window


def log_playback(window: MainWindow) -> None:
    """Media, player states and (at debug level, once a second) libvlc's time go to the
    log: what a bug report about playback needs, and what packaging/check_app.py reads."""
    player = window.player
    window.media.opened.connect(lambda source: logger.info("media opened: %s", source.location))
    player.state_changed.connect(
        lambda state: logger.info("player %s at %d ms", state.name.lower(), player.position())
    )
    player.error.connect(lambda message: logger.warning("player error: %s", message))
    if player.backend is not None:
        last = [-1]

        def reported(ms: int) -> None:
            if ms // 1000 != last[0]:
                last[0] = ms // 1000
                logger.debug("libvlc time %d ms", ms)

        player.backend.time_reported.connect(reported)


def play_when_opened(window: MainWindow) -> None:
    """--play: start playing once the first media is open (the window seeks first)."""
    from PySide6.QtCore import QTimer

    def start(_source: object) -> None:
        window.media.opened.disconnect(start)
        QTimer.singleShot(0, window.player.play)

    window.media.opened.connect(start)


def run_gui(document: Path | None, media: str | None, play: bool = False) -> int:
    app = create_app()
    install_excepthook()
    window = create_window(document, media)
    window.crash_guard.install()  # from here on an error saves the project file first
    if play:
        play_when_opened(window)
    window.show()
    install_close_signals(window)
    return app.exec()


def install_close_signals(window: MainWindow) -> None:
    """Ctrl+C in the terminal, SIGTERM and SIGHUP (a logout, a closed terminal) close
    the window as its close button does: exports are stopped, settings and the project
    file saved, libvlc released."""
    from PySide6.QtCore import QTimer

    # Python runs a handler between any two bytecodes, maybe inside a paint event's
    # Python code: closing there destroys the window under Qt's feet. Post it instead.
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda *_: QTimer.singleShot(0, window.close))
    wake = QTimer(window)  # Python handles signals only when it gets to run
    wake.start(250)
    wake.timeout.connect(lambda: None)
