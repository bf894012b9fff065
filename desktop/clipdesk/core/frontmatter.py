"""YAML frontmatter, read as untrusted data: the safe loader, with bounds.

The safe loader builds no objects, but a few hundred bytes of aliases can still
expand into gigabytes (a "billion laughs"), and deep nesting exhausts the stack.
Aliases are refused outright (no show-notes metadata needs them), nesting and size
are bounded; each refusal is a warning and the document opens without metadata.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_FRONTMATTER_BYTES = 64 * 1024
MAX_DEPTH = 16


class FrontmatterRefused(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line  # 0-based within the frontmatter
        self.message = message


class FrontmatterLoader(yaml.SafeLoader):
    """The safe loader without date resolution (a date is kept as the text it was
    written as, so an impossible one like 2026-02-31 cannot fail the document), and
    without aliases or deep nesting."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise FrontmatterRefused(mark.line, "uses a YAML alias (*name), which is not accepted")
        self._depth += 1
        if self._depth > MAX_DEPTH:
            mark = self.peek_event().start_mark
            raise FrontmatterRefused(mark.line, f"is nested deeper than {MAX_DEPTH} levels")
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


FrontmatterLoader.yaml_implicit_resolvers = {
    first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_frontmatter(text: str) -> Any:
    """The frontmatter's value. Raises FrontmatterRefused, yaml.YAMLError, or the
    ValueError / TypeError / OverflowError a hostile scalar can give."""
    size = len(text.encode("utf-8", "surrogateescape"))
    if size > MAX_FRONTMATTER_BYTES:
        raise FrontmatterRefused(
            0, f"is {size // 1024} KiB, more than the {MAX_FRONTMATTER_BYTES // 1024} KiB accepted"
        )
    loader = FrontmatterLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
