"""The output folder is checked before an export queues anything."""

from __future__ import annotations

import shutil
from pathlib import Path

from clipdesk.core.output_folder import MARGIN_BYTES, check_output_folder, estimate_bytes


def test_a_missing_folder_is_made(tmp_path: Path) -> None:
    folder = tmp_path / "a" / "b"
    assert check_output_folder(folder) is None and folder.is_dir()


def test_a_file_in_the_way_is_named(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert check_output_folder(blocker) == f"{blocker} is not a folder"
    why = check_output_folder(blocker / "clips")
    assert why is not None and why.startswith(f"the folder {blocker / 'clips'} cannot be made")


def test_not_enough_room_says_how_much(tmp_path: Path) -> None:
    free = shutil.disk_usage(tmp_path).free
    why = check_output_folder(tmp_path, free)  # plus the margin: more than there is
    assert why is not None and str(tmp_path) in why and "free" in why
    assert check_output_folder(tmp_path, max(0, free // 2 - MARGIN_BYTES)) is None


def test_the_estimate_follows_the_source_rate(tmp_path: Path) -> None:
    source = tmp_path / "v.mp4"
    source.write_bytes(b"x" * 600_000)  # 600 kB over 60 s: 10 kB a second
    assert estimate_bytes([2_000, 3_000], source, 60_000) == 50_000
    assert estimate_bytes([2_000], None, None) == 2_000_000  # 8 Mbit/s without a source
