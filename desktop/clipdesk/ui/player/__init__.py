"""The embedded player: the backend interface, the libvlc backend and a fake for tests,
the player with its interpolated playhead, and the player area with its seek bar."""
