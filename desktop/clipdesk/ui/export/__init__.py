"""Exporting from the window: the settings dialog, the queue's Qt bridge, model and
panel, and the controller behind the Export menu."""
