"""The player area: video surface (or a message saying why there is none), seek bar
with clip bands, transport controls, time, rate and volume. Owns the player actions
and their shortcuts.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import (
    QAction,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QKeySequence,
    QPainter,
    QPaintEvent,
)
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QStackedLayout,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from clipdesk.core.timecode import format_clock
from clipdesk.ui.common.keymap import action_id
from clipdesk.ui.player.backend import PlayerState
from clipdesk.ui.player.player import RATES, Player
from clipdesk.ui.player.seek_bar import SeekBar
from clipdesk.ui.player.still_frames import StillView

SKIP_MS = 5000


class VideoSurface(QWidget):
    """A native child window libvlc draws into; Qt never paints over it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("videoSurface")
        if QGuiApplication.platformName() not in ("offscreen", "minimal"):
            # A window of its own for libvlc to draw in (headless platforms have none).
            self.setAttribute(Qt.WidgetAttribute.WA_NativeWindow)
            self.setAttribute(Qt.WidgetAttribute.WA_DontCreateNativeAncestors)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(320, 180)

    def sizeHint(self) -> QSize:
        return QSize(854, 480)

    def paintEvent(self, event: QPaintEvent) -> None:
        # libvlc's window covers only the picture; the bars around it are ours to paint,
        # or they show whatever was on screen there before.
        p = QPainter(self)
        p.fillRect(event.rect(), Qt.GlobalColor.black)
        p.end()


