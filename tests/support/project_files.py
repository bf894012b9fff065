"""Hand-made project files for tests (hostile or old ones, written as a third party)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from clipdesk.core.project_file import project_path


def write_project(doc: Path, data: dict[str, Any]) -> Path:
    """Write data as the project file of doc (JSON is YAML)."""
    path = project_path(doc)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path
