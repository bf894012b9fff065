"""Errors that reach the user as one line: FILE:LINE: message."""

from __future__ import annotations

from pathlib import Path


class DocumentError(Exception):
    """A document that cannot be read at all."""

    def __init__(self, path: Path | str | None, line: int, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.message = message

    def __str__(self) -> str:
        where = str(self.path or "<document>")
        if self.line > 0:
            where += f":{self.line}"
        return f"{where}: {self.message}"
