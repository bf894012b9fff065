"""The export queue panel: a table of jobs with a progress bar each, and the
buttons that act on them. It takes a queue; a main window embeds it and
shows `totals_changed` in its status bar and `batch_finished` as a notification.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from clipdesk.media.export_queue import ExportJob, ExportQueue, JobState
from clipdesk.ui.common import messages
from clipdesk.ui.export.job_model import PROGRESS_ROLE, ExportJobModel, JobColumn
from clipdesk.ui.export.queue_bridge import ExportQueueBridge, totals_text


class ProgressDelegate(QStyledItemDelegate):
    """Draws the progress column as a progress bar."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        value = index.data(PROGRESS_ROLE)
        if value is None:
            super().paint(painter, option, index)
            return
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(2, 3, -2, -3)
        bar.minimum = 0
        bar.maximum = 1000
        bar.progress = round(float(value) * 1000)
        bar.text = f"{float(value) * 100:.0f}%"
        bar.textVisible = True
        # Without State_Horizontal styles such as Fusion draw a vertical bar.
        bar.state = option.state | QStyle.StateFlag.State_Horizontal
        bar.palette = option.palette
        style = option.widget.style() if option.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter)


class ExportLogDialog(QDialog):
    """The full tool output of one job, following it while it runs."""

    def __init__(self, bridge: ExportQueueBridge, job: ExportJob, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.job = job
        self.setWindowTitle(f"Export log: {Path(job.spec.output).name}")
        self.resize(760, 420)
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self._shown = 0
        self.refresh()
        bridge.job_changed.connect(self._on_changed)

    def _on_changed(self, job_id: str) -> None:
        if job_id == self.job.id:
            self.refresh()

    def refresh(self) -> None:
        lines = list(self.job.log)
        if len(lines) < self._shown:  # a retry started a fresh log
            self.text.clear()
            self._shown = 0
        if len(lines) > self._shown:
            self.text.appendPlainText("\n".join(lines[self._shown :]))
            self._shown = len(lines)


class ExportQueuePanel(QWidget):
    totals_changed = Signal(str)
    batch_finished = Signal(str)

    def __init__(
        self,
        queue: ExportQueue,
        parent: QWidget | None = None,
        open_url: Callable[[QUrl], object] = QDesktopServices.openUrl,
    ) -> None:
        super().__init__(parent)
        self.queue = queue
        self.open_url = open_url  # replaceable so tests need not launch a file manager
        self.bridge = ExportQueueBridge(queue, self)
        self.model = ExportJobModel(self.bridge, self)
        self.log_dialogs: dict[str, ExportLogDialog] = {}

        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setItemDelegateForColumn(JobColumn.PROGRESS, ProgressDelegate(self.view))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setVisible(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(JobColumn.TITLE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(JobColumn.ERROR, QHeaderView.ResizeMode.Stretch)
        for col, width in ((JobColumn.FILE, 200), (JobColumn.PROGRESS, 120)):
            self.view.setColumnWidth(col, width)
        self.view.doubleClicked.connect(lambda _i: self.show_log())

        self.start_button = self._button("Start", "Run the queued jobs", self.queue_start)
        self.cancel_button = self._button("Cancel", "Cancel the selected job", self.cancel)
        self.cancel_all_button = self._button(
            "Cancel all", "Cancel every queued and running job", self.cancel_all
        )
        self.retry_button = self._button("Retry", "Run the selected job again", self.retry)
        self.up_button = self._button("Move up", "Run this queued job sooner", self.move_up)
        self.down_button = self._button("Move down", "Run this queued job later", self.move_down)
        self.clear_button = self._button(
            "Clear finished", "Remove finished jobs from the list", self.clear_finished
        )
        self.folder_button = self._button(
            "Open folder", "Open the output folder", self.open_output_folder
        )
        self.log_button = self._button("Show log", "The job's full tool output", self.show_log)
        self.totals_label = QLabel(self)

        buttons = QHBoxLayout()
        for b in (
            self.start_button, self.cancel_button, self.cancel_all_button, self.retry_button,
            self.up_button, self.down_button, self.clear_button,
        ):  # fmt: skip
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.log_button)
        buttons.addWidget(self.folder_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.totals_label)

        self.bridge.job_changed.connect(self._on_job_changed)
        self.bridge.structure_changed.connect(self._update)
        self.bridge.batch_finished.connect(self.batch_finished)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self._totals = ""
        self._update()

    def _button(self, text: str, tip: str, slot: Callable[[], object]) -> QPushButton:
        b = QPushButton(text, self)
        b.setToolTip(tip)
        b.clicked.connect(lambda _checked=False: slot())
        return b

    # -- selection -----------------------------------------------------------------
    def selected_job(self) -> ExportJob | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.job_at(rows[0].row()) if rows else None

    def select_job(self, job_id: str) -> None:
        row = self.model.row_of(job_id)
        if row >= 0:
            self.view.selectRow(row)

    # -- actions (none of them waits for a job) --------------------------------------
    def queue_start(self) -> None:
        self.queue.start()
        self._update()

    def cancel(self) -> None:
        if job := self.selected_job():
            self.queue.cancel(job.id)

    def cancel_all(self) -> None:
        self.queue.cancel_all()

    def retry(self) -> None:
        if job := self.selected_job():
            self.queue.retry(job.id)

    def move_up(self) -> None:
        if job := self.selected_job():
            self.queue.move_by(job.id, -1)

    def move_down(self) -> None:
        if job := self.selected_job():
            self.queue.move_by(job.id, 1)

    def clear_finished(self) -> None:
        self.queue.clear_finished()

    def output_folder(self) -> Path | None:
        job = self.selected_job() or next(iter(self.queue.jobs), None)
        if job is None:
            return None
        return Path(job.output or job.spec.output).parent

    def open_output_folder(self) -> bool:
        """Show the output folder in the file manager; says so when it cannot."""
        folder = self.output_folder()
        if folder is None:
            return False
        if not folder.is_dir():
            messages.warning(f"The output folder {folder} is not there any more.")
            return False
        if self.open_url(QUrl.fromLocalFile(os.fspath(folder))) is False:
            messages.error(
                f"Could not open {folder}: no file manager could be started "
                "(xdg-open is missing or failed). The clips are in that folder."
            )
            return False
        return True

    def show_log(self) -> ExportLogDialog | None:
        job = self.selected_job()
        if job is None:
            return None
        dialog = self.log_dialogs.get(job.id)
        if dialog is None:
            dialog = ExportLogDialog(self.bridge, job, self)
            self.log_dialogs[job.id] = dialog
        dialog.refresh()
        dialog.show()
        dialog.raise_()
        return dialog

    # -- state -----------------------------------------------------------------------
    def _on_job_changed(self, job_id: str) -> None:
        self._update()

    def _update(self) -> None:
        self._update_buttons()
        text = totals_text(self.queue)
        self.totals_label.setText(text)
        if text != self._totals:
            self._totals = text
            self.totals_changed.emit(text)

    def _update_buttons(self) -> None:
        job = self.selected_job()
        state = job.state if job else None
        jobs = self.queue.jobs
        queued = [j for j in jobs if j.state is JobState.QUEUED]
        self.start_button.setVisible(not self.queue.started)
        self.start_button.setEnabled(bool(queued))
        self.cancel_button.setEnabled(state in (JobState.QUEUED, JobState.RUNNING))
        self.cancel_all_button.setEnabled(
            any(j.state in (JobState.QUEUED, JobState.RUNNING) for j in jobs)
        )
        self.retry_button.setEnabled(state in (JobState.FAILED, JobState.CANCELLED))
        row = self.model.row_of(job.id) if job else -1
        self.up_button.setEnabled(state is JobState.QUEUED and row > 0)
        self.down_button.setEnabled(state is JobState.QUEUED and 0 <= row < len(jobs) - 1)
        self.clear_button.setEnabled(any(j.state.finished for j in jobs))
        self.log_button.setEnabled(job is not None)
        folder = self.output_folder()
        self.folder_button.setEnabled(folder is not None and folder.is_dir())
