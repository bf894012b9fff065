"""A table model of export jobs over the queue, updated from the bridge.

The model keeps its own list of jobs and changes it only between begin*/end*
calls on the GUI thread; the queue's list may already be ahead of it.
"""

from __future__ import annotations

import enum
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush

from clipdesk.core.timecode import format_eta
from clipdesk.media.export_queue import ExportJob, JobState
from clipdesk.ui.common.theme import JOB_COLOURS
from clipdesk.ui.export.queue_bridge import ExportQueueBridge

Index = QModelIndex | QPersistentModelIndex

PROGRESS_ROLE = Qt.ItemDataRole.UserRole + 1  # float 0..1 for the progress delegate
JOB_ID_ROLE = Qt.ItemDataRole.UserRole + 2
STATE_ROLE = Qt.ItemDataRole.UserRole + 3


class JobColumn(enum.IntEnum):
    TITLE = 0
    FILE = 1
    STATE = 2
    PROGRESS = 3
    SPEED = 4
    ETA = 5
    ERROR = 6

    @property
    def header(self) -> str:
        return ("Title", "File", "State", "Progress", "Speed", "ETA", "Error")[self]


class ExportJobModel(QAbstractTableModel):
    def __init__(self, bridge: ExportQueueBridge, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self._jobs: list[ExportJob] = list(bridge.queue.jobs)
        bridge.structure_changed.connect(self.sync)
        bridge.job_changed.connect(self._on_changed)

    # -- reading ---------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._jobs)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(JobColumn)

    def job_at(self, row: int) -> ExportJob | None:
        return self._jobs[row] if 0 <= row < len(self._jobs) else None

    def row_of(self, job_id: str) -> int:
        return next((i for i, j in enumerate(self._jobs) if j.id == job_id), -1)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> object:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(JobColumn):
            return JobColumn(section).header
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._jobs):
            return str(section + 1)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not (0 <= index.row() < len(self._jobs)):
            return None
        job = self._jobs[index.row()]
        col = JobColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(job, col)
        if role == PROGRESS_ROLE:
            return float(job.progress)
        if role == JOB_ID_ROLE:
            return job.id
        if role == STATE_ROLE:
            return job.state.value
        if role == Qt.ItemDataRole.ToolTipRole:
            if col is JobColumn.ERROR and job.error:
                return job.error
            if col is JobColumn.FILE:
                return job.output or job.spec.output
            return None
        if role == Qt.ItemDataRole.ForegroundRole and col in (JobColumn.STATE, JobColumn.ERROR):
            color = JOB_COLOURS.get(job.state)
            return QBrush(color) if color else None
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (
            JobColumn.PROGRESS, JobColumn.SPEED, JobColumn.ETA,
        ):  # fmt: skip
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, job: ExportJob, col: JobColumn) -> str:
        if col is JobColumn.TITLE:
            return job.spec.title
        if col is JobColumn.FILE:
            return Path(job.output or job.spec.output).name
        if col is JobColumn.STATE:
            return job.state.value
        if col is JobColumn.PROGRESS:
            return f"{job.progress * 100:.0f}%"
        running = job.state is JobState.RUNNING
        if col is JobColumn.SPEED:
            return f"{job.speed:.1f}x" if running and job.speed else ""
        if col is JobColumn.ETA:
            return format_eta(job.eta_s) if running else ""
        return job.error.splitlines()[0] if job.error else ""

    # -- updates (GUI thread) ----------------------------------------------------
    def _on_changed(self, job_id: str) -> None:
        row = self.row_of(job_id)
        if row >= 0:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(JobColumn) - 1))

    def sync(self) -> None:
        """Bring the rows in line with the queue: removals, insertions, then order."""
        target = self.bridge.queue.jobs
        wanted = {j.id for j in target}
        for row in range(len(self._jobs) - 1, -1, -1):
            if self._jobs[row].id not in wanted:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._jobs[row]
                self.endRemoveRows()
        have = {j.id for j in self._jobs}
        new = [j for j in target if j.id not in have]
        if new:
            start = len(self._jobs)
            self.beginInsertRows(QModelIndex(), start, start + len(new) - 1)
            self._jobs.extend(new)
            self.endInsertRows()
        if [j.id for j in self._jobs] != [j.id for j in target]:
            self._reorder(target)

    def _reorder(self, target: list[ExportJob]) -> None:
        self.layoutAboutToBeChanged.emit()
        new_rows = {j.id: i for i, j in enumerate(target)}
        old_ids = [j.id for j in self._jobs]
        persistent = self.persistentIndexList()
        moved = [
            self.index(new_rows[old_ids[p.row()]], p.column()) for p in persistent
        ]  # fmt: skip
        self._jobs = list(target)
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()
