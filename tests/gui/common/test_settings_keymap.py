"""The typed settings fall back to their defaults on values a hand-edited file may hold,
and the keymap keeps built-in keys, the user's changes, and finds conflicts."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAction, QKeySequence

from clipdesk.core.export_plan import ExportMode
from clipdesk.core.naming import DEFAULT_TEMPLATE, TemplateError
from clipdesk.ui.common.keymap import Keymap, action_id, conflict, keys_text, parse_keys
from clipdesk.ui.common.settings import Settings


def test_defaults_and_bad_values_fall_back(tmp_path) -> None:
    path = tmp_path / "clipdesk.ini"
    s = Settings(path)
    assert (s.export_jobs, s.export_mode, s.theme) == (2, ExportMode.EXACT, "system")
    assert (s.open_end_ms, s.seek_step_ms, s.nudge_step_ms) == (15_000, 5_000, 1_000)
    assert (s.snapping, s.snap_px, s.name_template) == (True, 8, DEFAULT_TEMPLATE)
    path.write_text(
        "[export]\njobs=999\nmode=slow\ntemplate={os.system}\n"
        "[editing]\nopen_end_ms=-5\nsnap_px=abc\n[appearance]\ntheme=neon\n"
        "[player]\nseek_step_ms=0\n"
    )
    s = Settings(path)
    assert (s.export_jobs, s.export_mode, s.theme) == (2, ExportMode.EXACT, "system")
    assert (s.open_end_ms, s.seek_step_ms, s.snap_px) == (15_000, 5_000, 8)
    assert s.name_template == DEFAULT_TEMPLATE


def test_bad_values_are_refused_when_set(tmp_path) -> None:
    s = Settings(tmp_path / "clipdesk.ini")
    with pytest.raises(TemplateError):
        s.name_template = "{video_id.__class__}"
    with pytest.raises(ValueError):
        s.theme = "neon"


def test_shortcuts_round_trip(tmp_path) -> None:
    s = Settings(tmp_path / "clipdesk.ini")
    s.set_shortcuts({"open": "Ctrl+Alt+O", "quit": ""})
    s.sync()
    assert Settings(s.path).shortcuts() == {"open": "Ctrl+Alt+O", "quit": ""}


def test_keymap_lays_changes_over_the_built_in_keys(qapp) -> None:
    help_act = QAction("&Keyboard shortcuts")
    help_act.setShortcuts([QKeySequence("F1"), QKeySequence("Ctrl+/")])
    open_act = QAction("&Open…")
    open_act.setShortcut(QKeySequence("Ctrl+O"))
    assert (action_id(help_act), action_id(open_act)) == ("keyboard_shortcuts", "open")
    keymap = Keymap()
    keymap.learn([help_act, open_act])
    assert keymap.defaults["keyboard_shortcuts"] == "F1; Ctrl+/"
    assert [k.toString() for k in parse_keys("F1; Ctrl+/")] == ["F1", "Ctrl+/"]
    keymap.set_changes({"open": "Ctrl+Alt+O", "keyboard_shortcuts": "F1; Ctrl+/"})
    assert keymap.changed == {"open": "Ctrl+Alt+O"}  # unchanged keys are not stored
    keymap.apply([help_act, open_act])
    assert open_act.shortcut() == QKeySequence("Ctrl+Alt+O")
    assert keys_text(help_act.shortcuts()) == "F1; Ctrl+/"
    open_act.setToolTip("Open a document (Ctrl+Alt+O)")
    keymap.set_changes({"open": "Ctrl+Shift+F2"})
    keymap.apply([open_act])
    assert open_act.toolTip() == "Open a document (Ctrl+Shift+F2)"  # the tip follows
    keymap.set_changes({"open": ""})  # no shortcut at all
    keymap.apply([open_act])
    assert open_act.shortcuts() == []
    assert open_act.toolTip() == "Open a document"
    keys = {"open": "Ctrl+O", "keyboard_shortcuts": "F1; Ctrl+/"}
    labels = {"open": "Open", "keyboard_shortcuts": "Keyboard shortcuts"}
    assert conflict(keys, "open", QKeySequence("Ctrl+/"), labels) == "Keyboard shortcuts"
    assert conflict(keys, "open", QKeySequence("Ctrl+O"), labels) is None  # its own key
    assert conflict(keys, "open", QKeySequence(), labels) is None
