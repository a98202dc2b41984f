"""The persistent history index never changes an answer (issue 11, correctness guard).

On the corpus histories: cached and uncached answers for every release and
every line, cold, warm, after appending commits, adding and deleting tags,
rewriting a branch, and with a truncated, corrupt or foreign cache file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import corpus_file

from release_tool import proc
from release_tool.cli import cli
from release_tool.history import indexcache
from release_tool.history.gitrepo import GitRepo
from release_tool.history.history_import import import_history, load_jsonl


def run_cli(*args: str):
    return CliRunner().invoke(cli, list(args))


def answers(repo: Path, *options: str) -> list:
    """Every release's PRs and every line's unreleased PRs, as JSON."""
    out = []
    for command in (["prs", "--all-releases", "--json"], ["prs", "--all", "--json"]):
        result = run_cli(*options, "--repo", str(repo), *command)
        assert result.exit_code == 0, result.stderr
        out.append(json.loads(result.stdout))
    return out


def git(repo: Path, *args: str) -> str:
    return proc.run(["git", *args], cwd=repo).stdout.strip()


def index_file(repo: Path) -> Path:
    return repo / ".git" / "release-tool" / indexcache.FILE


def check(repo: Path, monkeypatch, *, first: str, read: int | None = None) -> None:
    """Cached (twice: write, then read) equals uncached.

    ``first``: what the first cached run does with the stored index,
    ``"extend"`` (reads only ``git log NEW --not OLD``: ``read`` commits) or
    ``"rebuild"`` (reads the whole history); the second run reads nothing.
    """
    uncached = answers(repo, "--no-cache")
    calls: list[tuple[list[str], int]] = []
    real = GitRepo.log_records

    def counted(self, tips, exclude=()):
        calls.append((list(exclude), 0))
        for record in real(self, tips, exclude):
            calls[-1] = (calls[-1][0], calls[-1][1] + 1)
            yield record

    with monkeypatch.context() as patch:
        patch.setattr(GitRepo, "log_records", counted)
        assert answers(repo) == uncached
    assert index_file(repo).is_file()
    assert calls, "the first cached run read no history"
    if first == "extend":
        assert all(exclude for exclude, _ in calls), "a full read instead of an extension"
        assert sum(n for _, n in calls) == read
    else:
        assert not calls[0][0], "extended where a rebuild was due"
    with monkeypatch.context() as patch:
        patch.setattr(GitRepo, "log_records", lambda *a, **k: pytest.fail("history re-read"))
        assert answers(repo) == uncached


@pytest.fixture(params=["WebAppDIRAC", "COMDIRAC"])
def corpus_repo(request, tmp_path) -> Path:
    source = corpus_file("histories", f"{request.param}.jsonl.gz")
    dest = tmp_path / request.param
    import_history(load_jsonl(source), dest)
    return dest


def test_cache_never_changes_an_answer(corpus_repo, monkeypatch):
    repo = corpus_repo
    branch = "integration" if git(repo, "branch", "--list", "integration") else "master"
    check(repo, monkeypatch, first="rebuild")  # no stored index yet

    # new commits on a line: a PR merged on top
    tip = git(repo, "rev-parse", branch)
    tree = git(repo, "rev-parse", f"{tip}^{{tree}}")
    side = git(repo, "commit-tree", tree, "-p", tip, "-m", "the change")
    merge = git(repo, "commit-tree", tree, "-p", tip, "-p", side,
                "-m", "Merge pull request #99001 from dev/change\n\nA new change")  # fmt: skip
    git(repo, "update-ref", f"refs/heads/{branch}", merge)
    check(repo, monkeypatch, first="extend", read=2)  # only the two new commits

    # a new branch off an old commit, with a commit of its own
    base = git(repo, "rev-parse", f"{tip}~3")
    lone = git(repo, "commit-tree", tree, "-p", base, "-m", "fix: a lone fix (#99003)")
    git(repo, "update-ref", "refs/heads/rel-v99r0", lone)
    check(repo, monkeypatch, first="extend", read=1)

    # a new tag on a known commit, then a deleted tag (its commit still in history)
    git(repo, "tag", "v99.0.0a1", merge)
    check(repo, monkeypatch, first="extend", read=0)
    tags = git(repo, "tag", "--list").split()
    git(repo, "tag", "-d", tags[len(tags) // 2])
    check(repo, monkeypatch, first="extend", read=0)

    # a deleted branch whose commits leave history
    git(repo, "branch", "-D", "rel-v99r0")
    check(repo, monkeypatch, first="rebuild")

    # a rewritten branch: the new merge dropped, another in its place
    other = git(repo, "commit-tree", tree, "-p", tip, "-p", side,
                "-m", "Merge pull request #99002 from dev/other\n\nAnother change")  # fmt: skip
    git(repo, "update-ref", f"refs/heads/{branch}", other)
    git(repo, "tag", "-d", "v99.0.0a1")
    check(repo, monkeypatch, first="rebuild")

    expected = answers(repo, "--no-cache")
    # a truncated, a corrupt and a foreign file are ignored and replaced
    data = index_file(repo).read_bytes()
    for damaged in (data[: len(data) // 2], data[:-1] + bytes([data[-1] ^ 0xFF]),
                    data + b"more", b"not ours at all", b""):  # fmt: skip
        index_file(repo).write_bytes(damaged)
        assert answers(repo) == expected
        assert index_file(repo).read_bytes() != damaged


def test_cache_clear_and_no_cache(tmp_path):
    source = corpus_file("histories", "COMDIRAC.jsonl.gz")
    repo = tmp_path / "COMDIRAC"
    import_history(load_jsonl(source), repo)
    assert run_cli("--repo", str(repo), "--no-cache", "prs", "--all").exit_code == 0
    assert not index_file(repo).exists()
    assert run_cli("--repo", str(repo), "prs", "--all").exit_code == 0
    assert index_file(repo).exists()
    tag = git(repo, "describe", "--tags", "--abbrev=0", "--match", "v*")
    assert run_cli("--repo", str(repo), "notes", "--until", tag).exit_code == 0
    compiled = index_file(repo).parent / "templates"
    assert any(compiled.iterdir())  # the compiled notes template is kept
    result = run_cli("--repo", str(repo), "--github-repo", "o/n", "cache", "clear")
    assert result.exit_code == 0, result.stderr
    assert "removed the history index" in result.stdout
    assert not index_file(repo).exists() and not compiled.exists()


def test_concurrent_writers_leave_a_whole_file(tmp_path):
    """Two writers: the file is one of theirs, whole, with its own key."""
    from release_tool.history.index import HistoryIndex

    records = [("b" * 40, ["a" * 40], 2, "x", "fix: two (#2)"), ("a" * 40, [], 1, "x", "one")]
    first = HistoryIndex(iter(records), ["b" * 40])
    second = HistoryIndex(iter(records[1:]), ["a" * 40])
    indexcache.store(tmp_path, b"k1" * 16, first)
    indexcache.store(tmp_path, b"k2" * 16, second)
    assert indexcache.load(tmp_path, b"k1" * 16) is None  # replaced: not served for k1
    loaded = indexcache.load(tmp_path, b"k2" * 16)
    assert loaded is not None and loaded.points == ["a" * 40]
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def _sha(n: int) -> str:
    return f"{n:040x}"


def _answers(index) -> dict:
    """Every point's PRs and reachable points, comparable across indexes."""
    return {
        point: (
            [(pr.ref, pr.kind, pr.commit, pr.parent) for pr in index.between(point, None)],
            index.reachable_points(point),
        )
        for point in index.points
    }


