"""The process entry point: a headless command collects reference cycles seldom and
leaves the interpreter's last collection out (gc.freeze); the window keeps Python's
defaults."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import pytest

from clipdesk import cli

EXAMPLE = Path(__file__).resolve().parents[2] / "resources" / "example" / "example-episode.md"


@pytest.fixture
def unfrozen():
    threshold = gc.get_threshold()
    gc.unfreeze()
    yield threshold
    gc.unfreeze()  # the rest of the test session collects as before
    gc.set_threshold(*threshold)


def test_a_headless_command_freezes_the_objects_left_for_the_exit(
    unfrozen, monkeypatch, capsys
) -> None:
    monkeypatch.setattr(sys, "argv", ["clipdesk", "--log-level", "error", "inspect", str(EXAMPLE)])
    assert cli.run() == 0
    assert "highlight" in capsys.readouterr().out.lower()
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold()[0] == 100_000


def test_the_window_commands_leave_the_collection_alone(unfrozen, monkeypatch, capsys) -> None:
    monkeypatch.setattr(sys, "argv", ["clipdesk", "--version"])
    assert cli.run() == 0
    assert capsys.readouterr().out.startswith("clipdesk")
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == unfrozen
