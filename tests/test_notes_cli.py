"""``release-tool notes``: render, write, lint and parse from the command line."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from conftest import corpus_file

from release_tool.cli import cli
from release_tool.demo import build_demo
from release_tool.sandbox import GitHubEmulator


def run(*args: str, env: dict | None = None, input: str | None = None):
    """Invoke the CLI in-process."""
    return CliRunner().invoke(cli, list(args), env=env, input=input)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo repository and its PR data file."""
    root = tmp_path_factory.mktemp("notes") / "demo"
    repo = build_demo(root)
    return repo, root / "prs.json"


def test_offline_notes_from_titles(demo, monkeypatch):
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("GH_TOKEN", raising=False)
    repo, _ = demo
    result = run("--repo", str(repo), "notes", "--branch", "rel-v8r0")
    assert result.exit_code == 0, result.stderr
    assert (
        result.stdout == "[v8.0.2]\n\n*DataManagementSystem\n\nFIX: (#9) retry failed transfers\n"
    )


def test_notes_from_the_emulator(demo):
    repo, prs = demo
    with GitHubEmulator.from_repo(repo, prs_file=prs, name="o/demo") as gh:
        common = ["--repo", str(repo), "--github-url", gh.base_url, "--github-repo", "o/demo"]
        env = {"GITHUB_TOKEN": "test-token"}
        result = run(*common, "notes", "--until", "v8.0.0a1", env=env)
        assert result.exit_code == 0, result.stderr
        assert (
            "*WorkloadManagementSystem\n\nFIX: (#3) proxy renewal in the JobAgent" in result.stdout
        )
        assert "*Core\n\nCHANGE: (#6) Python 3 only\nREMOVED: (#6) Python 2" in result.stdout
        data = json.loads(run(*common, "notes", "--until", "v8.0.0a1", "--format", "json",
                              env=env).stdout)  # fmt: skip
        assert data["version"] == "v8.0.0a1"
        assert [s["system"] for s in data["sections"]] == [
            "Core", "DataManagementSystem", "WorkloadManagementSystem"
        ]  # fmt: skip


def test_pr_text_is_data(tmp_path):
    repo = build_demo(tmp_path / "demo")
    evil = [{"number": 12, "title": "Add {{ 7*7 }} dashboards", "merge_commit": "integration",
             "body": "BEGINRELEASENOTES\n*Core\nNEW: {{ 7*7 }} and {% include 'x' %} *stars*\n"
                     "ENDRELEASENOTES", "base": "integration"}]  # fmt: skip
    prs = tmp_path / "evil.json"
    prs.write_text(json.dumps(evil))
    with GitHubEmulator.from_repo(repo, prs_file=prs, name="o/demo") as gh:
        common = ["--repo", str(repo), "--github-url", gh.base_url, "--github-repo", "o/demo"]
        dirac = run(*common, "notes", "-b", "integration", env={"GITHUB_TOKEN": "t0ken"})
        markdown = run(*common, "notes", "-b", "integration", "--format", "markdown",
                       env={"GITHUB_TOKEN": "t0ken"})  # fmt: skip
    assert "NEW: (#12) {{ 7*7 }} and {% include 'x' %} *stars*" in dirac.stdout
    # (links hold the emulator's random port, which may contain "49")
    assert "49" not in re.sub(r"https?://[^\s)]+", "", dirac.stdout + markdown.stdout)
    assert r"\*stars\*" in markdown.stdout


def test_write_is_idempotent_and_keeps_the_rest(demo, tmp_path, monkeypatch):
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    repo, _ = demo
    notes = tmp_path / "release.notes"
    original = b"Preamble kept as is\n\n[v8.0.1]\n\nFIX: (#8) old text \xff kept\n"
    notes.write_bytes(original)
    args = ["--repo", str(repo), "notes", "-b", "rel-v8r0", "--write", str(notes)]
    first = run(*args)
    assert first.exit_code == 0 and "updated: [v8.0.2]" in first.stdout
    once = notes.read_bytes()
    assert once.count(b"[v8.0.2]") == 1 and once.endswith(
        original[len(b"Preamble kept as is\n\n") :]
    )
    second = run(*args)
    assert "unchanged" in second.stdout and notes.read_bytes() == once


def test_lint(tmp_path, monkeypatch):
    good = tmp_path / "good.md"
    good.write_text(
        "Fixes things.\r\n\r\nBEGINRELEASENOTES\r\n*WMS\r\nFIX: a thing\r\nENDRELEASENOTES\r\n"
    )
    ok = run("notes", "lint", "--body-file", str(good))
    assert ok.exit_code == 0 and "release notes OK" in ok.stdout
    bad = tmp_path / "bad.md"
    bad.write_text("BEGINRELEASENOTES\n*WMS\nFEAT: new thing\nFIX:\n")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = run("notes", "lint", "--body-file", str(bad))
    assert result.exit_code == 1
    assert "::error" in result.stdout and "line=" in result.stdout
    assert f"{bad}:3:" in result.stdout
    assert result.stderr.startswith("release-tool: error: ") and result.stderr.count("\n") == 1
    missing = run("notes", "lint", "--body-file", "-", input="no block here\n")
    assert missing.exit_code == 1 and "stdin:" in missing.stdout


def test_parse_corpus_file():
    path = corpus_file("release-notes", "WebAppDIRAC.release.notes")
    result = run("notes", "parse", str(path), "--json")
    assert result.exit_code == 0, result.stderr
    releases = json.loads(result.stdout)
    assert releases[0]["version"] == "v6.0.0a6" and all("sections" in r for r in releases)
    rendered = run("notes", "parse", str(path), "--format", "markdown")
    assert rendered.exit_code == 0 and "v5.0.0" in rendered.stdout


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["notes"], "give --branch B"),
        (["notes", "lint"], "exactly one of --body-file"),
        (["notes", "--until", "v9.9.9"], "unknown revision"),
        (["notes", "-b", "rel-v8r0", "--format", "html"], "Invalid value for '--format'"),
    ],
)
def test_bad_input(demo, args, fragment):
    repo, _ = demo
    result = run("--repo", str(repo), *args)
    assert result.exit_code == 2 and fragment in result.stderr
    assert result.stderr.count("\n") == 1


def test_demo_tour(tmp_path):
    result = run("demo", str(tmp_path / "tour"))
    assert result.exit_code == 0, result.stderr
    assert "FIX: (#5) typo in the FTS3 agent" in result.stdout
    assert "### Unclassified" in result.stdout and "Add the Monitoring dashboard" in result.stdout
    assert (tmp_path / "tour" / "prs.json").exists()
