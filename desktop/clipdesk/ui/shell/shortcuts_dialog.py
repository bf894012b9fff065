"""Help › Keyboard shortcuts: every window action that has a shortcut."""

from __future__ import annotations

from html import escape

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget


def shortcut_rows(groups: list[tuple[str, list[QAction]]]) -> list[tuple[str, str, str]]:
    rows = []
    for group, actions in groups:
        for act in actions:
            keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in act.shortcuts()]
            keys = [k for k in keys if k]
            if keys:
                rows.append((group, act.text().replace("&", ""), " or ".join(keys)))
    return rows


class ShortcutsDialog(QDialog):
    def __init__(self, groups: list[tuple[str, list[QAction]]], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.rows = shortcut_rows(groups)
        html = ["<table cellpadding='4' width='100%'>"]
        last = None
        for group, name, keys in self.rows:
            if group != last:
                html.append(f"<tr><td colspan='2'><h4>{escape(group)}</h4></td></tr>")
                last = group
            html.append(
                f"<tr><td>{escape(name)}</td><td><b><code>{escape(keys)}</code></b></td></tr>"
            )
        html.append("</table>")
        text = QTextBrowser(self)
        text.setHtml("".join(html))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(buttons)
        self.resize(460, 720)
