"""Promptfill's features, one per module."""
