"""The colours of the application, one per meaning: every view that shows a kind, a
review status or a job state takes its colour from here, so the list, the seek bar and
the timeline agree."""

from __future__ import annotations

from PySide6.QtGui import QColor

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
