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
    nodes = list(graph)
    index = {sha: i for i, (sha, _) in enumerate(nodes)}
    parents = [[index[p] for p in ps if p in index] for _, ps in nodes]
    children = [0] * len(nodes)
    for ps in parents:
        for p in ps:
            children[p] += 1
    ordered = [p for p in dict.fromkeys(points) if p in index]
    bit = {index[p]: 1 << k for k, p in enumerate(ordered)}
    wanted = {index[h] for h in heads if h in index}
    masks: list[int | None] = [None] * len(nodes)
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
            found[nodes[i][0]] = mask
    return {head: _decode(mask, ordered) for head, mask in found.items()}


def _decode(mask: int, ordered: list[str]) -> set[str]:
    """The points whose bits are set in ``mask``."""
    out = set()
    while mask:
        low = mask & -mask
        out.add(ordered[low.bit_length() - 1])
        mask ^= low
    return out
