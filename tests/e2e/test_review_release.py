"""libvlc is released in the order it requires: detach events, stop, then release
media, player and instance."""

from __future__ import annotations

from pathlib import Path

from clipdesk.ui.player.backend import PlaybackSource, PlayerState
from clipdesk.ui.player.vlc_backend import VlcBackend


class Recorder:
    """Forwards every call to the wrapped libvlc object and notes its name."""

    def __init__(self, target: object, name: str, log: list[str]) -> None:
        self._target, self._name, self._log = target, name, log

    def __getattr__(self, attr: str):
        value = getattr(self._target, attr)
        if not callable(value):
            return value

        def call(*args, **kwargs):
            self._log.append(f"{self._name}.{attr}")
            return value(*args, **kwargs)

        return call


def test_release_order(qtbot, monkeypatch, demo_video: Path) -> None:
    monkeypatch.setenv("CLIPDESK_VLC_ARGS", "--aout=dummy --vout=dummy")
    backend = VlcBackend()
    with qtbot.waitSignal(backend.length_changed, timeout=10_000):
        backend.open(PlaybackSource(str(demo_video)))
    qtbot.waitUntil(lambda: backend.state() is PlayerState.PAUSED, timeout=10_000)
    log: list[str] = []
    backend._events = Recorder(backend._events, "events", log)
    backend._player = Recorder(backend._player, "player", log)
    backend._media = Recorder(backend._media, "media", log)
    backend._instance = Recorder(backend._instance, "instance", log)
    backend.release()
    detaches = [i for i, name in enumerate(log) if name == "events.event_detach"]
    assert len(detaches) == 9
    order = [name for name in log if name != "events.event_detach"]
    assert max(detaches) < log.index("player.stop")
    assert order == ["player.stop", "media.release", "player.release", "instance.release"]
    backend.release()  # a second release does nothing
    assert order == [name for name in log if name != "events.event_detach"]
