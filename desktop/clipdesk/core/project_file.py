"""The project file beside a document (DOC.clipdesk.yaml): the editor's work on it.

It holds what the document itself does not: bound, title, review and note edits per clip
(keyed by clip id, only what differs from the document), clips the editor added, clips
deleted, the clip order, the media binding, the document-to-media offset, and the export
settings and queue (opaque here: the export engine owns their shapes). The document
changes only when the user saves it; reopening it restores this work.

Writes are atomic (temporary file in the same folder, fsync, rename, fsync the folder),
so a kill at any moment leaves either the previous or the new file. A file that cannot
be read or does not validate is moved aside and the document opens clean.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as _dt
import errno
import functools
import hashlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clipdesk.core.atomic_file import remove_stale_temporaries, write_atomic
from clipdesk.core.bounds import EditRefused, Timebase, check_bounds
from clipdesk.core.clip_store import ClipStore
from clipdesk.core.episode import Clip, ClipKind, ReviewStatus
from clipdesk.core.identifiers import is_clip_id
from clipdesk.core.project_lock import LockHolder, ProjectLock, acquire
from clipdesk.core.project_text import (
    ProjectTextError,
    check_no_aliases,
    declared_schema,
    read_bounded,
    seal,
    unseal,
)

if TYPE_CHECKING:
    import yaml

SCHEMA = 1


@functools.cache
def _yaml_classes() -> tuple[type, type]:
    """The safe loader and dumper, in C when PyYAML was built with libyaml (about 10x
    faster: autosave runs on the GUI thread). Both build only plain data: no tags, no
    objects. PyYAML loads here, with the first project file read or written: exporting
    a document that has none (a plain .txt) never needs it."""
    import yaml

    base_dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

    class _SafeDumper(base_dumper):  # type: ignore[misc, valid-type]
        """Never anchors and aliases, even for an object that appears twice: readers
        refuse them."""

        def ignore_aliases(self, data: Any) -> bool:
            return True

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader), _SafeDumper


SUFFIX = ".clipdesk.yaml"
# Clip fields a project file records; the rest come from the document.
EDIT_FIELDS = ("start_ms", "end_ms", "title", "review", "note")
ADDED_FIELDS = (
    "id",
    "kind",
    "title",
    "start_ms",
    "end_ms",
    "review",
    "note",
    "quote",
    "speaker",
    "summary",
    "takeaway",
)


class ProjectFileError(ValueError):
    """A project file that cannot be used; str() names the file."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class ProjectFileNewer(ProjectFileError):
    """A project file of a newer schema: opened read-only, never moved aside."""

    def __init__(self, path: Path, schema: int) -> None:
        super().__init__(path, f"uses schema {schema}, newer than this Clipdesk reads ({SCHEMA})")
        self.schema = schema


class ProjectReadOnly(OSError):
    """This window may not write the project file (another holds it, or it is newer)."""


def project_path(document: Path | str) -> Path:
    document = Path(document)
    return document.with_name(document.name + SUFFIX)


def backup_path(project_file: Path) -> Path:
    return project_file.with_name(project_file.name + ".bak")


def fallback_project_path(document: Path | str, folder: Path) -> Path:
    """Where the project file of a document in a folder that cannot be written lives:
    in folder (the user's data folder), keyed by the document's absolute path."""
    document = Path(document).absolute()
    key = hashlib.sha256(os.fsencode(document)).hexdigest()[:16]
    return folder / f"{key}-{document.name}{SUFFIX}"


# A folder that refuses writes: the project file goes to the fallback folder instead.
_UNWRITABLE = (errno.EACCES, errno.EPERM, errno.EROFS)


@dataclass
class MediaBinding:
    """The media the document is played against: a local path or an http(s) URL."""

    source: str
    duration_ms: int | None = None
    fps: float | None = None


