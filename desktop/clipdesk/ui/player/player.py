"""The player as the rest of the window sees it: one backend (or none when libvlc is
missing), a smooth playhead, stop-at and loop ranges for "Play clip", and J/K/L shuttle.

While paused, the picture, the position and so every time stored from it are one frame
on the media's frame grid. libvlc cannot tell which frame its paused picture is, so with
a backend that says so (paused_stills) the paused picture is an exact still decoded by
ffmpeg, and the position moves only when that frame is on screen.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from clipdesk.core.frame_grid import frame_at, frame_start_ms, last_frame_before
from clipdesk.ui.common import messages
from clipdesk.ui.player.backend import PlaybackSource, PlayerBackend, PlayerState
from clipdesk.ui.player.playhead import PlayheadClock
from clipdesk.ui.player.still_frames import StillFrames

TICK_MS = 33  # playhead refresh while playing (about 30 per second)
SHUTTLE_RATES = (1.0, 2.0, 4.0, 8.0)
RATES = (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 4.0, 8.0)


class Player(QObject):
    position_changed = Signal(int)  # ms, smooth; also after every seek
    length_changed = Signal(int)
    state_changed = Signal(object)  # PlayerState
    rate_changed = Signal(float)
    volume_changed = Signal(int)
    mute_changed = Signal(bool)
    range_finished = Signal()  # a "Play clip" range reached its end
    loop_changed = Signal(bool)
    error = Signal(str)
    source_changed = Signal(object)  # PlaybackSource | None
    still_changed = Signal(bool)  # True: the paused picture is an exact decoded still

    def __init__(self, backend: PlayerBackend | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.clock = PlayheadClock()
        self.source: PlaybackSource | None = None
        self._state = PlayerState.EMPTY
        self._length = 0
        self._rate = 1.0
        self._volume = 80
        self._muted = False
        self._range: tuple[int, int] | None = None  # stop (or loop) at range end
        self._loop = False
        self._shuttle_back = 0  # J presses: reverse shuttle speed index + 1
        self._shuttle_fwd = 0
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self._on_tick)
        self._reverse = QTimer(self)
        self._reverse.setInterval(200)
        self._reverse.timeout.connect(self._reverse_step)
        self.stills: StillFrames | None = None
        self._aim: int | None = None  # the frame asked for while paused, not yet shown
        self._still_ms: int | None = None  # start of the still frame on screen
        self._backend_ms: int | None = None  # the last time the backend was sent to
        if backend is not None and backend.paused_stills:
            self.stills = StillFrames(self)
            self.stills.shown.connect(self._on_still)
            self.stills.failed.connect(self._on_stills_failed)
        if backend is not None:
            backend.time_reported.connect(self._on_time)
            backend.length_changed.connect(self._on_length)
            backend.state_changed.connect(self._on_state)
            backend.error.connect(self.error)

    # -- properties ----------------------------------------------------------------
    @property
    def available(self) -> bool:
        return self.backend is not None

    @property
    def state(self) -> PlayerState:
        return self._state

    @property
    def playing(self) -> bool:
        return self._state is PlayerState.PLAYING

    @property
    def length(self) -> int:
        return self._length

    @property
    def rate(self) -> float:
        return self._rate

    @property
    def volume(self) -> int:
        return self._volume

    @property
    def muted(self) -> bool:
        return self._muted

    @property
    def loop(self) -> bool:
        return self._loop

    @property
    def active_range(self) -> tuple[int, int] | None:
        return self._range

    def position(self) -> int:
        """The playhead; while paused on a still, the start of the frame on screen."""
        if self._still_ms is not None:
            return self._still_ms
        return self.clock.position()

    @property
    def still_shown(self) -> bool:
        return self._still_ms is not None

    def fps(self) -> float | None:
        return self.backend.fps() if self.backend is not None else None

    def _exact(self) -> bool:
        """Paused with stills: seeks and steps go through exact decoded frames."""
        return (
            self.stills is not None
            and self.stills.usable
            and self._state is PlayerState.PAUSED
            and bool(self.fps())
        )

    def _aim_ms(self) -> int:
        """Where relative moves start: the frame asked for, else the position."""
        fps = self.fps()
        if self._aim is not None and fps:
            return frame_start_ms(self._aim, fps)
        return self.position()

    def _show_frame(self, frame: int, move_backend: bool = True) -> None:
        """Ask for frame's still; the position moves there once it is on screen."""
        fps = self.fps()
        assert self.stills is not None and self.backend is not None and fps
        if self._length:
            frame = min(frame, frame_at(self._length - 1, fps))
        frame = max(0, frame)
        self._aim = frame  # the position (and the clock) move when it is on screen
        if move_backend:
            self._set_backend_time(frame_start_ms(frame, fps))  # to play from about here
        self.stills.request(frame, fps)

    def _set_backend_time(self, ms: int) -> None:
        assert self.backend is not None
        self._backend_ms = ms
        self.backend.set_time(ms)

    def _on_still(self, frame: int) -> None:
        fps = self.fps()
        if self._aim is None or not fps or self.playing:
            return
        self._aim = None
        self._still_ms = frame_start_ms(frame, fps)
        self.clock.jump(self._still_ms)
        self.still_changed.emit(True)
        self.position_changed.emit(self._still_ms)

    def _on_stills_failed(self, message: str) -> None:
        messages.warning(message)
        self._drop_still()
        self._emit_position()

    def _drop_still(self) -> None:
        had = self._still_ms is not None
        self._aim = self._still_ms = None
        if self.stills is not None:
            self.stills.cancel()
        if had:
            self.still_changed.emit(False)

    # -- backend signals --------------------------------------------------------------
    def _on_time(self, ms: int) -> None:
        if self._aim is not None or self._still_ms is not None:
            return  # paused on an exact frame: libvlc's paused time is not the picture's
        self.clock.report(ms)
        if not self._range_reached() and not self._tick.isActive():
            self._emit_position()

    def _on_length(self, ms: int) -> None:
        self._length = ms
        self.clock.length_ms = ms
        self.length_changed.emit(ms)

    def _on_state(self, state: PlayerState) -> None:
        self._state = state
        running = state is PlayerState.PLAYING
        self.clock.set_running(running)
        if running:
            self._drop_still()
            self._tick.start()
        else:
            self._tick.stop()
            if self._exact() and self._still_ms is None:
                fps = self.fps()
                assert fps
                # Paused: the frame under the playhead (or the range's last frame) is
                # what stays on screen.
                frame = self._aim if self._aim is not None else frame_at(self.position(), fps)
                self._show_frame(frame, move_backend=False)
            elif state is not PlayerState.PAUSED:
                self._drop_still()
            self._emit_position()
        self.state_changed.emit(state)

    def _on_tick(self) -> None:
        if not self._range_reached():
            self._emit_position()

    def _range_reached(self) -> bool:
        """Pause (or loop) at the range end. With exact stills: as the playhead reaches
        the start of the range's last frame, pause and show that frame. Without: once
        libvlc itself reports the end (the smooth playhead would say so early when
        libvlc stalls, and the end of the clip would not play)."""
        if self._range is None or not self.playing:
            return False
        start, end = self._range
        fps = self.fps()
        exact = self.stills is not None and self.stills.usable and bool(fps)
        if exact:
            assert fps
            last = last_frame_before(end, fps)
            if self.clock.position() + 500.0 / fps < frame_start_ms(last, fps):
                return False
        elif self.clock.reported < end:
            return False
        if self._loop:
            self.seek(start, keep_range=True)
            return True
        self._range = None
        assert self.backend is not None
        self.backend.pause()
        if exact:
            assert fps and self.stills is not None
            self._aim = last  # shown as soon as libvlc has paused
            self.clock.jump(frame_start_ms(last, fps))
            self.position_changed.emit(frame_start_ms(last, fps))
        else:
            self.backend.set_time(end)
            self.clock.jump(end)
            self.position_changed.emit(end)
        self.range_finished.emit()
        return True

    def _emit_position(self) -> None:
        pos = self.clock.position()
        if self._range is not None:
            pos = min(pos, self._range[1])  # the playhead waits at the end for libvlc
        self.position_changed.emit(pos)

    # -- commands --------------------------------------------------------------------
    def open(self, source: PlaybackSource | None, start_paused: bool = True) -> None:
        self.source = source
        self._drop_still()
        self._backend_ms = None
        if self.stills is not None:
            self.stills.set_source(source)
        self._range = None
        self._length = 0
        self.clock.length_ms = 0
        self.clock.jump(0)
        self.source_changed.emit(source)
        if self.backend is not None and source is not None:
            self.backend.open(source, start_paused)
        elif self.backend is not None:
            self.backend.stop()

    def play(self) -> None:
        self._stop_shuttle()
        if self.backend is not None:
            if self._aim is not None or self._still_ms is not None:
                ms = self._aim_ms()
                self.clock.jump(ms)
                if ms != self._backend_ms:  # stepped on stills: libvlc is elsewhere
                    self._set_backend_time(ms)
            self.backend.play()

    def pause(self) -> None:
        """Pause; a loop in progress ends (it is not kept armed for the next clip)."""
        self._stop_shuttle()
        self.set_loop(False)
        if self.backend is not None:
            self.backend.pause()

    def toggle(self) -> None:
        if self.playing or self._reverse.isActive():
            self.pause()
        else:
            self.play()

    def seek(self, ms: int, keep_range: bool = False) -> None:
        ms = max(0, int(ms))
        if self._length:
            ms = min(ms, self._length)
        if not keep_range:
            self._range = None
        if self._exact():
            fps = self.fps()
            assert fps
            self._show_frame(frame_at(ms, fps))
            return
        self.clock.jump(ms)
        if self.backend is not None:
            self._set_backend_time(ms)
        self.position_changed.emit(ms)

    def skip(self, delta_ms: int) -> None:
        self.seek(self._aim_ms() + delta_ms)

    def play_range(self, start_ms: int, end_ms: int, loop: bool | None = None) -> None:
        """Play from start to end, then pause there (or start again while looping)."""
        if loop is not None:
            self.set_loop(loop)
        self.seek(start_ms)
        self._range = (start_ms, max(end_ms, start_ms + 1))
        self.play()

    def cancel_range(self) -> None:
        self._range = None

    def set_loop(self, loop: bool) -> None:
        if loop != self._loop:
            self._loop = loop
            self.loop_changed.emit(loop)

    def step_frame(self, forward: bool = True) -> None:
        """One frame forward (libvlc next_frame) or back (seek a frame back while paused)."""
        if self.backend is None:
            return
        self._stop_shuttle()
        if self.playing:
            self.backend.pause()
        if self._exact():
            fps = self.fps()
            assert fps
            frame_now = self._aim if self._aim is not None else frame_at(self.position(), fps)
            self._show_frame(frame_now + (1 if forward else -1), move_backend=False)
            return
        frame = self.backend.frame_ms()
        if forward:
            before = self.clock.position()
            self.backend.next_frame()
            if self.clock.position() == before:  # no report yet: show where it will be
                self.clock.jump(round(before + frame))
            self.position_changed.emit(self.clock.position())
        else:
            self.seek(round(self.clock.position() - frame))

    def set_rate(self, rate: float) -> None:
        rate = max(0.25, min(8.0, float(rate)))
        self._rate = rate
        self.clock.set_rate(rate)
        if self.backend is not None:
            self.backend.set_rate(rate)
        self.rate_changed.emit(rate)

    def set_volume(self, volume: int) -> None:
        self._volume = max(0, min(100, int(volume)))
        if self.backend is not None:
            self.backend.set_volume(self._volume)
        self.volume_changed.emit(self._volume)

    def set_muted(self, muted: bool) -> None:
        self._muted = bool(muted)
        if self.backend is not None:
            self.backend.set_mute(self._muted)
        self.mute_changed.emit(self._muted)

    # -- J/K/L shuttle ------------------------------------------------------------------
    def shuttle_forward(self) -> None:
        """L: play; each further press doubles the rate (up to 8x)."""
        self._reverse.stop()
        self._shuttle_back = 0
        if self.playing and self._shuttle_fwd:
            self._shuttle_fwd = min(self._shuttle_fwd + 1, len(SHUTTLE_RATES))
        else:
            self._shuttle_fwd = 1
        self.set_rate(SHUTTLE_RATES[self._shuttle_fwd - 1])
        if not self.playing and self.backend is not None:
            self.backend.play()

    def shuttle_stop(self) -> None:
        """K: pause and return to normal speed."""
        self.pause()
        if self._rate != 1.0:
            self.set_rate(1.0)

    def shuttle_back(self) -> None:
        """J: libvlc cannot play backwards, so jump back in small steps; presses speed up."""
        if self.backend is None:
            return
        self._shuttle_fwd = 0
        if self.playing:
            self.backend.pause()
        self._shuttle_back = min(self._shuttle_back + 1, len(SHUTTLE_RATES))
        if not self._reverse.isActive():
            self._reverse.start()
        self._reverse_step()

    def shuttle_speed(self) -> float:
        if self._reverse.isActive():
            return -SHUTTLE_RATES[self._shuttle_back - 1]
        return self._rate if self.playing else 0.0

    def _reverse_step(self) -> None:
        speed = SHUTTLE_RATES[max(0, self._shuttle_back - 1)]
        pos = self._aim_ms()
        if pos <= 0:
            self._stop_shuttle()
            return
        self.seek(pos - int(self._reverse.interval() * speed))

    def _stop_shuttle(self) -> None:
        self._reverse.stop()
        self._shuttle_back = 0
        self._shuttle_fwd = 0

    def shutdown(self) -> None:
        self._tick.stop()
        self._reverse.stop()
        if self.stills is not None:
            self.stills.shutdown()
        if self.backend is not None:
            self.backend.release()
            self.backend = None
