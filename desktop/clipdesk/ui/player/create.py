"""The player backend the application runs with (kept apart from backend.py, which the
backends themselves import)."""

from __future__ import annotations

from clipdesk.ui.player.backend import PlayerBackend


def create_backend() -> PlayerBackend:
    """The libvlc backend; raises PlayerUnavailable with install advice when it cannot run."""
    from clipdesk.ui.player.vlc_backend import VlcBackend  # loads libvlc: only when asked

    return VlcBackend()
