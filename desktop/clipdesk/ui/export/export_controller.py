"""The export face of the review window: the Export menu, the settings dialog, the
queue panel (a dock at the bottom), totals in the status bar, a notice when a batch
ends, the Export column of the clip table, and the queue kept in the project file.

Clip times are document times; exports cut media: every planned range is moved by the
document's offset first. The media is the document's binding (a local file is cut by
ffmpeg, a URL by yt-dlp). The GUI thread never waits on a job: closing the window with
jobs running asks first, cancels them and closes once their processes are gone.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QWidget,
)

from clipdesk.core.episode import Clip, Episode
from clipdesk.core.export_plan import (
    ExportSettings,
    JobSpec,
    MediaSource,
    PlanError,
    Selection,
    SourceKind,
    select_clips,
)
from clipdesk.core.export_request import export_location, export_request
from clipdesk.core.naming import TemplateError
from clipdesk.core.output_folder import check_output_folder, estimate_bytes
from clipdesk.core.pauses import snap_episode
from clipdesk.core.project_file import Project
from clipdesk.core.restore_scope import RestoreScope
from clipdesk.media.export_queue import ExportJob, ExportQueue, JobState
from clipdesk.media.part_folders import remove_stale_parts
from clipdesk.ui.common import messages
from clipdesk.ui.common.banner import Banner
from clipdesk.ui.common.messages import Level, Message
from clipdesk.ui.common.questions import ask_yes_no
from clipdesk.ui.document.document_media import DocumentMedia
from clipdesk.ui.document.media_analysis import MediaAnalysis
from clipdesk.ui.document.open_document import OpenDocument
from clipdesk.ui.export.export_dialog import ExportDialog
from clipdesk.ui.export.queue_panel import ExportQueuePanel
from clipdesk.ui.review.clip_panel import ClipPanel
from clipdesk.ui.review.clip_table_model import EXPORTED, Column

MENU = (
    (Selection.SELECTED, "Export &selected clip…", "Ctrl+E", "the selected clip"),
    (Selection.APPROVED, "Export &approved clips…", "Ctrl+Shift+E", "the approved clips"),
    (Selection.HIGHLIGHTS, "Export all &highlights…", None, "all highlights"),
    (Selection.KEY_POINTS, "Export all &key points…", None, "all key points"),
    (Selection.SEGMENTS, "Export all se&gments…", None, "all segments"),
)
CLOSE_POLL_MS = 100
PANEL_ROWS = 4  # the dock opens tall enough for this many jobs, leaving the player room
STATE_LABELS = {
    JobState.QUEUED: "Queued",
    JobState.DONE: EXPORTED,
    JobState.FAILED: "Failed",
    JobState.CANCELLED: "Cancelled",
}


def status_label(job: ExportJob) -> str:
    if job.state is JobState.RUNNING:
        return f"{job.progress * 100:.0f}%"
    return STATE_LABELS[job.state]


def ask_to_close(window: QWidget, text: str) -> bool:
    return ask_yes_no(window, "Exports are running", text)


class ExportController(QObject):
    """window hosts the queue's dock; close_window is called once the jobs a closing
    window cancelled have stopped."""

    def __init__(
        self,
        document: OpenDocument,
        media: DocumentMedia,
        clip_panel: ClipPanel,
        selected_clip: Callable[[], Clip | None],
        banner: Banner,
        window: QMainWindow,
        export_menu: QMenu,
        view_menu: QMenu,
        close_window: Callable[[], object],
        analysis: MediaAnalysis | None = None,
    ) -> None:
        super().__init__(window)
        self.analysis = analysis
        self.snap_ms: int | None = None  # the dialog's last choice, offered again
        self.document = document
        self.media = media
        self.clip_panel = clip_panel
        self.selected_clip = selected_clip
        self.banner = banner
        self.window = window
        self.close_window = close_window
        self.queue = ExportQueue()
        self.panel = self._make_panel(self.queue)
        self.dialog: ExportDialog | None = None
        # The app's export defaults (the settings dialog's); the window sets its own.
        self.base_settings: Callable[[], ExportSettings] = ExportSettings
        # Replaceable so tests answer without a modal box: (question) -> close anyway?
        self.confirm_close: Callable[[str], bool] = lambda text: ask_to_close(window, text)
        self._states: dict[str, JobState] = {}
        self._queued_bounds: dict[str, tuple[int, int | None]] = {}
        self._closing = False

        self.dock = QDockWidget("Export queue", window)
        self.dock.setObjectName("exportDock")
        self.dock.setAllowedAreas(
            Qt.DockWidgetArea.BottomDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.dock.setWidget(self.panel)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        self.dock.hide()
        self.act_toggle_panel = self.dock.toggleViewAction()
        self.act_toggle_panel.setText("&Export queue")
        self.act_toggle_panel.setShortcut("Ctrl+3")
        view_menu.addAction(self.act_toggle_panel)

        self.actions: dict[Selection, QAction] = {}
        for selection, text, keys, what in MENU:
            act = QAction(text, window)
            if keys:
                act.setShortcut(keys)
            act.triggered.connect(lambda _=False, s=selection, w=what: self.request_export(s, w))
            export_menu.addAction(act)
            self.actions[selection] = act
        export_menu.addSeparator()
        export_menu.addAction(self.act_toggle_panel)

        self.totals = QLabel(window)
        self.totals.setObjectName("exportTotals")
        window.statusBar().addPermanentWidget(self.totals)
        document.opened.connect(self._on_opened)
        document.closing.connect(self._on_closing)
        document.closed.connect(self._on_closed)
        self._update_actions()

    def shortcut_groups(self) -> list[tuple[str, list[QAction]]]:
        return [("Export", [*self.actions.values(), self.act_toggle_panel])]

    # -- one queue per document ----------------------------------------------------------
    def _make_panel(self, queue: ExportQueue) -> ExportQueuePanel:
        panel = ExportQueuePanel(queue)
        panel.setObjectName("exportPanel")
        panel.totals_changed.connect(self._on_totals)
        panel.batch_finished.connect(self._on_batch_finished)
        panel.bridge.job_changed.connect(self._on_job)
        panel.bridge.structure_changed.connect(self._save_queue)
        return panel

    def _set_queue(self, queue: ExportQueue) -> None:
        old = self.panel
        self.queue = queue
        self.panel = self._make_panel(queue)
        self.dock.setWidget(self.panel)
        old.bridge.detach()
        old.setParent(None)
        old.deleteLater()
        self._states = {j.id: j.state for j in queue.jobs}
        self._on_totals(self.panel.totals_label.text())

    @property
    def project(self) -> Project | None:
        return self.document.project

    def _on_opened(self) -> None:
        self._update_actions()
        project = self.project
        if project is None:
            self._set_queue(ExportQueue())
            return
        queue = ExportQueue()
        if project.export_queue:
            jobs = project.export_settings.get("jobs", 2) if project.export_settings else 2
            try:
                queue = ExportQueue.from_records(
                    project.export_queue, max_workers=jobs, scope=self._restore_scope()
                )
            except (ValueError, TypeError) as exc:
                messages.warning(f"{project.path.name}: the export queue was not restored: {exc}")
            problems = queue.restore_problems
            if problems:
                n = len(problems)
                messages.warning(
                    f"{project.path.name}: {n} export{'s' if n != 1 else ''} not restored: "
                    f"{problems[0]}",
                    "\n".join(problems),
                )
        self._set_queue(queue)
        for job in queue.jobs:
            self._show_status(job)
        unfinished = queue.unfinished()
        if unfinished:
            self.show_panel()
            n = len(unfinished)
            messages.info(
                f"{n} export{'s' if n != 1 else ''} did not finish last time: "
                "press Start in the export queue to run them."
            )

    def _restore_scope(self) -> RestoreScope:
        """Folders chosen for exports here, the document's own folder, and only this
        document's media (its binding, the media given with it, its URL)."""
        doc, settings = self.document, self.media.settings
        media = [
            self.media_location(),
            settings.media_for(doc.path) if doc.path is not None else None,
            doc.episode.url if doc.episode is not None else None,
        ]
        return RestoreScope.of(doc.path, settings.export_folders(), media)

    def _on_closing(self) -> None:
        """The document closes: record the queue as it stands (jobs cut short are
        offered again next time), then stop the jobs without waiting for them."""
        if not self._closing and self.project is not None:
            self._record_queue(self.project)  # closing the window recorded it already
        self.panel.bridge.detach()
        if not self.queue.is_idle():
            self.queue.cancel_all()

    def _on_closed(self) -> None:
        self._update_actions()
        self._set_queue(ExportQueue())

    def _update_actions(self) -> None:
        for act in self.actions.values():
            act.setEnabled(self.project is not None)

    # -- exporting -------------------------------------------------------------------------
    def default_settings(self, selection: Selection) -> ExportSettings:
        # The document's own choices (its project file) first, then the app's settings.
        settings = self.base_settings()
        if self.project is not None and self.project.export_settings:
            try:
                saved = self.project.export_settings
                settings = ExportSettings.from_dict({**settings.to_dict(), **saved})
            except ValueError:
                settings = self.base_settings()
        document = self.document.path
        if not settings.out_dir and document is not None:
            folder = document.parent
            if self.document.is_example:  # the bundled example's folder may be read-only
                movies = QStandardPaths.StandardLocation.MoviesLocation
                folder = Path(QStandardPaths.writableLocation(movies) or Path.home())
            settings.out_dir = str(folder / "clips")
        settings.only = selection
        return settings

    def _selected_ids(self) -> list[str]:
        clip = self.selected_clip()
        return [clip.id] if clip else []

    def request_export(self, selection: Selection, what: str = "clips") -> ExportDialog | None:
        """Ask for the settings (a dialog that does not block), then export."""
        episode = self.document.episode
        if self.project is None or episode is None:
            messages.warning("Open a document first.")
            return None
        chosen, _ = select_clips(episode, selection, self._selected_ids())
        if not chosen:
            messages.warning(f"Nothing to export: there are no {what.removeprefix('all ')}.")
            return None
        if self.dialog is not None:
            self.dialog.close()
        dialog = ExportDialog(
            self.default_settings(selection), what, len(chosen), self.window, self.snap_ms
        )
        dialog.accepted.connect(lambda: self._export_from(dialog))
        dialog.finished.connect(lambda _result: self._forget(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _export_from(self, dialog: ExportDialog) -> None:
        self.snap_ms = dialog.snap_distance()
        self.export(dialog.settings(), snap_ms=self.snap_ms)

    def _snapper(
        self, settings: ExportSettings, distance_ms: int
    ) -> Callable[[Episode, MediaSource], Episode]:
        """The adjust hook of export_request (as `clipdesk export --snap-to-pauses`): the
        chosen clips' bounds moved into the pauses of the media being cut, every move
        reported. Raises PlanError when those pauses are not known."""

        def adjust(episode: Episode, media: MediaSource) -> Episode:
            analysis = self.analysis.analysis if self.analysis is not None else None
            if analysis is None or not _same_media(analysis.source, media.location):
                running = self.analysis is not None and self.analysis.running
                raise PlanError(
                    "the pauses of the media are not known yet"
                    + (": the audio analysis is still running" if running else "")
                )
            chosen, _ = select_clips(episode, settings.only, self._selected_ids())
            snapped, moves = snap_episode(
                episode, analysis.pauses, [c.id for c in chosen], max_distance_ms=distance_ms
            )
            n = len(moves)
            messages.info(
                f"Snapped {n} bound{'s' if n != 1 else ''} of {len(chosen)} "
                f"clip{'s' if len(chosen) != 1 else ''} to pauses before export",
                "\n".join(m.summary() for m in moves),
            )
            return snapped

        return adjust

    def _forget(self, dialog: ExportDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def media_location(self) -> str | None:
        """The media an export cuts, or None for the document's own URL (the rule of
        clipdesk.core.export_request, shared with the command line)."""
        if self.project is None or self.document.path is None:
            return None
        return export_location(self.document.path, self.project, self.media.playing_location())

    def export(self, settings: ExportSettings, snap_ms: int | None = None) -> list[ExportJob]:
        """Plan and queue an export with these settings, the bounds first snapped into
        pauses within snap_ms when given; never waits for a job."""
        project, document = self.project, self.document.path
        if project is None or document is None:
            messages.warning("Open a document first.")
            return []
        try:
            request = export_request(
                document,
                project,
                settings,
                playing=self.media.playing_location(),
                selected_ids=self._selected_ids(),
                adjust=self._snapper(settings, snap_ms) if snap_ms is not None else None,
            )
        except (PlanError, TemplateError) as exc:
            messages.error(f"Could not export: {exc}")
            return []
        plan = request.plan
        if plan.jobs:
            why = self._folder_problem(settings, plan.jobs)
            if why:  # at once, before anything is queued; and not kept as the default
                messages.error(f"Could not export: {why}.")
                return []
        project.set_export_settings(settings.to_dict())
        self.media.settings.add_export_folder(Path(settings.out_dir).expanduser())
        if plan.problems:
            lines = [f"{p.title}: {p.reason}" for p in plan.problems]
            level = messages.warning if plan.errors else messages.info
            n = len(plan.problems)
            level(f"{n} clip{'s' if n != 1 else ''} not exported: {lines[0]}", "\n".join(lines))
        for note in plan.notes:
            messages.info(note)
        if not plan.jobs:
            return []
        out_dir = Path(settings.out_dir).expanduser()
        out_dir.mkdir(parents=True, exist_ok=True)
        removed = remove_stale_parts(out_dir)
        if removed:
            messages.info(
                f"Removed {len(removed)} temporary folder(s) an interrupted export left in "
                f"{out_dir}.",
                "\n".join(removed),
            )
        self.queue.max_workers = settings.jobs
        store = self.document.store
        jobs = self.queue.add(plan.jobs)
        for job in jobs:  # the document's bounds as exported, for "edited since export"
            if store is not None and any(c.id == job.spec.clip_id for c in store):
                clip = store.get(job.spec.clip_id)
                self._queued_bounds[job.id] = (clip.start_ms, clip.end_ms)
        for job in jobs:
            self._show_status(job)
        self.queue.start()
        self.show_panel()
        return jobs

    def show_panel(self) -> None:
        if self.dock.isVisible():
            return
        self.dock.show()
        view = self.panel.view
        rows = view.verticalHeader().defaultSectionSize() * PANEL_ROWS
        height = (
            rows + view.horizontalHeader().height() + self.panel.start_button.sizeHint().height()
        )
        self.window.resizeDocks([self.dock], [height + 48], Qt.Orientation.Vertical)

    def _folder_problem(self, settings: ExportSettings, jobs: list[JobSpec]) -> str | None:
        first = jobs[0]
        local = Path(first.source) if first.source_kind is SourceKind.LOCAL else None
        episode = self.document.episode
        length = episode.media_length_ms or episode.duration_ms if episode else None
        needed = estimate_bytes((j.end_ms - j.start_ms for j in jobs), local, length)
        return check_output_folder(settings.out_dir, needed)

    # -- progress ---------------------------------------------------------------------------
    def _show_status(self, job: ExportJob) -> None:
        model = self.clip_panel.model
        if model is None:
            return
        self.clip_panel.set_column_visible(Column.EXPORT, True)
        model.set_export_status(
            job.spec.clip_id, status_label(job), self._queued_bounds.get(job.id)
        )

    def _on_job(self, job_id: str) -> None:
        job = self.queue.job(job_id)
        if job is None:
            return
        self._show_status(job)
        if self._states.get(job_id) is not job.state:
            self._states[job_id] = job.state
            self._save_queue()  # on state changes only: progress is not worth a write

    def _save_queue(self) -> None:
        if self.project is not None and not self._closing:
            self._record_queue(self.project)

    def _record_queue(self, project: Project) -> None:
        records = self.queue.to_records()
        if records != project.export_queue:  # an unchanged queue writes nothing
            project.set_export_queue(records)

    def _on_totals(self, text: str) -> None:
        self.totals.setText(text)

    def _on_batch_finished(self, text: str) -> None:
        failed = self.queue.counts()["failed"]
        level = Level.WARNING if failed else Level.INFO
        # Non-blocking: the status bar, the banner and the task bar's attention hint.
        messages.bus().post(level, text)
        self.banner.show_message(Message(level, text))
        QApplication.alert(self.window)

    # -- closing ------------------------------------------------------------------------------
    def may_close(self) -> bool:
        """Whether the window may close now. With jobs running: ask; if yes, record the
        queue (running jobs are offered again next time), cancel them, and close the
        window once their processes are gone. False means: not yet."""
        if self._closing:
            return not self.queue.is_busy()
        left = self._unfinished()
        if not left:
            return True
        if not self.confirm_close(self._stop_question(left, "close")):
            return False
        self._save_queue()  # before cancelling: running jobs are recorded as queued
        self._closing = True
        self.panel.bridge.detach()
        self.queue.cancel_all()
        messages.info("Stopping the exports…")
        self._close_when_idle()
        return not self.queue.is_busy()

    def may_leave_document(self) -> bool:
        """Whether another document may replace this one. With jobs running: ask as
        closing the window does; yes lets the document close, which records the queue
        and stops the jobs (see _on_closing)."""
        if self._closing:
            return False
        left = self._unfinished()
        return not left or self.confirm_close(self._stop_question(left, "open the other document"))

    def _unfinished(self) -> int:
        """Jobs running, and queued ones that would still run."""
        if self.queue.is_idle():
            return 0
        c = self.queue.counts()
        return c["running"] + (c["queued"] if self.queue.started else 0)

    @staticmethod
    def _stop_question(left: int, then: str) -> str:
        return (
            f"{left} export{'s are' if left != 1 else ' is'} not finished. Stop "
            f"{'them' if left != 1 else 'it'} and {then}? Unfinished exports are offered "
            "again when you open this document next time."
        )

    def _close_when_idle(self) -> None:
        if self.queue.is_busy():
            QTimer.singleShot(CLOSE_POLL_MS, self._close_when_idle)
        else:
            self.close_window()


def _same_media(analysed: str, cut: str) -> bool:
    """Whether the analysed source is the one an export cuts (paths compared resolved)."""
    if analysed == cut:
        return True
    try:
        return Path(analysed).resolve() == Path(cut).resolve()
    except (OSError, ValueError):
        return False
