"""Which points of a history each head reaches, from one walk of the commit graph.

Pure logic over ``(commit, parents)`` pairs, parents first (``git rev-list
--topo-order --reverse --parents``). Every commit carries the set of points
among its ancestors as a bitset; a commit's set is dropped once its last
child has been seen, so memory follows the width of the graph, not its length.
"""

from __future__ import annotations

from collections.abc import Iterable


def reachable_points(
    graph: Iterable[tuple[str, list[str]]], points: Iterable[str], heads: Iterable[str]
) -> dict[str, set[str]]:
    """For each head in the graph, the points reachable from it (itself included)."""
    index: dict[str, int] = {}
    parents: list[tuple[int, ...]] = []
    children: list[int] = []
    for sha, ps in graph:  # parents come first: number them as they arrive
        numbered = tuple([index[p] for p in ps if p in index])
        for p in numbered:
            children[p] += 1
        index[sha] = len(parents)
        parents.append(numbered)
        children.append(0)
    ordered = [p for p in dict.fromkeys(points) if p in index]
    bit = {index[p]: 1 << k for k, p in enumerate(ordered)}
    wanted = {index[h]: h for h in heads if h in index}
    del index
    masks: list[int | None] = [None] * len(parents)
    found: dict[str, int] = {}
    for i, ps in enumerate(parents):
        mask = bit.get(i, 0)
        for p in ps:
            mask |= masks[p]  # type: ignore[operator]
            children[p] -= 1
            if children[p] == 0:
                masks[p] = None
        if children[i]:
            masks[i] = mask
        if i in wanted:
            found[wanted[i]] = mask
    return {head: _decode(mask, ordered) for head, mask in found.items()}


def _decode(mask: int, ordered: list[str]) -> set[str]:
    """The points whose bits are set in ``mask``."""
    out = set()
    while mask:
        low = mask & -mask
        out.add(ordered[low.bit_length() - 1])
        mask ^= low
    return out
