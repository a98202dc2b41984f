"""Python's cyclic garbage collector, run less often by a command and paused for big steps.

Reading a long history or building the notes of every release makes
hundreds of thousands of small objects (lists, tuples, strings) and no
reference cycles: reference counting frees them, and the collector's
passes, triggered by the allocations alone, only cost time (a third of
``notes --all-releases`` on 200,000 commits, with Python's default
thresholds).
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


#: Allocations between two collections of the youngest generation, and how many of
#: those make a collection of the next generations (Python's default: 700, 10, 10).
THRESHOLDS = (100_000, 50, 50)


def tune_for_a_command() -> None:
    """Collect reference cycles far less often for the rest of this process.

    For a ``release-tool`` process (the console script): cycles are still
    collected, so a long-running ``sandbox serve`` does not grow, but not
    every 700 allocations.
    """
    gc.set_threshold(*THRESHOLDS)
