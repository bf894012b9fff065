"""Chooses, resolves and opens the media for a document.

Order: an explicit choice (--media, Media › Attach), the choice remembered for the
document, a video next to the document named after it or its video_id, the generated
example video, then the document's own URL. URLs are resolved by yt-dlp off the GUI
thread; an expired resolution is redone once when the player fails on it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from clipdesk.core.episode import Episode
from clipdesk.media.stream_resolver import ResolvedStream, StreamResolver
from clipdesk.ui.common import messages
from clipdesk.ui.common.background import Background
from clipdesk.ui.common.settings import Settings, cache_dir
from clipdesk.ui.player.backend import MediaSource
from clipdesk.ui.player.player import Player
from clipdesk.ui.player.player_widget import PlayerWidget
from clipdesk.ui.resources import EXAMPLE_DURATION_S, example_document, example_video

VIDEO_EXTS = (".mp4", ".mkv", ".webm", ".mov", ".m4v", ".avi", ".mp3", ".m4a", ".opus")
_URL = re.compile(r"^https?://", re.IGNORECASE)
SHOWN_GRACE_MS = 300


def is_url(location: str) -> bool:
    return bool(_URL.match(location.strip()))


def sidecar_media(document: Path, episode: Episode) -> Path | None:
    """A media file beside the document, named like the document or its video_id."""
    stems = [document.stem]
    if episode.video_id and re.fullmatch(r"[\w.-]+", episode.video_id):
        stems.append(episode.video_id)
    for stem in stems:
        for ext in VIDEO_EXTS:
            candidate = document.with_name(stem + ext)
            if candidate.is_file():
                return candidate
    return None


def example_video_target() -> Path:
    """Where the example video is (or will be) generated: beside the example, else the cache."""
    target = example_video()
    if target.is_file() or os.access(target.parent, os.W_OK):
        return target
    return cache_dir() / "example.mp4"


@dataclass
class MediaChoice:
    location: str
    origin: str  # "explicit", "remembered", "sidecar", "example", "document url"


class MediaBinding(QObject):
    status_changed = Signal(str)
    opened = Signal(object)  # MediaSource

    def __init__(
        self,
        player: Player,
        view: PlayerWidget,
        settings: Settings,
        background: Background,
        resolver: StreamResolver | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.player = player
        self.view = view
        self.settings = settings
        self.background = background
        self.resolver = resolver or StreamResolver()
        self.document: Path | None = None
        self.choice: MediaChoice | None = None
        self._generation = 0  # stale background results are ignored
        self._retried_expired = False
        self._held: list[Callable[[], None]] | None = None
        player.error.connect(self._on_player_error)

    # -- start-up -------------------------------------------------------------------------
    def hold_until_shown(self) -> None:
        """Open media only once the window is up: libvlc starting its decoders and
        yt-dlp's import compete with the window's first paint for two cores."""
        if self._held is None:
            self._held = []

    def window_shown(self) -> None:
        if self._held is not None:
            QTimer.singleShot(SHOWN_GRACE_MS, self._release_held)

    def _release_held(self) -> None:
        held, self._held = self._held or [], None
        for job in held:
            job()

    # -- choosing ------------------------------------------------------------------------
    def choose(
        self, document: Path | None, episode: Episode, override: str | None
    ) -> MediaChoice | None:
        if override:
            return MediaChoice(override, "explicit")
        if document is not None:
            remembered = self.settings.media_for(document)
            if remembered and (is_url(remembered) or Path(remembered).is_file()):
                return MediaChoice(remembered, "remembered")
            side = sidecar_media(document, episode)
            if side is not None:
                return MediaChoice(str(side), "sidecar")
            if _same_file(document, example_document()):
                return MediaChoice(str(example_video_target()), "example")
        if episode.url and is_url(episode.url):
            return MediaChoice(episode.url, "document url")
        return None

    def bind(self, document: Path | None, episode: Episode, override: str | None = None) -> None:
        """Open the media for a freshly loaded document."""
        self.document = document
        choice = self.choose(document, episode, override)
        if override and document is not None:
            self.settings.set_media_for(document, override)
        self._open_choice(choice)

    def attach(self, location: str) -> None:
        """The user chose a source (Media › Attach): open it and remember it."""
        location = location.strip()
        if self.document is not None:
            self.settings.set_media_for(self.document, location)
        self._open_choice(MediaChoice(location, "explicit"))

    def reload(self) -> None:
        if self.choice is not None:
            if is_url(self.choice.location):
                self.resolver.invalidate(self.choice.location)
            self._open_choice(self.choice)

    # -- opening ---------------------------------------------------------------------------
    def _open_choice(self, choice: MediaChoice | None) -> None:
        if self._held is not None:
            self.choice = choice
            self._held.append(lambda: self._open_choice(choice))
            return
        self._generation += 1
        self._retried_expired = False
        self.choice = choice
        if not self.player.available:
            # The player area already says what is missing; keep that message.
            where = choice.location if choice else "none"
            self.status_changed.emit(f"Media: {where} (no player)")
            return
        if choice is None:
            self.player.open(None)
            self._say("No media for this document. Use Media › Attach to choose a file or URL.")
            return
        loc = choice.location
        if is_url(loc):
            self._resolve(loc, self._generation)
            return
        path = Path(loc).expanduser()
        if not path.is_file():
            if choice.origin == "example":
                self._generate_example(path, self._generation)
                return
            self.player.open(None)
            self._fail(f"The media file {path} does not exist.")
            return
        self._open(MediaSource(str(path), label=path.name))

    def _open(self, source: MediaSource) -> None:
        self.view.show_notice(f"Opening {source.label}…")
        self.player.open(source)
        self.status_changed.emit(f"Media: {source.label}")
        self.opened.emit(source)

    def _resolve(self, url: str, generation: int, force: bool = False) -> None:
        hit = None if force else self.resolver.cached(url)
        if hit is not None:
            self._open_resolved(hit)
            return
        self.player.open(None)
        self._say(f"Resolving {url} with yt-dlp…")

        def done(stream: ResolvedStream) -> None:
            if generation == self._generation:
                self._open_resolved(stream)

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                self._fail(f"Could not open {url}:\n{exc}")

        self.background.run(lambda: self.resolver.resolve(url, force=force), done, failed)

    def _open_resolved(self, stream: ResolvedStream) -> None:
        headers = tuple(stream.http_headers.items())
        self._open(
            MediaSource(
                stream.video_url,
                audio=stream.audio_url,
                label=stream.title or stream.page_url,
                http_headers=headers,
            )
        )

    def _generate_example(self, path: Path, generation: int) -> None:
        from clipdesk.media.demo_video import make_demo_video

        self.player.open(None)
        self._say("Generating the example video with ffmpeg (a few seconds)…")

        def done(made: Path) -> None:
            if generation == self._generation:
                self._open(MediaSource(str(made), label=made.name))

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                self._fail(
                    f"Could not generate the example video: {exc}\nRun: python -m "
                    f"clipdesk.media.demo_video {path} --duration {EXAMPLE_DURATION_S} --if-missing"
                )

        self.background.run(lambda: make_demo_video(path, EXAMPLE_DURATION_S), done, failed)

    def _on_player_error(self, message: str) -> None:
        if self.choice is None:
            return
        loc = self.choice.location
        if is_url(loc) and not self._retried_expired:
            # Signed stream URLs expire: resolve once more before giving up.
            self._retried_expired = True
            self.resolver.invalidate(loc)
            self._resolve(loc, self._generation, force=True)
            return
        self._fail(f"Could not play {loc}.\n{message}")

    def _say(self, text: str) -> None:
        self.view.show_notice(text)
        self.status_changed.emit(text.splitlines()[0])

    def _fail(self, text: str) -> None:
        self.view.show_notice(f"{text}\n\nUse Media › Attach to choose a file or another URL.")
        self.status_changed.emit("Media: not available")
        messages.error(text)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False
