"""Edit › Preferences: the typed settings on four pages (Export, Editing, Appearance,
Keyboard). Nothing is stored until OK; Cancel leaves the settings as they were. The
window applies what was stored when `applied` is emitted."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
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
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from clipdesk.core.export_plan import MAX_JOBS, ExportMode
from clipdesk.core.naming import TemplateError, validate_template
from clipdesk.ui.common import theme
from clipdesk.ui.common.keymap import Keymap
from clipdesk.ui.common.settings import (
    NUDGE_RANGE_MS,
    OPEN_END_RANGE_MS,
    SEEK_RANGE_MS,
    SNAP_RANGE_PX,
    THEMES,
    Settings,
)
from clipdesk.ui.export.export_dialog import MODES
from clipdesk.ui.shell.shortcuts_editor import ShortcutsEditor

THEME_LABELS = {"system": "As the system", "light": "Light", "dark": "Dark"}
# template -> the selected clip's file name; TemplateError for a bad template; None when
# no clip is selected.
Preview = Callable[[str], "str | None"]


def _seconds(lo_hi_ms: tuple[int, int], value_ms: int, parent: QWidget) -> QSpinBox:
    """A length in whole milliseconds, stepped by a tenth of a second."""
    box = QSpinBox(parent)
    box.setRange(*lo_hi_ms)
    box.setSingleStep(100)
    box.setSuffix(" ms")
    box.setValue(value_ms)
    return box


class SettingsDialog(QDialog):
    applied = Signal()

    def __init__(
        self,
        settings: Settings,
        keymap: Keymap,
        groups: list[tuple[str, list[QAction]]],
        preview: Preview,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Preferences")
        self.settings = settings
        self.keymap = keymap
        self._preview = preview
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._export_page(), "Export")
        self.tabs.addTab(self._editing_page(), "Editing")
        self.tabs.addTab(self._appearance_page(), "Appearance")
        self.shortcuts = ShortcutsEditor(groups, keymap, self)
        self.tabs.addTab(self.shortcuts, "Keyboard")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.buttons)
        self.update_preview()
        self.resize(640, 540)

    # -- pages ------------------------------------------------------------------------------
    def _export_page(self) -> QWidget:
        s = self.settings
        page = QWidget(self)
        self.out_dir = QLineEdit(s.output_folder, page)
        self.out_dir.setPlaceholderText("A “clips” folder beside the document")
        browse = QPushButton("Browse…", page)
        browse.clicked.connect(self._browse)
        folder = QHBoxLayout()
        folder.addWidget(self.out_dir, 1)
        folder.addWidget(browse)
        self.template = QLineEdit(s.name_template, page)
        self.template.setToolTip("Fields: {video_id} {slug} {index} {kind} {start} {end}")
        self.template.textChanged.connect(self.update_preview)
        self.preview = QLabel(page)
        self.preview.setObjectName("templatePreview")
        self.preview.setWordWrap(True)
        fields = QLabel("Fields: {video_id} {slug} {index} {kind} {start} {end}", page)
        fields.setEnabled(False)
        self.mode = QComboBox(page)
        for mode, label in MODES:
            self.mode.addItem(label, mode)
        self.mode.setCurrentIndex([m for m, _ in MODES].index(s.export_mode))
        self.jobs = QSpinBox(page)
        self.jobs.setRange(1, MAX_JOBS)
        self.jobs.setValue(s.export_jobs)
        form = QFormLayout(page)
        form.addRow("Default output folder", folder)
        form.addRow("File names", self.template)
        form.addRow("", fields)
        form.addRow("Selected clip", self.preview)
        form.addRow("Cuts", self.mode)
        form.addRow("Exports at once", self.jobs)
        note = QLabel(
            "A document's own export choices, kept in its project file, come first.", page
        )
        note.setWordWrap(True)
        note.setEnabled(False)
        form.addRow(note)
        return page

    def _editing_page(self) -> QWidget:
        s = self.settings
        page = QWidget(self)
        self.open_end = _seconds(OPEN_END_RANGE_MS, s.open_end_ms, page)
        self.open_end.setSingleStep(1000)
        self.open_end.setToolTip("How long a clip without an end is drawn and played")
        self.seek_step = _seconds(SEEK_RANGE_MS, s.seek_step_ms, page)
        self.seek_step.setToolTip("Left and Right arrows in the player")
        self.nudge_step = _seconds(NUDGE_RANGE_MS, s.nudge_step_ms, page)
        self.nudge_step.setToolTip("The long nudge of a bound (Alt+Shift+arrow)")
        self.snapping = QCheckBox("Snap dragged bounds to other clips and the playhead", page)
        self.snapping.setChecked(s.snapping)
        self.snap_px = QSpinBox(page)
        self.snap_px.setRange(*SNAP_RANGE_PX)
        self.snap_px.setSuffix(" px")
        self.snap_px.setValue(s.snap_px)
        self.snap_px.setEnabled(s.snapping)
        self.snapping.toggled.connect(self.snap_px.setEnabled)
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow("Clip without an end lasts", self.open_end)
        form.addRow("Seek step", self.seek_step)
        form.addRow("Long nudge step", self.nudge_step)
        form.addRow(self.snapping)
        form.addRow("Snap within", self.snap_px)
        return page

    def _appearance_page(self) -> QWidget:
        page = QWidget(self)
        self.theme = QComboBox(page)
        for name in THEMES:
            self.theme.addItem(THEME_LABELS[name], name)
        self.theme.setCurrentIndex(THEMES.index(self.settings.theme))
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow("Theme", self.theme)
        return page

    # -- behaviour --------------------------------------------------------------------------
    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Default output folder", self.out_dir.text()
        )
        if folder:
            self.out_dir.setText(folder)

    def update_preview(self) -> None:
        try:
            name = self._preview(self.template.text().strip())
            if name is None:
                validate_template(self.template.text().strip())
        except TemplateError as exc:
            self.preview.setText(str(exc))
            self.preview.setStyleSheet(f"color: {theme.ERROR_TEXT};")
            self.template.setStyleSheet(theme.INVALID_FIELD_STYLE)
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
            return
        self.template.setStyleSheet("")
        self.preview.setStyleSheet("")
        self.preview.setText(name if name is not None else "(no clip selected)")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)

    def accept(self) -> None:
        s = self.settings
        try:
            s.name_template = self.template.text().strip()
        except TemplateError:
            self.tabs.setCurrentIndex(0)
            return
        s.output_folder = self.out_dir.text().strip()
        s.export_mode = ExportMode(self.mode.currentData())
        s.export_jobs = self.jobs.value()
        s.open_end_ms = self.open_end.value()
        s.seek_step_ms = self.seek_step.value()
        s.nudge_step_ms = self.nudge_step.value()
        s.snapping = self.snapping.isChecked()
        s.snap_px = self.snap_px.value()
        s.theme = str(self.theme.currentData())
        self.keymap.set_changes(self.shortcuts.keys)
        s.set_shortcuts(self.keymap.changed)
        s.sync()
        super().accept()
        self.applied.emit()
