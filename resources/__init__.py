"""Clipdesk's own files (the example episode, icons), installed as clipdesk.resources.

Found with importlib.resources through clipdesk.resource_files; see setup.py for the
mapping of this folder into the package."""
