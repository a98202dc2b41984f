"""The PR index of a history: which pull requests every commit of interest contains.

Pure logic over commit records handed in by the git adapter, newest first in
topological order (``git log --topo-order``). One pass from the tips down
decides how each PR came in (a PR nested in another PR's branch, a
cherry-picked copy inside a sweep); one pass from the roots up gives every
*point* (a release tag, a branch head, a ``--since``/``--until`` commit) the
set of PRs and the set of other points it contains, as bitsets. Any number
of ranges is then a set difference, so the PR lists of every release of a
repository cost one read of its history.
"""

from __future__ import annotations

import bisect
import heapq
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate, count
from operator import add, attrgetter

from .prmessages import MERGE, NESTED, SQUASH, SWEEP, PrMark, cherry_picked_from, classify

MAINLINE = -1
#: What an index answers queries from (computed by its last pass; a stored index's query section).
QUERY_STATE = ("points", "point_bit", "pr_bits", "point_bits", "entries", "first_parents",
               "point_number", "entry_commits")  # fmt: skip
_KIND_RANK = {MERGE: 0, SQUASH: 1, SWEEP: 2, NESTED: 3}
#: The order of a range's PRs: oldest merge first.
_BY_MERGE = attrgetter("merged_at", "number")
#: Which of a PR's entries a range lists (lowest first): merge before sweep, then the oldest.
_PREFERENCE = attrgetter("rank", "merged_at")

#: One commit as the git adapter reads it: sha, parent shas, commit time, author, message.
Record = tuple[str, list[str], int, str, str]


@dataclass(slots=True)
class PullRequest:
    """A pull request as history shows it."""

    number: int
    ref: str
    kind: str
    title: str
    commit: str
    merged_at: int
    author: str | None
    head: str | None
    origin: int | None = None
    parent: int | None = None
    reverts: int | None = None

    @property
    def rank(self) -> int:
        """Preference when one PR is reached twice: merge, squash, sweep, then nested."""
        return _KIND_RANK[self.kind]


#: The fields of a :class:`PullRequest` in constructor order: a stored entry's row.
ENTRY_FIELDS = tuple(PullRequest.__dataclass_fields__)


class StoredEntries(Sequence[PullRequest]):
    """The PR entries of a stored index: columns of plain values, a PullRequest made on use.

    Unpickling lists of strings and ints is several times faster than
    unpickling dataclasses, and a range of one release makes only its own
    few PRs.
    """

    __slots__ = ("columns", "made")

    def __init__(self, columns: list[list]) -> None:
        """Entries of ``columns``, one list per field in :data:`ENTRY_FIELDS` order."""
        if len(columns) != len(ENTRY_FIELDS) or len({len(c) for c in columns}) > 1:
            raise ValueError("PR entry columns of different lengths")
        self.columns = columns
        self.made: dict[int, PullRequest] = {}

    def __len__(self) -> int:
        """The number of entries."""
        return len(self.columns[0])

    def __getitem__(self, n):  # type: ignore[override]
        """Entry ``n`` (the same object each time), or a list for a slice."""
        if isinstance(n, slice):
            return [self[i] for i in range(*n.indices(len(self)))]
        if n < 0:
            n += len(self)
        pr = self.made.get(n)
        if pr is None:
            pr = self.made[n] = PullRequest(*(c[n] for c in self.columns))  # IndexError past end
        return pr

    def refs(self) -> list[str]:
        """Every entry's PR ref, in order, without making the entries."""
        return self.columns[ENTRY_FIELDS.index("ref")]


def entry_columns(entries: Sequence[PullRequest]) -> list[list]:
    """``entries`` as the columns :class:`StoredEntries` is made of."""
    if isinstance(entries, StoredEntries):
        return entries.columns
    return [[getattr(pr, name) for pr in entries] for name in ENTRY_FIELDS]


