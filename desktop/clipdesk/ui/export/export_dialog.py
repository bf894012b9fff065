"""The small dialog before an export: output folder, file-name template, exact or fast
cuts, how many at once, what to do when a file exists, and whether to snap the clips'
in and out into the pauses of the speech first. Opened window-modal but
never blocking (open(), not exec()): the caller listens to accepted."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from clipdesk.core.export_plan import MAX_JOBS, ExportMode, ExportSettings, PlanError
from clipdesk.core.naming import ConflictPolicy, TemplateError
from clipdesk.core.pauses import DEFAULT_SNAP_DISTANCE_MS
from clipdesk.ui.common.theme import ERROR_TEXT

TEMPLATE_HELP = (
    "{video_id} the video's id · {slug} the title in lower-case words · "
    "{index} the clip's number within its kind (the list's #: the same in every batch) · "
    "{kind} highlight, key-point, segment or clip · {start} {end} the bounds (1m57s) · "
    "{id} the clip's id (highlight-2) · widths as in {index:02d}"
)

MODES = (
    (ExportMode.EXACT, "Exact: frame-accurate cuts (only the frames at the cuts re-encoded)"),
    (ExportMode.FAST, "Fast: keyframe cuts, no re-encode (may start before the in point)"),
)
MAX_SNAP_MS = 10_000  # as `clipdesk export --snap-to-pauses` allows
CONFLICTS = (
    (ConflictPolicy.SKIP, "Skip the clip"),
    (ConflictPolicy.RENAME, "Write under a new name"),
    (ConflictPolicy.OVERWRITE, "Overwrite the file"),
)


class ExportDialog(QDialog):
    def __init__(
        self,
        settings: ExportSettings,
        what: str,
        count: int,
        parent: QWidget | None = None,
        snap_ms: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle(f"Export {what}")
        self._only = settings.only
        self.summary = QLabel(f"{count} clip{'s' if count != 1 else ''} to export.", self)
        self.out_dir = QLineEdit(settings.out_dir, self)
        self.out_dir.setMinimumWidth(360)
        browse = QPushButton("Browse…", self)
        browse.clicked.connect(self._browse)
        folder = QHBoxLayout()
        folder.addWidget(self.out_dir, 1)
        folder.addWidget(browse)
        self.template = QLineEdit(settings.template, self)
        self.template.setToolTip(TEMPLATE_HELP)
        self.mode = QComboBox(self)
        for mode, label in MODES:
            self.mode.addItem(label, mode)
        self.mode.setCurrentIndex([m for m, _ in MODES].index(settings.mode))
        self.jobs = QSpinBox(self)
        self.jobs.setRange(1, MAX_JOBS)
        self.jobs.setValue(settings.jobs)
        self.conflict = QComboBox(self)
        for policy, label in CONFLICTS:
            self.conflict.addItem(label, policy)
        self.conflict.setCurrentIndex([p for p, _ in CONFLICTS].index(settings.conflict))
        self.snap = QCheckBox("Snap in and out to pauses within", self)
        self.snap.setObjectName("exportSnap")
        self.snap.setToolTip(
            "Before cutting, move each clip's in and out into the nearest pause in the "
            "speech (the moves are listed in the messages)"
        )
        self.snap.setChecked(snap_ms is not None)
        self.snap_ms = QSpinBox(self)
        self.snap_ms.setObjectName("exportSnapMs")
        self.snap_ms.setRange(1, MAX_SNAP_MS)
        self.snap_ms.setSingleStep(50)
        self.snap_ms.setSuffix(" ms")
        self.snap_ms.setValue(snap_ms if snap_ms is not None else DEFAULT_SNAP_DISTANCE_MS)
        self.snap_ms.setEnabled(self.snap.isChecked())
        self.snap.toggled.connect(self.snap_ms.setEnabled)
        snap_row = QHBoxLayout()
        snap_row.addWidget(self.snap)
        snap_row.addWidget(self.snap_ms)
        snap_row.addStretch(1)
        self.error = QLabel(self)
        self.error.setStyleSheet(f"color: {ERROR_TEXT};")
        self.error.setWordWrap(True)
        self.error.hide()

        form = QFormLayout()
        form.addRow("Output folder", folder)
        form.addRow("File names", self.template)
        self.template_help = QLabel(TEMPLATE_HELP, self)
        self.template_help.setWordWrap(True)
        self.template_help.setTextFormat(Qt.TextFormat.PlainText)
        self.template_help.setObjectName("templateHelp")
        small = self.template_help.font()
        small.setPointSizeF(small.pointSizeF() * 0.9)
        self.template_help.setFont(small)
        form.addRow("", self.template_help)
        form.addRow("Cuts", self.mode)
        form.addRow("At once", self.jobs)
        form.addRow("If a file exists", self.conflict)
        form.addRow("Pauses", snap_row)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Output folder", self.out_dir.text())
        if folder:
            self.out_dir.setText(folder)

    def settings(self) -> ExportSettings:
        """The chosen settings, validated (PlanError or TemplateError when not valid)."""
        return ExportSettings(
            out_dir=self.out_dir.text().strip(),
            template=self.template.text().strip(),
            mode=ExportMode(self.mode.currentData()),
            jobs=self.jobs.value(),
            only=self._only,
            conflict=ConflictPolicy(self.conflict.currentData()),
        ).validate()

    def snap_distance(self) -> int | None:
        """How far bounds may move into a pause (ms), or None: no snapping."""
        return self.snap_ms.value() if self.snap.isChecked() else None

    def accept(self) -> None:
        # Bad settings keep the dialog open with the reason shown; nothing is stored.
        try:
            self.settings()
        except (PlanError, TemplateError) as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        super().accept()
