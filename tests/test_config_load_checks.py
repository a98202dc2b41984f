"""Configuration that used to pass at load and fail mid-release is refused at load.

``notes_file`` outside the repository or a directory, ``commit_message`` templates that
``str.format`` rejects or that use unknown fields, tag prefixes and branch names that git
refuses as ref names. Every command reports them the same way: one line, exit 2.
Also: ``integration_branches = []`` means "no integration line".
"""

from __future__ import annotations

import subprocess

import pytest
from click.testing import CliRunner

from release_tool.cli import cli
from release_tool.core.config import config_from_mapping, load_config
from release_tool.errors import ConfigError

BAD = [
    ('notes_file = "/etc/release.notes"', "notes_file"),
    ('notes_file = "../release.notes"', "notes_file"),
    ('notes_file = "docs/../../release.notes"', "notes_file"),
    ('notes_file = "~/release.notes"', "notes_file"),
    ('notes_file = "docs"', "notes_file"),  # a directory of the repository
    ('notes_file = "docs/"', "notes_file"),
    ('notes_file = "."', "notes_file"),
    ('notes_file = "escape/release.notes"', "notes_file"),  # a symlink to a directory outside
    ('notes_file = "linked.notes"', "notes_file"),  # a symbolic link
    ('version_files = ["escape/__init__.py"]', "version_files"),
    ('commit_message = "{0}"', "commit_message"),
    ('commit_message = "{}"', "commit_message"),
    ('commit_message = "{foo}"', "commit_message"),
    ('commit_message = "rel {"', "commit_message"),
    ('commit_message = "rel }"', "commit_message"),
    ('commit_message = "{tag.__class__}"', "commit_message"),
    ('commit_message = "{tag[0]}"', "commit_message"),
    ('commit_message = "{tag:%}"', "commit_message"),
    ('commit_message = "{version!z}"', "commit_message"),
    ('commit_message = "   "', "commit_message"),
    ('tag_prefix = "v "', "tag_prefix"),
    ('tag_prefix = "v~"', "tag_prefix"),
    ('tag_prefix = "v:"', "tag_prefix"),
    ('tag_prefix = "release/."', "tag_prefix"),
    ('tag_prefix = "v\\u0007"', "tag_prefix"),
    ('release_branch_pattern = "rel v{major}r{minor}"', "release_branch_pattern"),
    ('release_branch_pattern = "rel..v{major}r{minor}"', "release_branch_pattern"),
    ('integration_branches = ["main", "bad^name"]', "integration_branches"),
]


@pytest.fixture
def repo(tmp_path, make_repo):
    builder = make_repo()
    builder.commit("Initial import", {"docs/index.md": "x\n", "release.notes": "\n"})
    builder.tag("v8.0.0a1", message="v8.0.0a1")
    outside = tmp_path / "outside"
    outside.mkdir()
    (builder.path / "escape").symlink_to(outside)
    (builder.path / "linked.notes").symlink_to("release.notes")
    return builder.path


@pytest.mark.parametrize(("line", "key"), BAD, ids=[b[0] for b in BAD])
def test_refused_at_load(repo, line, key):
    (repo / "pyproject.toml").write_text(f"[tool.release-tool]\n{line}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=f"tool.release-tool.{key}"):
        load_config(repo)


@pytest.mark.parametrize(("line", "key"), BAD[:3] + BAD[10:12] + BAD[20:21], ids=str)
@pytest.mark.parametrize(
    "command",
    [["lines"], ["version", "next", "--branch", "integration"], ["prs"],
     ["notes", "-b", "integration"], ["release", "-b", "integration", "--dry-run"]],
    ids=" ".join,
)  # fmt: skip
def test_every_command_reports_it_in_one_line(repo, line, key, command):
    (repo / "pyproject.toml").write_text(f"[tool.release-tool]\n{line}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--repo", str(repo), *command])
    assert result.exit_code == 2, result.stderr
    assert len(result.stderr.splitlines()) == 1 and key in result.stderr
    assert "internal error" not in result.stderr


@pytest.mark.parametrize(
    "line",
    [
        'notes_file = "docs/release.notes"',
        'notes_file = "CHANGES.rst"',
        'commit_message = "docs: notes of {tag} ({version})"',
        'commit_message = "Release {version:>8} {{literal braces}}"',
        'commit_message = "no placeholder at all"',
        'tag_prefix = ""',
        'tag_prefix = "release/"',
        'tag_prefix = "DIRAC-v"',
        'release_branch_pattern = "release/{major}.{minor}"',
        'integration_branches = ["develop"]',
        "integration_branches = []",
    ],
)
def test_good_values_still_load(repo, line):
    (repo / "pyproject.toml").write_text(f"[tool.release-tool]\n{line}\n", encoding="utf-8")
    load_config(repo)


@pytest.mark.parametrize("prefix", ["v", "", "release/", "DIRAC-v", "v ", "v..", "v~", "v@{"])
def test_tag_prefix_check_is_git_s(repo, prefix):
    """Accepted exactly when ``git check-ref-format`` accepts the tag it gives."""
    (repo / "pyproject.toml").write_text(f'[tool.release-tool]\ntag_prefix = "{prefix}"\n')
    git_ok = all(
        subprocess.run(["git", "check-ref-format", f"refs/tags/{prefix}{v}"]).returncode == 0
        for v in ("8.0.1", "8.1.0a1")
    )
    try:
        load_config(repo)
        loaded = True
    except ConfigError:
        loaded = False
    assert loaded == git_ok


def test_no_integration_branch(make_repo):
    """``integration_branches = []``: no integration line; release branches still work."""
    assert config_from_mapping({"integration_branches": []}).integration_branches == ()
    builder = make_repo(branch="integration")
    builder.commit("Initial import")
    builder.tag("v8.0.0", message="v8.0.0")
    builder.checkout("rel-v8r0", create_from="integration")
    builder.merge_pr(1, "Fix something")
    builder.write({"pyproject.toml": "[tool.release-tool]\nintegration_branches = []\n"})
    builder.commit("configure")
    lines = CliRunner().invoke(cli, ["--repo", str(builder.path), "lines"])
    assert lines.exit_code == 0, lines.stderr
    assert "rel-v8r0" in lines.stdout and "integration " not in lines.stdout
    bad = CliRunner().invoke(cli, ["--repo", str(builder.path), "version", "next", "-b",
                                   "integration"])  # fmt: skip
    assert bad.exit_code == 2 and "integration branches are none" in bad.stderr
    prs = CliRunner().invoke(cli, ["--repo", str(builder.path), "prs", "-b", "rel-v8r0"])
    assert prs.exit_code == 0, prs.stderr
    assert "#1" in prs.stdout