@dataclass
class LoadResult:
    loaded: bool = False  # a project file was found and applied
    moved_aside: Path | None = None
    messages: list[str] = field(default_factory=list)
    read_only: str = ""  # why this window saves nothing, when it does not


@dataclass(frozen=True)
class _Baseline:
    """A document clip as the document has it, to record only what the editor changed."""

    kind: ClipKind
    start_ms: int
    end_ms: int | None
    title: str
    review: ReviewStatus
    note: str

    def match(self) -> dict[str, Any]:
        """What identifies the clip in the document besides its id. Ids are positional
        (highlight-3): a clip added to or removed from the document shifts them."""
        return {"kind": self.kind.value, "title": self.title, "start_ms": self.start_ms}


class Project:
    """The project file of one open document, over its ClipStore and Timebase.

    Construct it right after reading the document (before any edit): the clips as they
    are then are the document's, and only differences from them are written.
    """

    def __init__(
        self,
        document: Path | str,
        store: ClipStore,
        timebase: Timebase,
        fallback_dir: Path | None = None,
    ) -> None:
        self.document = Path(document)
        self.path = project_path(self.document)
        # Where the project file goes when the document's folder cannot be written.
        self.fallback_dir = fallback_dir
        # Why this window must not write the project file ("" when it may).
        self.read_only = ""
        self._lock: ProjectLock | None = None
        self._on_disk: bytes | None = None  # what the last save wrote (the lock holder's)
        self.store = store
        self.timebase = timebase
        self.media: MediaBinding | None = None
        self.export_settings: dict[str, Any] = {}
        self.export_queue: list[dict[str, Any]] = []
        self._baseline = _baseline(store)
        self._listeners: list[Callable[[str], None]] = []

    # -- state the store does not hold -------------------------------------------
    def subscribe(self, listener: Callable[[str], None]) -> Callable[[], None]:
        """listener(name) hears of changes to media, export_settings and export_queue."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _emit(self, name: str) -> None:
        for listener in list(self._listeners):
            listener(name)

    def set_media(self, media: MediaBinding | None) -> None:
        self.media = media
        if media is not None:
            if media.duration_ms:
                self.timebase.duration_ms = media.duration_ms
            if media.fps:
                self.timebase.fps = media.fps
        self._emit("media")

    def set_export_settings(self, settings: dict[str, Any]) -> None:
        _check_plain(settings, "export settings")
        self.export_settings = dict(settings)
        self._emit("export_settings")

    def set_export_queue(self, queue: list[dict[str, Any]]) -> None:
        _check_plain(queue, "export queue")
        self.export_queue = [dict(job) for job in queue]
        self._emit("export_queue")

    def is_document_clip(self, clip_id: str) -> bool:
        return clip_id in self._baseline

    def document_saved(self, reread: Mapping[str, tuple[int, int | None]] | None = None) -> None:
        """Save Document wrote the clips' bounds into the document: bounds are recorded
        relative to that from now on. Titles, review, notes, deletions and added clips
        are not in the document, so they stay recorded here. Save the project file next.

        reread holds the bounds the written document gives when read again, by clip id.
        A document cannot hold every bound (a segment's end is the next one's start, an
        embedded player's end is whole seconds): what it does not hold stays recorded
        here, so reopening restores the bounds as they were edited."""
        present = {c.id: c for c in self.store}
        for cid, base in self._baseline.items():
            clip = present.get(cid)
            if clip is not None:
                written = (clip.start_ms, clip.end_ms)
                start, end = written if reread is None else reread.get(cid, written)
                self._baseline[cid] = dataclasses.replace(base, start_ms=start, end_ms=end)

    # -- saving --------------------------------------------------------------------
    def to_data(self) -> dict[str, Any]:
        edits: dict[str, dict[str, Any]] = {}
        added: list[dict[str, Any]] = []
        for clip in self.store:
            base = self._baseline.get(clip.id)
            if base is None:
                added.append({k: _plain(getattr(clip, k)) for k in ADDED_FIELDS})
                continue
            changed = {
                k: _plain(getattr(clip, k))
                for k in EDIT_FIELDS
                if getattr(clip, k) != getattr(base, k)
            }
            if changed:
                edits[clip.id] = {"match": base.match(), **changed}
        present = {c.id for c in self.store}
        media = None
        if self.media is not None:
            media = {k: v for k, v in dataclasses.asdict(self.media).items() if v is not None}
        return {
            "schema": SCHEMA,
            "document": self.document.name,
            "saved_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="milliseconds"),
            "media": media,
            "offset_ms": self.timebase.offset_ms,
            "clips": edits,
            "added": added,
            "deleted": [
                {"id": cid, **base.match()}
                for cid, base in self._baseline.items()
                if cid not in present
            ],
            "order": [c.id for c in self.store],
            # Copies: a snapshot may be written on another thread while editing goes on.
            "export_settings": copy.deepcopy(self.export_settings),
            "export_queue": copy.deepcopy(self.export_queue),
        }

    def save(self, data: dict[str, Any] | None = None) -> Path:
        """Write the project file atomically: the given snapshot (from to_data(), which
        is safe to write from another thread) or the current state. Raises OSError when
        it cannot be written."""
        if self.read_only:
            raise ProjectReadOnly(errno.EROFS, self.read_only, str(self.path))
        if data is None:
            data = self.to_data()
        import yaml

        text = "# Clipdesk project file: edits to the document beside it.\n" + yaml.dump(
            data, Dumper=_yaml_classes()[1], sort_keys=False, allow_unicode=True, width=100
        )
        sealed = seal(text)
        try:
            self._back_up()
            write_atomic(self.path, sealed)
        except OSError as exc:
            # The folder became read-only (a remount, changed permissions): go on in
            # the fallback folder rather than lose the edits.
            if exc.errno not in _UNWRITABLE or not self._relocate():
                raise
            write_atomic(self.path, sealed)
        self._on_disk = sealed
        return self.path

    def _back_up(self) -> None:
        """Keep the version about to be replaced as DOC.clipdesk.yaml.bak, when it is
        whole (a damaged file must not replace a good backup)."""
        previous = self._on_disk
        if previous is None:
            try:
                previous = read_bounded(self.path)
                unseal(previous)
            except (OSError, ProjectTextError):
                return
        write_atomic(backup_path(self.path), previous)

    # -- the lock and the file's place ---------------------------------------------
    def _relocate(self) -> bool:
        """Move to the fallback folder (once); False when there is none."""
        if self.fallback_dir is None or self.path != project_path(self.document):
            return False
        target = fallback_project_path(self.document, self.fallback_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        self.release()
        self.path = target
        self._on_disk = None
        self._take_lock()
        if self.read_only:
            raise ProjectReadOnly(errno.EROFS, self.read_only, str(self.path))
        return True

    def _take_lock(self) -> str:
        """Lock self.path, relocating when its folder cannot be written; a message for
        the user when this window ends up somewhere else or read-only, else ""."""
        try:
            got = acquire(self.path)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            beside = self.path == project_path(self.document)
            if exc.errno in _UNWRITABLE and beside and self.fallback_dir is not None:
                self.path = fallback_project_path(self.document, self.fallback_dir)
                try:
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                except OSError as again:
                    self.read_only = f"neither the document's folder nor {self.path.parent} "
                    self.read_only += f"can be written ({again.strerror or again})"
                    return f"{self.document.name}: {self.read_only}; edits are not saved."
                note = self._take_lock()
                return note or (
                    f"The folder of {self.document.name} cannot be written ({reason}): "
                    f"its edits are saved in {self.path}."
                )
            self.read_only = f"{self.path.name} cannot be locked ({reason})"
            return f"{self.read_only}: this window saves nothing."
        if isinstance(got, LockHolder):
            self.read_only = f"{self.path.name} is open in {got.describe()}"
            return (
                f"{self.read_only}: this window shows it read-only and saves nothing. "
                "Close the other window to edit here."
            )
        self._lock = got
        return ""

    def release(self) -> None:
        """Let go of the lock (the document is closing)."""
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def rebind(self, document: Path | str) -> None:
        """The document was saved under a new name: its project file goes along."""
        self.release()
        self.document = Path(document)
        self.path = project_path(self.document)
        self.read_only = ""
        self._on_disk = None
        self._take_lock()

    # -- loading -------------------------------------------------------------------
    def load(self) -> LoadResult:
        """Apply the project file, if there is one. Never raises for a bad file: it is
        moved aside, the document stays as read, and the result says what happened."""
        result = LoadResult()
        note = self._take_lock()
        if note:
            result.messages.append(note)
        result.read_only = self.read_only
        if not self.read_only:
            remove_stale_temporaries(self.path)
        source = self._newest_source()
        if source is None:
            return result
        try:
            data = read_project(source)
            result.messages.extend(self._apply(data))
            result.loaded = True
        except ProjectFileNewer as exc:
            # Written by a newer Clipdesk: neither moved aside nor written over.
            self.release()
            self.read_only = f"{source.name} was written by a newer Clipdesk"
            result.read_only = self.read_only
            result.messages.insert(0, f"{exc}: it is left as it is and this window saves nothing.")
        except ProjectFileError as exc:
            if self.read_only or source != self.path:
                # Not ours to move: another window holds it, or its folder is read-only.
                result.messages.insert(0, f"{exc}; the document opens without it.")
                return result
            result.moved_aside = move_aside(self.path)
            where = (
                f"it was moved to {result.moved_aside.name}"
                if result.moved_aside
                else "it could not be moved aside"
            )
            restored = self._apply_backup(result)
            then = restored or "the document opens without it"
            result.messages.insert(0, f"{exc}; {where} and {then}.")
        return result

    def _apply_backup(self, result: LoadResult) -> str:
        """Apply the backup of a project file that could not be used; what was done,
        or "" when there is no usable backup."""
        backup = backup_path(self.path)
        try:
            data = read_project(backup)
        except ProjectFileError:
            return ""
        result.messages.extend(self._apply(data))
        result.loaded = True
        saved = f", saved {data['saved_at']}" if data.get("saved_at") else ""
        return f"the previous version was restored from {backup.name}{saved}"

    def read_only_apply(self) -> list[str]:
        """Apply the project file without touching it: no moving aside, no clean-up of
        temporaries (a window may be writing it right now). For headless readers such as
        `clipdesk export`. Raises ProjectFileError for a bad file; returns messages."""
        source = self._newest_source()
        if source is None:
            return []
        try:
            return self._apply(read_project(source))
        except ProjectFileNewer:
            raise
        except ProjectFileError as exc:
            result = LoadResult()
            restored = self._apply_backup(result)
            if not restored:
                raise
            return [f"{exc}; {restored}.", *result.messages]

    def _newest_source(self) -> Path | None:
        """The newer of the project file beside the document and the one in the
        fallback folder (saved there while the document's folder was read-only)."""
        places = [project_path(self.document)]
        if self.fallback_dir is not None:
            places.append(fallback_project_path(self.document, self.fallback_dir))
        found = []
        for place in places:
            try:
                found.append((os.stat(place).st_mtime_ns, place))
            except OSError:
                continue
        return max(found)[1] if found else None

    def _apply(self, data: dict[str, Any]) -> list[str]:
        messages: list[str] = []
        name = self.path.name
        by_id = {c.id: dataclasses.replace(c) for c in self.store}
        resolve = _Resolver(self._baseline)
        for entry in data["deleted"]:
            cid = resolve(entry["id"], entry.get("match"))
            if cid is None or by_id.pop(cid, None) is None:
                messages.append(
                    f"{name}: deleted clip {entry['id']!r} is no longer in the document."
                )
        for saved_id, changes in data["clips"].items():
            changes = dict(changes)
            cid = resolve(saved_id, changes.pop("match", None))
            clip = by_id.get(cid) if cid is not None else None
            if clip is None:
                messages.append(
                    f"{name}: clip {saved_id!r} is no longer in the document; "
                    "its edits were dropped."
                )
                continue
            start = changes.get("start_ms", clip.start_ms)
            end = changes.get("end_ms", clip.end_ms)
            try:
                check_bounds(start, end)
            except EditRefused as exc:
                messages.append(f"{name}: clip {saved_id!r}: {exc} Its bounds were not restored.")
                changes = {k: v for k, v in changes.items() if k not in ("start_ms", "end_ms")}
            for k, v in changes.items():
                setattr(clip, k, v)
        for entry in data["added"]:
            if entry["id"] in by_id:
                messages.append(f"{name}: added clip {entry['id']!r} clashes with the document.")
                continue
            try:
                check_bounds(entry["start_ms"], entry["end_ms"])
            except EditRefused as exc:
                messages.append(f"{name}: added clip {entry['id']!r}: {exc} It was dropped.")
                continue
            by_id[entry["id"]] = Clip(**entry)
        order = [resolve.moved.get(cid, cid) for cid in data["order"]]
        ordered = [by_id.pop(cid) for cid in order if cid in by_id]
        # Clips the project does not place (new in the document) keep the document's order.
        ordered += [c for c in by_id.values()]
        self.store.reset(ordered)
        self.timebase.offset_ms = data["offset_ms"]
        if data["media"] is not None:
            self.set_media(MediaBinding(**data["media"]))
        self.export_settings = data["export_settings"]
        self.export_queue = data["export_queue"]
        return messages


def _baseline(store: ClipStore) -> dict[str, _Baseline]:
    return {c.id: _Baseline(c.kind, c.start_ms, c.end_ms, c.title, c.review, c.note) for c in store}


class _Resolver:
    """Finds the document clip a saved id meant: the same id when the document still has
    that clip there, else the clip with the same kind, title and start (the document
    gained or lost clips before it), else none. Each document clip is claimed once."""

    def __init__(self, baseline: dict[str, _Baseline]) -> None:
        self.baseline = baseline
        self.by_match: dict[tuple[Any, ...], list[str]] = {}
        for cid, base in baseline.items():
            self.by_match.setdefault(_key(base.match()), []).append(cid)
        self.claimed: set[str] = set()
        self.moved: dict[str, str] = {}  # saved id -> document id, where they differ

    def __call__(self, saved_id: str, match: dict[str, Any] | None) -> str | None:
        base = self.baseline.get(saved_id)
        found: str | None = None
        if base is not None and (match is None or _key(base.match()) == _key(match)):
            found = saved_id
        elif match is not None:
            found = next(
                (c for c in self.by_match.get(_key(match), []) if c not in self.claimed), None
            )
        if found is None or found in self.claimed:
            return None
        self.claimed.add(found)
        if found != saved_id:
            self.moved[saved_id] = found
        return found


def _key(match: dict[str, Any]) -> tuple[Any, ...]:
    return (match.get("kind"), match.get("title"), match.get("start_ms"))


# -- reading and validating --------------------------------------------------------


def read_project(path: Path) -> dict[str, Any]:
    """Read and validate a project file into plain, typed values (review as ReviewStatus,
    kind as ClipKind). Raises ProjectFileError with a message naming what is wrong
    (ProjectFileNewer for a file of a newer schema)."""
    import yaml

    loader = _yaml_classes()[0]
    try:
        raw_bytes = read_bounded(path)
        schema = declared_schema(raw_bytes)
        if schema is not None and schema > SCHEMA:
            raise ProjectFileNewer(path, schema)
        text = unseal(raw_bytes)
        check_no_aliases(text, loader)
    except OSError as exc:
        raise ProjectFileError(path, f"cannot be read ({exc.strerror or exc})") from None
    except ProjectTextError as exc:
        raise ProjectFileError(path, str(exc)) from None
    except yaml.YAMLError as exc:
        raise _not_yaml(path, exc) from None
    try:
        raw = yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        raise _not_yaml(path, exc) from None
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        # Values the safe constructor cannot build (2026-02-31) or runaway nesting.
        raise ProjectFileError(path, f"cannot be read ({type(exc).__name__}: {exc})") from None
    return _Validator(path).project(raw)


def _not_yaml(path: Path, exc: yaml.YAMLError) -> ProjectFileError:
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1}" if mark is not None else ""
    return ProjectFileError(path, f"is not valid YAML{where}")


class _Validator:
    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, message: str) -> ProjectFileError:
        return ProjectFileError(self.path, message)

    def project(self, raw: Any) -> dict[str, Any]:
        if not isinstance(raw, dict):
            raise self.fail("is not a Clipdesk project file (no mapping at the top)")
        schema = raw.get("schema")
        if schema != SCHEMA:
            if isinstance(schema, int) and not isinstance(schema, bool) and schema > SCHEMA:
                raise ProjectFileNewer(self.path, schema)
            raise self.fail(f"has no valid schema number (found {schema!r})")
        out: dict[str, Any] = {}
        saved_at = raw.get("saved_at")
        out["saved_at"] = saved_at[:40] if isinstance(saved_at, str) else ""
        out["offset_ms"] = self.integer(raw.get("offset_ms", 0), "offset_ms")
        out["media"] = self.media(raw.get("media"))
        clips = raw.get("clips") or {}
        if not isinstance(clips, dict):
            raise self.fail("'clips' must be a mapping of clip id to edits")
        out["clips"] = {
            self.clip_id(cid, "clip id"): self.edits(v, f"clips.{cid}") for cid, v in clips.items()
        }
        out["added"] = [
            self.added(v, f"added[{i}]") for i, v in enumerate(self.listof(raw, "added"))
        ]
        out["deleted"] = [
            self.deleted(v, f"deleted[{i}]") for i, v in enumerate(self.listof(raw, "deleted"))
        ]
        out["order"] = [self.clip_id(v, "order id") for v in self.listof(raw, "order")]
        settings = raw.get("export_settings") or {}
        if not isinstance(settings, dict):
            raise self.fail("'export_settings' must be a mapping")
        out["export_settings"] = settings
        queue = self.listof(raw, "export_queue")
        if not all(isinstance(job, dict) for job in queue):
            raise self.fail("'export_queue' must be a list of mappings")
        out["export_queue"] = queue
        return out

    def listof(self, raw: dict[str, Any], key: str) -> list[Any]:
        value = raw.get(key) or []
        if not isinstance(value, list):
            raise self.fail(f"{key!r} must be a list")
        return value

    def integer(self, v: Any, what: str, optional: bool = False) -> Any:
        if v is None and optional:
            return None
        if isinstance(v, bool) or not isinstance(v, int):
            raise self.fail(f"{what} must be a whole number of milliseconds (found {v!r})")
        return v

    def string(self, v: Any, what: str) -> str:
        if not isinstance(v, str):
            raise self.fail(f"{what} must be text (found {v!r})")
        return v

    def clip_id(self, v: Any, what: str) -> str:
        if not is_clip_id(v):
            raise self.fail(f"{what} {v!r} is not a clip id (like highlight-3)")
        return str(v)

    def review(self, v: Any, what: str) -> ReviewStatus:
        try:
            return ReviewStatus(v)
        except ValueError:
            choices = ", ".join(s.value for s in ReviewStatus)
            raise self.fail(f"{what} must be one of {choices} (found {v!r})") from None

    def media(self, v: Any) -> dict[str, Any] | None:
        if v is None:
            return None
        if not isinstance(v, dict) or not isinstance(v.get("source"), str):
            raise self.fail("'media' must be a mapping with a 'source' path or URL")
        fps = v.get("fps")
        if fps is not None and (isinstance(fps, bool) or not isinstance(fps, (int, float))):
            raise self.fail(f"media.fps must be a number (found {fps!r})")
        return {
            "source": v["source"],
            "duration_ms": self.integer(v.get("duration_ms"), "media.duration_ms", True),
            "fps": float(fps) if fps is not None else None,
        }

    def match(self, v: Any, where: str) -> dict[str, Any]:
        if not isinstance(v, dict) or set(v) - {"kind", "title", "start_ms"}:
            raise self.fail(f"{where} must be a mapping of kind, title and start_ms")
        return {
            "kind": self.string(v.get("kind", ""), f"{where}.kind"),
            "title": self.string(v.get("title", ""), f"{where}.title"),
            "start_ms": self.integer(v.get("start_ms"), f"{where}.start_ms", optional=True),
        }

    def deleted(self, v: Any, where: str) -> dict[str, Any]:
        if isinstance(v, str):
            return {"id": self.clip_id(v, f"{where}.id"), "match": None}
        if not isinstance(v, dict) or "id" not in v:
            raise self.fail(f"{where} must be a clip id or a mapping with an id")
        rest = {k: x for k, x in v.items() if k != "id"}
        return {
            "id": self.clip_id(v["id"], f"{where}.id"),
            "match": self.match(rest, where) if rest else None,
        }

    def edits(self, v: Any, where: str) -> dict[str, Any]:
        if not isinstance(v, dict):
            raise self.fail(f"{where} must be a mapping")
        unknown = set(v) - set(EDIT_FIELDS) - {"match"}
        if unknown:
            raise self.fail(f"{where} has unknown fields {sorted(unknown)}")
        out: dict[str, Any] = {}
        for k, value in v.items():
            if k == "start_ms":
                out[k] = self.integer(value, f"{where}.start_ms")
            elif k == "end_ms":
                out[k] = self.integer(value, f"{where}.end_ms", optional=True)
            elif k == "review":
                out[k] = self.review(value, f"{where}.review")
            elif k == "match":
                out[k] = self.match(value, f"{where}.match")
            else:
                out[k] = self.string(value, f"{where}.{k}")
        return out

    def added(self, v: Any, where: str) -> dict[str, Any]:
        if not isinstance(v, dict):
            raise self.fail(f"{where} must be a mapping")
        unknown = set(v) - set(ADDED_FIELDS)
        if unknown:
            raise self.fail(f"{where} has unknown fields {sorted(unknown)}")
        for k in ("id", "start_ms"):
            if k not in v:
                raise self.fail(f"{where} has no {k}")
        out: dict[str, Any] = {
            "id": self.clip_id(v["id"], f"{where}.id"),
            "start_ms": self.integer(v["start_ms"], f"{where}.start_ms"),
            "end_ms": self.integer(v.get("end_ms"), f"{where}.end_ms", optional=True),
            "review": self.review(v.get("review", "unreviewed"), f"{where}.review"),
        }
        try:
            out["kind"] = ClipKind(v.get("kind", "clip"))
        except ValueError:
            raise self.fail(f"{where}.kind {v.get('kind')!r} is not a clip kind") from None
        for k in ("title", "note", "quote", "speaker", "summary", "takeaway"):
            out[k] = self.string(v.get(k, ""), f"{where}.{k}")
        return out


# -- files ---------------------------------------------------------------------------


def move_aside(path: Path) -> Path | None:
    stamp = _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    try:
        os.replace(path, target)
    except OSError:
        return None
    return target


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, (ReviewStatus, ClipKind)) else value


def _check_plain(value: Any, what: str) -> None:
    import yaml

    try:
        yaml.safe_dump(value)
    except yaml.YAMLError as exc:
        raise TypeError(
            f"{what} must be plain data (text, numbers, lists, mappings): {exc}"
        ) from None
