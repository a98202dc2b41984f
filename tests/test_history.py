"""The PR index as pure logic: records in, PR sets out, whatever order git gives."""

from __future__ import annotations

import random

from release_tool.history.index import (
    HistoryIndex,
    PullRequest,
    _children_first,
    _one_per_ref,
    dedupe,
    iter_bits,
)


def rec(sha: str, parents: list[str], time: int, message: str):
    """One record as the git adapter yields it."""
    return (sha, parents, time, "dev", message)


RECORDS = [  # newest first
    rec("m2", ["m1", "b2"], 9, "Merge pull request #2 from dev/two\n\nSecond"),
    rec("b2", ["b1"], 8, "fix: inner (#3)"),
    rec("b1", ["m1"], 7, "work on two"),
    rec("m1", ["r", "a1"], 6, "Merge pull request #1 from dev/one\n\nFirst"),
    rec("a1", ["r"], 5, "work on one"),
    rec("r", [], 1, "root"),
]


def refs(index: HistoryIndex, until: str, since: str | None = None) -> list[tuple[str, str]]:
    """(ref, kind) of the PRs between two points."""
    return [(pr.ref, pr.kind) for pr in index.between(until, since)]


def test_ranges_and_nesting():
    index = HistoryIndex(RECORDS, ["m2", "m1", "r"])
    assert refs(index, "m2") == [("#1", "merge"), ("#3", "nested"), ("#2", "merge")]
    assert refs(index, "m2", "m1") == [("#3", "nested"), ("#2", "merge")]
    assert refs(index, "m1", "r") == [("#1", "merge")]
    assert index.contains("r", "m2") and not index.contains("m2", "m1")
    nested = next(pr for pr in index.entries if pr.ref == "#3")
    assert nested.parent == 2


def test_clock_skew_is_resorted():
    """A parent listed before its child (skewed clocks) gives the same answers."""
    shuffled = RECORDS[:]
    random.Random(7).shuffle(shuffled)
    assert _children_first([[1], []]) is None
    index = HistoryIndex(shuffled, ["m2", "m1", "r"])
    assert refs(index, "m2", "m1") == [("#3", "nested"), ("#2", "merge")]
    assert refs(index, "m1", "r") == [("#1", "merge")]


def test_missing_parents_are_tolerated():
    """A shallow history: the root is absent."""
    index = HistoryIndex(RECORDS[:-1], ["m2", "m1"])
    assert index.missing_parents
    assert refs(index, "m2", "m1") == [("#3", "nested"), ("#2", "merge")]


def test_iter_bits_both_paths():
    few = (1 << 3) | (1 << 70)
    many = sum(1 << i for i in range(0, 400, 3))
    assert list(iter_bits(few)) == [3, 70]
    assert list(iter_bits(many)) == list(range(0, 400, 3))
    assert list(iter_bits(0)) == []


def test_first_per_group_is_cut_at_limit():
    index = HistoryIndex(RECORDS, ["m2", "m1", "r"])
    ordered = [("m1", "a", "A"), ("m2", "a", "A2"), ("m2", "b", "B"), ("m2", "c", "C")]
    found = index.first_per_group(ordered, limit=2)
    first_pr = next(n for n, pr in enumerate(index.entries) if pr.ref == "#1")
    assert found[first_pr] == [("a", "A"), ("b", "B")]


def test_first_per_group_in_a_mask_equals_the_unmasked_answer():
    """Looking only for some entries gives those entries' answer of a full search."""
    index = HistoryIndex(RECORDS, ["m2", "m1", "r"])
    ordered = [("r", "x", 0), ("m1", "a", "A"), ("m2", "a", "A2"), ("m2", "b", "B")]
    everything = index.first_per_group(ordered)
    for ref in ("#1", "#2", "#3"):
        mask = index.mask_of(index.positions_of([ref]))
        found = index.first_per_group(ordered, mask=mask)
        assert found == {n: everything[n] for n in everything if mask >> n & 1}
        assert found  # each of these PRs is in some release
    assert (
        index.mask_of(index.positions_of(["#404"])) == 0
        and index.first_per_group(ordered, mask=0) == {}
    )


def test_one_per_ref_is_dedupe_without_the_dropped_refs():
    """The fast path of ``between`` gives what dedupe gives, ties and drops included."""
    rng = random.Random(11)
    kinds = ["merge", "squash", "sweep", "nested"]
    for _ in range(300):
        entries = [
            PullRequest(rng.randint(1, 6), rng.choice("#!") + str(rng.randint(1, 6)),
                        rng.choice(kinds), "t", f"c{n}", rng.randint(1, 4), None, None)
            for n in range(rng.randint(0, 12))
        ]  # fmt: skip
        numbers: dict[str, list[int]] = {}
        for n, pr in enumerate(entries):
            numbers.setdefault(pr.ref, []).append(n)
        repeated = {ref: found for ref, found in numbers.items() if len(found) > 1}
        dropped = sum(1 << n for n in range(len(entries)) if rng.random() < 0.2)
        gone = {entries[n].ref for n in iter_bits(dropped)}
        kept = [pr for n, pr in enumerate(entries) if not dropped >> n & 1]
        expected = dedupe(pr for pr in kept if pr.ref not in gone)
        assert list(map(id, _one_per_ref(kept, repeated, dropped))) == list(map(id, expected))


SWEPT = [  # newest first: PR #5 merged on one line, swept onto another
    rec("t2", ["s1"], 9, "sweep: #5 Fix thing"),
    rec("s1", ["r"], 8, "work on the other line"),
    rec("m5", ["a0", "f5"], 7, "Merge pull request #5 from dev/five\n\nFix thing"),
    rec("f5", ["a0"], 6, "fix (#6)"),
    rec("a0", ["r"], 5, "start"),
    rec("r", [], 1, "root"),
]


def test_between_each_answers_as_between_does():
    """Many ranges at once (with the repeated refs' table) give each range's own answer."""
    index = HistoryIndex(SWEPT, ["t2", "m5", "s1", "a0", "r"])
    queries = [
        ("t2", "r", []),
        ("m5", "r", []),
        ("t2", "s1", ["m5"]),
        ("t2", None, ["m5"]),
        ("m5", None, ["t2"]),
        ("t2", None, []),
    ]
    alone = [index.between(*query) for query in queries]
    assert [[(pr.ref, pr.kind) for pr in prs] for prs in alone][2:4] == [[], []]
    assert [(pr.ref, pr.kind) for pr in alone[0]] == [("#5", "sweep")]
    each = index.between_each(queries)
    assert [list(map(id, prs)) for prs in each] == [list(map(id, prs)) for prs in alone]
