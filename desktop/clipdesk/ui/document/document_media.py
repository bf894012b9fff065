"""Chooses, resolves and opens the media for the open document, and records it.

Order: an explicit choice (--media, Media › Attach), the media binding of the project
file (else the choice remembered in the settings), a video next to the document named
after it or its video_id, the generated example video, then the document's own URL.
URLs are resolved by yt-dlp off the GUI thread; an expired resolution is redone once
when the player fails on it. The user's own choice is kept in the project file with the
media's duration and frame rate as the player learns them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from PySide6.QtCore import QObject, QTimer, Signal

from clipdesk.core.episode import Episode
from clipdesk.core.media_location import is_url, sidecar_media
from clipdesk.core.project_file import MediaBinding
from clipdesk.media.stream_resolver import ResolvedStream, StreamResolver
from clipdesk.ui.common import messages
from clipdesk.ui.common.background import Background
from clipdesk.ui.common.settings import Settings
from clipdesk.ui.document.example import example_video_target, is_example
from clipdesk.ui.document.open_document import OpenDocument
from clipdesk.ui.player.backend import PlaybackSource
from clipdesk.ui.player.player import Player
from clipdesk.ui.resources import EXAMPLE_DURATION_S

SHOWN_GRACE_MS = 300
# Media choices worth recording in the project file: the user's own. A found sidecar,
# the example video or the document's URL are found again on every open.
RECORDED_ORIGINS = ("explicit", "remembered")


@dataclass
class MediaChoice:
    location: str
    origin: str  # "explicit", "remembered", "sidecar", "example", "document url"


class DocumentMedia(QObject):
    status_changed = Signal(str)
    notice_changed = Signal(str)  # what the player area should say instead of a picture
    opened = Signal(object)  # PlaybackSource

    def __init__(
        self,
        document: OpenDocument,
        player: Player,
        settings: Settings,
        background: Background,
        resolver: StreamResolver | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.doc = document
        self.player = player
        self.settings = settings
        self.background = background
        self.resolver = resolver or StreamResolver()
        self.choice: MediaChoice | None = None
        self._generation = 0  # stale background results are ignored
        self._retried_expired = False
        self._held: list[Callable[[], None]] | None = None
        self._remember: str | None = None  # attached: remembered once it opens
        self._playing: str | None = None  # the location the player has open
        self._fallback: MediaChoice | None = None  # plays on if the attached one fails
        player.error.connect(self._on_player_error)
        player.length_changed.connect(self._on_length)
        player.state_changed.connect(lambda _state: self._update_fps())
        document.opened.connect(self._on_document_opened)
        self.opened.connect(lambda _source: self._record())

    @property
    def document(self) -> Path | None:
        return self.doc.path

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
            project = self.doc.project if document == self.doc.path else None
            if project is not None and project.media is not None:
                remembered: str | None = project.media.source
            else:
                remembered = self.settings.media_for(document)
            if remembered and (is_url(remembered) or Path(remembered).is_file()):
                return MediaChoice(remembered, "remembered")
            side = sidecar_media(document, episode)
            if side is not None:
                return MediaChoice(str(side), "sidecar")
            if is_example(document):
                return MediaChoice(str(example_video_target()), "example")
        if episode.url and is_url(episode.url):
            return MediaChoice(episode.url, "document url")
        return None

    def bind(self, override: str | None = None) -> None:
        """Open the media for the document just opened (the window has remembered an
        override already, before the document opened)."""
        document, episode = self.doc.path, self.doc.episode
        assert episode is not None
        self._open_choice(self.choose(document, episode, override))

    def attach(self, location: str) -> None:
        """The user chose a source (Media › Attach): open it, and remember it once it
        opens. What plays now keeps playing until then: a URL that does not resolve or
        a file that is not there never drops a working media."""
        location = location.strip()
        self._remember = location
        playing = self.choice if self._playing is not None else None
        self._open_choice(MediaChoice(location, "explicit"), fallback=playing)

    @property
    def attached(self) -> str | None:
        """The media open in the player now, if any."""
        return self._playing

    def reload(self) -> None:
        if self.choice is not None:
            if is_url(self.choice.location):
                self.resolver.invalidate(self.choice.location)
            self._open_choice(self.choice)

    # -- opening ---------------------------------------------------------------------------
    def _open_choice(self, choice: MediaChoice | None, fallback: MediaChoice | None = None) -> None:
        if self._held is not None:
            self.choice = choice
            self._held.append(lambda: self._open_choice(choice))
            return
        self._generation += 1
        self._retried_expired = False
        self._fallback = fallback
        self.choice = choice
        if not self.player.available:
            # The player area already says what is missing; keep that message.
            where = choice.location if choice else "none"
            self.status_changed.emit(f"Media: {where} (no player)")
            return
        if choice is None:
            self._close_player()
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
            if self._keep_fallback(f"The media file {path} does not exist."):
                return
            self._close_player()
            self._fail(f"The media file {path} does not exist.")
            return
        self._open(PlaybackSource(str(path), label=path.name))

    def _close_player(self) -> None:
        self._playing = None
        self.player.open(None)

    def _keep_fallback(self, why: str) -> bool:
        """The attached media failed while another one plays: keep that one, say so."""
        fallback, self._fallback = self._fallback, None
        self._remember = None
        if fallback is None or self._playing is None:
            return False
        self.choice = fallback
        messages.error(f"{why.rstrip('.')}.\nStill playing {self._playing}.")
        self.status_changed.emit(f"Media: {Path(self._playing).name or self._playing}")
        return True

    def _open(self, source: PlaybackSource) -> None:
        self._fallback = None
        if self._remember and self.document is not None and self.choice is not None:
            self.settings.set_media_for(self.document, self.choice.location)
        self._remember = None
        self._playing = self.choice.location if self.choice is not None else source.location
        self.notice_changed.emit(f"Opening {source.label}…")
        self.player.open(source)
        self.status_changed.emit(f"Media: {source.label}")
        self.opened.emit(source)

    def _resolve(self, url: str, generation: int, force: bool = False) -> None:
        hit = None if force else self.resolver.cached(url)
        if hit is not None:
            self._open_resolved(hit)
            return
        if self._fallback is not None and self._playing is not None:
            self.status_changed.emit(f"Resolving {url} with yt-dlp…")  # the picture stays
        else:
            self._close_player()
            self._say(f"Resolving {url} with yt-dlp…")

        def done(stream: ResolvedStream) -> None:
            if generation == self._generation:
                self._open_resolved(stream)

        def failed(exc: BaseException) -> None:
            if generation == self._generation and not self._keep_fallback(
                f"Could not open {url}: {exc}"
            ):
                self._fail(f"Could not open {url}:\n{exc}")

        host = urlsplit(url).hostname or "the URL"
        self.background.run(
            lambda: self.resolver.resolve(url, force=force), done, failed, f"Resolving {host}"
        )

    def _open_resolved(self, stream: ResolvedStream) -> None:
        headers = tuple(stream.http_headers.items())
        self._open(
            PlaybackSource(
                stream.video_url,
                audio=stream.audio_url,
                label=stream.title or stream.page_url,
                http_headers=headers,
            )
        )

    def _generate_example(self, path: Path, generation: int) -> None:
        from clipdesk.media.demo_video import make_demo_video

        self._close_player()
        self._say("Generating the example video with ffmpeg (a few seconds)…")

        def done(made: Path) -> None:
            if generation == self._generation:
                self._open(PlaybackSource(str(made), label=made.name))

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                self._fail(
                    f"Could not generate the example video: {exc}\nRun: python -m "
                    f"clipdesk.media.demo_video {path} --duration {EXAMPLE_DURATION_S} --if-missing"
                )

        self.background.run(
            lambda: make_demo_video(path, EXAMPLE_DURATION_S),
            done,
            failed,
            "Generating the example video",
        )

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
        self.notice_changed.emit(text)
        self.status_changed.emit(text.splitlines()[0])

    def _fail(self, text: str) -> None:
        self.notice_changed.emit(f"{text}\n\nUse Media › Attach to choose a file or another URL.")
        self.status_changed.emit("Media: not available")
        messages.error(text)

    # -- the record in the project file ---------------------------------------------------
    def playing_location(self) -> str | None:
        """What the player was given, unless it is only the document's own URL."""
        if self.choice is None or self.choice.origin == "document url":
            return None
        return self.choice.location

    def _on_document_opened(self) -> None:
        if self.player.length:
            self._on_length(self.player.length)

    def _on_length(self, ms: int) -> None:
        timebase = self.doc.timebase
        if timebase is None or self.doc.project is None or ms <= 0:
            return
        timebase.duration_ms = ms
        self._update_fps()
        self._record()

    def _update_fps(self) -> None:
        # libvlc knows the frame rate only once it decodes: ask again as the state moves.
        backend, timebase = self.player.backend, self.doc.timebase
        if timebase is None or self.doc.project is None or backend is None:
            return
        if not self.player.length:
            return
        fps = backend.fps()
        if fps and timebase.fps != fps:
            timebase.fps = fps
            self._record()

    def _record(self) -> None:
        """Keep the media binding in the project file: source, duration, frame rate."""
        project, timebase, choice = self.doc.project, self.doc.timebase, self.choice
        if project is None or timebase is None or choice is None:
            return
        if choice.origin not in RECORDED_ORIGINS or self.doc.is_example:
            return  # the example finds its own video
        binding = MediaBinding(choice.location, timebase.duration_ms, timebase.fps)
        if binding != project.media:
            project.set_media(binding)
