"""Help › About: what Clipdesk runs on and where it keeps its files. The versions of the
tools (ffmpeg runs, libvlc loads) are found off the GUI thread: the dialog opens at once
and fills in when they come."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from clipdesk import __version__
from clipdesk.diagnostics import Diagnostics


class AboutDialog(QDialog):
    def __init__(self, diagnostics: Diagnostics | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle("About Clipdesk")
        head = QLabel(
            f"<h2>Clipdesk {escape(__version__)}</h2>"
            "<p>Review, correct and export clips from long videos, driven by show notes.</p>",
            self,
        )
        head.setWordWrap(True)
        self.table = QLabel(self)
        self.table.setObjectName("aboutVersions")
        self.table.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.diagnostics: Diagnostics | None = None
        self.set_diagnostics(diagnostics)
        self.setMinimumWidth(620)

    def set_diagnostics(self, diagnostics: Diagnostics | None) -> None:
        self.diagnostics = diagnostics
        if diagnostics is None:
            self.table.setText(
                "<p><i>Finding the versions of Qt, libvlc, yt-dlp and ffmpeg…</i></p>"
            )
            return
        rows = ["<table cellspacing='0' cellpadding='3'>"]
        for title, values in (("Versions", diagnostics.versions), ("Files", diagnostics.locations)):
            rows.append(f"<tr><td colspan='2'><b>{title}</b></td></tr>")
            for key, value in values.items():
                rows.append(
                    f"<tr><td style='padding-right:14px'>{escape(key)}</td>"
                    f"<td>{escape(value)}</td></tr>"
                )
        rows.append("</table>")
        self.table.setText("".join(rows))

    def text(self) -> str:
        return self.table.text()
