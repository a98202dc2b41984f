"""A single-branch project (diracx, release-please style): finals cut from main."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from release_tool.cli import cli


def run_cli(*args: str):
    return CliRunner().invoke(cli, list(args))


def build(make_repo, config: str | None):
    repo = make_repo(branch="main")
    if config is not None:
        repo.commit("config", {"pyproject.toml": f"[tool.release-tool]\n{config}\n"})
    else:
        repo.commit("initial")
    repo.squash_pr(1, "feat(core): first")
    repo.tag("v0.3.0")
    repo.squash_pr(2, "fix(db): second")
    repo.tag("v0.3.1")
    repo.squash_pr(3, "feat(core): third")
    return repo.path


@pytest.mark.parametrize("config", ['open_series_with = "final"', "integration_finals = true"])
def test_main_releases_finals_when_configured(make_repo, config):
    repo = build(make_repo, config)
    result = run_cli("--repo", str(repo), "version", "next", "-b", "main")
    assert (result.exit_code, result.stdout.strip()) == (0, "0.3.2")
    ok = run_cli("--repo", str(repo), "version", "check", "0.4.0", "--branch", "main")
    assert ok.exit_code == 0, ok.stderr
    assert "ok: 0.4.0 may be released from main" in ok.stdout
    old = run_cli("--repo", str(repo), "version", "check", "0.3.0", "--branch", "main")
    assert old.exit_code == 1 and "already exists" in old.stderr
    text = run_cli("--repo", str(repo), "prs", "--until", "v0.3.1").stdout
    assert text.startswith("main: v0.3.0..v0.3.1 (1 PRs)")
    assert "rel-v0r3" not in text
    entries = json.loads(run_cli("--repo", str(repo), "prs", "--until", "v0.3.1", "--json").stdout)
    assert [(e["line"], e["ref"]) for e in entries] == [("main", "#2")]


def test_default_integration_still_releases_pre_releases(make_repo):
    repo = build(make_repo, None)
    refused = run_cli("--repo", str(repo), "version", "check", "0.4.0", "--branch", "main")
    assert refused.exit_code == 1 and "releases only pre-releases" in refused.stderr
    result = run_cli("--repo", str(repo), "version", "next", "-b", "main")
    assert result.stdout.strip() == "0.4.0a1"


def test_integration_finals_false_overrides_opening(make_repo):
    repo = build(make_repo, 'open_series_with = "final"\nintegration_finals = false')
    refused = run_cli("--repo", str(repo), "version", "check", "0.4.0", "--branch", "main")
    assert refused.exit_code == 1


def notes_of(repo, *extra: str) -> str:
    result = run_cli("--repo", str(repo), "notes", "--branch", "main", "--version", "0.4.0", *extra)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_conventional_scopes_give_consistent_headings(make_repo):
    """Issue 10 item 16: no ``### db`` next to ``### Core`` outside DIRAC."""
    repo = make_repo(branch="main")
    repo.commit("config", {"pyproject.toml": '[tool.release-tool]\nopen_series_with = "final"\n'})
    repo.squash_pr(1, "feat(core): first")
    repo.tag("v0.3.0")
    repo.squash_pr(2, "fix(db): second")
    repo.squash_pr(3, "feat(core): third")
    repo.squash_pr(4, "feat(WMS): fourth")
    repo.squash_pr(5, "fix(DB): fifth")
    text = notes_of(repo.path, "--format", "markdown")
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert [h for h in headings if not h.startswith("## ")] == ["### core", "### db", "### WMS"]
    assert "WorkloadManagementSystem" not in text and "Core" not in text


def test_configured_system_aliases_name_the_headings(make_repo):
    repo = make_repo(branch="main")
    config = (
        '[tool.release-tool]\nopen_series_with = "final"\n'
        '[tool.release-tool.notes.system_aliases]\ncore = "Core"\ndb = "Database"\n'
    )
    repo.commit("config", {"pyproject.toml": config})
    repo.squash_pr(1, "feat(core): first")
    repo.squash_pr(2, "fix(db): second")
    text = notes_of(repo.path, "--format", "markdown")
    assert [line for line in text.splitlines() if line.startswith("### ")] == [
        "### Core",
        "### Database",
    ]


def test_dirac_systems_can_be_forced(make_repo):
    repo = make_repo(branch="main")
    config = '[tool.release-tool]\nopen_series_with = "final"\n[tool.release-tool.notes]\n'
    repo.commit("config", {"pyproject.toml": config + "dirac_systems = true\n"})
    repo.squash_pr(1, "feat(core): first")
    repo.squash_pr(2, "fix(WMS): second")
    text = notes_of(repo.path, "--format", "markdown")
    assert [line for line in text.splitlines() if line.startswith("### ")] == [
        "### Core",
        "### WorkloadManagementSystem",
    ]
