"""The cyclic garbage collector held off while a big file or a big handover is built."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Building or reading a big file makes hundreds of thousands of objects, and the cyclic collector's
    full pass over them would hold the interpreter lock (the event loop with it) for most of a second; they
    are freed by reference counting anyway. Paused for the duration, resumed after (if it was running)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
