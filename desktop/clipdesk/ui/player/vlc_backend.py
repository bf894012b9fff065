"""The libvlc 3 backend (python-vlc), embedded in a native child widget.

libvlc calls event callbacks on its own threads, and calling libvlc from them can
deadlock: callbacks only emit a Qt signal, handled on the GUI thread.
"""

from __future__ import annotations

import ctypes
import os
import shlex
import sys
from typing import Any

from PySide6.QtCore import QElapsedTimer, Qt, QTimer, Signal
from PySide6.QtWidgets import QWidget

from clipdesk.core.frame_grid import frame_at, frame_middle_ms
from clipdesk.ui.player.backend import PlaybackSource, PlayerBackend, PlayerState, PlayerUnavailable

INSTALL_HINT = {
    # libvlc-bin builds libvlc's plugin cache: without it every start scans all plugins.
    "linux": "Debian/Ubuntu: sudo apt-get install libvlc5 libvlc-bin vlc-plugin-base "
    "vlc-plugin-video-output\nFedora: sudo dnf install vlc-libs",
    "darwin": "Install VLC from https://www.videolan.org (libvlc ships inside VLC.app).",
    "win32": "Install the 64-bit VLC from https://www.videolan.org.",
}
BASE_ARGS = [
    "--quiet",
    "--no-video-title-show",  # the file name drawn over the video hides the picture
    "--no-snapshot-preview",
    "--no-stats",
    "--no-sub-autodetect-file",
    "--no-xlib",  # Qt owns the X connection; libvlc uses xcb only
]


def install_hint() -> str:
    for prefix, hint in INSTALL_HINT.items():
        if sys.platform.startswith(prefix):
            return hint
    return INSTALL_HINT["linux"]


def load_vlc() -> Any:
    """Import python-vlc, or raise PlayerUnavailable saying what to install."""
    try:
        import vlc  # loads libvlc itself; fails when the shared library is missing
    except (ImportError, OSError, NotImplementedError) as exc:
        raise PlayerUnavailable(
            f"The video player needs libvlc 3, which could not be loaded ({exc}).\n"
            + install_hint()
        ) from exc
    return vlc


def instance_args() -> list[str]:
    args = list(BASE_ARGS)
    if not sys.platform.startswith("linux"):
        args.remove("--no-xlib")
    args += shlex.split(os.environ.get("CLIPDESK_VLC_ARGS", ""))
    return args


_STATE_NAMES = {
    "NothingSpecial": PlayerState.EMPTY,
    "Opening": PlayerState.OPENING,
    "Buffering": PlayerState.OPENING,
    "Playing": PlayerState.PLAYING,
    "Paused": PlayerState.PAUSED,
    "Stopped": PlayerState.STOPPED,
    "Ended": PlayerState.ENDED,
    "Error": PlayerState.ERROR,
}


