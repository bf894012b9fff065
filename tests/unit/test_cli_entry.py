"""The process entry point: a headless command leaves the interpreter's last collection
of reference cycles out (gc.freeze), the window does not."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import pytest

from clipdesk import cli

EXAMPLE = Path(__file__).resolve().parents[2] / "resources" / "example" / "example-episode.md"


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()  # the rest of the test session collects as before


def test_a_headless_command_freezes_the_objects_left_for_the_exit(
    unfrozen, monkeypatch, capsys
) -> None:
    monkeypatch.setattr(sys, "argv", ["clipdesk", "--log-level", "error", "inspect", str(EXAMPLE)])
    assert cli.run() == 0
    assert "highlight" in capsys.readouterr().out.lower()
    assert gc.get_freeze_count() > 0


def test_the_window_commands_leave_the_collection_alone(unfrozen, monkeypatch, capsys) -> None:
    monkeypatch.setattr(sys, "argv", ["clipdesk", "--version"])
    assert cli.run() == 0
    assert capsys.readouterr().out.startswith("clipdesk")
    assert gc.get_freeze_count() == 0
