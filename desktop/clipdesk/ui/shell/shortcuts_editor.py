"""The Keyboard page of the settings: every action with its shortcut, editable. A key
another action already has is refused with a message naming that action. Nothing is
applied until the dialog is accepted."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QKeySequenceEdit,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from clipdesk.ui.common import theme
from clipdesk.ui.common.keymap import (
    NATIVE,
    PORTABLE,
    Keymap,
    action_id,
    action_label,
    conflict,
    parse_keys,
)

ID_ROLE = Qt.ItemDataRole.UserRole


class ShortcutsEditor(QWidget):
    def __init__(
        self,
        groups: list[tuple[str, list[QAction]]],
        keymap: Keymap,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.keymap = keymap
        keymap.learn(a for _g, acts in groups for a in acts)
        self.labels: dict[str, str] = {}
        self.keys: dict[str, str] = {}  # the working copy: action id -> keys text
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("shortcutTree")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Action", "Shortcut"])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self._items: dict[str, QTreeWidgetItem] = {}
        for group, actions in groups:
            head = QTreeWidgetItem(self.tree, [group])
            head.setFirstColumnSpanned(True)
            font = head.font(0)
            font.setBold(True)
            head.setFont(0, font)
            head.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for act in actions:
                name = action_id(act)
                if name in self._items:
                    continue  # an action listed in two groups is edited once
                self.labels[name] = action_label(act)
                self.keys[name] = keymap.keys_for(name)
                item = QTreeWidgetItem(head, [self.labels[name], ""])
                item.setData(0, ID_ROLE, name)
                self._items[name] = item
                self._show(name)
            head.setExpanded(True)
        self.tree.setColumnWidth(0, 300)
        self.tree.currentItemChanged.connect(lambda *_: self._on_current())

        self.edit = QKeySequenceEdit(self)
        self.edit.setObjectName("shortcutEdit")
        self.edit.setMaximumSequenceLength(1)
        self.edit.setClearButtonEnabled(True)
        self.edit.editingFinished.connect(self._on_edited)
        self.edit.keySequenceChanged.connect(self._on_edited)
        self.reset_one = QPushButton("Default", self)
        self.reset_one.setToolTip("Give this action its built-in shortcut again")
        self.reset_one.clicked.connect(self.reset_current)
        self.reset_all = QPushButton("Reset all", self)
        self.reset_all.setToolTip("Every action gets its built-in shortcut again")
        self.reset_all.clicked.connect(self.reset_everything)
        self.message = QLabel(self)
        self.message.setObjectName("shortcutMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {theme.ERROR_TEXT};")

        row = QHBoxLayout()
        row.addWidget(QLabel("Shortcut:", self))
        row.addWidget(self.edit, 1)
        row.addWidget(self.reset_one)
        row.addWidget(self.reset_all)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree, 1)
        layout.addLayout(row)
        layout.addWidget(self.message)
        self._on_current()

    # -- the list -------------------------------------------------------------------------
    def _show(self, name: str) -> None:
        item = self._items[name]
        native = "; ".join(k.toString(NATIVE) for k in parse_keys(self.keys[name]))
        item.setText(1, native)
        changed = self.keys[name] != self.keymap.defaults.get(name, "")
        font = item.font(1)
        font.setItalic(changed)
        item.setFont(1, font)

    def current_id(self) -> str | None:
        item = self.tree.currentItem()
        name = item.data(0, ID_ROLE) if item is not None else None
        return name if isinstance(name, str) else None

    def select(self, name: str) -> None:
        self.tree.setCurrentItem(self._items[name])

    def _on_current(self) -> None:
        name = self.current_id()
        self.edit.setEnabled(name is not None)
        self.reset_one.setEnabled(name is not None)
        self.edit.blockSignals(True)
        keys = parse_keys(self.keys[name]) if name else []
        self.edit.setKeySequence(keys[0] if keys else QKeySequence())
        self.edit.blockSignals(False)

    # -- changing keys ------------------------------------------------------------------------
    def set_keys(self, name: str, seq: QKeySequence) -> bool:
        """Give an action this one shortcut; refused (with the reason shown) when another
        action has it already."""
        other = conflict(self.keys, name, seq, self.labels)
        if other is not None:
            text = seq.toString(NATIVE)
            self.message.setText(
                f"{text} is already the shortcut of “{other}”: change that one first."
            )
            self._on_current()  # the editor shows the key the action keeps
            return False
        self.message.clear()
        self.keys[name] = seq.toString(PORTABLE)
        self._show(name)
        return True

    def _on_edited(self) -> None:
        name = self.current_id()
        if name is None:
            return
        seq = self.edit.keySequence()
        if seq.toString(PORTABLE) == (parse_keys(self.keys[name]) or [QKeySequence()])[0].toString(
            PORTABLE
        ):
            return
        self.set_keys(name, seq)

    def reset_current(self) -> None:
        name = self.current_id()
        if name is not None:
            self._reset(name)
            self._on_current()

    def _reset(self, name: str) -> bool:
        default = self.keymap.defaults.get(name, "")
        for seq in parse_keys(default):
            other = conflict(self.keys, name, seq, self.labels)
            if other is not None:
                self.message.setText(
                    f"The default {seq.toString(NATIVE)} is now the shortcut of “{other}”: "
                    "change that one first."
                )
                return False
        self.message.clear()
        self.keys[name] = default
        self._show(name)
        return True

    def reset_everything(self) -> None:
        self.keys = {name: self.keymap.defaults.get(name, "") for name in self.keys}
        for name in self.keys:
            self._show(name)
        self.message.clear()
        self._on_current()
