"""The small dialog before an export: output folder, file-name template, exact or fast
cuts, how many at once, and what to do when a file exists. Opened window-modal but
never blocking (open(), not exec()): the caller listens to accepted."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
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
CONFLICTS = (
    (ConflictPolicy.SKIP, "Skip the clip"),
    (ConflictPolicy.RENAME, "Write under a new name"),
    (ConflictPolicy.OVERWRITE, "Overwrite the file"),
)


class ExportDialog(QDialog):
    def __init__(
        self, settings: ExportSettings, what: str, count: int, parent: QWidget | None = None
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

    def accept(self) -> None:
        # Bad settings keep the dialog open with the reason shown; nothing is stored.
        try:
            self.settings()
        except (PlanError, TemplateError) as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        super().accept()
