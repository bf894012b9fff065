"""A real read-only folder although tests run as root (root ignores file modes): the
immutable attribute (chattr +i), which the kernel enforces for root too."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def immutable(folder: Path) -> Iterator[Path]:
    """folder cannot be written (no new, renamed or deleted entries) inside the block."""
    chattr = shutil.which("chattr")
    if chattr is None:
        pytest.skip("chattr is not installed (e2fsprogs)")
    done = subprocess.run([chattr, "+i", str(folder)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"chattr +i does not work here: {done.stderr.strip()}")
    try:
        probe = folder / ".probe"
        with pytest.raises(PermissionError):
            probe.write_text("x")
        yield folder
    finally:
        subprocess.run([chattr, "-i", str(folder)], check=True)
