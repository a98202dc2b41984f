"""Versions the package index refuses: local versions never, epochs and .postN only by opt-in."""

from __future__ import annotations

import subprocess

import pytest
from click.testing import CliRunner

from release_tool.cli import cli
from release_tool.core.config import Config, config_from_mapping
from release_tool.core.lines import RELEASE, ReleaseLine, check_version
from release_tool.core.tags import Tag
from release_tool.core.versions import parse
from release_tool.demo import build_demo
from release_tool.errors import ConfigError

REL80 = ReleaseLine("rel-v8r0", RELEASE, (8, 0))
TAGS = [Tag("v8.0.1", "a" * 40, parse("v8.0.1"))]


@pytest.mark.parametrize(
    ("version", "config", "fragment"),
    [
        ("8.0.2+local", {}, "8.0.2+local is a local version (+local)"),
        ("8.0.2+ubuntu.1", {"allow_epochs": True, "allow_post_releases": True},
         "package indexes refuse local versions"),
        ("1!8.0.2", {}, "has an epoch (1!): releasing epochs needs allow_epochs = true"),
        ("1!8.0.2", {"allow_post_releases": True}, "allow_epochs = true"),
        ("8.0.1.post1", {}, "is a .post release: releasing them needs allow_post_releases"),
        ("8.0.1.post1", {"allow_epochs": True}, "allow_post_releases = true"),
    ],
)  # fmt: skip
def test_refused(version, config, fragment):
    problems = check_version(parse(version), REL80, TAGS, TAGS, config_from_mapping(config))
    assert any(fragment in p for p in problems), problems


@pytest.mark.parametrize(
    ("version", "config"),
    [
        ("1!8.0.2", {"allow_epochs": True}),
        ("8.0.1.post1", {"allow_post_releases": True}),
        ("8.0.2", {}),
    ],
)
def test_allowed_by_opt_in(version, config):
    assert check_version(parse(version), REL80, TAGS, TAGS, config_from_mapping(config)) == []


def test_defaults_refuse_epochs_and_post_releases():
    assert Config().allow_epochs is False and Config().allow_post_releases is False


@pytest.mark.parametrize("key", ["allow_epochs", "allow_post_releases"])
def test_opt_in_keys_are_validated(key):
    with pytest.raises(ConfigError, match=f"tool.release-tool.{key} must be true or false"):
        config_from_mapping({key: "yes"})


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["version", "check", "8.0.2+local", "--branch", "rel-v8r0"], "is a local version"),
        (["version", "check", "1!8.0.2", "--branch", "rel-v8r0"], "allow_epochs = true"),
        (["version", "check", "8.0.1.post1", "--branch", "rel-v8r0"], "allow_post_releases"),
        (["release", "-b", "rel-v8r0", "--yes", "--version", "8.0.2+local"],
         "is a local version"),
        (["release", "-b", "rel-v8r0", "--dry-run", "--version", "8.0.2+local"],
         "is a local version"),
    ],
)  # fmt: skip
def test_commands_refuse(tmp_path, args, fragment):
    repo = build_demo(tmp_path / "demo")
    subprocess.run(["git", "checkout", "--quiet", "rel-v8r0"], cwd=repo, check=True)
    result = CliRunner().invoke(cli, ["--repo", str(repo), *args])
    assert result.exit_code == 1 and fragment in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1
    status = subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True,
                            text=True, check=True).stdout  # fmt: skip
    assert status == "" and not (repo / ".git" / "release-tool" / "releases").exists()
