"""Guards against defects in specific Qt for Python releases, applied only when detected.

PySide6 6.12.0 on Python < 3.12 drops one reference to True each time a signal
declared in Python is emitted. True is not immortal before 3.12, so after a few
hundred emits the interpreter aborts ("bool_dealloc: deallocating True or False").
When the leak is detected, True's reference count is raised far out of reach.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject, Signal

_PINNED = False


class _Probe(QObject):
    fired = Signal()


def signal_emit_leaks_true() -> bool:
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(16):
        probe.fired.emit()
    leaked = sys.getrefcount(True) < before - 8
    probe.deleteLater()
    return leaked


def protect_true_refcount() -> bool:
    """Apply the guard if this PySide6 leaks; returns True when it was needed."""
    global _PINNED
    if _PINNED:
        return True
    if sys.version_info >= (3, 12) or not signal_emit_leaks_true():
        return False
    # ob_refcnt is the first field of every CPython object; True is never freed anyway.
    ctypes.c_ssize_t.from_address(id(True)).value += 1 << 40
    _PINNED = True
    return True
