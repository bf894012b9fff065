"""The review window, the composition root of the desktop application: it makes the
open document, the views and the controllers, and hands each the parts it works with.
Nothing else knows the window."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QIcon,
    QKeySequence,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from clipdesk import diagnostics
from clipdesk.core.bounds import Timebase, set_long_nudge_ms, set_open_end_ms
from clipdesk.core.clip_store import ClipStore
from clipdesk.core.episode import Episode
from clipdesk.core.errors import DocumentError
from clipdesk.core.export_plan import ExportSettings, name_fields
from clipdesk.core.media_location import VIDEO_EXTS
from clipdesk.core.naming import render_name
from clipdesk.media.stream_resolver import StreamResolver
from clipdesk.ui.common import messages
from clipdesk.ui.common.background import Background
from clipdesk.ui.common.banner import Banner
from clipdesk.ui.common.busy_indicator import BusyIndicator
from clipdesk.ui.common.keymap import Keymap
from clipdesk.ui.common.messages import Level, Message
from clipdesk.ui.common.notification_panel import NotificationButton, NotificationPanel
from clipdesk.ui.common.notifications import Notice, Notifications
from clipdesk.ui.common.questions import ask_yes_no
from clipdesk.ui.common.settings import Settings
from clipdesk.ui.common.status_line import StatusLine
from clipdesk.ui.common.theme import apply_theme
from clipdesk.ui.document.document_media import DocumentMedia
from clipdesk.ui.document.media_analysis import MediaAnalysis
from clipdesk.ui.document.open_document import DIRTY_MARK, OpenDocument
from clipdesk.ui.editing.document_editing import READ_ONLY_MARK, DocumentEditing
from clipdesk.ui.export.export_controller import ExportController
from clipdesk.ui.player.backend import PlayerBackend
from clipdesk.ui.player.player import Player
from clipdesk.ui.player.player_widget import PlayerWidget
from clipdesk.ui.resources import example_document, icon_path
from clipdesk.ui.review.clip_panel import ClipPanel
from clipdesk.ui.review.clip_table_model import ClipTableModel
from clipdesk.ui.review.details_panel import DetailsPanel
from clipdesk.ui.review.sync import ReviewSync
from clipdesk.ui.review.transcript_view import TranscriptView
from clipdesk.ui.shell.about_dialog import AboutDialog
from clipdesk.ui.shell.crash_guard import CrashGuard
from clipdesk.ui.shell.settings_dialog import SettingsDialog
from clipdesk.ui.shell.shortcuts_dialog import ShortcutsDialog

DOCUMENT_FILTER = "Show notes (*.md *.markdown *.txt);;All files (*)"
MEDIA_FILTER = "Media (" + " ".join(f"*{e}" for e in VIDEO_EXTS) + ");;All files (*)"


class MainWindow(QMainWindow):
    def __init__(
        self,
        backend: PlayerBackend | None,
        unavailable_reason: str = "",
        settings: Settings | None = None,
        resolver: StreamResolver | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("Clipdesk")
        icon = icon_path("clipdesk")
        if icon.is_file():
            self.setWindowIcon(QIcon(str(icon)))
        self.setAcceptDrops(True)
        self.settings = settings or Settings()
        self.background = Background(self)
        self.doc = OpenDocument(self)

        self.player = Player(backend, self)
        self.player_view = PlayerWidget(self.player, unavailable_reason, self)
        if backend is not None:
            backend.attach_video(self.player_view.surface)
        self.player.set_volume(self.settings.volume)
        self.clip_panel = ClipPanel(self)
        self.details = DetailsPanel(self)
        self.transcript = TranscriptView(self)
        self.transcript.follow.setChecked(self.settings.follow_transcript)
        self.banner = Banner(self)
        self.notifications = Notifications(self)
        self._pinned: list[Message] = []  # info messages shown in the banner on purpose
        self.messages_panel: NotificationPanel | None = None
        self.sync = ReviewSync(
            self.player,
            self.clip_panel.table,
            self.clip_panel.proxy,
            self.details,
            self.transcript,
            self.player_view.seek_bar,
            self,
        )
        self.doc.opened.connect(self._show_document)
        self.doc.closed.connect(lambda: self.sync.set_timebase(None))
        self.doc.dirty_changed.connect(lambda _dirty: self._update_title())
        self.doc.renamed.connect(self._on_renamed)
        self.clip_panel.kinds_changed.connect(lambda _kinds: self.sync.refresh())
        pv = self.player_view
        clicked = [pv.surface, pv.seek_bar, self.transcript.text.viewport()]
        self.sync.keys_to_list_on_click(*clicked, *([pv.still_view] if pv.still_view else []))
        self.player_view.add_clip_action(self.sync.act_play_clip)
        self.player_view.add_clip_action(self.sync.act_loop_clip)
        self.media = DocumentMedia(
            self.doc, self.player, self.settings, self.background, resolver, self
        )
        self.media.notice_changed.connect(self.player_view.show_notice)
        self.analysis = MediaAnalysis(self.doc, self.media, self.background, parent=self)

        self._build_layout()
        self._build_menus()
        self.status_doc = StatusLine(self)
        self.status_media = StatusLine(self)
        self.status_media.setMaximumWidth(320)  # a long URL is elided, not a wider bar
        self.statusBar().addWidget(self.status_doc, 1)
        self.message_count = NotificationButton(self.notifications, self)
        self.message_count.clicked.connect(self.show_messages)
        self.busy = BusyIndicator(self)
        self.statusBar().addPermanentWidget(self.busy)
        self.background.busy_changed.connect(self.busy.set_text)
        self.statusBar().addPermanentWidget(self.message_count)
        self.statusBar().addPermanentWidget(self.status_media, 1)
        self.status_analysis = QLabel(self)
        self.status_analysis.setObjectName("analysisStatus")
        self.statusBar().addPermanentWidget(self.status_analysis)
        self.analysis.progress_changed.connect(self.status_analysis.setText)
        self.editing = DocumentEditing(
            self.doc,
            self.player,
            self.player_view,
            self.clip_panel,
            self.details,
            self.sync,
            self.statusBar(),
            self.edit_menu,
            self,
            self.analysis,
        )
        self.editing.session_changed.connect(lambda _session: self._update_title())
        self.exports = ExportController(
            self.doc,
            self.media,
            self.clip_panel,
            self.sync.selected_clip,
            self.banner,
            self,
            self.export_menu,
            self.view_menu,
            self.close,
            self.analysis,
        )
        self.exports.base_settings = self.export_defaults
        self.media.status_changed.connect(self.status_media.set_lasting)
        messages.bus().posted.connect(self._on_message)
        self.notifications.changed.connect(self._refresh_banner)
        self.banner.dismissed.connect(self._on_banner_dismissed)
        self.banner.shown.connect(self._on_banner_shown)
        self.banner.more_clicked.connect(self.show_messages)
        self.crash_guard = CrashGuard(self.doc.save_project_now, self)
        self.about_dialog: AboutDialog | None = None
        self._diagnostics: diagnostics.Diagnostics | None = None
        self.keymap = Keymap()
        self._theme = "system"
        self.keymap.learn(self.all_actions())
        self.keymap.changed = self.settings.shortcuts()
        # After the editing session's handler: a new document's editing actions get the
        # user's keys and the timeline its snapping.
        self.doc.opened.connect(self.apply_settings)
        self.apply_settings()
        self._restore_state()
        self.clip_panel.table.setFocus()  # so Space, J/K/L drive the player from the start

    # -- layout ------------------------------------------------------------------------
    def _build_layout(self) -> None:
        self.left = QSplitter(Qt.Orientation.Vertical, self)
        self.left.setObjectName("leftSplitter")
        self.left.addWidget(self.clip_panel)
        self.left.addWidget(self.details)
        self.left.setStretchFactor(0, 3)
        self.left.setStretchFactor(1, 1)
        self.left.setSizes([600, 240])
        self.main_split = QSplitter(Qt.Orientation.Horizontal, self)
        self.main_split.setObjectName("mainSplitter")
        self.main_split.addWidget(self.left)
        self.main_split.addWidget(self.player_view)
        self.main_split.addWidget(self.transcript)
        self.main_split.setStretchFactor(0, 3)
        self.main_split.setStretchFactor(1, 4)
        self.main_split.setStretchFactor(2, 2)
        self.main_split.setSizes([720, 580, 300])
        self.main_split.setChildrenCollapsible(False)
        self.main_split.setCollapsible(2, True)  # the transcript folds away in a narrow window
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 0)
        layout.setSpacing(4)
        layout.addWidget(self.banner)
        layout.addWidget(self.main_split, 1)
        self.setCentralWidget(central)
        self.resize(1600, 940)

    def _build_menus(self) -> None:
        mb = self.menuBar()
        file_menu = mb.addMenu("&File")
        self.act_open = self._add(
            file_menu, "&Open…", QKeySequence.StandardKey.Open, self.open_dialog
        )
        self.recent_menu = QMenu("Open &recent", self)
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addMenu(self.recent_menu)
        self.act_example = self._add(file_menu, "Open the &example", None, self.open_example)
        file_menu.addSeparator()
        self.act_save = self._add(
            file_menu,
            "&Save Document",
            QKeySequence.StandardKey.Save,
            lambda: self.editing.save_document(),
        )
        self.act_save_as = self._add(
            file_menu,
            "Save Document &As…",
            "Ctrl+Shift+S",
            lambda: self.editing.save_document_as(),
        )
        file_menu.addSeparator()
        self.act_quit = self._add(file_menu, "&Quit", QKeySequence.StandardKey.Quit, self.close)

        self.edit_menu = mb.addMenu("&Edit")
        media_menu = mb.addMenu("&Media")
        self.act_attach_file = self._add(
            media_menu, "Attach &file…", "Ctrl+Shift+O", self.attach_file_dialog
        )
        self.act_attach_url = self._add(
            media_menu, "Attach &URL…", "Ctrl+U", self.attach_url_dialog
        )
        self.act_reload_media = self._add(media_menu, "&Reload media", "Ctrl+R", self.media.reload)

        pv = self.player_view
        play_menu = mb.addMenu("&Playback")
        for act in pv.transport_actions:
            play_menu.addAction(act)
        play_menu.addSeparator()
        play_menu.addAction(self.sync.act_play_clip)
        play_menu.addAction(self.sync.act_loop_clip)
        play_menu.addSeparator()
        for act in pv.audio_actions:
            play_menu.addAction(act)

        self.export_menu = mb.addMenu("E&xport")
        view_menu = self.view_menu = mb.addMenu("&View")
        self.act_find = self._add(
            view_menu, "&Filter clips", QKeySequence.StandardKey.Find, self.focus_filter
        )
        self.act_focus_table = self._add(
            view_menu, "Clip &list", "Ctrl+1", self.clip_panel.table.setFocus
        )
        self.act_focus_transcript = self._add(
            view_menu, "&Transcript", "Ctrl+2", self.focus_transcript
        )
        self.act_follow = self.transcript.follow
        self.act_preferences = QAction("&Preferences…", self)
        self.act_preferences.setObjectName("preferences")
        self.act_preferences.setShortcut(QKeySequence("Ctrl+,"))
        self.act_preferences.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.act_preferences.triggered.connect(self.show_settings)
        self.addAction(self.act_preferences)  # works while the Edit menu is rebuilt
        # The Edit menu is filled again for every document: Preferences goes at its end.
        self.edit_menu.aboutToShow.connect(self._edit_menu_tail)
        help_menu = mb.addMenu("&Help")
        self.act_shortcuts = self._add(
            help_menu, "&Keyboard shortcuts", ["F1", "Ctrl+/"], self.show_shortcuts
        )
        self.act_report = self._add(help_menu, "&Report a problem", None, self.report_problem)
        help_menu.addSeparator()
        self._add(help_menu, "&About Clipdesk", None, self.show_about)

    def _add(
        self,
        menu: QMenu,
        text: str,
        keys: str | list[str] | QKeySequence.StandardKey | None,
        slot: Callable[[], object],
    ) -> QAction:
        act = QAction(text, self)
        if isinstance(keys, list):
            act.setShortcuts([QKeySequence(k) for k in keys])
        elif keys is not None:
            act.setShortcut(QKeySequence(keys))
        act.triggered.connect(slot)
        menu.addAction(act)
        return act

    def shortcut_groups(self) -> list[tuple[str, list[QAction]]]:
        pv = self.player_view
        return [
            ("Playback", [*pv.transport_actions, self.sync.act_play_clip, self.sync.act_loop_clip]),
            ("Rate and volume", pv.audio_actions),
            ("Files and media", [self.act_open, self.act_save, self.act_save_as,
                                 self.act_attach_file, self.act_attach_url,
                                 self.act_reload_media, self.act_quit]),
            *self.editing.shortcut_groups(),
            *self.exports.shortcut_groups(),
            ("View", [self.act_find, self.act_focus_table, self.act_focus_transcript,
                      self.act_shortcuts, self.act_preferences]),
        ]  # fmt: skip

    def all_actions(self) -> list[QAction]:
        return [a for _group, actions in self.shortcut_groups() for a in actions]

    def _edit_menu_tail(self) -> None:
        if self.act_preferences not in self.edit_menu.actions():
            self.edit_menu.addSeparator()
            self.edit_menu.addAction(self.act_preferences)

    # -- settings ------------------------------------------------------------------------
    def show_settings(self) -> SettingsDialog:
        dialog = SettingsDialog(
            self.settings, self.keymap, self.shortcut_groups(), self.preview_name, self
        )
        dialog.applied.connect(self.apply_settings)
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        dialog.open()
        return dialog

    def apply_settings(self) -> None:
        """What the settings say, made so now: theme, lengths and steps, snapping, keys."""
        s = self.settings
        app = QApplication.instance()
        # A style change repolishes every widget: only when the theme really changes (the
        # app starts in the system's).
        if isinstance(app, QApplication) and s.theme != self._theme:
            apply_theme(app, s.theme)
            self._theme = s.theme
        set_open_end_ms(s.open_end_ms)
        set_long_nudge_ms(s.nudge_step_ms)
        self.keymap.apply(self.all_actions())
        self.player_view.set_seek_step(s.seek_step_ms)  # after the keys: its tips name them
        session = self.editing.session
        if session is not None:
            session.timeline.setSnapping(s.snapping)
            session.timeline.snap_px = s.snap_px
            step = f"{s.nudge_step_ms / 1000:g} s"
            for act in session.actions.actions.values():
                if act.objectName() == "edit_nudge_second_back":
                    act.setText(f"Nudge Back {step}")
                elif act.objectName() == "edit_nudge_second_fwd":
                    act.setText(f"Nudge Forward {step}")
        # Clips without an end are drawn and played to the new length.
        self.sync.refresh()
        self.player_view.seek_bar.update()
        if session is not None:
            session.timeline.update()

    def export_defaults(self) -> ExportSettings:
        s = self.settings
        return ExportSettings(
            out_dir=s.output_folder,
            template=s.name_template,
            mode=s.export_mode,
            jobs=s.export_jobs,
        )

    def preview_name(self, template: str) -> str | None:
        """The selected clip's file name under this template (TemplateError if bad)."""
        episode, clip = self.doc.episode, self.sync.selected_clip()
        if episode is None or clip is None:
            return None
        index = episode.kind_numbers().get(clip.id, 0)  # {index}: the clip's own number
        return render_name(template, name_fields(episode, clip, index))

    # -- documents -----------------------------------------------------------------------
    def open_document(self, path: Path | str, media: str | None = None) -> bool:
        """Read and show a document; a bad document gives a message, never a traceback."""
        from clipdesk.core.reader import read_document

        path = Path(path)
        try:
            episode = read_document(path)
        except Exception as exc:
            self._not_read(path, exc)
            return False
        return self._take_document(path, episode, media)

    def open_document_in_background(self, path: Path | str, media: str | None = None) -> None:
        """Read the document on a worker (a long one takes a while; the window shows it
        is busy), then show it. What the menus and a dropped file use."""
        from clipdesk.core.reader import read_document

        path = Path(path)

        def show(episode: Episode) -> None:
            self._take_document(path, episode, media)

        self.background.run(
            lambda: read_document(path),
            show,
            lambda exc: self._not_read(path, exc),
            f"Opening {path.name}",
        )

    def _not_read(self, path: Path, exc: BaseException) -> None:
        if isinstance(exc, DocumentError):
            messages.error(f"Could not open the document: {exc}")
        elif isinstance(exc, (OSError, UnicodeError, ValueError)):
            messages.error(f"Could not open {path}: {exc}")
        else:  # a defect in the reader: the crash report shows it
            raise exc

    def _take_document(self, path: Path, episode: Episode, media: str | None) -> bool:
        if not self.exports.may_leave_document():  # the answer was: keep exporting
            return False
        self._forget_messages()  # before opening: the project file's messages belong to it
        if media:  # remembered first: export jobs restored as the document opens may read it
            self.settings.set_media_for(path, media)
        self.doc.open(path, episode)
        if not self.doc.is_example:
            self.settings.add_recent_file(path)
        self.settings.last_open_dir = str(path.parent)
        self.media.bind(media)
        if episode.warnings:
            first = episode.warnings[0].render(path)
            more = f" (and {len(episode.warnings) - 1} more)" if len(episode.warnings) > 1 else ""
            detail = "\n".join(w.render(path) for w in episode.warnings)
            messages.warning(f"{first}{more}", detail)
        return True

    # The open document, as the views and tests see it.
    @property
    def document(self) -> Path | None:
        return self.doc.path

    @property
    def episode(self) -> Episode | None:
        return self.doc.episode

    @property
    def store(self) -> ClipStore | None:
        return self.doc.store

    @property
    def timebase(self) -> Timebase | None:
        return self.doc.timebase

    def set_episode(self, episode: Episode, path: Path | None = None) -> None:
        """Show an episode; with a path it has a project file and can be edited."""
        self._forget_messages()
        self.doc.open(path, episode)

    def _forget_messages(self) -> None:
        self._pinned.clear()
        self.notifications.clear()
        self.banner.hide()

    def _show_document(self) -> None:
        episode, store, path = self.doc.episode, self.doc.store, self.doc.path
        assert episode is not None and store is not None
        model = ClipTableModel(store)
        model.set_timebase(self.doc.timebase)
        self.clip_panel.set_model(model)
        self.sync.set_episode(episode, model)
        self.sync.set_timebase(self.doc.timebase)
        self.player_view.seek_bar.set_length(self.player.length or episode.duration_ms or 0)
        self._update_title()
        name = path.name if path else "untitled"
        counts = ", ".join(
            f"{len(episode.clips_of(k))} {k.label.lower()}s"
            for k in sorted({c.kind for c in episode.clips}, key=lambda k: k.value)
        )
        lines = f", {len(episode.transcript)} transcript lines" if episode.transcript else ""
        self.status_doc.set_lasting(f"{name}: {counts or 'no clips'}{lines}")

    def _update_title(self) -> None:
        episode, path = self.doc.episode, self.doc.path
        if episode is None:
            return  # a closed document leaves its title until the next one opens
        title = episode.title or (path.name if path else "untitled")
        mark = READ_ONLY_MARK if self.editing.read_only else ""
        self.setWindowTitle(f"{DIRTY_MARK if self.doc.dirty else ''}{title} — Clipdesk{mark}")

    def _on_renamed(self, path: Path) -> None:
        self.settings.add_recent_file(path)
        self._update_title()

    def open_example(self) -> bool:
        return self.open_document(example_document())

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open show notes", self.settings.last_open_dir, DOCUMENT_FILTER
        )
        if path:
            self.open_document_in_background(Path(path))

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        files = [f for f in self.settings.recent_files() if Path(f).is_file()]
        for f in files:
            act = self.recent_menu.addAction(Path(f).name)
            act.setToolTip(f)
            act.triggered.connect(lambda _=False, f=f: self.open_document_in_background(Path(f)))
        if not files:
            self.recent_menu.addAction("(none)").setEnabled(False)
        else:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear", self.settings.clear_recent_files)

    # -- media -------------------------------------------------------------------------------
    def attach_file_dialog(self) -> None:
        start = str(self.document.parent) if self.document else self.settings.last_open_dir
        path, _ = QFileDialog.getOpenFileName(self, "Attach media", start, MEDIA_FILTER)
        if path:
            self.media.attach(path)

    def attach_url_dialog(self) -> None:
        current = self.media.choice.location if self.media.choice else ""
        url, ok = QInputDialog.getText(
            self, "Attach URL", "Video page or media URL (resolved with yt-dlp):", text=current
        )
        if ok and url.strip():
            self.media.attach(url.strip())

    # -- drag and drop ------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        for url in event.mimeData().urls():
            if not url.isLocalFile():
                continue
            path = Path(url.toLocalFile())
            if path.suffix.lower() in VIDEO_EXTS:
                if self._may_replace_media(path):
                    self.media.attach(str(path))  # a dropped video becomes the media
            else:
                self.open_document_in_background(path)
            event.acceptProposedAction()
            return

    def _may_replace_media(self, path: Path) -> bool:
        """A dropped video replaces the attached media only when the user says so."""
        current = self.media.attached
        if current is None or self.doc.episode is None or current == str(path):
            return True
        return self.confirm_replace_media(
            f"Attach {path.name} to this document in place of {Path(current).name or current}?"
        )

    def confirm_replace_media(self, text: str) -> bool:  # tests replace it
        return ask_yes_no(self, "Replace the media?", text)

    # -- messages and help ----------------------------------------------------------------------
    def _on_message(self, message: Message) -> None:
        self.status_doc.show_temporary(message.text, 8000)
        self.notifications.add(message)

    def _in_banner(self) -> list[Notice]:
        """What the banner may show, newest first: warnings, errors and the info
        messages shown there on purpose, until dismissed."""
        return [
            n
            for n in self.notifications.pending()
            if n.level is not Level.INFO or n.message in self._pinned
        ]

    def _refresh_banner(self) -> None:
        waiting = self._in_banner()
        if not waiting:
            self.banner.hide()
            return
        self.banner.display(waiting[0].message)
        self.banner.set_more(len(waiting) - 1)
        self.banner.show()

    def _on_banner_shown(self, message: Message) -> None:
        self._pinned = [*self._pinned[-20:], message]
        self._refresh_banner()

    def _on_banner_dismissed(self, message: Message) -> None:
        notice = self.notifications.newest_pending(message)
        if notice is not None:
            self.notifications.dismiss(notice)  # the next one waiting shows

    def show_messages(self) -> NotificationPanel:
        if self.messages_panel is None:
            self.messages_panel = NotificationPanel(self.notifications, self)
        self.messages_panel.show()
        self.messages_panel.raise_()
        return self.messages_panel

    def focus_transcript(self) -> None:
        """Ctrl+2: the transcript gets the keys, unfolded first if it was folded away."""
        sizes = self.main_split.sizes()
        if sizes[2] == 0:
            want = min(300, sizes[1] // 2)
            self.main_split.setSizes([sizes[0], sizes[1] - want, want])
        self.transcript.text.setFocus()

    # A window narrower than this (half of a 1920 screen is 960) gets the compact player,
    # and the transcript starts folded away.
    COMPACT_WIDTH = 1280

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        compact = self.width() < self.COMPACT_WIDTH
        if compact != self.player_view.compact:
            self.player_view.set_compact(compact)
            # The window's minimum width follows the compact player's at once.
            self.main_split.updateGeometry()
            layout = self.layout()
            if layout is not None:
                layout.invalidate()
            # Compact: the player takes what the window gains or loses, so the list keeps
            # its room for the titles.
            for i, stretch in enumerate((0, 1, 0) if compact else (3, 4, 2)):
                self.main_split.setStretchFactor(i, stretch)
            if compact:  # once the splitter has its new width
                QTimer.singleShot(0, self._fold_transcript)

    def _fold_transcript(self) -> None:
        total = sum(self.main_split.sizes())
        left = max(300, total // 2 - 20)
        self.main_split.setSizes([left, total - left, 0])

    def focus_filter(self) -> None:
        self.clip_panel.filter_edit.setFocus()
        self.clip_panel.filter_edit.selectAll()

    def show_shortcuts(self) -> ShortcutsDialog:
        dialog = ShortcutsDialog(self.shortcut_groups(), self)
        dialog.setModal(False)
        dialog.show()
        return dialog

    def show_about(self) -> AboutDialog:
        """Opens at once; the versions come from a worker the first time (ffmpeg is run,
        libvlc loaded) and are kept for the next."""
        if self.about_dialog is None:
            self.about_dialog = AboutDialog(self._diagnostics, self)
        dialog = self.about_dialog
        if self._diagnostics is None:
            self.background.run(
                diagnostics.collect, self._got_diagnostics, label="Finding versions"
            )
        dialog.show()
        dialog.raise_()
        return dialog

    def _got_diagnostics(self, found: diagnostics.Diagnostics) -> None:
        self._diagnostics = found
        if self.about_dialog is not None:
            self.about_dialog.set_diagnostics(found)

    def report_problem(self) -> None:
        """Versions, folders and the last log lines to the clipboard, for a bug report."""

        def copy(report: str) -> None:
            QApplication.clipboard().setText(report)
            messages.info(
                "Copied the versions and the last log lines to the clipboard: "
                "paste them into your report."
            )

        self.background.run(diagnostics.problem_report, copy, label="Collecting a report")

    # -- state ------------------------------------------------------------------------------------
    def _restore_state(self) -> None:
        geo, state = self.settings.window_state()
        if geo is not None:
            self.restoreGeometry(geo)
        if state is not None:
            self.restoreState(state)
        for name, splitter in (("main", self.main_split), ("left", self.left)):
            saved = self.settings.splitter_state(name)
            if saved is not None:
                splitter.restoreState(saved)
        hidden = self.settings.hidden_columns()
        if hidden is not None:
            self.clip_panel.restore_hidden_columns(hidden)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.media.window_shown()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.editing.may_close():  # edits that cannot be saved: the user said keep
            event.ignore()
            return
        if not self.exports.may_close():  # it closes the window again once jobs stopped
            event.ignore()
            return
        self.settings.set_window_state(self.saveGeometry(), self.saveState())
        self.settings.set_splitter_state("main", self.main_split.saveState())
        self.settings.set_splitter_state("left", self.left.saveState())
        self.settings.set_hidden_columns(self.clip_panel.hidden_columns())
        self.settings.volume = self.player.volume
        self.settings.follow_transcript = self.transcript.follow.isChecked()
        self.settings.sync()
        self.editing.close()
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Release the player (libvlc in its required order) and stop background work."""
        self.analysis.stop()  # its ffmpeg is killed, not left to finish
        self.background.shutdown()
        self.player.shutdown()
