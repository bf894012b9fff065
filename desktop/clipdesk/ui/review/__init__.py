"""Reviewing: the clip table and its filter, the details panel, the transcript, and the
sync between the list, the transcript and the playhead."""
