"""Repository paths are taken literally: ``$VAR`` in a path is not expanded (GitPython would)."""

from __future__ import annotations

import warnings

import pytest
from click.testing import CliRunner

from release_tool.cli import cli
from release_tool.history.gitbuild import RepoBuilder
from release_tool.history.gitrepo import GitRepo


@pytest.mark.parametrize("name", ["proj$x", "proj${x}", "$x", "a$HOME", "p$x$x"])
def test_dollar_in_the_repository_path(tmp_path, monkeypatch, name):
    monkeypatch.setenv("x", "elsewhere")
    builder = RepoBuilder(tmp_path / name)
    builder.commit("Initial import")
    builder.tag("v8.0.0", message="v8.0.0")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # GitPython warns when it expands a variable
        repo = GitRepo(builder.path)
    assert repo.root == builder.path
    result = CliRunner().invoke(cli, ["--repo", str(builder.path), "tags", "audit"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
