"""Startup: a command imports only what it uses (no PyGithub, jinja2, GitPython, graphql)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("github", "jinja2", "git", "graphql", "requests", "urllib3")

PROBE = """
import json, sys
from release_tool.cli import cli
try:
    cli.main(sys.argv[1:], prog_name="release-tool")
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def imported(*args: str) -> set[str]:
    """The modules a fresh interpreter holds after running ``release-tool ARGS``."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True, text=True, cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )  # fmt: skip
    return set(json.loads(result.stderr.strip().splitlines()[-1]))


def heavy(modules: set[str]) -> set[str]:
    return {m for m in modules if m.split(".")[0] in HEAVY or m.startswith("release_tool.sandbox")}


def test_version_show_imports_nothing_heavy():
    modules = imported("version", "show", "8.0.1")
    assert "release_tool.commands.version" in modules  # the probe really ran the command
    assert heavy(modules) == set()
    assert not {m for m in modules if m.startswith("release_tool.notes")}


@pytest.mark.parametrize("command", [["lines"], ["prs"], ["version", "next", "-b", "integration"]])
def test_history_commands_import_no_forge_or_templates(make_repo, command):
    repo = make_repo()
    repo.commit("initial")
    repo.merge_pr(1, "first")
    repo.tag("v8.1.0a1")
    modules = imported("--repo", str(repo.path), *command)
    assert "release_tool.history.gitrepo" in modules
    assert heavy(modules) == set()


def test_help_lists_every_command_without_importing_them():
    modules = imported("--help")
    assert heavy(modules) == set()
    assert not {m for m in modules if m.startswith("release_tool.commands.")}


@pytest.mark.parametrize("width", [60, 80, 200])
def test_help_lists_what_the_commands_themselves_say(width):
    """The summaries ``--help`` shows are what click shows from each command's own help."""
    import click
    from click.testing import CliRunner

    from release_tool.cli import COMMANDS, SUMMARIES, cli

    assert list(SUMMARIES) == list(COMMANDS)
    ours = CliRunner().invoke(cli, ["--help"], terminal_width=width)
    assert ours.exit_code == 0
    ctx = click.Context(cli, info_name="release-tool", terminal_width=width)
    formatter = ctx.make_formatter()
    click.Group.format_commands(cli, ctx, formatter)  # click's own: imports every command
    assert formatter.getvalue() and ours.stdout.endswith(formatter.getvalue())
