"""What an export job restored from a project file may touch.

The project file travels with the document, so a saved job is a request from whoever
wrote the file. A restored job may write only into a folder the user chose for exports
in this installation (or the document's own folder, and its default clips folder
beside it), and read only the document's own media: its recorded binding or its URL.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from clipdesk.core.export_plan import JobSpec, SourceKind


def _folder_key(path: Path | str) -> str:
    try:
        return os.path.normcase(str(Path(path).expanduser().resolve()))
    except (OSError, RuntimeError):
        return ""


@dataclass(frozen=True)
class RestoreScope:
    out_dirs: frozenset[str]
    sources: frozenset[str]

    @classmethod
    def of(
        cls,
        document: Path | None,
        chosen_dirs: Iterable[Path | str] = (),
        media: Iterable[str | None] = (),
    ) -> RestoreScope:
        dirs = [*chosen_dirs]
        if document is not None:
            dirs += [document.parent, document.parent / "clips"]
        keys = {_folder_key(d) for d in dirs} - {""}
        sources = {_source_key(m) for m in media if m} - {""}
        return cls(frozenset(keys), frozenset(sources))

    def check(self, spec: JobSpec) -> None:
        """ValueError naming what the job would touch that is not allowed."""
        folder = str(Path(spec.output).parent)
        if _folder_key(folder) not in self.out_dirs:
            raise ValueError(
                f"output folder {folder!r} was not chosen for exports here (nor is it "
                "beside the document)"
            )
        if _source_key(spec.source, spec.source_kind) not in self.sources:
            raise ValueError(f"source {spec.source!r} is not this document's media")


def _source_key(source: str, kind: SourceKind | None = None) -> str:
    if kind is SourceKind.REMOTE or source.startswith(("http://", "https://")):
        return source.strip()
    return _folder_key(source)
