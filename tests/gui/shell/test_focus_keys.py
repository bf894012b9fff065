"""Focus and keys in the review window (fake player): a click on the video, the seek
bar, the timeline or the transcript gives the keyboard back to the review keys; the
transcript can be driven from the keyboard; the bound the nudges move is shown; Space
does not keep a loop armed for the next clip."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from tests.support.review_window import make_window

from clipdesk.core.bounds import Bound
from clipdesk.core.episode import ReviewStatus
from clipdesk.ui.player.fake_backend import FakePlayerBackend
from clipdesk.ui.shell.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

DOCUMENT = """---
video_id: focus123456
title: Focus
duration: 60
---

## Highlights

### First

```bash
yt-dlp --download-sections "*0:02-0:05" "https://www.example.org/watch?v=focus123456"
```

### Second

```bash
yt-dlp --download-sections "*0:20-0:30" "https://www.example.org/watch?v=focus123456"
```

## Transcript

[0:00](https://www.example.org/watch?v=focus123456&t=0s) Zero.
[0:10](https://www.example.org/watch?v=focus123456&t=10s) Ten.
[0:20](https://www.example.org/watch?v=focus123456&t=20s) Twenty.
[0:30](https://www.example.org/watch?v=focus123456&t=30s) Thirty.
"""


@pytest.fixture()
def window(qtbot, tmp_path: Path, monkeypatch) -> MainWindow:
    monkeypatch.setenv("CLIPDESK_CONFIG_DIR", str(tmp_path / "config"))
    doc = tmp_path / "episode.md"
    doc.write_text(DOCUMENT)
    doc.with_suffix(".mp4").write_bytes(b"")  # a sidecar for the fake player to "open"
    w = make_window(qtbot, tmp_path, FakePlayerBackend(length_ms=60_000))
    assert w.open_document(doc)
    w.resize(1400, 900)
    with qtbot.waitExposed(w):
        w.show()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    qtbot.waitUntil(lambda: w.player.length == 60_000)
    return w


def _press(key: Qt.Key, mods=Qt.KeyboardModifier.NoModifier) -> None:
    """A key press to whichever widget has the focus, as the user makes it."""
    QTest.keyClick(QApplication.focusWidget(), key, mods)


def test_a_click_outside_the_note_gives_the_review_keys_back(window, qtbot) -> None:
    assert window.sync.select_clip("highlight-1")
    note = window.details.note_edit
    session = window.editing.session
    pv = window.player_view
    places = [
        (pv.stack.currentWidget(), QPoint(40, 40)),  # the video (or its notice)
        (pv.seek_bar, QPoint(pv.seek_bar.width() // 3, pv.seek_bar.height() // 2)),
        (session.timeline, QPoint(session.timeline.width() // 2, 6)),
        (window.transcript.text.viewport(), window.transcript.line_rect(1).center()),
    ]
    status = [ReviewStatus.APPROVED, ReviewStatus.REJECTED] * 2
    for (widget, pos), want in zip(places, status, strict=True):
        assert window.sync.select_clip("highlight-1")
        note.setFocus()
        qtbot.waitUntil(note.hasFocus)
        QTest.keyClicks(note, "x")
        typed = note.toPlainText()
        QTest.mouseClick(widget, Qt.MouseButton.LeftButton, pos=pos)
        qtbot.waitUntil(window.clip_panel.table.hasFocus)
        _press(Qt.Key.Key_A if want is ReviewStatus.APPROVED else Qt.Key.Key_R)
        assert window.store.get("highlight-1").review is want, widget.objectName()
        assert note.toPlainText() == typed  # the letter did not go into the note


def test_the_transcript_from_the_keyboard(window, qtbot) -> None:
    view = window.transcript
    window.player.seek(10_500)
    assert view.model.current_row == 1
    view.text.setFocus()
    qtbot.waitUntil(view.text.hasFocus)
    _press(Qt.Key.Key_Down)  # the first press marks the line being spoken
    assert view.key_row == 1
    _press(Qt.Key.Key_Down)
    _press(Qt.Key.Key_Down)
    _press(Qt.Key.Key_Up)
    assert view.key_row == 2
    with qtbot.waitSignal(view.seek_requested) as sought:
        _press(Qt.Key.Key_Return)
    assert sought.args == [20_000]
    assert window.player.position() == 20_000 and view.model.current_row == 2
    marks = view.text.extraSelections()
    assert [m.cursor.blockNumber() for m in marks] == [2, 2]  # spoken line and key line
    _press(Qt.Key.Key_Down)
    _press(Qt.Key.Key_Down)
    _press(Qt.Key.Key_Down)
    assert view.key_row == 3  # stops at the last line
    _press(Qt.Key.Key_Escape)
    assert window.clip_panel.table.hasFocus()


def test_the_bound_the_nudges_move_is_shown(window, qtbot) -> None:
    actions = window.editing.session.actions
    timeline = window.editing.session.timeline
    assert window.sync.select_clip("highlight-2")
    assert actions.action("bound_in").isChecked() and timeline.activeBound() is Bound.START
    _press(Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert actions.action("bound_out").isChecked() and not actions.action("bound_in").isChecked()
    assert timeline.activeBound() is Bound.END
    _press(Qt.Key.Key_I, Qt.KeyboardModifier.ShiftModifier)  # jump to in: the in point
    assert actions.action("bound_in").isChecked() and timeline.activeBound() is Bound.START
    # The menu item chooses it too.
    actions.action("bound_out").trigger()
    assert timeline.activeBound() is Bound.END


def test_space_does_not_keep_a_loop_armed(window, qtbot) -> None:
    loop = window.sync.act_loop_clip
    assert window.sync.select_clip("highlight-1")
    loop.setChecked(True)
    qtbot.waitUntil(lambda: window.player.playing)
    assert window.player.loop
    _press(Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not window.player.playing)
    assert not loop.isChecked() and not window.player.loop
    assert window.sync.select_clip("highlight-2")  # seeks there, does not start looping
    assert window.player.position() == 20_000 and not window.player.playing
    assert window.player.active_range is None
