"""Hand-made project files for tests (hostile or old ones, written as a third party)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from clipdesk.core.project_file import project_path
from clipdesk.core.project_text import seal


def write_project(doc: Path, data: dict[str, Any] | str) -> Path:
    """Write data (or YAML text) as the project file of doc, sealed as Clipdesk seals
    it (JSON is YAML)."""
    path = project_path(doc)
    text = data if isinstance(data, str) else json.dumps(data) + "\n"
    path.write_bytes(seal(text))
    return path