def _small_history() -> list:
    """1 <- 2 <- 4, 4 merging #7 from 3 (branched at 1); 2 squashes #2. Newest first."""
    return [
        (_sha(4), [_sha(2), _sha(3)], 4, "a", "Merge pull request #7 from u/x\n\nSeven"),
        (_sha(3), [_sha(1)], 3, "a", "work"),
        (_sha(2), [_sha(1)], 2, "a", "fix: two (#2)"),
        (_sha(1), [], 1, "a", "root"),
    ]


def test_extended_equals_a_full_read():
    """Pure: an extension gives what indexing the whole history gives, or None."""
    from release_tool.history.index import HistoryIndex

    old = _small_history()  # old tips: 4 (and a tag on 2)
    index = HistoryIndex(iter(old), [_sha(2), _sha(4)])
    # on top: #8 branched at the old tip, #9 branched at 2 (mainline), and a new tag on 1
    new = [
        (_sha(8), [_sha(6), _sha(7)], 8, "a", "Merge pull request #9 from u/z\n\nNine"),
        (_sha(7), [_sha(2)], 7, "a", "nine"),
        (_sha(6), [_sha(4), _sha(5)], 6, "a", "Merge pull request #8 from u/y\n\nEight"),
        (_sha(5), [_sha(4)], 5, "a", "eight"),
    ]
    points = [_sha(1), _sha(2), _sha(6), _sha(8)]
    extended = HistoryIndex.extended(index, iter(new), points)
    full = HistoryIndex(iter(new + old), points)
    assert extended is not None
    assert extended.shas == full.shas and extended.owner == full.owner
    assert _answers(extended) == _answers(full)

    # a branch forked inside #7's branch: who owns 3 depends on the walk; rebuild
    inside = [
        (_sha(11), [_sha(4), _sha(10)], 11, "a", "Merge pull request #11 from u/w\n\nW"),
        (_sha(10), [_sha(3)], 10, "a", "w"),
    ]
    assert HistoryIndex.extended(index, iter(inside), [_sha(11)]) is None
    # a parent neither new nor known, and a commit already indexed: rebuild
    assert HistoryIndex.extended(index, iter([(_sha(12), [_sha(99)], 12, "a", "x")]), []) is None
    assert HistoryIndex.extended(index, iter(old[:1]), []) is None


