"""Active release lines: lines and prs show lines with recent releases or merges."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from release_tool.cli import cli
from release_tool.core.config import Config
from release_tool.core.lines import DAY, INTEGRATION, RELEASE, ReleaseLine, active_lines
from release_tool.history.gitrepo import GitRepo
from release_tool.history.inventory import Inventory

YEAR = 365 * DAY


def run_cli(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_active_lines_pure():
    lines = [
        ReleaseLine("rel-v6r0", RELEASE, (6, 0)),
        ReleaseLine("rel-v8r0", RELEASE, (8, 0)),
        ReleaseLine("integration", INTEGRATION),
    ]
    activity = {"rel-v6r0": 0, "rel-v8r0": 10 * YEAR, "integration": 0}
    kept = active_lines(lines, activity, newest=10 * YEAR + 5, period_days=365)
    assert [line.branch for line in kept] == ["rel-v8r0", "integration"]
    assert len(active_lines(lines, activity, newest=10 * YEAR, period_days=3650)) == 3
    # exactly at the edge of the period still counts
    assert len(active_lines(lines, {"rel-v6r0": 9 * YEAR}, 10 * YEAR, 365)) == 2


@pytest.fixture
def aged(make_repo):
    """integration; rel-v6r0 dead for years; rel-v7r3 with an off-branch recent release;
    rel-v8r0 alive. All in 2020-2023: far older than today (an old mirror)."""
    repo = make_repo()
    repo.commit("initial")
    repo.merge_pr(1, "first")
    repo.checkout("rel-v6r0", create_from="integration")
    repo.merge_pr(2, "six fix")
    repo.tag("v6r0p1")
    repo.checkout("integration")
    repo.merge_pr(3, "seven")
    repo.checkout("rel-v7r3", create_from="integration")
    repo.merge_pr(4, "seven fix")
    repo.tag("v7r3p1")
    repo.clock += 3 * YEAR
    repo.checkout("hotfix", create_from="rel-v7r3")
    repo.merge_pr(5, "hot fix tagged off its branch")
    repo.tag("v7r3p2")
    repo.checkout("integration")
    repo.merge_pr(6, "eight")
    repo.checkout("rel-v8r0", create_from="integration")
    repo.merge_pr(7, "eight fix")
    repo.tag("v8.0.1")
    repo.checkout("integration")
    repo.merge_pr(8, "more")
    return repo.path


def test_lines_shows_active_lines(aged):
    result = run_cli("--repo", str(aged), "lines")
    assert result.exit_code == 0, result.stderr
    branches = [row.split()[0] for row in result.stdout.splitlines()[1:]]
    assert branches == ["rel-v7r3", "rel-v8r0", "integration"]
    assert "1 inactive line(s) not shown" in result.stderr
    assert "--all" in result.stderr


def test_lines_all_and_json(aged):
    result = run_cli("--repo", str(aged), "lines", "--all", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert [(d["branch"], d["active"]) for d in data] == [
        ("rel-v6r0", False), ("rel-v7r3", True), ("rel-v8r0", True), ("integration", True),
    ]  # fmt: skip
    assert data[0]["latest"] == "v6r0p1"
    assert result.stderr == ""


def test_period_is_configurable(aged):
    (aged / "pyproject.toml").write_text("[tool.release-tool]\nactive_period_days = 5000\n")
    result = run_cli("--repo", str(aged), "lines")
    assert [row.split()[0] for row in result.stdout.splitlines()[1:]][0] == "rel-v6r0"
    (aged / "pyproject.toml").write_text("[tool.release-tool]\nactive_period_days = 0\n")
    result = run_cli("--repo", str(aged), "lines", "--json")
    assert [d["branch"] for d in json.loads(result.stdout)] == ["integration"]


def test_prs_lists_active_lines(aged):
    result = run_cli("--repo", str(aged), "prs", "--json")
    assert result.exit_code == 0, result.stderr
    assert {e["line"] for e in json.loads(result.stdout)} <= {"rel-v7r3", "rel-v8r0", "integration"}
    heads = [line.split(":")[0] for line in run_cli("--repo", str(aged), "prs").stdout.splitlines()
             if ": " in line and "PRs)" in line]  # fmt: skip
    assert heads == ["rel-v7r3", "rel-v8r0", "integration"]
    result = run_cli("--repo", str(aged), "prs", "--all")
    assert result.stdout.splitlines()[0].startswith("rel-v6r0: v6r0p1..rel-v6r0 (0 PRs)")


def test_inventory_api_and_one_walk(aged, monkeypatch):
    inventory = Inventory(GitRepo(aged), Config())
    assert [line.branch for line in inventory.active_lines()] == [
        "rel-v7r3", "rel-v8r0", "integration",
    ]  # fmt: skip
    walks = []
    real = GitRepo.parents_topo

    def counted(self, commits):
        walks.append(commits)
        return real(self, commits)

    monkeypatch.setattr(GitRepo, "parents_topo", counted)
    monkeypatch.setattr(GitRepo, "tags_merged_into", lambda *a: pytest.fail("per-branch walk"))
    statuses = [inventory.status(line) for line in inventory.lines()]
    assert [s.latest.canonical for s in statuses[:3]] == ["v6r0p1", "v7r3p1", "8.0.1"]
    assert [s.active for s in statuses] == [False, True, True, True]
    assert len(walks) == 1


@pytest.mark.parametrize(
    "command",
    [["lines"], ["lines", "--all"], ["prs"], ["prs", "--all"],
     ["version", "next", "-b", "rel-v8r0"], ["prs", "--until", "v8.0.1"], ["tags", "audit"]],
)  # fmt: skip
def test_one_history_walk_per_command(aged, monkeypatch, command):
    from release_tool import proc

    seen = []
    real_run, real_stream = proc.run, proc.stream

    def run(args, **kwargs):
        seen.append(list(args))
        return real_run(args, **kwargs)

    def stream(args, **kwargs):
        seen.append(list(args))
        return real_stream(args, **kwargs)

    monkeypatch.setattr(proc, "run", run)
    monkeypatch.setattr(proc, "stream", stream)
    result = run_cli("--repo", str(aged), *command)
    assert result.exit_code == 0, result.stderr
    walks = [a for a in seen if a[1] in ("log", "rev-list")]
    assert len(walks) == 1, seen
    assert not [a for a in seen if any(x.startswith("--merged") for x in a)]
    assert len([a for a in seen if a[1] == "for-each-ref"]) <= 2  # tags, branches
    assert len([a for a in seen if a[1:3] == ["rev-parse", "--is-shallow-repository"]]) <= 1
