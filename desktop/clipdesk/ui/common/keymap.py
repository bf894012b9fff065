"""The window's keyboard shortcuts as the user set them: every action has a stable id,
its built-in keys are remembered the first time it is seen, and the user's changes
(stored in the settings as portable key text) are laid over them. Editing actions are
made again for every document, so the map is applied again whenever they are."""

from __future__ import annotations

import re
from collections.abc import Iterable

from PySide6.QtGui import QAction, QKeySequence

PORTABLE = QKeySequence.SequenceFormat.PortableText
NATIVE = QKeySequence.SequenceFormat.NativeText


def action_id(action: QAction) -> str:
    """The action's object name, else one made from its text ("&Open…" -> "open")."""
    if action.objectName():
        return action.objectName()
    text = action.text().replace("&", "").lower()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_") or "action"


def action_label(action: QAction) -> str:
    return action.text().replace("&", "").rstrip("…")


def keys_text(keys: Iterable[QKeySequence], native: bool = False) -> str:
    """Several sequences as one text, "F1; Ctrl+/" (a ';' never starts a sequence)."""
    parts = [k.toString(NATIVE if native else PORTABLE) for k in keys]
    return "; ".join(p for p in parts if p)


def parse_keys(text: str) -> list[QKeySequence]:
    out = []
    for part in text.split("; "):
        seq = QKeySequence.fromString(part.strip(), PORTABLE)
        if part.strip() and not seq.isEmpty():
            out.append(seq)
    return out


class Keymap:
    """Built-in keys per action id, and the user's changes laid over them."""

    def __init__(self) -> None:
        self.defaults: dict[str, str] = {}
        self.changed: dict[str, str] = {}  # action id -> keys text ("" = no shortcut)

    def learn(self, actions: Iterable[QAction]) -> None:
        for act in actions:
            self.defaults.setdefault(action_id(act), keys_text(act.shortcuts()))

    def keys_for(self, name: str) -> str:
        return self.changed.get(name, self.defaults.get(name, ""))

    def apply(self, actions: Iterable[QAction]) -> None:
        actions = list(actions)
        self.learn(actions)
        for act in actions:
            old = " / ".join(k.toString(NATIVE) for k in act.shortcuts())
            keys = parse_keys(self.keys_for(action_id(act)))
            act.setShortcuts(keys)
            tip = act.toolTip()
            if old and tip.endswith(f" ({old})"):  # a tooltip that names the keys
                new = " / ".join(k.toString(NATIVE) for k in keys)
                act.setToolTip(tip.removesuffix(f" ({old})") + (f" ({new})" if new else ""))

    def set_changes(self, keys: dict[str, str]) -> None:
        """The user's keys (id -> text); those equal to the built-in ones are dropped."""
        self.changed = {k: v for k, v in keys.items() if self.defaults.get(k) != v}


def conflict(
    keys: dict[str, str], name: str, wanted: QKeySequence, labels: dict[str, str]
) -> str | None:
    """The label of another action that already has this sequence, or None."""
    if wanted.isEmpty():
        return None
    for other, text in keys.items():
        if other != name and any(seq.matches(wanted) == QKeySequence.SequenceMatch.ExactMatch
                                 for seq in parse_keys(text)):  # fmt: skip
            return labels.get(other, other)
    return None