def _stored_pair(tmp_path):
    """A small index stored under ``tmp_path``, with the records it was built from."""
    from release_tool.history.index import HistoryIndex

    records = _small_history()
    built = HistoryIndex(iter(records), [_sha(2), _sha(4)])
    indexcache.store(tmp_path, b"k" * 32, built, [_sha(4)])
    return built, records


def test_the_graph_is_read_on_first_use_only(tmp_path):
    """A range needs the query section; the commit graph is unpacked when something asks."""
    built, _ = _stored_pair(tmp_path)
    loaded = indexcache.load(tmp_path, b"k" * 32)
    assert loaded is not None
    assert _answers(loaded) == _answers(built)
    assert not {"shas", "marks"} & set(loaded.__dict__)
    # the entries are rows until asked for, then the same object each time
    assert loaded.entries[0] is loaded.entries[0] and loaded.entries[-1] == built.entries[-1]
    assert loaded.entries[:] == built.entries and len(loaded.entries) == len(built.entries)
    assert (loaded.shas, loaded.parents, loaded.owner) == (built.shas, built.parents, built.owner)
    assert loaded.prs == built.prs and loaded.index == built.index
    assert "marks" not in loaded.__dict__  # the graph alone: sections are read separately
    assert (loaded.marks, loaded.cherries, loaded.times, loaded.authors) == (
        built.marks, built.cherries, built.times, built.authors)  # fmt: skip
    assert not loaded.__dict__["_deferred"]
    with pytest.raises(AttributeError):
        loaded.no_such_attribute  # noqa: B018


