"""Where a fix is present: the four evidences, over one read of history. Pure, no I/O.

A fix (a PR's merge or squash commit) is present on a line when, in order:

1. ``ancestry``: its commit is an ancestor of the line's head;
2. ``sweep``: a sweep PR of it (history's ``origin``) was merged there;
3. ``cherry-pick``: a commit there carries ``(cherry picked from commit X)``
   for the fix's commit or one of its branch's commits;
4. ``patch-id``: a commit there has the same ``git patch-id`` as the fix
   (a merge's diff against its first parent).

:class:`Graph` holds the history as the adapter read it (commits children
first, parents as indices, the PR entries, the cherry-pick trailers, the
patch ids of the window); each commit's ``reach`` is the bitset of the
*points* (line heads, release commits) it is an ancestor of, computed by
:func:`compute_reach` in one pass.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..history.index import MAINLINE, PullRequest
from ..history.prmessages import SWEEP

ANCESTRY = "ancestry"
SWEPT = "sweep"
CHERRY_PICK = "cherry-pick"
PATCH_ID = "patch-id"
EVIDENCES = (ANCESTRY, SWEPT, CHERRY_PICK, PATCH_ID)


@dataclass
class Graph:
    """A history read once: commits (children before parents) and what they say."""

    shas: list[str]
    parents: list[list[int]]
    times: list[int]
    owner: list[int]  # MAINLINE, or the commit index of the PR merge that brought it in
    prs: dict[int, PullRequest]  # PR entries by commit index
    cherries: dict[int, list[str]]  # commit index -> hashes of its cherry-pick trailers
    points: list[str]  # bit i of ``reach`` is point i
    reach: list[int] = field(default_factory=list)
    patch_ids: dict[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Index the hashes; compute ``reach`` when it was not given."""
        self.index = {sha: i for i, sha in enumerate(self.shas)}
        self._bits = {p: 1 << i for i, p in enumerate(self.points)}
        if not self.reach:
            self.reach = compute_reach(self.parents, [self.index.get(p) for p in self.points])

    def bit(self, point: str) -> int:
        """The bit of a point (0 when it is not one, or not in the history)."""
        return self._bits.get(point, 0)


def compute_reach(parents: list[list[int]], point_positions: Iterable[int | None]) -> list[int]:
    """For each commit, the bitset of the points it is an ancestor of (or is).

    Commits come children first, so one pass pushes each commit's bits to
    its parents.
    """
    reach = [0] * len(parents)
    for bit, position in enumerate(point_positions):
        if position is not None:
            reach[position] |= 1 << bit
    for i, ps in enumerate(parents):
        bits = reach[i]
        if bits:
            for p in ps:
                reach[p] |= bits
    return reach


@dataclass(frozen=True)
class Found:
    """How a fix is present on a line: the evidence, the commit that carries it, and via what."""

    evidence: str
    commit: int  # commit index in the graph
    via: str | None = None  # the sweep PR (#N) or the commit that carried it


class Presence:
    """Answers "is fix F present under point P?" for many fixes and points."""

    def __init__(self, graph: Graph) -> None:
        """Index sweeps by origin, trailers by target commit, commits by patch id and owner."""
        self.graph = graph
        self.sweeps: dict[int, list[int]] = {}
        for i, pr in graph.prs.items():
            if pr.kind == SWEEP and pr.origin is not None:
                self.sweeps.setdefault(pr.origin, []).append(i)
        self._sorted = sorted(graph.shas)
        self.carriers: dict[int, list[int]] = {}
        for i, hashes in graph.cherries.items():
            for sha in hashes:
                j = self._resolve(sha)
                if j is not None:
                    self.carriers.setdefault(j, []).append(i)
        self.by_patch: dict[str, list[int]] = {}
        for i, pid in graph.patch_ids.items():
            self.by_patch.setdefault(pid, []).append(i)
        self.owned: dict[int, list[int]] = {}
        for i, owner in enumerate(graph.owner):
            if owner != MAINLINE and owner >= 0:
                self.owned.setdefault(owner, []).append(i)

    def _resolve(self, sha: str) -> int | None:
        """The index of a full or abbreviated hash, or None."""
        found = self.graph.index.get(sha)
        if found is not None:
            return found
        pos = bisect.bisect_left(self._sorted, sha)
        if pos < len(self._sorted) and self._sorted[pos].startswith(sha) and len(sha) >= 7:
            return self.graph.index[self._sorted[pos]]
        return None

    def commits_of(self, fix: int) -> list[int]:
        """The fix's own commit and the commits of its branch."""
        return [fix, *self.owned.get(fix, [])]

    def find(self, fix: int, number: int, point_bit: int) -> Found | None:
        """How fix ``fix`` (commit index; PR ``number``) is present under the point, or None."""
        graph = self.graph
        reach = graph.reach
        if reach[fix] & point_bit:
            return Found(ANCESTRY, fix)
        for i in self.sweeps.get(number, []):
            if reach[i] & point_bit:
                return Found(SWEPT, i, f"#{graph.prs[i].number}")
        for c in self.commits_of(fix):
            for i in self.carriers.get(c, []):
                if reach[i] & point_bit:
                    return Found(CHERRY_PICK, i, graph.shas[i][:10])
        pid = graph.patch_ids.get(fix)
        if pid is not None:
            for i in self.by_patch.get(pid, []):
                if i != fix and reach[i] & point_bit:
                    return Found(PATCH_ID, i, graph.shas[i][:10])
        return None
