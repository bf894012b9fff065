"""The main window, the composition root that builds and connects every part, and the
dialogs that show all of them (keyboard shortcuts)."""
