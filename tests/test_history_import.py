"""Rebuilding recorded histories with ``git fast-import``: synthetic round trips."""

from __future__ import annotations

import gzip
import json
import subprocess
import time

import pytest

from release_tool.history.history_import import TEMP_REF, import_history, load_jsonl

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


def sha(n: int) -> str:
    """A fake recorded hash, distinct per ``n``."""
    return f"{n:040x}"


def commit(n: int, *parents: int, message: str | None = None, author: str = "dev1") -> dict:
    """A commit record numbered ``n`` with the given parent numbers."""
    return {
        "kind": "commit",
        "sha": sha(n),
        "parents": [sha(p) for p in parents],
        "time": 1_500_000_000 + 60 * n,
        "author": author,
        "message": f"commit {n}" if message is None else message,
    }


def ref(name: str, n: int) -> dict:
    """A ref record naming commit ``n``."""
    return {"kind": "ref", "name": name, "sha": sha(n)}


#: Two roots (the second joins by a merge), a PR merge, an octopus merge,
#: awkward messages, branches and tags, one of which sits on a merge commit.
RECORDS = [
    {"kind": "meta", "format": 1, "note": "synthetic"},
    commit(1, message="Initial commit"),
    commit(2, 1, message="feat: first feature\n\nWith a body.\n"),
    commit(3, 1, message="fix: élan vital, no trailing newline", author="dev2"),
    commit(4, 2, 3, message="Merge pull request #7 from dev2/fix\n\nfix: élan vital"),
    commit(5, message="", author="dev3"),  # a second root, empty message
    commit(6, 5, message="data 12\nlooks like a fast-import command\n"),
    commit(7, 4, 6, message="Merge the unrelated history"),
    commit(8, 7, message="Release v1r0"),
    commit(9, 8, message="Release v1r0p1", author="dev <odd> name"),
    commit(10, 7, 6, 2, message="octopus"),
    ref("refs/heads/integration", 10),
    ref("refs/heads/rel-v1r0", 9),
    ref("refs/tags/v1r0", 8),
    ref("refs/tags/v1r0p1", 9),
    ref("refs/tags/v1.0.1", 9),
    ref("refs/tags/merge-point", 4),
    ref("refs/tags/other-root", 5),
]


def git(path, *args: str, input: str | None = None) -> str:
    """Run git in ``path`` and return its stdout."""
    return subprocess.run(
        ["git", *args], cwd=path, input=input, capture_output=True, text=True, check=True
    ).stdout


def read_commit(path, new: str) -> tuple[list[str], str, str, str]:
    """``(parents, tree, author line, message)`` of a commit, from the raw object."""
    raw = subprocess.run(
        ["git", "cat-file", "commit", new], cwd=path, capture_output=True, check=True
    ).stdout.decode()
    head, _, message = raw.partition("\n\n")
    parents, tree, author = [], "", ""
    for line in head.splitlines():
        key, _, value = line.partition(" ")
        if key == "parent":
            parents.append(value)
        elif key == "tree":
            tree = value
        elif key == "author":
            author = value
    return parents, tree, author, message


@pytest.fixture
def imported(tmp_path):
    """The synthetic history rebuilt: ``(repository path, old -> new map)``."""
    dest = tmp_path / "rebuilt"
    return dest, import_history(RECORDS, dest)


def test_every_commit_is_rebuilt_once(imported):
    """Each recorded commit maps to its own new commit, all reachable."""
    path, mapping = imported
    commits = [r for r in RECORDS if r["kind"] == "commit"]
    assert set(mapping) == {r["sha"] for r in commits}
    assert len(set(mapping.values())) == len(commits)
    assert len(git(path, "rev-list", "--all").split()) == len(commits)


