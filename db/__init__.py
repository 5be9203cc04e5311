"""Promptfill's store: SQLite through one aiosqlite connection. All SQL lives in this package."""

from db.store import Store

__all__ = ["Store"]
