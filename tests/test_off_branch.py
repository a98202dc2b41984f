"""Release tags off their line's branch: still the previous release of the line."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from release_tool.cli import cli


def run_cli(*args: str):
    return CliRunner().invoke(cli, list(args))


def build(make_repo, *, tag_next: bool):
    """rel-v8r0 with v8.0.1 tagged on a hotfix branch that was never merged (its PRs
    came in again by other merge commits); integration with v8.1.0a5 tagged off it."""
    repo = make_repo()
    repo.commit("initial")
    repo.merge_pr(1, "first")
    repo.tag("v8.1.0a4")
    repo.checkout("rel-v8r0", create_from="integration")
    repo.merge_pr(2, "fix two")
    repo.tag("v8.0.0")
    repo.checkout("hotfix", create_from="rel-v8r0")
    repo.merge_pr(3, "fix three")
    repo.merge_pr(4, "fix four")
    repo.tag("v8.0.1")
    repo.checkout("rel-v8r0")
    repo.merge_pr(3, "fix three", head="again-3")
    repo.merge_pr(4, "fix four", head="again-4")
    repo.merge_pr(5, "fix five")
    if tag_next:
        repo.tag("v8.0.2")
    repo.checkout("alpha5", create_from="integration")
    repo.merge_pr(10, "feature ten")
    repo.tag("v8.1.0a5")
    repo.checkout("integration")
    repo.merge_pr(10, "feature ten", head="again-10")
    repo.merge_pr(11, "feature eleven")
    if tag_next:
        repo.tag("v8.1.0a6")
    repo.git("branch", "-D", "hotfix", "alpha5")
    return repo.path


@pytest.fixture
def tagged(make_repo):
    return build(make_repo, tag_next=True)


@pytest.fixture
def untagged(make_repo):
    return build(make_repo, tag_next=False)


def refs(result) -> list[str]:
    assert result.exit_code == 0, result.stderr
    return [entry["ref"] for entry in json.loads(result.stdout)]


@pytest.mark.parametrize(
    ("tag", "expected", "excluding"),
    [("v8.0.2", ["#5"], "v8.0.1"), ("v8.1.0a6", ["#11"], "v8.1.0a5")],
)
def test_release_after_an_off_branch_release(tagged, tag, expected, excluding):
    result = run_cli("--repo", str(tagged), "prs", "--until", tag, "--json")
    assert refs(result) == expected
    assert {e["excluding"][0] for e in json.loads(result.stdout)} == {excluding}
    text = run_cli("--repo", str(tagged), "prs", "--until", tag).stdout
    assert f"(also excluding {excluding}: tagged off the history of" in text
    notes = run_cli("--repo", str(tagged), "notes", "--until", tag, "--format", "json")
    assert notes.exit_code == 0, notes.stderr
    assert f"note: also excluding {excluding}" in notes.stderr


def test_unreleased_head_after_an_off_branch_release(untagged):
    result = run_cli("--repo", str(untagged), "prs", "--branch", "rel-v8r0", "--json")
    assert refs(result) == ["#5"]
    result = run_cli("--repo", str(untagged), "prs", "--branch", "integration", "--json")
    assert refs(result) == ["#11"]


def test_audit_reports_off_branch_tags(tagged):
    result = run_cli("--repo", str(tagged), "tags", "audit")
    assert "warning: v8.0.1 (" in result.stdout
    assert "release tag not reachable from its line's branch rel-v8r0" in result.stdout
    assert "v8.1.0a5 (" in result.stdout and "branch integration" in result.stdout
    data = json.loads(run_cli("--repo", str(tagged), "tags", "audit", "--json").stdout)
    assert [(e["release"]["tags"], e["branch"]) for e in data["off_branch"]] == [
        (["v8.0.1"], "rel-v8r0"),
        (["v8.1.0a5"], "integration"),
    ]
