"""Typed times: a spin box and a table delegate that accept 1:57, 1:57.250, 117.25 and
00:01:57.250, step with the arrow keys, and refuse anything else visibly (red frame,
the reason as tooltip and in the refused signal) instead of storing it."""

from __future__ import annotations

import contextlib
import re

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QValidator
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from clipdesk.core.bounds import EditRefused, format_offset, parse_offset, parse_time
from clipdesk.core.timecode import format_clock
from clipdesk.ui.common.theme import INVALID_FIELD_STYLE
from clipdesk.ui.editing.undo_commands import ClipEditor

# What may be typed at all; anything else is rejected keystroke by keystroke.
_TYPABLE = re.compile(r"^[\s\d:.,()]*$")
_INVALID_STYLE = f"QAbstractSpinBox {{ {INVALID_FIELD_STYLE} }}"


class TimeSpinBox(QAbstractSpinBox):
    """A time in ms, typed or stepped (Up/Down, wheel: single step; PgUp/PgDn: 10x)."""

    value_changed = Signal(int)
    refused = Signal(str)

    def __init__(
        self,
        parent: QWidget | None = None,
        minimum: int = 0,
        maximum: int | None = None,
        step_ms: int = 100,
    ) -> None:
        super().__init__(parent)
        self._value: int | None = None
        self._min = minimum
        self._max = maximum
        self._step = step_ms
        self.setAccelerated(True)
        self.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToPreviousValue)
        self.lineEdit().setPlaceholderText("0:00:00.000")
        self.editingFinished.connect(self.commit)
        self.lineEdit().textEdited.connect(self._clear_error)

    # -- value ---------------------------------------------------------------------
    def value(self) -> int | None:
        return self._value

    def setValue(self, ms: int | None) -> None:
        if ms is not None:
            ms = self._clamp(ms)
        changed = ms != self._value
        self._value = ms
        self.lineEdit().setText(format_clock(ms) if ms is not None else "")
        self._clear_error()
        if changed and ms is not None:
            self.value_changed.emit(ms)

    def setRange(self, minimum: int, maximum: int | None) -> None:
        self._min, self._max = minimum, maximum
        if self._value is not None:
            self.setValue(self._value)

    def setSingleStep(self, step_ms: int) -> None:
        self._step = step_ms

    def _clamp(self, ms: int) -> int:
        ms = max(self._min, ms)
        return min(ms, self._max) if self._max is not None else ms

    # -- typing --------------------------------------------------------------------
    def parsed(self) -> int:
        """The typed text as ms inside the range, or EditRefused saying why not."""
        ms = parse_time(self.text())
        if ms < self._min or (self._max is not None and ms > self._max):
            top = format_clock(self._max) if self._max is not None else "∞"
            raise EditRefused(f"{format_clock(ms)} is outside {format_clock(self._min)}–{top}.")
        return ms

    def commit(self) -> bool:
        """Take the typed text; show the refusal and keep the text when it is not a time."""
        if self.text().strip() == "" and self._value is None:
            return True
        try:
            ms = self.parsed()
        except EditRefused as exc:
            self.show_error(str(exc))
            return False
        self.setValue(ms)
        return True

    def show_error(self, message: str) -> None:
        self.setProperty("invalid", True)
        self.setStyleSheet(_INVALID_STYLE)
        self.setToolTip(message)
        self.refused.emit(message)

    def _clear_error(self) -> None:
        if self.property("invalid"):
            self.setProperty("invalid", False)
            self.setStyleSheet("")
            self.setToolTip("")

    # PySide6 takes the state alone; its stubs only know the (state, text, pos) form.
    def validate(self, text: str, pos: int) -> QValidator.State:  # type: ignore[override]
        if not _TYPABLE.match(text):
            return QValidator.State.Invalid
        try:
            parse_time(text)
        except EditRefused:
            return QValidator.State.Intermediate
        return QValidator.State.Acceptable

    # -- stepping ------------------------------------------------------------------
    def stepBy(self, steps: int) -> None:
        base = self._value
        if self.text().strip():
            with contextlib.suppress(EditRefused):
                base = parse_time(self.text())
        self.setValue((base or 0) + steps * self._step)
        self.selectAll()

    def stepEnabled(self) -> QAbstractSpinBox.StepEnabledFlag:
        flags = QAbstractSpinBox.StepEnabledFlag.StepNone
        value = self._value if self._value is not None else self._min
        if value > self._min:
            flags |= QAbstractSpinBox.StepEnabledFlag.StepDownEnabled
        if self._max is None or value < self._max:
            flags |= QAbstractSpinBox.StepEnabledFlag.StepUpEnabled
        return flags


class TimeDelegate(QStyledItemDelegate):
    """Edits a time column with a TimeSpinBox.

    The model's Qt.EditRole gives the time in ms (int, or None when unknown) and
    setData(index, ms, Qt.EditRole) returns False when the model refuses it (and says
    why through its own channel, e.g. ClipEditor.refused). Text that is not a time keeps
    the editor open on Enter and emits refused(message); focus-out discards it.
    """

    refused = Signal(str)

    def __init__(self, parent: QObject | None = None, step_ms: int = 100) -> None:
        super().__init__(parent)
        self.step_ms = step_ms

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        editor = TimeSpinBox(parent, step_ms=self.step_ms)
        editor.setFrame(False)
        editor.refused.connect(self.refused)
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, TimeSpinBox)
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(value, str):
            try:
                value = parse_time(value)
            except EditRefused:
                value = None
        editor.setValue(value if isinstance(value, int) else None)
        editor.selectAll()

    def setModelData(
        self,
        editor: QWidget,
        model: QAbstractItemModel,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        assert isinstance(editor, TimeSpinBox)
        try:
            ms = editor.parsed()
        except EditRefused as exc:
            self.refused.emit(str(exc))
            return
        if ms != index.data(Qt.ItemDataRole.EditRole):
            model.setData(index, ms, Qt.ItemDataRole.EditRole)

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:
        # Enter on text that is not a time: say so and keep editing, do not commit.
        if (
            isinstance(editor, TimeSpinBox)
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab)
        ):
            try:
                editor.parsed()
            except EditRefused as exc:
                editor.show_error(str(exc))
                return True
        return super().eventFilter(editor, event)


class OffsetEdit(QLineEdit):
    """Shows the document's offset (media time = document time + offset) and takes a
    typed one (-14:32, +1:57.250, -872.5) as an undoable edit through the ClipEditor."""

    def __init__(self, editor: ClipEditor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.setToolTip(
            "Offset of the document's times in the media: media time = document time + offset"
        )
        self.setPlaceholderText("+0:00:00.000")
        self.editingFinished.connect(self.commit)
        self.textEdited.connect(self._clear_error)
        unsubscribe = editor.timebase.subscribe(self._timebase_changed)
        self.destroyed.connect(lambda *_: unsubscribe())
        self._show()

    def _timebase_changed(self, name: str) -> None:
        if name == "offset_ms":
            self._show()

    def _show(self) -> None:
        self.setText(format_offset(self.editor.timebase.offset_ms))
        self._clear_error()

    def commit(self) -> bool:
        try:
            offset = parse_offset(self.text())
        except EditRefused as exc:
            self.setStyleSheet(f"QLineEdit {{ {INVALID_FIELD_STYLE} }}")
            self.setToolTip(str(exc))
            self.editor.refused.emit(str(exc))
            return False
        self.editor.set_offset(offset)
        self._show()
        return True

    def _clear_error(self) -> None:
        self.setStyleSheet("")