def test_parents_messages_and_identity_round_trip(imported):
    """Parents in order, exact messages, empty trees and pseudonymous identities."""
    path, mapping = imported
    for record in (r for r in RECORDS if r["kind"] == "commit"):
        parents, tree, author, message = read_commit(path, mapping[record["sha"]])
        assert parents == [mapping[p] for p in record["parents"]], record["sha"]
        assert tree == EMPTY_TREE
        assert message == record["message"]
        assert author.endswith(f"@example.invalid> {record['time']} +0000")
    _, _, author, _ = read_commit(path, mapping[sha(1)])
    assert author == "dev1 <dev1@example.invalid> 1500000060 +0000"
    _, _, author, _ = read_commit(path, mapping[sha(9)])
    assert author.startswith("dev odd name <dev_odd_name@example.invalid>")


def test_refs_round_trip_and_temporary_ref_is_gone(imported):
    """Branches and lightweight tags as recorded; no import ref is left."""
    path, mapping = imported
    listed = dict(
        reversed(line.split(" ", 1))
        for line in git(path, "for-each-ref", "--format=%(objectname) %(refname)").splitlines()
    )
    expected = {r["name"]: mapping[r["sha"]] for r in RECORDS if r["kind"] == "ref"}
    assert listed == expected
    assert TEMP_REF not in listed
    types = set(git(path, "for-each-ref", "--format=%(objecttype)", "refs/tags").split())
    assert types == {"commit"}, "tags are lightweight"
    assert git(path, "symbolic-ref", "HEAD").strip() == "refs/heads/integration"
    assert git(path, "status", "--porcelain") == ""


def test_master_is_head_when_present(tmp_path):
    """HEAD names master when the history has it."""
    records = [commit(1), ref("refs/heads/dev", 1), ref("refs/heads/master", 1)]
    import_history(records, tmp_path / "r")
    assert git(tmp_path / "r", "symbolic-ref", "HEAD").strip() == "refs/heads/master"


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz"])
def test_load_jsonl_round_trip(tmp_path, suffix):
    """Plain and gzipped JSON Lines read back the same records."""
    text = "\n".join(json.dumps(r, ensure_ascii=False) for r in RECORDS) + "\n\n"
    path = tmp_path / f"history{suffix}"
    data = text.encode()
    path.write_bytes(gzip.compress(data) if suffix.endswith(".gz") else data)
    assert list(load_jsonl(path)) == RECORDS


def test_load_jsonl_names_a_bad_line(tmp_path):
    """A line that is not JSON is reported with its file and number."""
    path = tmp_path / "bad.jsonl"
    path.write_text('{"kind": "meta"}\nnot json\n')
    with pytest.raises(ValueError, match=r"bad\.jsonl:2"):
        list(load_jsonl(path))


@pytest.mark.parametrize(
    ("records", "message"),
    [
        ([commit(2, 1), commit(1)], "does not come before"),
        ([commit(1), commit(1)], "appears twice"),
        ([commit(1), ref("refs/tags/v1", 5)], "not among the commits"),
        ([{"kind": "blob"}], "unknown record kind"),
    ],
)
def test_malformed_histories_are_refused(tmp_path, records, message):
    """Histories that cannot be rebuilt raise ValueError before git runs."""
    with pytest.raises(ValueError, match=message):
        import_history(records, tmp_path / "r")


def test_large_history_in_one_process(tmp_path):
    """Thousands of commits with long messages: far more than a pipe buffer, and fast."""
    body = "x" * 400
    records = [commit(1)]
    records += [commit(n, n - 1, message=f"commit {n}\n\n{body}\n") for n in range(2, 10_001)]
    records += [commit(10_001, 10_000, 5_000, message="late merge"), ref("refs/heads/main", 10_001)]
    start = time.monotonic()
    mapping = import_history(records, tmp_path / "big")
    elapsed = time.monotonic() - start
    assert len(mapping) == 10_001
    assert git(tmp_path / "big", "rev-list", "--count", "main").strip() == "10001"
    assert elapsed < 10, f"import took {elapsed:.1f}s"
