"""Start the review window: `clipdesk [DOC] [--media PATH_OR_URL]`."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import traceback
from pathlib import Path
from types import TracebackType

from clipdesk import __version__


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
    from clipdesk.ui import messages

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        text = "".join(traceback.format_exception(kind, value, tb))
        sys.stderr.write(text)
        if issubclass(kind, KeyboardInterrupt):
            from PySide6.QtWidgets import QApplication

            QApplication.quit()
            return
        with contextlib.suppress(Exception):  # reporting must never raise from the hook
            messages.error(f"Internal error: {value or kind.__name__}", text)

    sys.excepthook = hook


def create_app(argv: list[str] | None = None):
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    prefer_xcb()
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("Clipdesk")
    app.setOrganizationName("Clipdesk")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("clipdesk")
    from clipdesk.ui.resources import icon_path

    icon = icon_path("clipdesk")
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def create_window(document: Path | None, media: str | None):
    """The main window with its player (or the reason there is none) and the document."""
    from clipdesk.ui.main_window import MainWindow
    from clipdesk.ui.player.backend import PlayerUnavailable, create_backend
    from clipdesk.ui.resources import example_document

    backend = None
    reason = ""
    try:
        backend = create_backend()
    except PlayerUnavailable as exc:
        reason = str(exc)
    window = MainWindow(backend, reason)
    window.media.hold_until_shown()
    # A document that cannot be read leaves an empty window with the reason in its banner.
    window.open_document(document if document is not None else example_document(), media)
    return window


def run_gui(document: Path | None, media: str | None) -> int:
    app = create_app()
    install_excepthook()
    window = create_window(document, media)
    window.show()
    install_close_signals(window)
    return app.exec()


def install_close_signals(window) -> None:
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
