"""Typed times in a spin box and in a table's start/end columns."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QAbstractItemView, QTableView

from clipdesk.core.bounds import Timebase
from clipdesk.core.clip_store import ClipStore
from clipdesk.core.episode import Clip, ClipKind, Episode, SourceFormat
from clipdesk.core.timecode import format_clock
from clipdesk.ui.editing.time_edit import TimeDelegate, TimeSpinBox
from clipdesk.ui.editing.undo_commands import ClipEditor

Index = QModelIndex | QPersistentModelIndex


@pytest.mark.parametrize(
    ("typed", "ms"),
    [("1:57", 117_000), ("1:57.250", 117_250), ("117.25", 117_250), ("00:01:57.250", 117_250)],
)
def test_spin_box_accepts_typed_times(qtbot, typed: str, ms: int) -> None:
    box = TimeSpinBox()
    qtbot.addWidget(box)
    box.show()
    box.setFocus()
    with qtbot.waitSignal(box.value_changed) as blocker:
        qtbot.keyClicks(box, typed)
        qtbot.keyClick(box, Qt.Key.Key_Return)
    assert blocker.args == [ms] and box.value() == ms
    assert box.text() == format_clock(ms)


def test_spin_box_refuses_visibly(qtbot) -> None:
    box = TimeSpinBox(maximum=60_000)
    qtbot.addWidget(box)
    box.setValue(5_000)
    box.show()
    box.selectAll()
    qtbot.keyClicks(box, "abc")  # not typable at all: keystrokes rejected
    assert box.text() == "0:00:05.000"
    qtbot.keyClicks(box, "1:75")
    with qtbot.waitSignal(box.refused) as blocker:
        qtbot.keyClick(box, Qt.Key.Key_Return)
    assert "is not a time" in blocker.args[0]
    assert box.value() == 5_000 and box.property("invalid") and "not a time" in box.toolTip()
    assert box.text() == "1:75"  # kept for correcting
    box.selectAll()
    qtbot.keyClicks(box, "2:00")
    assert not box.property("invalid")  # typing clears the mark
    with qtbot.waitSignal(box.refused) as blocker:
        qtbot.keyClick(box, Qt.Key.Key_Return)
    assert "outside 0:00:00.000–0:01:00.000" in blocker.args[0] and box.value() == 5_000


def test_spin_box_steps_with_keys(qtbot) -> None:
    box = TimeSpinBox(step_ms=100)
    qtbot.addWidget(box)
    box.setValue(1_000)
    box.show()
    box.setFocus()
    for _ in range(3):
        qtbot.keyClick(box, Qt.Key.Key_Up)
    qtbot.keyClick(box, Qt.Key.Key_Down)
    assert box.value() == 1_200
    box.setValue(50)
    qtbot.keyClick(box, Qt.Key.Key_Down)
    assert box.value() == 0  # clamped at the minimum


class ClipTimesModel(QAbstractTableModel):
    """Start and end columns over a ClipStore, edits through the ClipEditor: the
    wiring the review table uses."""

    def __init__(self, editor: ClipEditor) -> None:
        super().__init__()
        self.editor = editor
        editor.store.subscribe(self._changed)

    def _changed(self, kind: str, index: int, clip: Any, fields: tuple[str, ...]) -> None:
        if kind == "changed":
            self.dataChanged.emit(self.index(index, 0), self.index(index, 1))
        else:
            self.beginResetModel()
            self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.editor.store)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 2

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        clip = self.editor.store[index.row()]
        ms = clip.start_ms if index.column() == 0 else clip.end_ms
        if role == Qt.ItemDataRole.DisplayRole:
            return format_clock(ms)
        if role == Qt.ItemDataRole.EditRole:
            return ms
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return super().flags(index) | Qt.ItemFlag.ItemIsEditable

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        clip_id = self.editor.store[index.row()].id
        if index.column() == 0:
            return self.editor.set_start(clip_id, int(value))
        return self.editor.set_end(clip_id, int(value))


@pytest.fixture()
def table(qtbot, qtmodeltester):
    clips = [
        Clip("a", ClipKind.HIGHLIGHT, "A", 10_000, 20_000, line=1),
        Clip("b", ClipKind.HIGHLIGHT, "B", 30_000, 40_000, line=2),
    ]
    editor = ClipEditor(
        ClipStore(Episode(None, SourceFormat.SHOW_NOTES, clips=clips)),
        QUndoStack(),
        Timebase(duration_ms=120_000),
    )
    model = ClipTimesModel(editor)
    qtmodeltester.check(model)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    delegate = TimeDelegate(view)
    view.setItemDelegate(delegate)
    view.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed)
    view.resize(400, 200)
    view.show()
    qtbot.waitExposed(view)
    return view, editor, delegate


def type_into_cell(qtbot, view: QTableView, row: int, col: int, text: str) -> None:
    view.setCurrentIndex(view.model().index(row, col))
    view.setFocus()
    qtbot.keyClicks(view.viewport(), text[0])  # the first key opens the editor
    editor = view.focusWidget()
    assert isinstance(editor, TimeSpinBox)
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # The delegate commits and closes its editor from the event loop.
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState)


def test_typed_times_in_the_table_are_undoable(qtbot, table) -> None:
    view, editor, _ = table
    type_into_cell(qtbot, view, 0, 0, "0:11.5")
    type_into_cell(qtbot, view, 0, 1, "00:00:19.250")
    type_into_cell(qtbot, view, 1, 0, "31")
    clip = editor.store.get("a")
    assert (clip.start_ms, clip.end_ms) == (11_500, 19_250)
    assert editor.store.get("b").start_ms == 31_000
    assert view.model().index(0, 0).data() == "0:00:11.500"
    assert editor.stack.count() == 3
    editor.stack.undo()
    editor.stack.undo()
    assert (clip.start_ms, clip.end_ms) == (11_500, 20_000)


def test_table_refuses_end_before_start(qtbot, table) -> None:
    view, editor, _ = table
    with qtbot.waitSignal(editor.refused) as blocker:
        type_into_cell(qtbot, view, 0, 1, "0:05")
    assert "must be after the in point" in blocker.args[0]
    assert editor.store.get("a").end_ms == 20_000 and editor.stack.count() == 0


def test_table_keeps_the_editor_open_on_garbage(qtbot, table) -> None:
    view, editor, delegate = table
    view.setCurrentIndex(view.model().index(0, 0))
    view.setFocus()
    qtbot.keyClicks(view.viewport(), "1")
    box = view.focusWidget()
    assert isinstance(box, TimeSpinBox)
    box.selectAll()
    qtbot.keyClicks(box, "9:99")
    with qtbot.waitSignal(delegate.refused) as blocker:
        qtbot.keyClick(box, Qt.Key.Key_Return)
    assert "is not a time" in blocker.args[0]
    assert view.focusWidget() is box and box.property("invalid")  # still editing
    box.selectAll()
    qtbot.keyClicks(box, "9:09")
    # 9:09 is a time but after the end (0:20): the clip editor refuses it.
    with qtbot.waitSignal(editor.refused) as blocker:
        qtbot.keyClick(box, Qt.Key.Key_Return)
    assert "must be before the out point" in blocker.args[0]
    assert editor.store.get("a").start_ms == 10_000 and editor.stack.count() == 0


def test_offset_edit_shows_and_takes_the_offset(qtbot) -> None:
    from clipdesk.ui.editing.time_edit import OffsetEdit

    editor = ClipEditor(
        ClipStore(Episode(None, SourceFormat.SEGMENTS)), QUndoStack(), Timebase(offset_ms=0)
    )
    field = OffsetEdit(editor)
    qtbot.addWidget(field)
    field.show()
    assert field.text() == "+0:00:00.000"
    field.selectAll()
    qtbot.keyClicks(field, "-14:32")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert editor.timebase.offset_ms == -872_000 and field.text() == "-0:14:32.000"
    editor.stack.undo()
    assert field.text() == "+0:00:00.000"  # follows the timebase, undo included
    field.selectAll()
    qtbot.keyClicks(field, "soon")
    with qtbot.waitSignal(editor.refused) as blocker:
        qtbot.keyClick(field, Qt.Key.Key_Return)
    assert "is not a time" in blocker.args[0] and "d32f2f" in field.styleSheet()
    assert editor.timebase.offset_ms == 0 and editor.stack.count() == 1
