"""The selected clip's words: title, times, quote and speaker, takeaway, summary, and
its free-text note (editable while a document is open for editing)."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QTextBrowser, QVBoxLayout, QWidget

from clipdesk.core.episode import Clip, Episode
from clipdesk.core.timecode import format_clock
from clipdesk.ui.common.theme import TIME_TEXT


def clip_html(clip: Clip, note: bool = True) -> str:
    # Every piece of document text is escaped: documents are untrusted.
    parts = [f"<h3>{escape(clip.title) or '(untitled)'}</h3>"]
    times = format_clock(clip.start_ms)
    if clip.end_ms is not None:
        times += f" – {format_clock(clip.end_ms)} ({format_clock(clip.duration_ms)})"
    meta = f"{escape(clip.kind.label)} · {times} · {escape(clip.review.value)}"
    parts.append(f"<p style='color:#777'>{meta}</p>")
    if clip.quote:
        parts.append(f"<blockquote><i>“{escape(clip.quote)}”</i></blockquote>")
    if clip.speaker:
        parts.append(f"<p>— {escape(clip.speaker)}</p>")
    for label, text in (("Takeaway", clip.takeaway), ("Summary", clip.summary)):
        if text:
            parts.append(f"<p><b>{label}</b><br>{escape(text)}</p>")
    if note and clip.note:
        parts.append(f"<p><b>Note</b><br>{escape(clip.note)}</p>")
    if clip.line:
        parts.append(f"<p style='color:#999'>Document line {clip.line}</p>")
    return "\n".join(parts)


def episode_html(episode: Episode) -> str:
    parts = [f"<h3>{escape(episode.title or 'Untitled episode')}</h3>"]
    meta = [escape(x) for x in (episode.channel, format_clock(episode.duration_ms)) if x]
    if episode.duration_ms is None and meta:
        meta = meta[:1]
    if meta:
        parts.append(f"<p style='color:#777'>{' · '.join(meta)}</p>")
    if episode.summary:
        for para in episode.summary.split("\n\n"):
            parts.append(f"<p>{escape(para)}</p>")
    parts.append("<p style='color:#999'>Select a clip to see its quote and notes.</p>")
    return "\n".join(parts)


class DetailsPanel(QWidget):
    note_committed = Signal(str, str)  # clip id, note: leaving the note field or Ctrl+Enter

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = QTextBrowser(self)
        self.text.setObjectName("details")
        self.text.setOpenLinks(False)
        self.text.setOpenExternalLinks(False)
        # Where the bounds sit against the pauses in speech (filled by the editing side).
        self.pause_status = QLabel(self)
        self.pause_status.setObjectName("pauseStatus")
        self.pause_status.setStyleSheet(f"color: {TIME_TEXT.name()};")
        self.pause_status.setWordWrap(True)  # its lines must not widen a narrow window
        self.pause_status.hide()
        self.note_label = QLabel("Note", self)
        self.note_edit = QPlainTextEdit(self)
        self.note_edit.setObjectName("clipNote")
        self.note_edit.setPlaceholderText("A note on this clip (kept when you leave the field)")
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setMaximumHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.note_edit.installEventFilter(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.pause_status)
        layout.addWidget(self.note_label)
        layout.addWidget(self.note_edit)
        self._episode: Episode | None = None
        self.clip: Clip | None = None
        self._notes_editable = False
        self._show_note_edit()

    def set_pause_status(self, text: str) -> None:
        """How the shown clip's bounds lie against the pauses; "" hides it."""
        self.pause_status.setText(text)
        self.pause_status.setVisible(bool(text))

    def set_notes_editable(self, editable: bool) -> None:
        self._notes_editable = editable
        self.show_clip(self.clip)

    def _show_note_edit(self, other_clip: bool = True) -> None:
        visible = self._notes_editable and self.clip is not None
        self.note_label.setVisible(visible)
        self.note_edit.setVisible(visible)
        # The same clip redrawn while its note is being typed keeps what is typed.
        clip = self.clip
        if (
            visible
            and clip is not None
            and (other_clip or not self.note_edit.hasFocus())
            and self.note_edit.toPlainText() != clip.note
        ):
            self.note_edit.setPlainText(clip.note)

    def commit_note(self) -> None:
        text = self.note_edit.toPlainText()
        if self.clip is not None and self._notes_editable and text != self.clip.note:
            self.note_committed.emit(self.clip.id, text)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.note_edit:
            if event.type() == QEvent.Type.FocusOut:
                self.commit_note()
            elif (
                event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier
            ):
                self.commit_note()
                return True
        return super().eventFilter(watched, event)

    def refresh_clip(self, clip: Clip) -> None:
        """The shown clip changed (bounds, status, note): draw it again."""
        if self.clip is not None and clip.id == self.clip.id:
            self.show_clip(clip)

    def show_episode(self, episode: Episode | None) -> None:
        self._episode = episode
        self.clip = None
        self.text.setHtml(episode_html(episode) if episode else "")
        self._show_note_edit()

    def show_clip(self, clip: Clip | None) -> None:
        other = self.clip is None or clip is None or clip.id != self.clip.id
        if other and self.clip is not None:
            self.commit_note()  # a half-typed note goes with the clip it was typed for
        self.clip = clip
        if clip is None:
            self.show_episode(self._episode)
        else:
            self.text.setHtml(clip_html(clip, note=not self._notes_editable))
        self._show_note_edit(other)

    def plain_text(self) -> str:
        return self.text.toPlainText()
