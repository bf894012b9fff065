"""The application's own files come from the installed package clipdesk.resources."""

from __future__ import annotations

import importlib.resources
from pathlib import Path

from clipdesk import resource_files
from clipdesk.ui import resources as ui_resources

ROOT = Path(__file__).resolve().parents[2]


def test_resources_are_the_package_data(monkeypatch) -> None:
    monkeypatch.delenv("CLIPDESK_RESOURCES_DIR", raising=False)
    package = importlib.resources.files("clipdesk.resources")
    assert resource_files.resources_dir() == package
    # In a checkout the package is the repository's resources/ folder itself (editable).
    assert Path(str(package)).resolve() == (ROOT / "resources").resolve()
    assert resource_files.example_document().is_file()
    assert resource_files.icon_path("clipdesk").is_file()
    assert ui_resources.example_document() == resource_files.example_document()


def test_example_video_falls_back_to_the_cache(monkeypatch, tmp_path: Path) -> None:
    resources = tmp_path / "resources"
    (resources / "example").mkdir(parents=True)
    monkeypatch.setenv("CLIPDESK_RESOURCES_DIR", str(resources))
    monkeypatch.setenv("CLIPDESK_CONFIG_DIR", str(tmp_path / "config"))
    assert resource_files.example_video() == tmp_path / "config" / "cache" / "example.mp4"
    beside = resources / "example" / "example.mp4"
    beside.write_bytes(b"made at set-up")
    assert resource_files.example_video() == beside
