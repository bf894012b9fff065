"""The episode's clip list as a store that announces its changes.

Views (Qt table models, the timeline) listen; edits (undo commands, the
project file loader) go through the store so every view hears of them.

Every structural change is announced twice, before and after ("inserting" then
"inserted", "removing" then "removed", "resetting" then "reset"), so a Qt model can
call beginInsertRows/endInsertRows around the change itself and read the store
directly instead of keeping a copy of the rows. "changed" comes after the change.
Listeners hear the "before" announcements only when they subscribe with before=True.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

from clipdesk.core.episode import Clip, Episode

# kind is "inserted", "removed", "changed" or "reset" (and, for listeners that ask,
# "inserting", "removing" and "resetting" before the change); index is the row (-1 for
# a reset); fields names what changed for "changed".
Listener = Callable[[str, int, Clip | None, tuple[str, ...]], None]

_FIELDS = {f.name for f in dataclasses.fields(Clip)} - {"id", "kind"}
BEFORE = frozenset({"inserting", "removing", "resetting"})


class ClipStore:
    def __init__(self, episode: Episode) -> None:
        self.episode = episode
        self._listeners: list[Listener] = []
        self._before: list[Listener] = []

    # -- reading -----------------------------------------------------------
    def __len__(self) -> int:
        return len(self.episode.clips)

    def __iter__(self) -> Iterator[Clip]:
        return iter(self.episode.clips)

    def __getitem__(self, index: int) -> Clip:
        return self.episode.clips[index]

    def index_of(self, clip_id: str) -> int:
        for i, c in enumerate(self.episode.clips):
            if c.id == clip_id:
                return i
        raise KeyError(clip_id)

    def get(self, clip_id: str) -> Clip:
        return self.episode.clips[self.index_of(clip_id)]

    def new_id(self, prefix: str = "clip") -> str:
        taken = {c.id for c in self.episode.clips}
        n = 1
        while f"{prefix}-{n}" in taken:
            n += 1
        return f"{prefix}-{n}"

    # -- listening ---------------------------------------------------------
    def subscribe(self, listener: Listener, *, before: bool = False) -> Callable[[], None]:
        """Hear every change; with before=True the announcements before a structural
        change too. Returns the way to stop listening."""
        self._listeners.append(listener)
        if before:
            self._before.append(listener)

        def unsubscribe() -> None:
            self._listeners.remove(listener)
            if listener in self._before:
                self._before.remove(listener)

        return unsubscribe

    def _emit(self, kind: str, index: int, clip: Clip | None, fields: tuple[str, ...] = ()) -> None:
        for listener in list(self._before if kind in BEFORE else self._listeners):
            listener(kind, index, clip, fields)

    # -- changing ----------------------------------------------------------
    def insert(self, index: int, clip: Clip) -> None:
        if any(c.id == clip.id for c in self.episode.clips):
            raise ValueError(f"duplicate clip id {clip.id}")
        index = max(0, min(index, len(self.episode.clips)))
        self._emit("inserting", index, clip)
        self.episode.clips.insert(index, clip)
        self._emit("inserted", index, clip)

    def remove(self, clip_id: str) -> tuple[int, Clip]:
        index = self.index_of(clip_id)
        self._emit("removing", index, self.episode.clips[index])
        clip = self.episode.clips.pop(index)
        self._emit("removed", index, clip)
        return index, clip

    def update(self, clip_id: str, **changes: Any) -> dict[str, Any]:
        """Set fields of a clip; returns the previous values of the fields that changed."""
        unknown = set(changes) - _FIELDS
        if unknown:
            raise AttributeError(f"not editable clip fields: {sorted(unknown)}")
        index = self.index_of(clip_id)
        clip = self.episode.clips[index]
        before = {k: getattr(clip, k) for k, v in changes.items() if getattr(clip, k) != v}
        for k in before:
            setattr(clip, k, changes[k])
        if before:
            self._emit("changed", index, clip, tuple(before))
        return before

    def reset(self, clips: list[Clip]) -> None:
        self._emit("resetting", -1, None)
        self.episode.clips[:] = clips
        self._emit("reset", -1, None)
