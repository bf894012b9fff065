"""Clipdesk: review, correct and batch-export clips from long videos."""

__version__ = "0.1.0"