class VlcBackend(PlayerBackend):
    name = "libvlc"
    paused_stills = True
    _vlc_event = Signal(str, object)  # from libvlc threads to the GUI thread

    def __init__(self) -> None:
        super().__init__()
        vlc = load_vlc()
        self._vlc = vlc
        try:
            self._instance = vlc.Instance(instance_args())
        except Exception as exc:  # python-vlc raises for some broken installs
            self._instance = None
            reason = str(exc)
        else:
            reason = "libvlc_new returned nothing; its plugins may be missing"
        if self._instance is None:
            raise PlayerUnavailable(f"libvlc failed to start ({reason}).\n" + install_hint())
        self._player = self._instance.media_player_new()
        self._player.video_set_mouse_input(False)  # let Qt receive clicks and keys
        self._player.video_set_key_input(False)
        self._media: Any = None
        self._state = PlayerState.EMPTY
        self._pending_seek: int | None = None
        self._asked: int | None = None  # a paused seek's time; libvlc sits mid-frame
        self._fps: float | None = None  # the open media's, once its track is known
        self._pause_when_playing = False
        self._source: PlaybackSource | None = None
        self._vlc_event.connect(self._on_vlc_event, Qt.ConnectionType.QueuedConnection)
        self._events = self._player.event_manager()
        E = vlc.EventType
        self._attached = [
            (E.MediaPlayerTimeChanged, lambda e: self._vlc_event.emit("time", e.u.new_time)),
            (E.MediaPlayerLengthChanged, lambda e: self._vlc_event.emit("length", e.u.new_length)),
            (E.MediaPlayerOpening, lambda e: self._vlc_event.emit("state", "Opening")),
            (E.MediaPlayerPlaying, lambda e: self._vlc_event.emit("state", "Playing")),
            (E.MediaPlayerPaused, lambda e: self._vlc_event.emit("state", "Paused")),
            (E.MediaPlayerStopped, lambda e: self._vlc_event.emit("state", "Stopped")),
            (E.MediaPlayerEndReached, lambda e: self._vlc_event.emit("state", "Ended")),
            (E.MediaPlayerEncounteredError, lambda e: self._vlc_event.emit("state", "Error")),
            (E.MediaPlayerVout, lambda e: self._vlc_event.emit("vout", e.u.new_count)),
        ]
        for event_type, callback in self._attached:
            self._events.event_attach(event_type, callback)
        # libvlc sends no TimeChanged for a seek or frame step while paused: poll briefly.
        self._settle = QTimer(self)
        self._settle.setInterval(15)
        self._settle.timeout.connect(self._poll_settled)
        self._settle_clock = QElapsedTimer()
        self._settle_from = -1
        self._released = False

    # -- events (GUI thread) ------------------------------------------------------
    def _on_vlc_event(self, kind: str, value: object) -> None:
        if self._released:
            return
        if kind == "time":
            self.time_reported.emit(self._as_asked(int(value)))  # type: ignore[call-overload]
        elif kind == "length":
            self.length_changed.emit(int(value))  # type: ignore[call-overload]
        elif kind == "vout":
            w, h = self._player.video_get_size(0) or (0, 0)
            if w and h:
                self.video_size_changed.emit(int(w), int(h))
        elif kind == "state":
            state = _STATE_NAMES[str(value)]
            if state is PlayerState.PLAYING:
                self._apply_pending()
            if state is PlayerState.ERROR:
                where = self._source.label or self._source.location if self._source else ""
                self.error.emit(f"libvlc could not open or decode {where}.")
            self._set_state(state)

    def _watch_paused_time(self) -> None:
        if self._state is not PlayerState.PLAYING:
            self._settle_from = int(self._player.get_time())
            self._settle_clock.start()
            self._settle.start()

    def _poll_settled(self) -> None:
        now = int(self._player.get_time())
        if now != self._settle_from:
            self._settle.stop()
            self.time_reported.emit(self._as_asked(max(0, now)))
        elif self._settle_clock.elapsed() > 1500 or self._state is PlayerState.PLAYING:
            self._settle.stop()

    def _as_asked(self, now: int) -> int:
        """libvlc's time; while it still shows the frame a paused seek asked for, the
        time asked for (libvlc was sent to the middle of that frame)."""
        fps = self._asked is not None and self.fps()
        if fps and self._asked is not None and frame_at(now, fps) == frame_at(self._asked, fps):
            return self._asked
        return now

    def _apply_pending(self) -> None:
        if self._pending_seek is not None:
            ms, self._pending_seek = self._pending_seek, None
            self._player.set_time(int(ms))
        if self._pause_when_playing:
            self._pause_when_playing = False
            self._player.set_pause(1)

    def _set_state(self, state: PlayerState) -> None:
        if state is not self._state:
            self._state = state
            self.state_changed.emit(state)

    # -- PlayerBackend ---------------------------------------------------------------
    def attach_video(self, surface: QWidget) -> None:
        handle = int(surface.winId())
        if sys.platform.startswith("win"):
            self._player.set_hwnd(handle)
        elif sys.platform == "darwin":
            self._player.set_nsobject(handle)
        else:
            self._player.set_xwindow(handle)

    def open(self, source: PlaybackSource, start_paused: bool = True) -> None:
        self._source = source
        self._asked = None
        self._fps = None
        self._player.stop()
        if self._media is not None:
            self._media.release()
        loc = source.location
        if "://" in loc:
            media = self._instance.media_new(loc)
        else:
            media = self._instance.media_new_path(loc)
        for name, value in source.http_headers:
            low = name.lower()
            if low == "user-agent":
                media.add_option(f":http-user-agent={value}")
            elif low == "referer":
                media.add_option(f":http-referrer={value}")
        if source.audio:
            media.slaves_add(self._vlc.MediaSlaveType.audio, 4, source.audio)
        self._media = media
        self._player.set_media(media)
        self._pending_seek = None
        # libvlc cannot open paused: start, then pause as soon as it plays. The first
        # frame is shown, which is what an editor expects after opening.
        self._pause_when_playing = start_paused
        self._set_state(PlayerState.OPENING)
        if self._player.play() != 0:
            self._set_state(PlayerState.ERROR)
            self.error.emit(f"The player could not start {source.label or loc}.")

    def play(self) -> None:
        if self._media is None:
            return
        self._pause_when_playing = False
        self._asked = None  # playing, libvlc's own time is the truth again
        if self._state in (PlayerState.ENDED, PlayerState.STOPPED, PlayerState.ERROR):
            self._player.stop()  # an ended input must be restarted before it plays
        self._player.play()

    def pause(self) -> None:
        self._pause_when_playing = False
        if self._state is PlayerState.PLAYING:
            self._player.set_pause(1)

    def stop(self) -> None:
        self._pending_seek = None
        self._player.stop()

    def set_time(self, ms: int) -> None:
        if self._media is None:
            return
        ms = max(0, int(ms))
        length = self.length()
        if length > 0:
            ms = min(ms, max(0, length - 1))
        self._asked = None
        fps = self.fps() if self._state is not PlayerState.PLAYING else None
        if fps:
            # Sent exactly to a frame's start, libvlc may show the frame before it (its
            # microsecond timestamps round either way): aim at the middle of the frame
            # on screen at ms, and report ms while that frame is shown.
            self._asked = ms
            ms = frame_middle_ms(frame_at(ms, fps), fps)
            if length > 0:
                ms = min(ms, max(0, length - 1))
        if self._state in (PlayerState.PLAYING, PlayerState.PAUSED):
            self._watch_paused_time()
            self._player.set_time(ms)
            return
        # Not seekable until its input runs (opening, ended, stopped): seek on Playing.
        self._pending_seek = ms
        if self._state in (PlayerState.ENDED, PlayerState.STOPPED):
            self._pause_when_playing = True
            self._player.stop()
            self._player.play()

    def time(self) -> int:
        return self._as_asked(max(0, int(self._player.get_time())))

    def length(self) -> int:
        return max(0, int(self._player.get_length()))

    def state(self) -> PlayerState:
        return self._state

    def set_rate(self, rate: float) -> None:
        self._player.set_rate(float(rate))

    def set_volume(self, volume: int) -> None:
        self._player.audio_set_volume(int(volume))

    def set_mute(self, mute: bool) -> None:
        self._player.audio_set_mute(bool(mute))

    def next_frame(self) -> None:
        self._asked = None
        self._watch_paused_time()
        self._player.next_frame()

    def fps(self) -> float | None:
        # The track's rational rate is exact; get_fps() is a float32 (29.970030).
        if self._fps is None:
            self._fps = self._track_fps()
        if self._fps is not None:
            return self._fps
        reported = float(self._player.get_fps() or 0.0)
        return reported if reported > 1 else None

    def _track_fps(self) -> float | None:
        if self._media is None:
            return None
        vlc = self._vlc
        # python-vlc's Media.tracks_get() reads the C union of track details as three
        # separate pointers (the video one lands on the bitrate) and never frees the
        # array: read the union's one slot, then release.
        tracks = ctypes.POINTER(vlc.MediaTrack)()
        count = vlc.libvlc_media_tracks_get(self._media, ctypes.byref(tracks))
        if not count:
            return None
        array = ctypes.cast(tracks, ctypes.POINTER(ctypes.POINTER(vlc.MediaTrack)))
        try:
            for i in range(count):
                track = array[i].contents
                if track.type.value != vlc.TrackType.video.value or not track.audio:
                    continue
                video = ctypes.cast(track.audio, ctypes.POINTER(vlc.VideoTrack)).contents
                if video.frame_rate_num and video.frame_rate_den:
                    rate = video.frame_rate_num / video.frame_rate_den
                    if rate > 1:
                        return rate
        finally:
            vlc.libvlc_media_tracks_release(array, count)
        return None

    @property
    def released(self) -> bool:
        """release() ran: libvlc's objects are gone and the backend does nothing more."""
        return self._released

    def release(self) -> None:
        """Detach events, stop, then release media, player and instance, in that order."""
        if self._released:
            return
        self._released = True
        self._settle.stop()
        for event_type, _callback in self._attached:
            self._events.event_detach(event_type)
        self._attached.clear()
        self._player.stop()
        if self._media is not None:
            self._media.release()
            self._media = None
        self._player.release()
        self._instance.release()