class PlayerWidget(QWidget):
    def __init__(self, player: Player, unavailable_reason: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.player = player
        self.setObjectName("playerWidget")
        self.surface = VideoSurface(self)
        self.notice = QLabel(self)
        self.notice.setObjectName("playerNotice")
        self.notice.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.notice.setWordWrap(True)
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice.setStyleSheet(
            "QLabel#playerNotice { background: #202020; color: #eeeeee; padding: 24px;"
            " font-size: 11pt; }"
        )
        self.notice.setMinimumSize(320, 180)
        self.stack = QStackedLayout()
        self.stack.addWidget(self.surface)
        self.stack.addWidget(self.notice)
        # While paused on an exact still, it covers libvlc's picture.
        self.still_view = StillView(player.stills, self) if player.stills is not None else None
        if self.still_view is not None:
            self.stack.addWidget(self.still_view)
            player.still_changed.connect(self._on_still_changed)

        self.seek_bar = SeekBar(self)
        self.time_label = QLabel(self)
        self.time_label.setObjectName("timeLabel")
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(max(mono.pointSizeF(), 10.0))
        mono.setWeight(QFont.Weight.DemiBold)
        self.time_label.setFont(mono)
        self.rate_box = QComboBox(self)
        self.rate_box.setToolTip("Playback rate")
        self.rate_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for r in RATES:
            self.rate_box.addItem(f"{r:g}×", r)
        self.rate_box.setCurrentIndex(RATES.index(1.0))
        self.volume_slider = QSlider(Qt.Orientation.Horizontal, self)
        self.volume_slider.setRange(0, 100)
        self.volume_slider.setFixedWidth(90)
        self.volume_slider.setToolTip("Volume")
        self.volume_slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.volume_slider.setValue(player.volume)

        self.compact = False
        self._make_actions()
        self.controls = QHBoxLayout()
        self.controls.setSpacing(2)
        for action in (
            self.act_frame_back,
            self.act_back,
            self.act_play,
            self.act_forward,
            self.act_frame_forward,
        ):
            self.controls.addWidget(self._button(action))
        self.clip_buttons = QHBoxLayout()
        self.controls.addSpacing(8)
        self.controls.addLayout(self.clip_buttons)
        self.controls.addSpacing(8)
        self.controls.addWidget(self.time_label)
        self.controls.addStretch(1)
        self.controls.addWidget(self.rate_box)
        self.controls.addWidget(self._button(self.act_mute))
        self.controls.addWidget(self.volume_slider)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(self.stack, 1)
        layout.addWidget(self.seek_bar)
        layout.addLayout(self.controls)

        player.position_changed.connect(self._on_position)
        player.length_changed.connect(self._on_length)
        player.state_changed.connect(self._on_state)
        player.rate_changed.connect(self._on_rate)
        player.volume_changed.connect(self.volume_slider.setValue)
        player.mute_changed.connect(self._on_mute)
        self.seek_bar.seek_requested.connect(player.seek)
        self.rate_box.activated.connect(lambda i: player.set_rate(self.rate_box.itemData(i)))
        self.volume_slider.valueChanged.connect(player.set_volume)
        self._update_time()

        if not player.available:
            self.show_notice(
                unavailable_reason or "The video player is not available.", disable=True
            )
        else:
            self.show_notice("No media attached.\nUse Media › Attach to choose a file or URL.")

    # -- actions ---------------------------------------------------------------------------
    def _action(
        self,
        text: str,
        keys: str | list[str],
        slot: Callable[[], object],
        icon: QStyle.StandardPixmap | None = None,
        tip: str = "",
    ) -> QAction:
        act = QAction(text, self)
        act.setObjectName(f"player_{action_id(act)}")  # kept when the text changes
        seqs = [QKeySequence(k) for k in ([keys] if isinstance(keys, str) else keys)]
        act.setShortcuts(seqs)
        act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if icon is not None:
            act.setIcon(self.style().standardIcon(icon))
        shortcut = " / ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in seqs)
        act.setToolTip(f"{tip or text} ({shortcut})" if shortcut else tip or text)
        act.triggered.connect(slot)
        self.addAction(act)
        return act

    def _make_actions(self) -> None:
        P = QStyle.StandardPixmap
        p = self.player
        self.act_play = self._action("Play/Pause", "Space", p.toggle, P.SP_MediaPlay)
        self.seek_step_ms = SKIP_MS
        self.act_back = self._action(
            "Back 5 s", "Left", lambda: p.skip(-self.seek_step_ms), P.SP_MediaSeekBackward
        )
        self.act_forward = self._action(
            "Forward 5 s", "Right", lambda: p.skip(self.seek_step_ms), P.SP_MediaSeekForward
        )
        self.act_frame_back = self._action(
            "Previous frame", ",", lambda: p.step_frame(False), P.SP_MediaSkipBackward
        )
        self.act_frame_forward = self._action(
            "Next frame", ".", lambda: p.step_frame(True), P.SP_MediaSkipForward
        )
        self.act_shuttle_back = self._action(
            "Shuttle backwards", "J", p.shuttle_back, tip="Jump backwards; press again to speed up"
        )
        self.act_shuttle_stop = self._action("Shuttle stop", "K", p.shuttle_stop)
        self.act_shuttle_forward = self._action(
            "Shuttle forwards", "L", p.shuttle_forward, tip="Play; press again to speed up"
        )
        self.act_slower = self._action("Slower", "[", lambda: self._step_rate(-1))
        self.act_faster = self._action("Faster", "]", lambda: self._step_rate(1))
        self.act_normal_rate = self._action("Normal speed", "=", lambda: p.set_rate(1.0))
        self.act_mute = self._action(
            "Mute", "M", lambda: p.set_muted(not p.muted), P.SP_MediaVolume
        )
        self.act_mute.setCheckable(True)
        self.act_volume_up = self._action(
            "Volume up", "Ctrl+Up", lambda: p.set_volume(p.volume + 10)
        )
        self.act_volume_down = self._action(
            "Volume down", "Ctrl+Down", lambda: p.set_volume(p.volume - 10)
        )
        self.transport_actions = [
            self.act_play,
            self.act_back,
            self.act_forward,
            self.act_frame_back,
            self.act_frame_forward,
            self.act_shuttle_back,
            self.act_shuttle_stop,
            self.act_shuttle_forward,
        ]
        self.audio_actions = [
            self.act_slower,
            self.act_faster,
            self.act_normal_rate,
            self.act_mute,
            self.act_volume_up,
            self.act_volume_down,
        ]

    def set_seek_step(self, ms: int) -> None:
        """The arrows' jump (a setting); the actions' names say it."""
        self.seek_step_ms = ms
        step = f"{ms / 1000:g} s"
        for act, text in ((self.act_back, "Back"), (self.act_forward, "Forward")):
            act.setText(f"{text} {step}")
            keys = " / ".join(k.toString(QKeySequence.SequenceFormat.NativeText)
                              for k in act.shortcuts())  # fmt: skip
            act.setToolTip(f"{text} {step} ({keys})" if keys else f"{text} {step}")

    def _button(self, action: QAction) -> QToolButton:
        b = QToolButton(self)
        b.setDefaultAction(action)
        b.setAutoRaise(True)
        b.setIconSize(QSize(22, 22))
        b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return b

    def add_clip_action(self, action: QAction) -> QToolButton:
        b = self._button(action)
        b.setToolButtonStyle(self._clip_button_style())
        self.clip_buttons.addWidget(b)
        return b

    def set_compact(self, compact: bool) -> None:
        """Compact: the clip buttons without their text and no volume slider (M and
        Ctrl+Up/Down still work), so the player fits beside the list in a narrow window."""
        if compact == self.compact:
            return
        self.compact = compact
        style = self._clip_button_style()
        for i in range(self.clip_buttons.count()):
            item = self.clip_buttons.itemAt(i)
            button = item.widget() if item is not None else None
            if isinstance(button, QToolButton):
                button.setToolButtonStyle(style)
        self.volume_slider.setVisible(not compact)

    def _clip_button_style(self) -> Qt.ToolButtonStyle:
        if self.compact:
            return Qt.ToolButtonStyle.ToolButtonIconOnly
        return Qt.ToolButtonStyle.ToolButtonTextBesideIcon

    def _step_rate(self, direction: int) -> None:
        rates = list(RATES)
        cur = self.player.rate
        idx = min(range(len(rates)), key=lambda i: abs(rates[i] - cur))
        idx = max(0, min(len(rates) - 1, idx + direction))
        self.player.set_rate(rates[idx])

    # -- notices --------------------------------------------------------------------------------
    def show_notice(self, text: str, disable: bool = False) -> None:
        self.notice.setText(text)
        self.stack.setCurrentWidget(self.notice)
        if disable:
            for act in self.transport_actions + self.audio_actions:
                act.setEnabled(False)
            self.rate_box.setEnabled(False)
            self.volume_slider.setEnabled(False)

    def show_video(self) -> None:
        if self.still_view is not None and self.player.still_shown:
            self.stack.setCurrentWidget(self.still_view)
        else:
            self.stack.setCurrentWidget(self.surface)

    def _on_still_changed(self, _shown: bool) -> None:
        if not self.notice_visible:
            self.show_video()

    @property
    def notice_visible(self) -> bool:
        return self.stack.currentWidget() is self.notice

    # -- player signals -----------------------------------------------------------------------
    def _on_position(self, ms: int) -> None:
        self.seek_bar.set_position(ms)
        self._update_time()

    def _on_length(self, ms: int) -> None:
        self.seek_bar.set_length(ms)
        self._update_time()

    def _on_state(self, state: PlayerState) -> None:
        P = QStyle.StandardPixmap
        playing = state is PlayerState.PLAYING
        self.act_play.setIcon(
            self.style().standardIcon(P.SP_MediaPause if playing else P.SP_MediaPlay)
        )
        if state in (PlayerState.PLAYING, PlayerState.PAUSED):
            self.show_video()

    def _on_rate(self, rate: float) -> None:
        best = min(range(len(RATES)), key=lambda i: abs(RATES[i] - rate))
        if abs(RATES[best] - rate) < 1e-6:
            self.rate_box.setCurrentIndex(best)
        else:
            self.rate_box.setEditText(f"{rate:g}×")
        self._update_time()

    def _on_mute(self, muted: bool) -> None:
        self.act_mute.setChecked(muted)
        P = QStyle.StandardPixmap
        self.act_mute.setIcon(
            self.style().standardIcon(P.SP_MediaVolumeMuted if muted else P.SP_MediaVolume)
        )

    def _update_time(self) -> None:
        pos = self.player.position()
        text = f"{format_clock(pos)} / {format_clock(self.player.length or None)}"
        if self.player.rate != 1.0:
            text += f"  {self.player.rate:g}×"
        self.time_label.setText(text)

    def time_text(self) -> str:
        return self.time_label.text()