def test_a_replaced_file_does_not_change_the_graph_read_later(tmp_path):
    """The graph section comes from the file as it was opened, not from its successor."""
    from release_tool.history.index import HistoryIndex

    built, records = _stored_pair(tmp_path)
    loaded = indexcache.load(tmp_path, b"k" * 32)
    other = HistoryIndex(iter(records[2:]), [_sha(2)])
    indexcache.store(tmp_path, b"o" * 32, other, [_sha(2)])  # a concurrent writer
    assert loaded.shas == built.shas and loaded.owner == built.owner


@pytest.mark.parametrize("where", ["query", "graph", "marks", "header"])
def test_a_damaged_section_is_never_used(tmp_path, where):
    """A flipped byte anywhere: the file is refused at load, before any answer."""
    _stored_pair(tmp_path)
    path = tmp_path / indexcache.FILE
    data = bytearray(path.read_bytes())
    start = len(indexcache.MAGIC) + indexcache.KEY_SIZE
    query_size, graph_size, marks_size, *_ = indexcache.HEADER.unpack_from(data, start)
    body = start + indexcache.HEADER.size
    offset = {"header": start + 2, "query": body + query_size // 2,
              "graph": body + query_size + graph_size // 2,
              "marks": body + query_size + graph_size + marks_size // 2}[where]  # fmt: skip
    data[offset] ^= 0x55
    path.write_bytes(bytes(data))
    assert indexcache.load(tmp_path, b"k" * 32) is None


def test_first_parent_walks_need_no_graph(tmp_path):
    """A line's first-parent chain comes from the query section, the same as when built."""
    built, _ = _stored_pair(tmp_path)
    loaded = indexcache.load(tmp_path, b"k" * 32)

    def walk(index, point, stop):
        return [pr.ref if pr else None for pr in index.first_parent_walk(point, stop)]

    assert walk(built, _sha(4), set()) == ["#7", "#2", None]  # merge #7, squash #2, root
    assert walk(loaded, _sha(4), set()) == ["#7", "#2", None]
    seen: set[int] = set()
    assert walk(loaded, _sha(2), seen) == ["#2", None]
    assert walk(loaded, _sha(4), seen) == ["#7"]  # stops where the first walk went
    assert "shas" not in loaded.__dict__


def test_lines_and_version_next_answer_from_a_matching_stored_index(tmp_path, monkeypatch):
    """Warm: no history walk, the same answers; refs changed since: a walk, still right."""
    source = corpus_file("histories", "COMDIRAC.jsonl.gz")
    repo = tmp_path / "COMDIRAC"
    import_history(load_jsonl(source), repo)
    branch = "integration" if git(repo, "branch", "--list", "integration") else "master"
    commands = (["lines", "--all"], ["version", "next", "-b", branch])

    def outputs(*options: str) -> list[str]:
        results = [run_cli(*options, "--repo", str(repo), *c) for c in commands]
        assert all(r.exit_code == 0 for r in results), [r.stderr for r in results]
        return [r.stdout for r in results]

    expected = outputs("--no-cache")
    assert run_cli("--repo", str(repo), "prs", "--all").exit_code == 0  # stores the index
    with monkeypatch.context() as patch:
        patch.setattr(GitRepo, "parents_topo", lambda *a, **k: pytest.fail("history walked"))
        assert outputs() == expected
    git(repo, "tag", "v99.0.0a1", branch)  # the stored index no longer matches: walked again
    assert outputs() == outputs("--no-cache")


def test_a_stored_index_reads_its_graph_back_from_the_file(tmp_path):
    """After building and storing, the graph and marks leave memory and come back equal."""
    from release_tool.history.index import HistoryIndex

    built, records = _stored_pair(tmp_path / "reference")
    points = [_sha(2), _sha(4)]
    index = indexcache.cached_index(
        tmp_path, [_sha(4)], points, lambda: HistoryIndex(iter(records), points)
    )
    assert not {"shas", "parents", "marks", "times"} & set(index.__dict__)
    indexcache.store(tmp_path, b"o" * 32, built, [_sha(4)])  # replaced meanwhile: no matter
    assert (index.shas, index.parents, index.owner) == (built.shas, built.parents, built.owner)
    assert (index.marks, index.times, index.prs) == (built.marks, built.times, built.prs)
    assert _answers(index) == _answers(built)
    # without a cache directory nothing is stored: the marks are simply dropped
    bare = indexcache.cached_index(None, [], points, lambda: HistoryIndex(iter(records), points))
    assert not {"marks", "shas", "parents"} & set(bare.__dict__)  # the graph kept packed
    assert _answers(bare) == _answers(built)
    assert (bare.shas, bare.parents, bare.owner) == (built.shas, built.parents, built.owner)
    assert bare.prs == built.prs and bare.index == built.index


def test_a_loaded_index_is_freed_without_the_cyclic_collector(tmp_path):
    """Dropped unused, a loaded index goes at once (no reference cycle), closing its file."""
    import gc
    import weakref

    _stored_pair(tmp_path)
    loaded = indexcache.load(tmp_path, b"k" * 32)
    gone = weakref.ref(loaded)
    enabled = gc.isenabled()
    gc.disable()
    try:
        del loaded
        assert gone() is None
    finally:
        if enabled:
            gc.enable()


def test_an_extension_consumes_the_stored_index_and_answers_the_same(tmp_path):
    """With consume, the old index is released as it is read; the answer is a full read's."""
    from release_tool.history.index import HistoryIndex

    built, records = _stored_pair(tmp_path)
    new = [
        (_sha(6), [_sha(4), _sha(5)], 6, "a", "Merge pull request #8 from u/y\n\nEight"),
        (_sha(5), [_sha(4)], 5, "a", "eight"),
    ]
    points = [_sha(2), _sha(4), _sha(6)]
    old = indexcache.load(tmp_path, b"k" * 32)
    extended = HistoryIndex.extended(old, iter(new), points, consume=True)
    assert extended is not None
    assert _answers(extended) == _answers(HistoryIndex(iter(new + records), points))
    left = {k for k in old.__dict__ if not k.startswith("_")}
    assert left <= {"missing_parents"}, left  # nothing of the old index is kept


def test_an_index_the_inventory_read_is_not_read_again(tmp_path, monkeypatch):
    """A command that asks the inventory first, then discovery: the stored index is read once."""
    from release_tool.core.config import Config
    from release_tool.history import discovery
    from release_tool.history.inventory import Inventory

    source = corpus_file("histories", "COMDIRAC.jsonl.gz")
    repo = tmp_path / "COMDIRAC"
    import_history(load_jsonl(source), repo)
    assert run_cli("--repo", str(repo), "prs", "--all").exit_code == 0  # stores the index
    inventory = Inventory(GitRepo(repo), Config())
    inventory.index_cache = index_file(repo).parent
    line = inventory.lines()[0]
    inventory.reachable(inventory.branches[line.branch])  # reads the stored index
    assert inventory.stored is not None
    with monkeypatch.context() as patch:
        patch.setattr(discovery, "cached_index", lambda *a, **k: pytest.fail("read twice"))
        assert discovery.Discovery(inventory).index() is inventory.stored[1]


def test_few_valued_entry_columns_come_back_one_object_per_value(tmp_path):
    """How each PR came in and who merged it: a table and numbers, not a string per PR."""
    from release_tool.history.index import ENTRY_FIELDS

    built, _ = _stored_pair(tmp_path)
    loaded = indexcache.load(tmp_path, b"k" * 32)
    columns = loaded.entries.columns
    for name in indexcache.FEW_VALUED:
        column = columns[ENTRY_FIELDS.index(name)]
        assert column == [getattr(pr, name) for pr in built.entries]
        assert len({id(value) for value in column}) == len(set(column))
    assert built.entries == list(loaded.entries)  # storing did not change the live index
    again = tmp_path / "again"
    indexcache.store(again, b"k" * 32, loaded, [])  # a loaded index stores the same entries
    assert list(indexcache.load(again, b"k" * 32).entries) == built.entries
