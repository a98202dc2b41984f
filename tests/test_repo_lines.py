"""Release lines, next versions, policy and audit on real git repositories."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from release_tool.cli import cli
from release_tool.core.config import Config
from release_tool.demo import build_demo
from release_tool.history.gitrepo import GitRepo
from release_tool.history.inventory import Inventory


def run_cli(*args: str, input: str | None = None):
    """Invoke the CLI in-process; returns click's Result (exit_code, stdout, stderr)."""
    return CliRunner().invoke(cli, list(args), input=input)


@pytest.fixture(scope="module")
def dirac(tmp_path_factory):
    """The demo repository: rel-v7r3 (legacy), rel-v8r0, integration, dual and junk tags."""
    return build_demo(tmp_path_factory.mktemp("dirac") / "demo")


def test_lines_table(dirac):
    result = run_cli("--repo", str(dirac), "lines")
    assert result.exit_code == 0, result.stderr
    rows = [line.split() for line in result.stdout.splitlines()]
    assert rows[0] == ["branch", "kind", "series", "scheme", "latest", "next"]
    assert rows[1] == ["rel-v7r3", "release", "7.3", "legacy", "v7r3p2=v7.3.2", "v7r3p3"]
    assert rows[2] == ["rel-v8r0", "release", "8.0", "pep440", "v8.0.1", "8.0.2"]
    assert rows[3] == [
        "integration",
        "integration",
        "8.1",
        "(next)",
        "pep440",
        "v8.1.0a2",
        "8.1.0a3",
    ]


