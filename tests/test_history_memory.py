"""The history index's memory grows linearly with the PR count (issue 11, goal 5)."""

from __future__ import annotations

import tracemalloc

from release_tool.history.index import HistoryIndex


def chain(count: int):
    """``count`` squash-merged PRs on one line, newest first, as ``git log`` gives them."""
    for n in range(count, 0, -1):
        parents = [f"{n - 1:040x}"] if n > 1 else []
        yield f"{n:040x}", parents, 1_600_000_000 + n, "dev", f"fix: change {n} (#{n})"


def test_index_memory_is_linear_in_prs():
    """16,000 PRs: about 13 MiB; a bit per PR held as ``1 << k`` adds 16 MiB (k/8 bytes each)."""
    tracemalloc.start()
    try:
        index = HistoryIndex(chain(16_000), [f"{16_000:040x}", f"{8_000:040x}"])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(index.entries) == 16_000
    assert len(index.between(f"{16_000:040x}", f"{8_000:040x}")) == 8_000
    assert peak < 22 * 2**20, f"peak {peak / 2**20:.0f} MiB"
