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


def check(repo: Path, monkeypatch, *, reused: bool) -> None:
    """Cached (twice: write, then read) equals uncached; ``reused``: no history read."""
    uncached = answers(repo, "--no-cache")
    first = answers(repo)
    assert first == uncached
    assert index_file(repo).is_file()
    with monkeypatch.context() as patch:
        if reused:
            patch.setattr(GitRepo, "log_records", lambda *a: pytest.fail("history re-read"))
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
    check(repo, monkeypatch, reused=True)

    # new commits on a line: a PR merged on top
    tip = git(repo, "rev-parse", branch)
    tree = git(repo, "rev-parse", f"{tip}^{{tree}}")
    side = git(repo, "commit-tree", tree, "-p", tip, "-m", "the change")
    merge = git(repo, "commit-tree", tree, "-p", tip, "-p", side,
                "-m", "Merge pull request #99001 from dev/change\n\nA new change")  # fmt: skip
    git(repo, "update-ref", f"refs/heads/{branch}", merge)
    check(repo, monkeypatch, reused=True)

    # a new tag, then a deleted one
    git(repo, "tag", "v99.0.0a1", merge)
    check(repo, monkeypatch, reused=True)
    tags = git(repo, "tag", "--list").split()
    git(repo, "tag", "-d", tags[len(tags) // 2])
    check(repo, monkeypatch, reused=True)

    # a rewritten branch: the new merge dropped, another in its place
    other = git(repo, "commit-tree", tree, "-p", tip, "-p", side,
                "-m", "Merge pull request #99002 from dev/other\n\nAnother change")  # fmt: skip
    git(repo, "update-ref", f"refs/heads/{branch}", other)
    git(repo, "tag", "-d", "v99.0.0a1")
    check(repo, monkeypatch, reused=True)

    expected = answers(repo, "--no-cache")
    # a truncated, a corrupt and a foreign file are ignored and replaced
    data = index_file(repo).read_bytes()
    for damaged in (data[: len(data) // 2], data[:-1] + b"\x00", b"not ours at all", b""):
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
    result = run_cli("--repo", str(repo), "--github-repo", "o/n", "cache", "clear")
    assert result.exit_code == 0, result.stderr
    assert "removed the history index" in result.stdout
    assert not index_file(repo).exists()


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
