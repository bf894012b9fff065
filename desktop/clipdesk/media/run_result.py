"""What one run of an export job gives, and how its file takes its final name: shared
by the job runner and the smart-cut path (neither imports the other for it)."""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass
from pathlib import Path

from clipdesk.core.naming import ConflictPolicy, with_suffix_number


class Cancelled(Exception):
    """The job was cancelled while a step of it ran (raised out of that step)."""


class Outcome(str, enum.Enum):
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class RunResult:
    outcome: Outcome
    error: str = ""
    output: str = ""  # the file written, when done


def move_into_place(src: Path, final: Path, policy: ConflictPolicy) -> Path | None:
    """Rename without clobbering unless the policy says overwrite."""
    if policy is ConflictPolicy.OVERWRITE:
        os.replace(src, final)
        return final
    candidate, n = final, 1
    while True:
        try:
            os.link(src, candidate)  # fails if candidate exists: no silent overwrite
        except FileExistsError:
            if policy is ConflictPolicy.SKIP:
                return None
            n += 1
            candidate = final.with_name(with_suffix_number(final.name, n))
            continue
        except OSError:
            # No hard links here (some FUSE/FAT mounts): check, then rename.
            if candidate.exists():
                if policy is ConflictPolicy.SKIP:
                    return None
                n += 1
                candidate = final.with_name(with_suffix_number(final.name, n))
                continue
            os.replace(src, candidate)
            return candidate
        src.unlink()
        return candidate
