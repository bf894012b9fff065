"""Editing clips: undoable commands through one editor, the editing actions and keys,
time fields, the timeline with draggable bounds, and the session that wires them into
the window for the open document."""
