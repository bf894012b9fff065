"""Identifiers from a project file never steer a deletion: a hostile job id is refused
before it becomes part of a path, and clean-up removes only scheme-named folders of dead
runs directly inside the output folder."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from export_frames import local_job

from clipdesk.core.export_plan import ExportMode
from clipdesk.core.restore_scope import RestoreScope
from clipdesk.media.export_queue import ExportJob, ExportQueue
from clipdesk.media.job_runner import JobRunner, Outcome
from clipdesk.media.part_folders import part_folder, remove_stale_parts
from clipdesk.media.tools import find_tools

TOOLS = find_tools()
HOSTILE = "*/../../victims/*"


def _victims(tmp_path: Path) -> Path:
    victim = tmp_path / "victims" / "my-photos"
    victim.mkdir(parents=True)
    (victim / "photo.jpg").write_bytes(b"precious")
    return victim


def test_hostile_job_id_in_a_restored_record_is_refused(demo_video: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    spec = local_job(demo_video, out / "x.mp4", 0, 1_000, ExportMode.FAST)
    record = ExportJob(dataclasses.replace(spec, job_id=HOSTILE)).to_record()
    scope = RestoreScope.of(None, [out], [str(demo_video)])
    queue = ExportQueue.from_records([record], TOOLS, scope=scope)
    assert queue.jobs == []
    assert queue.restore_problems == [
        f"export job 1: bad job id {HOSTILE!r} (expected 12 hexadecimal digits)"
    ]


def test_runner_never_follows_a_job_id_out_of_the_output_folder(
    demo_video: Path, tmp_path: Path
) -> None:
    victim = _victims(tmp_path)
    out = tmp_path / "out"
    (out / ".clipdesk-part-0123456789ab-abcdef").mkdir(parents=True)  # the glob's way out
    spec = local_job(demo_video, out / "x.mp4", 0, 1_000, ExportMode.FAST)
    result = JobRunner(dataclasses.replace(spec, job_id=HOSTILE), TOOLS).run()
    assert result.outcome is Outcome.FAILED and "bad job id" in result.error
    assert (victim / "photo.jpg").read_bytes() == b"precious"


def test_clean_up_removes_only_dead_scheme_folders_inside(tmp_path: Path) -> None:
    victim = _victims(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    # A link with a scheme name that points outside: never followed.
    (out / ".clipdesk-part-0123456789ab-000001").symlink_to(victim.parent)
    near_miss = out / ".clipdesk-part-0123456789ab-dead00x"
    near_miss.mkdir()
    dead = out / ".clipdesk-part-0123456789ab-dead00"
    dead.mkdir()
    (dead / ".owner").write_text("4242 elsewhere\n")  # no process holds its lock
    with part_folder(out, "fedcba987654") as live:
        assert remove_stale_parts(out) == [dead.name]
        assert live.is_dir()  # a running job's folder is locked: left alone
    assert not live.exists()
    assert sorted(os.listdir(out)) == [".clipdesk-part-0123456789ab-000001", near_miss.name]
    assert (victim / "photo.jpg").read_bytes() == b"precious"
