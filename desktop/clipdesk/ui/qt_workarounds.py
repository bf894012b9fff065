"""Guards against defects in specific Qt for Python releases, applied only when detected.

PySide6 6.12.0 on Python < 3.12 drops one reference to True each time a signal
declared in Python is emitted, and one reference to None on each
QCoreApplication.processEvents() call. True and None are not immortal before 3.12,
so after enough calls the interpreter aborts ("bool_dealloc" / "none_dealloc").
When a leak is detected, that object's reference count is raised far out of reach.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QCoreApplication, QObject, Signal

_pinned: set[str] = set()


class _Probe(QObject):
    fired = Signal()


def _leaks(obj: object, action) -> bool:
    before = sys.getrefcount(obj)
    for _ in range(16):
        action()
    return sys.getrefcount(obj) < before - 8


def signal_emit_leaks_true() -> bool:
    probe = _Probe()
    leaked = _leaks(True, probe.fired.emit)
    probe.deleteLater()
    return leaked


def process_events_leaks_none() -> bool:
    if QCoreApplication.instance() is None:
        return False
    return _leaks(None, QCoreApplication.processEvents)


def _pin(name: str, obj: object) -> None:
    # ob_refcnt is the first field of every CPython object; True and None are never freed.
    ctypes.c_ssize_t.from_address(id(obj)).value += 1 << 40
    _pinned.add(name)


def protect_refcounts() -> set[str]:
    """Apply the guards this PySide6 needs (call again once a QApplication exists)."""
    if sys.version_info >= (3, 12):
        return set()
    if "True" not in _pinned and signal_emit_leaks_true():
        _pin("True", True)
    if "None" not in _pinned and process_events_leaks_none():
        _pin("None", None)
    return set(_pinned)