def ref_column(entries: Sequence[PullRequest]) -> list[str]:
    """Every entry's PR ref, in order (a stored index's without making its entries)."""
    return entries.refs() if isinstance(entries, StoredEntries) else [e.ref for e in entries]


def iter_bits(bits: int) -> Iterator[int]:
    """Indices of the set bits of ``bits`` (not negative), lowest first.

    Few bits are peeled off one at a time. Many are found in the binary
    string, without a Python step per bit: the k-th set bit (from 0) is at
    the total length of the runs of zeros below it, plus k.
    """
    if bits.bit_count() <= 16:
        return _peel_bits(bits)
    zeros = bin(bits)[:1:-1].split("1")  # lowest bit first
    zeros.pop()  # the zeros above the highest bit: none
    return map(add, accumulate(map(len, zeros)), count())


def _peel_bits(bits: int) -> Iterator[int]:
    """Indices of the set bits of ``bits``, lowest first, one big-int step each."""
    while bits:
        low = bits & -bits
        yield low.bit_length() - 1
        bits ^= low


class HistoryIndex:
    """PRs and points of a history, with each point's contents as bitsets."""

    def __init__(self, records: Iterable[Record], points: Iterable[str]) -> None:
        """Index ``records`` and compute the sets of ``points``.

        ``records`` come newest first, as ``git log`` streams them; where clock
        skew puts a parent before one of its children, the index re-sorts
        them topologically (children first) before its passes.
        """
        shas: list[str] = []
        index: dict[str, int] = {}
        parents: list[list[int]] = []
        waiting: dict[str, list[tuple[int, int]]] = {}  # parent sha -> (child, position)
        times: dict[int, int] = {}  # of PR commits only: memory follows the PR count
        authors: dict[int, str] = {}
        marks: dict[int, PrMark] = {}
        cherries: dict[int, list[str]] = {}
        skewed = False  # a parent read before one of its children
        for i, (sha, parent_shas, time, author, message) in enumerate(records):
            # Number parents as soon as they are read: no parent hashes are kept,
            # only the few children still waiting for theirs.
            shas.append(sha)
            index[sha] = i
            for child, position in waiting.pop(sha, ()):
                parents[child][position] = i
            numbered = []
            for position, p in enumerate(parent_shas):
                j = index.get(p, -1)
                if j == -1:
                    waiting.setdefault(p, []).append((i, position))
                else:
                    skewed = True
                numbered.append(j)
            parents.append(numbered)
            _read_message(i, len(parent_shas), time, author, message, marks, times, authors,
                          cherries)  # fmt: skip
        self.missing_parents = bool(waiting)  # a shallow clone: some parents were never read
        if waiting:
            parents = [[p for p in ps if p != -1] for ps in parents]
        del waiting
        self.shas, self.index, self.parents = shas, index, parents
        del shas, index, parents
        order = _children_first(self.parents) if skewed else None
        if order is not None:  # clock skew: re-sort, then number again
            marks, cherries, times, authors = self._renumber(order, marks, cherries, times, authors)
        self.owner = self._owners(marks)
        self._complete(marks, cherries, times, authors, points)

    def defer(self, names: Iterable[str], load: Callable[[], dict]) -> None:
        """Set the attributes ``names`` from ``load()`` when one of them is first used.

        A stored index (see :mod:`.indexcache`) reads its commit graph and
        its kept messages only when a command asks for them.
        """
        deferred = self.__dict__.setdefault("_deferred", {})
        for name in names:
            deferred[name] = load

    def drop(self, *names: str) -> None:
        """Drop the attributes ``names``, loaded or deferred (to be deferred again, or gone)."""
        deferred = self.__dict__.get("_deferred", {})
        for name in names:
            self.__dict__.pop(name, None)
            deferred.pop(name, None)

    def forget_marks(self) -> None:
        """Drop what is kept only to store or extend this index: the messages' marks.

        Queries never read them; a stored index reads its own from the file.
        """
        self.drop("marks", "cherries", "times", "authors")

    def __getattr__(self, name: str):
        """A deferred attribute, loaded with the rest of its section on first use."""
        deferred = self.__dict__.get("_deferred", {})
        load = deferred.get(name)
        if load is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        values = load()
        for key in [k for k, v in deferred.items() if v is load]:
            del deferred[key]
        self.__dict__.update(values)
        return self.__dict__[name]

    def _renumber(self, order: list[int], *maps: dict) -> list[dict]:
        """Put the commits in ``order``; the per-commit ``maps`` renumbered to match."""
        where = {old: new for new, old in enumerate(order)}
        parents = self.parents
        self.shas = [self.shas[i] for i in order]
        self.index = {sha: i for i, sha in enumerate(self.shas)}
        self.parents = [[where[p] for p in parents[i]] for i in order]
        return [{where[i]: value for i, value in m.items()} for m in maps]

    def _complete(
        self,
        marks: dict[int, PrMark],
        cherries: dict[int, list[str]],
        times: dict[int, int],
        authors: dict[int, str],
        points: Iterable[str],
    ) -> None:
        """The PRs and the points' bitsets, once commits are numbered and owned."""
        self._sorted_shas: list[str] | None = None
        self.prs = self._pull_requests(marks, cherries, times, authors)
        # What the messages said, kept (one entry per PR commit or cherry-pick)
        # so that a stored index can be extended without re-reading history.
        self.marks, self.cherries, self.times, self.authors = marks, cherries, times, authors
        self.points = [p for p in dict.fromkeys(points) if p in self.index]
        # First-parent chains and the commit numbers of points and PRs, compactly:
        # what a walk along a line needs, without the whole graph of a stored index.
        self.first_parents = array("i", (ps[0] if ps else -1 for ps in self.parents))
        self.point_number = {sha: self.index[sha] for sha in self.points}
        self.point_bit = {sha: 1 << i for i, sha in enumerate(self.points)}
        self.pr_bits, self.point_bits = self._contents()

    @classmethod
    def extended(
        cls,
        old: HistoryIndex,
        records: Iterable[Record],
        points: Iterable[str],
        *,
        consume: bool = False,
    ) -> HistoryIndex | None:
        """``old`` with the commits of ``records`` on top, for ``points``; None if not exact.

        ``records`` are the commits reachable from the new tips and not from
        ``old``'s (``git log NEW --not OLD``), newest first. The result is
        the index a full read of the history would give: the old commits keep
        their order behind the new ones, every pass runs again on what the
        index kept of the old messages. None (rebuild from history) when
        anything does not fit: a record already known or a parent unknown, a
        shallow history, clock skew among the new commits, or new commits
        that would change which PR brought an old commit in (that answer
        depends on the order of the walk, which only a full read decides).

        With ``consume``, ``old`` is released as it is used (unusable
        afterwards, whatever the answer): the two indexes of a long history
        are never whole in memory at once.
        """
        if old.missing_parents:
            return None
        release = old.drop if consume else lambda *names: None
        release(*QUERY_STATE, "pr_at")  # every answer of ``old`` is computed again
        new_shas: list[str] = []
        new_parents: list[list[str]] = []
        marks: dict[int, PrMark] = {}
        cherries: dict[int, list[str]] = {}
        times: dict[int, int] = {}
        authors: dict[int, str] = {}
        for i, (sha, parent_shas, time, author, message) in enumerate(records):
            if sha in old.index:
                return None
            new_shas.append(sha)
            new_parents.append(parent_shas)
            _read_message(i, len(parent_shas), time, author, message, marks, times, authors,
                          cherries)  # fmt: skip
        k = len(new_shas)
        index = {sha: i for i, sha in enumerate(new_shas)}
        if len(index) != k:
            return None
        parents: list[list[int]] = []
        for i, parent_shas in enumerate(new_parents):
            numbered = []
            for p in parent_shas:
                j = index.get(p)
                if j is None:
                    j = old.index.get(p)
                    if j is None:
                        return None  # a parent outside both: not an extension of ``old``
                    j += k
                elif j <= i:
                    return None  # clock skew among the new commits: a full read re-sorts
                numbered.append(j)
            parents.append(numbered)
        touched = {p - k for ps in parents for p in ps if p >= k}
        if any(old.owner[j] != MAINLINE for j in touched):
            return None  # a new branch forked inside an old PR's branch
        parents.extend([p + k for p in ps] for ps in old.parents)
        release("parents", "prs")
        self = cls.__new__(cls)
        self.missing_parents = False
        self.shas = new_shas + old.shas
        release("index")
        index.update((sha, i + k) for i, sha in enumerate(old.shas))
        release("shas", "_sorted_shas")
        self.index, self.parents = index, parents
        for name, mine in (("marks", marks), ("cherries", cherries), ("times", times),
                           ("authors", authors)):  # fmt: skip
            mine.update((i + k, value) for i, value in getattr(old, name).items())
            release(name)
        owner = self._owners(marks)
        for j, before in enumerate(old.owner):
            if owner[j + k] != (before if before == MAINLINE else before + k):
                return None  # an old tip now inside a new PR's branch
        release("owner")
        self.owner = owner
        self._complete(marks, cherries, times, authors, points)
        return self

    # -- pass 1: who brought each commit in ------------------------------------

    def _owners(self, marks: dict[int, PrMark]) -> list[int]:
        """For each commit, MAINLINE or the index of the PR merge commit that brought it in.

        Tips are mainline; first parents inherit their child's owner; the
        second parent of a PR merge commit belongs to that PR. Mainline wins
        over any PR, and among PRs the one merged first.
        """
        owner = [-2] * len(self.shas)  # -2: not reached yet
        merges = {i for i, mark in marks.items() if mark.merge_commit}
        for i, parents in enumerate(self.parents):
            label = owner[i]
            if label == -2:
                label = owner[i] = MAINLINE
            if not parents:
                continue
            first = parents[0]  # most commits have this one parent only
            if label == MAINLINE or owner[first] != MAINLINE:
                owner[first] = label
            if len(parents) > 1:
                side = i if i in merges else label
                for p in parents[1:]:
                    if side == MAINLINE or owner[p] != MAINLINE:
                        owner[p] = side
        return owner

    def _pull_requests(
        self,
        marks: dict[int, PrMark],
        cherries: dict[int, list[str]],
        times: dict[int, int],
        authors: dict[int, str],
    ) -> dict[int, PullRequest]:
        """The PRs of the history by commit index, with nesting, sweeps and reverts resolved."""
        prs: dict[int, PullRequest] = {}
        hints: dict[int, list[int | str]] = {}
        sha_of, owners = self.shas, self.owner
        for i, mark in marks.items():
            owner = owners[i]
            container = marks.get(owner) if owner != MAINLINE else None
            if container is not None and container.kind == SWEEP:
                hints.setdefault(owner, []).append(mark.number)  # the swept copy of a PR
                continue
            kind = NESTED if container is not None else mark.kind
            parent = container.number if container is not None else None
            # Positional (number, ref, kind, title, commit, merged_at, author, head, origin,
            # parent, reverts): keyword arguments cost a third of making an entry.
            prs[i] = PullRequest(mark.number, mark.ref, kind, mark.title, sha_of[i], times[i],
                                 mark.owner or authors[i], mark.head, mark.origin, parent,
                                 mark.reverts)  # fmt: skip
        for i, shas in cherries.items():
            owner = self.owner[i]
            if owner in prs and prs[owner].kind == SWEEP:
                hints.setdefault(owner, []).extend(shas)
        for i, pr in prs.items():
            if pr.kind == SWEEP and pr.origin is None:
                mark = marks[i]
                candidates = ([mark.origin_sha] if mark.origin_sha else []) + hints.get(i, [])
                pr.origin = self._first_number(candidates, marks)
            if pr.reverts is None and marks[i].reverts_sha:
                pr.reverts = self._first_number([marks[i].reverts_sha], marks)
        return prs

    def _first_number(self, candidates: list[int | str], marks: dict[int, PrMark]) -> int | None:
        """The first PR number among numbers and commit hashes (resolved through history)."""
        for candidate in candidates:
            if isinstance(candidate, int):
                return candidate
            i = self._resolve(candidate)
            if i is None:
                continue
            if i in marks:  # the PR's own merge or squash commit
                return marks[i].number
            owner = self.owner[i]
            if owner in marks:  # a commit of the PR's branch
                return marks[owner].number
        return None

    def _resolve(self, prefix: str) -> int | None:
        """The commit index of a full or abbreviated hash, if it is in the history."""
        if prefix in self.index:
            return self.index[prefix]
        if self._sorted_shas is None:
            self._sorted_shas = sorted(self.shas)
        pos = bisect.bisect_left(self._sorted_shas, prefix)
        if pos < len(self._sorted_shas) and self._sorted_shas[pos].startswith(prefix):
            return self.index[self._sorted_shas[pos]]
        return None

    # -- pass 2: what each point contains ----------------------------------------

    def _contents(self) -> tuple[dict[str, int], dict[str, int]]:
        """PR bits and point bits of every point, in one pass from the roots up."""
        n = len(self.shas)
        children = [0] * n
        for parents in self.parents:
            for p in parents:
                children[p] += 1
        # The bit number of each PR's commit, not the bit itself: a dict of
        # ``1 << k`` would hold k/8 bytes per PR, quadratic in the PR count.
        pr_pos: dict[int, int] = {}
        self.entries: list[PullRequest] = []
        for i in sorted(self.prs, reverse=True):  # oldest first: old points get short ints
            pr_pos[i] = len(self.entries)
            self.entries.append(self.prs[i])
        self.entry_commits = array("i", pr_pos)  # the commit number of each entry
        point_index = {self.index[sha]: bit for sha, bit in self.point_bit.items()}
        prs_of: list[int | None] = [None] * n
        pts_of: list[int | None] = [None] * n
        pr_out: dict[str, int] = {}
        pt_out: dict[str, int] = {}
        parents = self.parents
        for i in range(n - 1, -1, -1):
            prs_here = pts_here = 0
            for p in parents[i]:
                if prs_here or pts_here:
                    prs_here |= prs_of[p]
                    pts_here |= pts_of[p]
                else:  # the first parent's sets themselves (ints are immutable): a
                    # plain commit copies nothing, however many PRs the sets hold
                    prs_here, pts_here = prs_of[p], pts_of[p]
                children[p] -= 1
                if children[p] == 0:  # no one else needs the parent's sets
                    prs_of[p] = pts_of[p] = None
            k = pr_pos.get(i)
            if k is not None:
                prs_here |= 1 << k
            pts_here |= point_index.get(i, 0)
            if children[i]:
                prs_of[i] = prs_here
                pts_of[i] = pts_here
            if i in point_index:
                pr_out[self.shas[i]] = prs_here
                pt_out[self.shas[i]] = pts_here
        return pr_out, pt_out

    # -- queries -----------------------------------------------------------------

    def contains(self, ancestor: str, descendant: str) -> bool:
        """Whether point ``ancestor`` is reachable from point ``descendant`` (or is it)."""
        return bool(self.point_bits[descendant] & self.point_bit[ancestor])

    def reachable_points(self, point: str) -> set[str]:
        """The points reachable from point ``point``, itself included."""
        return {self.points[b] for b in iter_bits(self.point_bits[point])}

    def between(self, until: str, since: str | None, also: Iterable[str] = ()) -> list[PullRequest]:
        """The PRs reachable from point ``until`` and not from point ``since``, one per ref.

        ``also``: more points whose PRs are left out, by PR ref (previous
        releases tagged off the range's history, whose PRs the range's
        branch merged again through other commits).
        """
        return self._between(until, since, also, None)

    def between_each(
        self, queries: Sequence[tuple[str, str | None, Iterable[str]]]
    ) -> list[list[PullRequest]]:
        """:meth:`between` of each ``(until, since, also)``, for many ranges at once.

        One pass over the entries first finds the few refs that have several
        (merged, then swept): a range whose other refs are all unique keeps
        them without looking at the entries of ``also`` or deduplicating.
        A single range is answered without that pass.
        """
        repeated = self._repeated_refs() if len(queries) > 1 else None
        return [self._between(until, since, also, repeated) for until, since, also in queries]

    def _between(
        self,
        until: str,
        since: str | None,
        also: Iterable[str],
        repeated: dict[str, list[int]] | None,
    ) -> list[PullRequest]:
        """:meth:`between`, with the table of repeated refs or without it (None)."""
        base = self.pr_bits[since] if since is not None else 0
        bits = self.pr_bits[until] & ~base
        extra = 0  # off our history: their PRs came in again by other commits
        for point in also:
            extra |= self.pr_bits[point] & ~base
        bits &= ~extra
        entries = self.entries
        picked = [entries[b] for b in iter_bits(bits)]
        if repeated is not None:
            return _one_per_ref(picked, repeated, extra)
        dropped = {entries[b].ref for b in iter_bits(extra)}
        return dedupe(e for e in picked if e.ref not in dropped)

    def _repeated_refs(self) -> dict[str, list[int]]:
        """The entry numbers of each PR ref that has several entries, in one pass."""
        first: dict[str, int] = {}
        repeated: dict[str, list[int]] = {}
        for n, ref in enumerate(ref_column(self.entries)):
            k = first.setdefault(ref, n)
            if k != n:
                repeated.setdefault(ref, [k]).append(n)
        return repeated

    def first_parent_walk(self, point: str, stop: set[int]) -> Iterator[PullRequest | None]:
        """Along the first parents from ``point``: each commit's PR (its merge or squash), or None.

        The walk stops at the root or at a commit number in ``stop``, and
        adds the commits it passes to ``stop``: walks of several lines that
        meet share their older part once.
        """
        at = self.pr_at
        first_parents = self.first_parents
        i = self.point_number.get(point, -1)
        while i != -1 and i not in stop:
            stop.add(i)
            n = at.get(i)
            yield None if n is None else self.entries[n]
            i = first_parents[i]

    @cached_property
    def pr_at(self) -> dict[int, int]:
        """The entry number of the PR merged (or squashed) by each PR commit, by commit number."""
        return {commit: n for n, commit in enumerate(self.entry_commits)}

    def positions_of(self, refs: Iterable[str]) -> dict[str, list[int]]:
        """The entry numbers of each PR of ``refs``: a PR merged once and swept twice has three.

        One pass over the entries' refs, whatever the number of ``refs``.
        """
        wanted = set(refs)
        positions: dict[str, list[int]] = {}
        if not wanted:
            return positions
        for n, ref in enumerate(ref_column(self.entries)):
            if ref in wanted:
                positions.setdefault(ref, []).append(n)
        return positions

    @staticmethod
    def mask_of(positions: dict[str, list[int]]) -> int:
        """The bitset of the entry numbers in ``positions``, built in one step."""
        numbers = [n for found in positions.values() for n in found]
        if not numbers:
            return 0
        bits = bytearray(max(numbers) // 8 + 1)
        for n in numbers:
            bits[n >> 3] |= 1 << (n & 7)
        return int.from_bytes(bits, "little")

    def first_per_group(
        self, ordered: Iterable[tuple[str, object, object]], limit: int = 4, mask: int = -1
    ) -> dict[int, list]:
        """For each PR entry, the first point of each group that contains it, ``limit`` at most.

        ``ordered`` yields ``(point, group, payload)`` in the order that
        decides "first" (ascending versions, say). The result maps an entry's
        bit index to ``[(group, payload), ...]`` in that same order, cut after
        ``limit`` groups: callers look for the first group passing a test
        that few fail, and the cut keeps the cost linear in the PR count.
        Only the entries whose bits are in ``mask`` are looked for (all by
        default): the few PRs of one release cost little on a long history.
        """
        seen: dict[object, int] = {}
        full = 0  # entries that already have ``limit`` groups
        found: dict[int, list] = {}
        for point, group, payload in ordered:
            bits = self.pr_bits[point] & mask
            before = seen.get(group, 0)
            seen[group] = before | bits
            pair = (group, payload)  # one tuple shared by every entry it is first for
            for b in iter_bits(bits & ~before & ~full):
                groups = found.setdefault(b, [])
                groups.append(pair)
                if len(groups) == limit:
                    full |= 1 << b
        return found


def _read_message(
    i: int,
    parent_count: int,
    time: int,
    author: str,
    message: str,
    marks: dict[int, PrMark],
    times: dict[int, int],
    authors: dict[int, str],
    cherries: dict[int, list[str]],
) -> None:
    """Keep what commit ``i``'s message says: its PR mark (with time and author), its picks.

    One step for a full read and an extension alike, so both index the same way.
    """
    mark = classify(message, parent_count)
    if mark is not None:
        marks[i] = mark
        times[i] = time
        authors[i] = author
    if "cherry picked from" in message:
        cherries[i] = cherry_picked_from(message)


def _children_first(parents: list[list[int]]) -> list[int] | None:
    """None when every commit comes before its parents; else such an order (Kahn's algorithm).

    Ties keep the original (newest first) order, so the result stays close
    to ``git log``'s.
    """
    if all(p > i for i, ps in enumerate(parents) for p in ps):
        return None
    waiting = [0] * len(parents)  # children not yet placed
    for ps in parents:
        for p in ps:
            waiting[p] += 1
    ready = [i for i, count in enumerate(waiting) if count == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        i = heapq.heappop(ready)
        order.append(i)
        for p in parents[i]:
            waiting[p] -= 1
            if waiting[p] == 0:
                heapq.heappush(ready, p)
    return order


def _one_per_ref(
    entries: list[PullRequest], repeated: dict[str, list[int]], dropped: int
) -> list[PullRequest]:
    """:func:`dedupe` of ``entries`` without the refs that have an entry in ``dropped`` bits.

    Only the refs in ``repeated`` can have another entry (in ``dropped`` or
    in ``entries``): the others are kept as they are. The result is the
    same list as :func:`dedupe`'s, ties in the same order.
    """
    out: list[PullRequest] = []
    slot: dict[str, int] = {}  # where a repeated ref is in ``out``
    for pr in entries:
        ref = pr.ref
        numbers = repeated.get(ref)
        if numbers is None:
            out.append(pr)
            continue
        if any(dropped >> n & 1 for n in numbers):
            continue
        k = slot.get(ref)
        if k is None:
            slot[ref] = len(out)
            out.append(pr)
        elif _PREFERENCE(pr) < _PREFERENCE(out[k]):
            out[k] = pr
    out.sort(key=_BY_MERGE)
    return out


def dedupe(prs: Iterable[PullRequest]) -> list[PullRequest]:
    """One entry per PR ref (the same PR reached by two paths), oldest merge first."""
    best: dict[str, PullRequest] = {}
    for pr in prs:
        current = best.get(pr.ref)
        if current is None or _PREFERENCE(pr) < _PREFERENCE(current):
            best[pr.ref] = pr
    return sorted(best.values(), key=_BY_MERGE)
