"""Python's cyclic garbage collector, paused for steps that make many objects.

Reading a long history or building the notes of every release makes
hundreds of thousands of small objects (lists, tuples, strings) and no
reference cycles: reference counting frees them, and the collector's
passes, triggered by the allocations alone, only cost time.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for a block (as it was, afterwards)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
