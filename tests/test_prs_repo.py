"""Merged-PR discovery on real repositories: every PR form, ranges, lines and errors."""

from __future__ import annotations

import json
import subprocess

import pytest
from click.testing import CliRunner

from release_tool.cli import cli
from release_tool.history.gitbuild import RepoBuilder


def run_cli(*args: str):
    """Invoke the CLI in-process."""
    return CliRunner().invoke(cli, list(args))


def prs_json(repo, *args: str) -> list[dict]:
    """``prs --json`` as data; fails the test on a non-zero exit."""
    result = run_cli("--repo", str(repo), "prs", "--json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """integration and rel-v8r0 with merges, squashes, a nested PR, sweeps and a revert."""
    repo = RepoBuilder(tmp_path_factory.mktemp("prs") / "repo", branch="integration")
    repo.commit("Initial import")
    repo.merge_pr(1, "Add the first feature", author="alice")
    repo.tag("v8.0.0a1", message="v8.0.0a1")
    repo.checkout("rel-v8r0", create_from="integration")
    repo.commit("docs: Add release notes for v8.0.0")
    repo.tag("v8.0.0", message="v8.0.0")
    fix = repo.merge_pr(2, "Fix the StorageElement cache", author="carol", head="80_fixes1")
    fix_commit = repo.head(f"{fix}^2")
    repo.checkout("integration")
    repo.merge_pr(3, "Fixes for VMDIRAC", author="dave", head="vm")
    repo.checkout("rel-v8r0")
    repo.commit("sweep: #3 Fixes for VMDIRAC", {"changes/sweep3.txt": "x"})
    repo.tag("v8.0.1", message="v8.0.1")
    repo.checkout("integration")
    # A nested PR: #11 squash-merged into #10's branch before #10 merged.
    repo.checkout("feat-10", create_from="integration")
    repo.commit("Start the big feature", {"changes/pr10.txt": "x"})
    repo.commit("fix: nested thing (#11)", {"changes/pr11.txt": "x"})
    repo.checkout("integration")
    repo.merge("feat-10", "Merge pull request #10 from erin/feat-10\n\nThe big feature")
    repo.squash_pr(12, "feat: a bad idea")
    repo.squash_pr(13, 'Revert "feat: a bad idea (#12)"')
    # A sweep PR of #2 from rel-v8r0, made by the backport bot.
    repo.checkout(f"cherry-pick-2-{fix[:8]}-integration", create_from="integration")
    repo.commit(
        f"Fix the StorageElement cache\n\n(cherry picked from commit {fix_commit})",
        {"changes/pr2-copy.txt": "x"},
    )
    repo.checkout("integration")
    repo.merge(
        f"cherry-pick-2-{fix[:8]}-integration",
        f"Merge pull request #14 from bot/cherry-pick-2-{fix[:8]}-integration\n\n"
        "[sweep:integration] Fix the StorageElement cache",
    )
    repo.merge("rel-v8r0", "Merge branch 'rel-v8r0' into integration")
    repo.tag("v8.1.0a1", message="v8.1.0a1")
    repo.merge_pr(15, "Unreleased on integration", author="frank")
    repo.checkout("rel-v8r0")
    repo.merge_pr(16, "Unreleased on rel-v8r0", author="gina", head="80_fixes2")
    repo.checkout("integration")
    repo.tag("latest")
    repo.tag("v6e7p27", "v8.0.0")
    return repo


def by_ref(entries: list[dict]) -> dict[str, dict]:
    """Entries keyed by ref, checking that each ref is listed once."""
    refs = [e["ref"] for e in entries]
    assert len(refs) == len(set(refs)), refs
    return {e["ref"]: e for e in entries}


def test_release_of_integration(history):
    entries = by_ref(prs_json(history.path, "--until", "v8.1.0a1"))
    assert set(entries) == {"#2", "#3", "#10", "#11", "#12", "#13", "#14"}
    assert {e["since"] for e in entries.values()} == {"v8.0.0a1"}
    assert {e["line"] for e in entries.values()} == {"integration"}
    assert {e["release"] for e in entries.values()} == {"v8.1.0a1"}
    assert entries["#2"]["kind"] == "merge"
    assert entries["#2"]["first_released_in"] == "v8.0.1"  # forward-merged from rel-v8r0
    assert entries["#3"]["kind"] == "merge"  # merged here, and its sweep came back: one entry
    assert entries["#3"]["first_released_in"] == "v8.0.1"
    assert entries["#10"] | {"merge_commit": None, "merged_at": None} == {
        "number": 10, "ref": "#10", "title": "The big feature", "kind": "merge",
        "merge_commit": None, "merged_at": None, "line": "integration", "release": "v8.1.0a1",
        "since": "v8.0.0a1", "until": "v8.1.0a1", "origin": None, "first_released_in": None,
        "author": "erin", "head": "feat-10", "nested_in": None, "reverts": None,
    }  # fmt: skip
    assert (entries["#11"]["kind"], entries["#11"]["nested_in"]) == ("nested", 10)
    assert entries["#12"]["kind"] == "squash" and entries["#12"]["title"] == "feat: a bad idea"
    assert (entries["#13"]["kind"], entries["#13"]["reverts"]) == ("squash", 12)
    assert entries["#14"]["kind"] == "sweep"
    assert entries["#14"]["origin"] == {"number": 2, "ref": "#2"}
    assert entries["#14"]["first_released_in"] is None
    assert entries["#10"]["merged_at"].endswith("Z") and len(entries["#10"]["merge_commit"]) == 40


def test_release_of_a_patch_line(history):
    entries = by_ref(prs_json(history.path, "--until", "v8.0.1"))
    assert set(entries) == {"#2", "#3"}
    assert entries["#3"]["kind"] == "sweep" and entries["#3"]["origin"] == {
        "number": 3,
        "ref": "#3",
    }
    assert entries["#3"]["title"] == "Fixes for VMDIRAC"
    assert {e["since"] for e in entries.values()} == {"v8.0.0"}
    assert {e["line"] for e in entries.values()} == {"rel-v8r0"}


def test_first_release_lists_everything_before_it(history):
    entries = prs_json(history.path, "--until", "v8.0.0a1")
    assert [(e["ref"], e["since"]) for e in entries] == [("#1", None)]


def test_unreleased_heads_of_several_lines(history):
    entries = prs_json(history.path, "-b", "rel-v8r0", "-b", "integration")
    assert [(e["line"], e["ref"], e["since"]) for e in entries] == [
        ("rel-v8r0", "#16", "v8.0.1"),
        ("integration", "#15", "v8.1.0a1"),
    ]


def test_all_lines_by_default(history):
    entries = prs_json(history.path)
    assert {(e["line"], e["ref"]) for e in entries} == {
        ("rel-v8r0", "#16"),
        ("integration", "#15"),
    }


def test_explicit_range_matches_release_range(history):
    explicit = prs_json(history.path, "--since", "v8.0.0a1", "--until", "v8.1.0a1")
    release = prs_json(history.path, "--until", "v8.1.0a1")
    assert [e["ref"] for e in explicit] == [e["ref"] for e in release]
    assert explicit[0]["since"] == "v8.0.0a1"


def test_branch_with_since(history):
    entries = prs_json(history.path, "-b", "rel-v8r0", "--since", "v8.0.0")
    assert [e["ref"] for e in entries] == ["#2", "#3", "#16"]


def test_text_table(history):
    result = run_cli("--repo", str(history.path), "prs", "--until", "v8.1.0a1")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "integration: v8.0.0a1..v8.1.0a1 (7 PRs)"
    assert lines[1].split() == ["ref", "kind", "title", "author/branch", "note"]
    table = "\n".join(lines)
    assert "first released in v8.0.1" in table
    assert "copy of #2" in table
    assert "nested in #10" in table


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--until", "v9.9.9"], "unknown revision 'v9.9.9'"),
        (["--since", "v8.1.0a1", "--until", "v8.0.1"], "is not an ancestor of v8.0.1"),
        (["-b", "rel-v9r9"], "unknown branch 'rel-v9r9'"),
        (["-b", "feature"], "is not a release line"),
        (["--until", "HEAD"], "neither a version tag nor a release line"),
        (["--since", "nope", "--until", "v8.0.1"], "unknown revision 'nope'"),
    ],
)
def test_bad_ranges(history, args, fragment):
    result = run_cli("--repo", str(history.path), "prs", *args)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert fragment in result.stderr and result.stderr.count("\n") == 1


def test_shallow_clone_says_how_to_fetch(history, tmp_path):
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "--quiet", "--depth=3", "--no-single-branch",
         f"file://{history.path}", str(clone)],
        check=True,
    )  # fmt: skip
    subprocess.run(["git", "fetch", "--quiet", "--depth=3", "--tags"], cwd=clone, check=True)
    result = run_cli("--repo", str(clone), "prs", "--until", "v8.1.0a1")
    assert result.exit_code == 2, result.stdout
    assert "shallow clone" in result.stderr and "git fetch --unshallow" in result.stderr


def test_gitlab_merge_requests(make_repo):
    repo = make_repo(branch="master")
    repo.commit("root")
    repo.tag("v1r0")
    repo.checkout("fix-jobs", create_from="master")
    repo.commit("fix the jobs")
    repo.checkout("master")
    repo.merge(
        "fix-jobs",
        "Merge branch 'fix-jobs' into 'master'\n\nFix the job submission\n\n"
        "See merge request ilcdirac/ILCDIRAC!257",
    )
    repo.tag("v1r0p1")
    entries = prs_json(repo.path, "--until", "v1r0p1")
    assert [(e["number"], e["ref"], e["title"], e["head"]) for e in entries] == [
        (257, "!257", "Fix the job submission", "fix-jobs")
    ]


def test_history_without_prs(make_repo):
    repo = make_repo()
    repo.commit("root")
    repo.tag("v1.0.0a1")
    repo.commit("plain work")
    repo.tag("v1.0.0a2")
    assert prs_json(repo.path, "--until", "v1.0.0a2") == []
    text = run_cli("--repo", str(repo.path), "prs", "--until", "v1.0.0a2")
    assert text.stdout.strip() == "integration: v1.0.0a1..v1.0.0a2 (0 PRs)"


def test_cumulative_range(history):
    entries = prs_json(history.path, "--until", "v8.1.0a1", "--cumulative")
    assert {e["since"] for e in entries} == {"v8.0.1"}  # the latest final of the 8.0 series
    assert "#2" not in {e["ref"] for e in entries}  # shipped in v8.0.1 already


def test_cumulative_from_configuration(make_repo):
    repo = make_repo()
    repo.commit(
        "configure",
        {"pyproject.toml": "[tool.release-tool.lines.integration]\ncumulative = true\n"},
    )
    repo.tag("v7r2")
    repo.merge_pr(1, "First for 7.3")
    repo.tag("v7r3-pre1")
    repo.merge_pr(2, "Second for 7.3")
    repo.tag("v7r3-pre2")
    entries = prs_json(repo.path, "--until", "v7r3-pre2")
    assert [(e["ref"], e["since"]) for e in entries] == [("#1", "v7r2"), ("#2", "v7r2")]


def test_progress_line_when_the_walk_is_slow(history, monkeypatch):
    """A walk longer than a second reports its progress on stderr (the clock is faked)."""
    from release_tool.core.config import Config
    from release_tool.history import discovery as module
    from release_tool.history.gitrepo import GitRepo
    from release_tool.history.inventory import Inventory

    ticks = iter(range(0, 1000, 2))  # every call to the clock: two more seconds
    monkeypatch.setattr(module.time, "monotonic", lambda: next(ticks))
    messages = []
    found = module.Discovery(Inventory(GitRepo(history.path), Config()), progress=messages.append)
    found.index()
    assert messages and messages[-1].startswith("read ") and messages[-1].endswith(" commits")
