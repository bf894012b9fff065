"""Strict patterns for identifiers read back from files.

A project file travels with the document and is as untrusted as the document: an id
read from it may end up inside a path (a job's temporary folder) or a lookup. Each is
checked against the exact shape Clipdesk itself makes before it is used at all.
"""

from __future__ import annotations

import re

# uuid4().hex[:12], as export planning makes them.
JOB_ID = re.compile(r"[0-9a-f]{12}")
# highlight-3, key-point-12, segment-1, clip-4: lower-case words and a number.
CLIP_ID = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
MAX_CLIP_ID = 64


def check_job_id(value: object) -> str:
    """The job id, or ValueError naming it."""
    if not isinstance(value, str) or not JOB_ID.fullmatch(value):
        raise ValueError(f"bad job id {value!r} (expected 12 hexadecimal digits)")
    return value


def is_clip_id(value: object) -> bool:
    return isinstance(value, str) and len(value) <= MAX_CLIP_ID and bool(CLIP_ID.fullmatch(value))
