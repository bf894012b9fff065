"""One way to run work off the GUI thread: a callable in a worker thread, with success
and failure callbacks delivered on the GUI thread. Workers never touch widgets.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

from clipdesk.ui.common import messages


class _Bridge(QObject):
    done = Signal(object, object, object)  # callback, value, label


class Background(QObject):
    """Runs jobs on a small thread pool; results come back through a queued signal.
    A job run with a label is shown while it runs: busy_changed(text) says what is
    running ("" when nothing labelled is), for the window's progress indicator."""

    busy_changed = Signal(str)

    def __init__(self, parent: QObject | None = None, workers: int = 2) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="clipdesk")
        self._bridge = _Bridge()
        self._bridge.done.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self.pending = 0
        self._closed = False
        self._running: list[str] = []  # labels of the labelled jobs, oldest first

    def run(
        self,
        fn: Callable[[], Any],
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
        label: str = "",
    ) -> None:
        """Run fn() in a worker. Failures go to on_failure, or to the message bus. A
        label ("Opening notes.md") is shown in the window until the job is done."""
        self.pending += 1
        if label:
            self._running.append(label)
            self.busy_changed.emit(self.busy_text())

        def job() -> None:
            try:
                value = fn()
            except BaseException as exc:  # reported on the GUI thread, never lost
                exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
                self._bridge.done.emit(on_failure or _report, exc, label)
            else:
                self._bridge.done.emit(on_success, value, label)

        self._pool.submit(job)

    def busy_text(self) -> str:
        if not self._running:
            return ""
        more = len(self._running) - 1
        return self._running[0] + (f" (and {more} more)" if more else "") + "…"

    def _deliver(self, callback: Callable[[Any], None] | None, value: Any, label: str) -> None:
        self.pending -= 1
        try:
            if not self._closed and callback is not None:
                callback(value)  # the label stays up while the result is shown too
        finally:
            if label and label in self._running:
                self._running.remove(label)
                self.busy_changed.emit(self.busy_text())

    def shutdown(self) -> None:
        self._closed = True
        self._pool.shutdown(wait=False, cancel_futures=True)


def _report(exc: BaseException) -> None:
    messages.error(str(exc) or type(exc).__name__, getattr(exc, "__traceback_text__", ""))
