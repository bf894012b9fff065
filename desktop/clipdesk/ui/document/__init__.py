"""The open document: its owner (path, episode, clip store, timebase, project file,
autosave, dirty state), the built-in example's rules, and the media bound to it."""
