"""The embedded player: a backend interface, the libvlc backend and a fake for tests."""
