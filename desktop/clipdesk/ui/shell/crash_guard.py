"""Uncaught exceptions, on any thread: the project file is written first, then a dialog
shows what happened (with a copy button) and the window keeps running. An exception on
a worker thread is reported on the GUI thread, through a queued signal."""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QApplication, QWidget

from clipdesk.ui.common import messages
from clipdesk.ui.shell.crash_dialog import CrashDialog

logger = logging.getLogger(__name__)
ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


class CrashGuard(QObject):
    _from_thread = Signal(str, str)  # summary, details

    def __init__(self, save_project: Callable[[], Path | None], parent: QWidget) -> None:
        super().__init__(parent)
        self._save_project = save_project
        self._parent = parent
        self._from_thread.connect(self.report, Qt.ConnectionType.QueuedConnection)
        self.dialogs: list[CrashDialog] = []
        self._previous: tuple[object, object] | None = None
        self._reporting = False

    def install(self) -> None:
        self._previous = (sys.excepthook, threading.excepthook)
        sys.excepthook = self.excepthook
        threading.excepthook = self.thread_excepthook

    def uninstall(self) -> None:
        if self._previous is not None:
            sys.excepthook, threading.excepthook = self._previous  # type: ignore[assignment]
            self._previous = None

    # -- the hooks ----------------------------------------------------------------------------
    def excepthook(
        self, kind: type[BaseException], value: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            QApplication.quit()
            return
        details = "".join(traceback.format_exception(kind, value, tb))
        sys.stderr.write(details)
        logger.error("uncaught exception", exc_info=(kind, value, tb))
        summary = f"{kind.__name__}: {value}" if str(value) else kind.__name__
        app = QApplication.instance()
        if app is not None and QThread.currentThread() is app.thread():
            self.report(summary, details)
        else:
            self._from_thread.emit(summary, details)

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        self.excepthook(args.exc_type, args.exc_value, args.exc_traceback)

    # -- on the GUI thread ---------------------------------------------------------------------
    def report(self, summary: str, details: str) -> None:
        if self._reporting:  # an error while reporting one: the log and stderr have it
            return
        self._reporting = True
        try:
            saved = self._save_first()
            with contextlib.suppress(Exception):
                messages.error(f"Internal error: {summary}", details)
            dialog = CrashDialog(summary, saved, details, self._parent)
            dialog.setModal(False)
            dialog.finished.connect(lambda _r: self._forget(dialog))
            self.dialogs.append(dialog)
            dialog.show()
        finally:
            self._reporting = False

    def _save_first(self) -> str:
        try:
            path = self._save_project()
        except Exception as exc:  # the report must still be shown
            logger.exception("saving the project file after an error failed")
            return f"The project file could not be saved: {exc}"
        if path is None:
            return "No project file is open: nothing needed saving."
        return f"Your edits are saved in {path}."

    def _forget(self, dialog: CrashDialog) -> None:
        if dialog in self.dialogs:
            self.dialogs.remove(dialog)
        dialog.deleteLater()
