"""What every part of the window uses: the message bus and banner, background work,
settings and folders, and the theme (one colour per kind, status and state)."""
