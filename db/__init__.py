"""Promptfill's store: SQLite through one aiosqlite connection. All SQL lives in this package.

The store itself is db.store.Store. This file imports nothing: the match worker (`python -m db.matching`)
imports only the matcher and its records, not the whole store (about 0.1 s of its start-up, issue 25).
"""
