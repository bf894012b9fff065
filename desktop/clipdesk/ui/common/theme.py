"""The colours of the application, one per meaning: every view that shows a kind, a
review status or a job state takes its colour from here, so the list, the seek bar and
the timeline agree."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from clipdesk.core.episode import ClipKind, ReviewStatus
from clipdesk.media.export_queue import JobState

KIND_COLOURS = {
    ClipKind.HIGHLIGHT: QColor("#e0a030"),
    ClipKind.KEY_POINT: QColor("#4a90d9"),
    ClipKind.SEGMENT: QColor("#50b070"),
    ClipKind.CLIP: QColor("#b070c0"),
}
APPROVED = QColor("#2e8b3a")
REJECTED = QColor("#c0392b")
MUTED = QColor("#7f8c8d")
REVIEW_COLOURS = {ReviewStatus.APPROVED: APPROVED, ReviewStatus.REJECTED: REJECTED}
JOB_COLOURS = {JobState.DONE: APPROVED, JobState.FAILED: REJECTED, JobState.CANCELLED: MUTED}
PLAYHEAD = QColor("#e53935")
PAST_END = REJECTED  # a bound past the end of the attached media
ACTIVE_HANDLE = QColor("#ffb300")  # the bound the nudge keys move
# The clip or transcript line under the playhead (not the selection).
CURRENT_BACKGROUND = QColor(255, 200, 60, 90)
KEY_LINE_BACKGROUND = QColor("#cfe0fb")  # the transcript line Up/Down move, Return seeks to
TIME_TEXT = QColor("#6a7380")
# The timeline's sound track: peaks, the RMS body inside them, its background, and the
# pauses in speech (shaded in the track and, lighter, across the clip lanes).
WAVEFORM_PEAK = QColor("#7fb2d6")
WAVEFORM_BODY = QColor("#2f6f9f")
WAVEFORM_BACKGROUND = QColor("#eef3f7")
PAUSE_SHADE = QColor(96, 186, 160, 150)
PAUSE_LANE_SHADE = QColor(96, 186, 160, 60)
THUMBNAIL_BACKGROUND = QColor("#20242a")  # times in the transcript
ERROR_TEXT = REJECTED.name()
INVALID_FIELD_STYLE = "border: 2px solid #d32f2f; background: #fdecea;"
READ_ONLY_BANNER_STYLE = (
    "#readOnlyBanner { background: #fff3cd; color: #664d03; padding: 6px; "
    "border: 1px solid #ffe69c; }"
)
BANNER_STYLES = {
    "info": "background:#e6f0fb; color:#123; border:1px solid #9bbde0;",
    "warning": "background:#fff4d6; color:#432; border:1px solid #e0c070;",
    "error": "background:#fde4e1; color:#511; border:1px solid #e09a90;",
}


def kind_colour(kind: ClipKind) -> QColor:
    """A copy: callers change its alpha."""
    return QColor(KIND_COLOURS.get(kind, KIND_COLOURS[ClipKind.CLIP]))


# -- the window's palette: the system's, or a light or dark one of our own ---------------
_system_palette: QPalette | None = None
_system_style = ""


def _palette(base: str, alt: str, window: str, text: str, button: str, mid: str) -> QPalette:
    R = QPalette.ColorRole
    p = QPalette()
    colours = {
        R.Window: window, R.WindowText: text, R.Base: base, R.AlternateBase: alt,
        R.ToolTipBase: base, R.ToolTipText: text, R.Text: text, R.Button: button,
        R.ButtonText: text, R.BrightText: "#ff5252", R.Highlight: "#3d7edb",
        R.HighlightedText: "#ffffff", R.Link: "#4a90d9", R.PlaceholderText: mid,
        R.Mid: mid, R.Dark: mid, R.Light: alt, R.Shadow: "#000000",
    }  # fmt: skip
    for role, colour in colours.items():
        p.setColor(role, QColor(colour))
    for role in (R.WindowText, R.Text, R.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor(mid))
    return p


PALETTES = {
    "light": lambda: _palette("#ffffff", "#f3f4f6", "#eceef1", "#1d2127", "#e4e7eb", "#8a929c"),
    "dark": lambda: _palette("#1e2126", "#262a30", "#2b2f36", "#e6e8eb", "#353a42", "#7d858f"),
}


def apply_theme(app: QApplication, name: str) -> None:
    """ "system" gives back what the desktop set; "light" and "dark" are Fusion with a
    palette of our own (the native styles ignore a palette on some desktops)."""
    global _system_palette, _system_style
    if _system_palette is None:
        _system_palette = QPalette(app.palette())
        _system_style = app.style().name()
    if name in PALETTES:
        app.setStyle("Fusion")
        app.setPalette(PALETTES[name]())
    else:
        app.setStyle(_system_style)
        app.setPalette(_system_palette)


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128
