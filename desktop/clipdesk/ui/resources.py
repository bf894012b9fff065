"""Where the application's own files live: icons and the built-in example.

The lookup is in clipdesk.resource_files (no Qt, so the command line shares it); these
names stay here for the window's modules."""

from __future__ import annotations

from clipdesk.resource_files import (
    EXAMPLE_DURATION_S,
    example_document,
    example_video,
    icon_path,
    resources_dir,
)

__all__ = ["EXAMPLE_DURATION_S", "example_document", "example_video", "icon_path", "resources_dir"]