def test_lines_json(dirac):
    result = run_cli("--repo", str(dirac), "lines", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert [d["branch"] for d in data] == ["rel-v7r3", "rel-v8r0", "integration"]
    assert data[0] | {"ref": None} == {
        "branch": "rel-v7r3", "ref": None, "kind": "release", "series": "7.3",
        "scheme": "legacy", "latest": "v7r3p2", "latest_tags": ["v7r3p2", "v7.3.2"],
        "next": "v7r3p3", "next_tag": "v7r3p3", "note": None, "active": True,
    }  # fmt: skip
    assert data[2]["next_tag"] == "v8.1.0a3"


@pytest.mark.parametrize(
    ("branch", "expected"),
    [("rel-v7r3", "v7r3p3"), ("rel-v8r0", "8.0.2"), ("integration", "8.1.0a3")],
)
def test_version_next(dirac, branch, expected):
    result = run_cli("--repo", str(dirac), "version", "next", "--branch", branch)
    assert (result.exit_code, result.stdout.strip()) == (0, expected)


def test_version_next_json(dirac):
    result = run_cli("--repo", str(dirac), "version", "next", "-b", "rel-v8r0", "--json")
    assert json.loads(result.stdout) == {
        "branch": "rel-v8r0", "version": "8.0.2", "tag": "v8.0.2",
        "scheme": "pep440", "pep440": "8.0.2",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("version", "branch", "code", "fragment"),
    [
        ("8.0.2", "rel-v8r0", 0, "ok: 8.0.2 may be released from rel-v8r0 as tag v8.0.2"),
        ("v7r3p3", "rel-v7r3", 0, "ok: v7r3p3"),
        ("8.1.0a3", "integration", 0, "ok: 8.1.0a3"),
        ("8.0.1", "rel-v8r0", 1, "tag v8.0.1 already exists"),
        ("7.3.2", "rel-v7r3", 1, "tag v7.3.2 already exists"),
        ("8.1.0", "integration", 1, "integration releases only pre-releases"),
        ("8.1.1", "rel-v8r0", 1, "rel-v8r0 releases only 8.0 versions"),
        ("8.0.2.dev0", "rel-v8r0", 1, ".dev versions are never released"),
        ("7.3.1", "rel-v7r3", 1, "is already released as v7r3p1"),
        ("v8r0-pre1", "integration", 1, "is already released as v8.0.0a1"),
        ("8.0.0a9", "rel-v8r0", 1, "not greater than v8.0.1"),
        ("nonsense", "rel-v8r0", 2, "not a version: 'nonsense'"),
        ("8.0.2", "rel-v9r9", 2, "unknown branch 'rel-v9r9'"),
        ("8.0.2", "feature", 2, "branch 'feature' is not a release line"),
        ("8.0.2", "--foo", 2, "branch '--foo' is not a release line"),
    ],
)
def test_version_check(dirac, version, branch, code, fragment):
    result = run_cli("--repo", str(dirac), "version", "check", version, "--branch", branch)
    output = result.stdout if code == 0 else result.stderr
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert fragment in output
    if code:
        assert output.count("\n") == 1 and output.startswith("release-tool: error: ")


def test_tags_audit_on_demo(dirac):
    result = run_cli("--repo", str(dirac), "tags", "audit", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["junk"] == ["latest", "v8.0.0.a18"]
    assert data["duplicates"] == [] and data["mixed"] == [] and data["contradictions"] == []
    strict = run_cli("--repo", str(dirac), "tags", "audit", "--strict")
    assert strict.exit_code == 1 and "2 problem(s)" in strict.stderr


def test_audit_finds_slips(make_repo):
    repo = make_repo()
    repo.commit("root")
    repo.tag("v1.0.0")
    repo.commit("next")
    repo.tag("v0.9.0")  # descends from 1.0.0 with a lower version
    repo.tag("1.0.0")  # same version as v1.0.0, on another commit
    repo.tag("v1.0.1", message="annotated, same commit as 0.9.0 and 1.0.0")
    tree = repo.git("rev-parse", "HEAD^{tree}")
    repo.git("tag", "-a", "v2.0.0", "-m", "a tag of a tree", tree)
    repo.tag("grep")
    report = Inventory(GitRepo(repo.path), Config()).audit()
    assert sorted(report.junk) == ["grep", "v2.0.0"]
    assert [(a.name, d.name) for a, d in report.contradictions] == [("v1.0.0", "v0.9.0")]
    assert [sorted(r.name for r in group) for group in report.duplicates] == [["1.0.0", "v1.0.0"]]
    assert [[r.name for r in group] for _, group in report.mixed] == [["v0.9.0", "1.0.0", "v1.0.1"]]


def test_remote_only_branch_is_a_line(make_repo, tmp_path):
    repo = make_repo()
    repo.commit("root")
    repo.tag("v8.0.5")
    repo.checkout("rel-v8r0", create_from="integration")
    repo.commit("fix")
    repo.make_bare_origin(tmp_path / "origin.git", ["integration", "rel-v8r0"])
    repo.checkout("integration")
    repo.git("branch", "-D", "rel-v8r0")
    result = run_cli("--repo", str(repo.path), "lines", "--json")
    data = {d["branch"]: d for d in json.loads(result.stdout)}
    assert data["rel-v8r0"]["ref"] == "refs/remotes/origin/rel-v8r0"
    assert data["rel-v8r0"]["next"] == "8.0.6"
    assert data["integration"]["next"] == "8.1.0a1"


def test_configuration_is_read_from_the_target_repo(make_repo):
    repo = make_repo(branch="develop")
    repo.commit(
        "configure",
        {
            "pyproject.toml": "[tool.release-tool]\n"
            'release_branch_pattern = "release/{major}.{minor}"\n'
            'integration_branches = ["develop"]\nopen_series_with = "final"\n'
        },
    )
    repo.tag("v2.3.0")
    repo.checkout("release/2.3", create_from="develop")
    result = run_cli("--repo", str(repo.path), "lines", "--json")
    assert result.exit_code == 0, result.stderr
    data = {d["branch"]: d["next"] for d in json.loads(result.stdout)}
    assert data == {"release/2.3": "2.3.1", "develop": "2.4.0a1"}
    bumped = run_cli("--repo", str(repo.path), "version", "bump", "2.3.0", "minor")
    assert bumped.stdout.strip() == "2.4.0"


@pytest.mark.parametrize(
    ("pyproject", "fragment"),
    [
        ("[tool.release-tool]\nfoo = 1\n", "unknown configuration key tool.release-tool.foo"),
        ("[tool.release-tool]\npep440_from = 8\n", "tool.release-tool.pep440_from"),
        ("[tool.release-tool\n", "not valid TOML"),
    ],
)
def test_bad_configuration_is_one_line(make_repo, pyproject, fragment):
    repo = make_repo()
    repo.commit("configure", {"pyproject.toml": pyproject})
    result = run_cli("--repo", str(repo.path), "lines")
    assert result.exit_code == 2
    assert fragment in result.stderr and result.stderr.count("\n") == 1


def test_no_release_lines(make_repo):
    repo = make_repo(branch="feature")
    repo.commit("root")
    result = run_cli("--repo", str(repo.path), "lines")
    assert result.exit_code == 2 and "no release lines" in result.stderr


def test_not_a_repository(tmp_path):
    result = run_cli("--repo", str(tmp_path), "lines")
    assert (result.exit_code, result.stderr.strip()) == (
        2,
        f"release-tool: error: {tmp_path}: not a git repository",
    )
    missing = run_cli("--repo", str(tmp_path / "nope"), "lines")
    assert missing.exit_code == 2 and "no such directory" in missing.stderr


def test_shallow_clone_warns(dirac, tmp_path):
    clone = tmp_path / "shallow"
    subprocess.run(
        [
            "git",
            "clone",
            "--quiet",
            "--depth=1",
            "--branch=rel-v8r0",
            f"file://{dirac}",
            str(clone),
        ],
        check=True,
    )
    result = run_cli("--repo", str(clone), "version", "next", "--branch", "rel-v8r0")
    assert "shallow clone" in result.stderr and "--unshallow" in result.stderr


def test_console_script_reports_errors_without_traceback(dirac):
    """The real entry point, in a subprocess: one line on stderr, exit 2, no traceback."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "release_tool",
            "--repo",
            str(dirac),
            "version",
            "check",
            "x",
            "-b",
            "rel-v8r0",
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert proc.stderr == "release-tool: error: not a version: 'x'\n"
