"""Start the review window: `clipdesk [DOC] [--media PATH_OR_URL]`."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import traceback
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from clipdesk import __version__

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
    from clipdesk.ui.resources import icon_path

    icon = icon_path("clipdesk")
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
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
    window = MainWindow(backend, reason)
    window.media.hold_until_shown()
    # A document that cannot be read leaves an empty window with the reason in its banner.
    window.open_document(document if document is not None else example_document(), media)
    return window


def run_gui(document: Path | None, media: str | None) -> int:
    from PySide6.QtCore import QTimer

    app = create_app()
    install_excepthook()
    window = create_window(document, media)
    window.show()
    # Ctrl+C in the terminal closes the window (saving settings, releasing libvlc).
    signal.signal(signal.SIGINT, lambda *_: window.close())
    wake = QTimer(window)  # Python handles signals only when it gets to run
    wake.start(250)
    wake.timeout.connect(lambda: None)
    return app.exec()
