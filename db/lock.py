"""One bot per database file: an advisory lock on `<database>.lock`, held while the store is open.

The operating system releases it when the process ends in any way (exit, crash, kill -9), so a lock
file left behind never blocks the next start. Backups do not take it (they read a consistent snapshot
beside the running bot); restores do, so a bot cannot start on a file being replaced.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO

from db.errors import DatabaseInUse

if sys.platform == "win32":
    import msvcrt

    def _try_lock(handle: IO[bytes]) -> bool:
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

else:
    import fcntl

    def _try_lock(handle: IO[bytes]) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


def lock_path(database: str | Path) -> Path:
    return Path(f"{database}.lock")


class DatabaseLock:
    def __init__(self, database: str | Path) -> None:
        self.database = str(database)
        self._handle: IO[bytes] | None = None

    @property
    def needed(self) -> bool:
        """An in-memory database is private to its connection: nothing to share, nothing to lock."""
        return self.database != ":memory:" and not self.database.startswith("file::memory:")

    def acquire(self) -> None:
        """Take the lock or raise DatabaseInUse naming the file."""
        if not self.needed or self._handle is not None:
            return
        handle = lock_path(self.database).open("a+b")
        if not _try_lock(handle):
            handle.close()
            raise DatabaseInUse(self.database)
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n".encode())
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            handle, self._handle = self._handle, None
            handle.close()  # closing the file releases the lock
