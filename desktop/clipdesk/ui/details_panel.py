"""The selected clip's words: title, times, quote and speaker, takeaway, summary."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from clipdesk.core.episode import Clip, Episode
from clipdesk.core.timecode import format_clock


def clip_html(clip: Clip) -> str:
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
    if clip.note:
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
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = QTextBrowser(self)
        self.text.setObjectName("details")
        self.text.setOpenLinks(False)
        self.text.setOpenExternalLinks(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text)
        self._episode: Episode | None = None
        self.clip: Clip | None = None

    def show_episode(self, episode: Episode | None) -> None:
        self._episode = episode
        self.clip = None
        self.text.setHtml(episode_html(episode) if episode else "")

    def show_clip(self, clip: Clip | None) -> None:
        self.clip = clip
        if clip is None:
            self.show_episode(self._episode)
        else:
            self.text.setHtml(clip_html(clip))

    def plain_text(self) -> str:
        return self.text.toPlainText()
