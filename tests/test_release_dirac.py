"""Releasing a real DIRAC: dual-tagged lines, the build's version, twine check, deferred
publishing and dry runs of recovery (issue 10, items 1-4).

The orchestration tests use the demo and the recording builder of
tests/test_release.py; the packaging tests build for real a repository that
packages like DIRAC (tests/scm_project.py: setuptools + setuptools_scm that
ignores legacy tags).
"""

from __future__ import annotations

import json
import logging

import pytest
import test_release
from click.testing import CliRunner
from scm_project import PYPROJECT, build_scm_project
from test_release import git, release, state

from release_tool.cli import cli
from release_tool.core.config import Config, LineConfig
from release_tool.core.versions import parse
from release_tool.demo import build_demo
from release_tool.errors import ReleaseToolError
from release_tool.history.gitrepo import GitRepo
from release_tool.history.inventory import Inventory
from release_tool.release.artifacts import BuildError, VersionMismatch, build_artifacts
from release_tool.release.buildversion import explain_mismatch, version_source
from release_tool.release.journal import Journal
from release_tool.release.steps import Releaser

world = test_release.world  # the demo, its origin, the emulator, recording builder/uploader


def journals(world) -> dict[str, dict]:
    """The release journals of the world's repository, by file name."""
    directory = world["repo"] / ".git" / "release-tool" / "releases"
    if not directory.is_dir():
        return {}
    return {p.name: json.loads(p.read_text()) for p in directory.glob("*.json")}


def crash_after(step: str):
    """A checkpoint that fails after ``step``."""

    def crash(self, done):
        if done == step:
            raise ReleaseToolError(f"injected failure after {done}")

    return crash


# --------------------------------------------------------------------------- 1. dual tags


@pytest.mark.parametrize(
    ("lines", "branch", "version", "expected"),
    [
        ({}, "rel-v7r3", "v7r3p3", ["v7r3p3", "v7.3.3"]),  # latest v7r3p2=v7.3.2
        ({}, "rel-v7r3", "7.3.3", ["v7r3p3", "v7.3.3"]),
        ({}, "rel-v8r0", "8.0.2", ["v8.0.2"]),
        ({"rel-v7r3": LineConfig(dual_tags=False)}, "rel-v7r3", "v7r3p3", ["v7r3p3"]),
        ({"rel-v8r0": LineConfig(dual_tags=True)}, "rel-v8r0", "8.0.2", ["v8r0p2", "v8.0.2"]),
        ({"rel-v8r0": LineConfig(dual_tags=True)}, "rel-v8r0", "8.0.2rc1", ["v8.0.2rc1"]),
    ],
)
def test_release_tags_of_a_line(tmp_path, lines, branch, version, expected):
    repo = GitRepo(build_demo(tmp_path / "demo"))
    inventory = Inventory(repo, Config(lines=lines))
    assert inventory.release_tags(parse(version), branch) == expected


def test_dual_tagged_line_gets_both_tags_pushed_atomically(world):
    git(world["repo"], "checkout", "--quiet", "rel-v7r3")
    planned = release(world, "-b", "rel-v7r3", "--dry-run")
    assert planned.exit_code == 0, planned.stderr
    assert "annotated tags v7r3p3 and v7.3.3" in planned.stdout
    assert "push rel-v7r3, v7r3p3 and v7.3.3 to origin (atomic)" in planned.stdout
    result = release(world, "-b", "rel-v7r3", "--yes")
    assert result.exit_code == 0, result.stderr
    origin = world["origin"]
    head = git(world["repo"], "rev-parse", "rel-v7r3")
    assert git(origin, "rev-parse", "v7r3p3^{commit}") == head
    assert git(origin, "rev-parse", "v7.3.3^{commit}") == head
    assert git(world["repo"], "cat-file", "-t", "v7.3.3") == "tag"
    assert [r.tag_name for r in world["gh"].repo.releases.values()] == ["v7r3p3"]
    assert journals(world)["v7r3p3.json"]["tags"] == ["v7r3p3", "v7.3.3"]
    lines = CliRunner().invoke(cli, ["--repo", str(world["repo"]), "lines"])
    assert "v7r3p3=v7.3.3" in lines.stdout and "v7r3p4" in lines.stdout


@pytest.mark.parametrize("step", ["notes", "tag", "build"])
def test_dual_tagged_release_resumes_with_both_tags(world, monkeypatch, step):
    git(world["repo"], "checkout", "--quiet", "rel-v7r3")
    with monkeypatch.context() as patch:
        patch.setattr(Releaser, "_checkpoint", crash_after(step))
        assert release(world, "-b", "rel-v7r3", "--yes").exit_code == 1
    resumed = release(world, "-b", "rel-v7r3", "--resume")
    assert resumed.exit_code == 0, resumed.stderr
    for tag in ("v7r3p3", "v7.3.3"):
        assert git(world["origin"], "rev-parse", f"{tag}^{{commit}}") == git(
            world["repo"], "rev-parse", "rel-v7r3"
        )


def test_dual_tagged_push_refused_undoes_both_tags(world, monkeypatch):
    git(world["repo"], "checkout", "--quiet", "rel-v7r3")
    other = world["tmp"] / "other"
    git(world["tmp"], "clone", "--quiet", "--branch", "rel-v7r3", str(world["origin"]), str(other))

    def someone_pushes(self, done):
        if done == "build":
            git(other, "commit", "--quiet", "--allow-empty", "-m", "hotfix")
            git(other, "push", "--quiet", "origin", "rel-v7r3")

    monkeypatch.setattr(Releaser, "_checkpoint", someone_pushes)
    result = release(world, "-b", "rel-v7r3", "--yes")
    assert result.exit_code == 1 and "refused the push of rel-v7r3, v7r3p3 and v7.3.3" in (
        result.stderr
    )
    assert git(world["repo"], "tag", "--list", "v7r3p3", "v7.3.3") == ""
    assert git(world["origin"], "tag", "--list", "v7r3p3", "v7.3.3") == ""


def test_resume_from_the_remote_finds_both_tags(world, monkeypatch):
    """The documented recovery on a dual-tagged line: check out the tag, resume by version."""
    git(world["repo"], "checkout", "--quiet", "rel-v7r3")
    with monkeypatch.context() as patch:
        patch.setattr(Releaser, "_checkpoint", crash_after("push"))
        assert release(world, "-b", "rel-v7r3", "--yes").exit_code == 1
    for path in (world["repo"] / ".git" / "release-tool" / "releases").iterdir():
        path.unlink()
    git(world["repo"], "tag", "-d", "v7.3.3")
    git(world["repo"], "checkout", "--quiet", "v7r3p3")
    before = state(world)
    dry = release(world, "-b", "rel-v7r3", "--resume", "--version", "7.3.3", "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert "resume the release of v7r3p3 and v7.3.3 from origin" in dry.stdout
    assert "steps left: build, push, forge, index" in dry.stdout
    assert state(world) == before
    resumed = release(world, "-b", "rel-v7r3", "--resume", "--version", "7.3.3")
    assert resumed.exit_code == 0, resumed.stderr
    assert resumed.stdout.strip() == "released v7r3p3 from rel-v7r3"
    assert [r.tag_name for r in world["gh"].repo.releases.values()] == ["v7r3p3"]
    assert journals(world)["v7r3p3.json"]["tags"] == ["v7r3p3", "v7.3.3"]


# --------------------------------------------------------------------------- 1. the build version


def test_version_source_and_explanations():
    scm = version_source(PYPROJECT, None)
    assert (scm.kind, scm.where) == ("scm", "setuptools_scm (git tags)")
    cause, fix = explain_mismatch(scm, "7.3.2.dev1+g1234567", "7.3.2", ["v7r3p2"], (), "rel-v7r3")
    assert "ignores the legacy tag v7r3p2" in cause and "no PEP 440 tag" in cause
    assert 'dual_tags = true in [tool.release-tool.lines."rel-v7r3"]' in fix and "v7.3.2" in fix
    cause, fix = explain_mismatch(scm, "7.3.2.dev1+g1234567", "7.3.2", ["v7r3p2", "v7.3.2"], (),
                                  "rel-v7r3")  # fmt: skip
    assert "did not take the release tag v7.3.2" in cause and "tag_regex" in fix
    hatch = version_source('[tool.hatch.version]\npath = "src/pkg/__init__.py"\n', None)
    cause, fix = explain_mismatch(hatch, "8.0.1", "8.0.2", ["v8.0.2"], (), "rel-v8r0")
    assert "src/pkg/__init__.py" in cause and "does not update" in cause
    assert fix == 'add "src/pkg/__init__.py" to version_files in [tool.release-tool]'
    cfg = version_source(None, "[metadata]\nname = x\nversion = file: VERSION\n")
    assert (cfg.kind, cfg.path) == ("file", "VERSION")
    static = version_source('[project]\nname = "x"\nversion = "1.0"\n', None)
    cause, _ = explain_mismatch(static, "1.0", "1.1", ["v1.1"], ("pyproject.toml",), "main")
    assert "which the release updated" in cause
    vcs = version_source('[build-system]\nrequires = ["hatchling", "hatch-vcs"]\n'
                         '[tool.hatch.version]\nsource = "vcs"\n', None)  # fmt: skip
    assert vcs.kind == "scm" and vcs.where.startswith("hatch-vcs")
    unknown = version_source("not toml [", "not ini")
    assert unknown.kind == "unknown"


def scm_repo(tmp_path, extra_config: str = ""):
    """The DIRAC-like repository, with ``extra_config`` appended to its pyproject and pushed."""
    repo = build_scm_project(tmp_path / "scm")
    if extra_config:
        pyproject = repo / "pyproject.toml"
        pyproject.write_text(pyproject.read_text() + extra_config)
        git(repo, "commit", "--quiet", "-am", "configure release-tool")
        git(repo, "push", "--quiet", "origin", "rel-v7r3")
    return repo


def test_legacy_tag_alone_is_refused_before_the_push(tmp_path):
    """setuptools_scm ignores v7r3p2: the wheel would be 7.3.2.devN; nothing is pushed."""
    repo = scm_repo(tmp_path, '\n[tool.release-tool.lines."rel-v7r3"]\ndual_tags = false\n')
    origin = tmp_path / "scm" / "origin.git"
    head = git(repo, "rev-parse", "HEAD")
    result = CliRunner().invoke(cli, ["--repo", str(repo), "release", "-b", "rel-v7r3", "--yes"])
    assert result.exit_code == 1
    message = result.stderr
    assert "version 7.3.2.dev" in message and "for the release 7.3.2" in message
    assert "setuptools_scm takes the version from git tags and ignores the legacy tag v7r3p2" in (
        message
    )
    assert "no PEP 440 tag" in message and "dual_tags = true" in message
    assert "nothing was pushed" in message
    assert git(repo, "rev-parse", "HEAD") == head  # the release commit is undone
    assert git(repo, "tag", "--list", "v7r3p2") == ""
    assert git(origin, "tag", "--list", "v7r3p2") == ""
    assert git(origin, "rev-parse", "rel-v7r3") == head
    assert not list((repo / ".git" / "release-tool" / "releases").glob("*.json"))


def test_version_file_not_updated_is_named(tmp_path):
    """The demo (hatchling reads src/diracdemo/__init__.py) without version_files."""
    repo = build_demo(tmp_path / "demo")
    git(repo, "checkout", "--quiet", "rel-v8r0")
    pyproject = repo / "pyproject.toml"
    text = pyproject.read_text().replace('version_files = ["src/diracdemo/__init__.py"]\n', "")
    pyproject.write_text(text + "build_isolation = false\n")
    git(repo, "commit", "--quiet", "-am", "no version files")
    git(repo, "push", "--quiet", "origin", "rel-v8r0")
    result = CliRunner().invoke(cli, ["--repo", str(repo), "release", "-b", "rel-v8r0", "--yes"])
    assert result.exit_code == 1
    assert "version 8.0.0, for the release 8.0.2" in result.stderr
    assert "reads the version from src/diracdemo/__init__.py" in result.stderr
    assert 'add "src/diracdemo/__init__.py" to version_files' in result.stderr
    assert git(tmp_path / "demo" / "origin.git", "tag", "--list", "v8.0.2") == ""


def test_rehearse_dirac_packaging_on_a_dual_tagged_and_a_pep440_line(tmp_path):
    """The done criterion of issue 10: setuptools_scm packaging, rel-v7r3 and rel-v8r0."""
    repo = scm_repo(tmp_path)
    result = CliRunner().invoke(cli, ["--repo", str(repo), "release", "-b", "rel-v7r3",
                                      "-b", "rel-v8r0", "--rehearse"])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "rel-v7r3: rehearsal passed: pip installed diracscm==7.3.2" in result.stdout
    assert "rel-v8r0: rehearsal passed: pip installed diracscm==8.0.2" in result.stdout
    assert "tags pushed: v7.3.2, v7r3p2" in result.stderr
    assert "tags pushed: v8.0.2" in result.stderr
    assert "long_description_content_type" in result.stderr  # printed, not fatal
    assert git(repo, "tag", "--list", "v7r3p2") == ""  # nothing outside the sandbox


# --------------------------------------------------------------------------- 2. twine check


def test_twine_warnings_are_printed_by_default_and_fail_when_strict(tmp_path, caplog):
    repo = scm_repo(tmp_path)
    git(repo, "checkout", "--quiet", "v7.3.1")
    with caplog.at_level(logging.WARNING):
        built = build_artifacts(repo, tmp_path / "dist", source_date_epoch=1_600_000_000,
                                expected_version="7.3.1", isolation=False)  # fmt: skip
    assert sorted(a.kind for a in built) == ["sdist", "wheel"]
    assert "twine check warns: `long_description_content_type` missing" in caplog.text
    assert "the index accepts it" in caplog.text
    with pytest.raises(BuildError) as strict:
        build_artifacts(repo, tmp_path / "strict", source_date_epoch=1_600_000_000,
                        expected_version="7.3.1", isolation=False,
                        twine_check="strict")  # fmt: skip
    message = str(strict.value)
    assert "twine check --strict failed on warnings" in message
    assert "long_description_content_type = text/markdown" in message
    assert 'twine_check = "errors"' in message
    with pytest.raises(VersionMismatch):
        build_artifacts(repo, tmp_path / "other", source_date_epoch=1,
                        expected_version="7.3.2", isolation=False)  # fmt: skip


def test_twine_errors_always_fail(tmp_path):
    repo = scm_repo(tmp_path)
    git(repo, "checkout", "--quiet", "v7.3.1")
    (repo / "README.md").write_text("bad\n===\n\n.. this:: is not rst\n   `broken\n")
    cfg = repo / "setup.cfg"
    cfg.write_text(cfg.read_text().replace(
        "long_description = file: README.md\n",
        "long_description = file: README.md\nlong_description_content_type = text/x-rst\n",
    ))  # fmt: skip
    git(repo, "commit", "--quiet", "-am", "broken readme")
    git(repo, "tag", "v7.3.1.post1")
    with pytest.raises(BuildError) as failure:
        build_artifacts(repo, tmp_path / "dist", source_date_epoch=1,
                        expected_version="7.3.1.post1", isolation=False)  # fmt: skip
    assert "twine check failed" in str(failure.value)
    assert "the index would refuse these files" in str(failure.value)


def test_the_setting_reaches_the_builder(world, monkeypatch):
    import release_tool.commands.release as command

    seen = []
    real = command.default_builder  # the world's recording builder

    def recording(*args, **kwargs):
        seen.append(kwargs.get("twine_check"))
        return real(*args, **kwargs)

    monkeypatch.setattr("release_tool.commands.release.default_builder", recording)
    pyproject = world["repo"] / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + 'twine_check = "strict"\n')
    git(world["repo"], "commit", "--quiet", "-am", "strict twine check")
    git(world["repo"], "push", "--quiet", "origin", "rel-v8r0")
    assert release(world, "-b", "rel-v8r0", "--yes").exit_code == 0
    assert seen == ["strict"]


# --------------------------------------------------------------------------- 3. --no-publish


def test_deferred_steps_park_a_journal(tmp_path):
    journal = Journal(tmp_path / "v8.0.2.json", "v8.0.2", "rel-v8r0", "8.0.2")
    for step in ("preflight", "notes", "tag", "build", "push"):
        journal.record(step)
    assert not journal.parked and journal.next_step == "forge"
    journal.defer("forge", "--no-publish")
    journal.defer("index", "--no-publish")
    loaded = Journal.load(journal.path)
    assert loaded.parked and not loaded.complete and loaded.deferred("forge")
    assert not loaded.done("forge") and loaded.next_step == "forge"
    assert loaded.tag_names == ["v8.0.2"]
    dual = Journal(tmp_path / "v7r3p3.json", "v7r3p3", "rel-v7r3", "v7r3p3",
                   tags=["v7r3p3", "v7.3.3"])  # fmt: skip
    dual.record("preflight")
    assert Journal.load(dual.path).tag_names == ["v7r3p3", "v7.3.3"]


def test_no_publish_does_not_block_the_line(world):
    parked = release(world, "-b", "rel-v8r0", "--no-publish", "--yes")
    assert parked.exit_code == 0, parked.stderr
    assert "pushed, not published (--no-publish)" in parked.stdout
    publish = "release-tool release -b rel-v8r0 --resume --publish --version 8.0.2"
    assert publish in parked.stdout
    assert world["gh"].repo.releases == {} and world["index"] == {}
    assert journals(world)["v8.0.2.json"]["steps"]["forge"] == {"deferred": "--no-publish"}

    same = release(world, "-b", "rel-v8r0", "--version", "8.0.2", "--yes")
    assert same.exit_code == 1 and "v8.0.2 is pushed but not published" in same.stderr
    assert publish in same.stderr
    plain = release(world, "-b", "rel-v8r0", "--resume")
    assert plain.exit_code == 2 and "was deferred (--no-publish)" in plain.stderr
    assert publish in plain.stderr
    for bad in (["--publish"], ["--resume", "--publish", "--no-publish"]):
        refused = release(world, "-b", "rel-v8r0", *bad)
        assert refused.exit_code == 2 and "use it with --resume" in refused.stderr

    repo = world["repo"]
    (repo / "fix.txt").write_text("a fix\n")
    git(repo, "add", "fix.txt")
    git(repo, "commit", "--quiet", "-m", "fix: a fix after 8.0.2")
    git(repo, "push", "--quiet", "origin", "rel-v8r0")
    following = release(world, "-b", "rel-v8r0", "--yes", "--allow-empty")  # not blocked
    assert following.exit_code == 0, following.stderr
    assert following.stdout.strip() == "released v8.0.3 from rel-v8r0"

    git(repo, "checkout", "--quiet", "integration")  # publishing needs no checkout
    dry = release(world, "-b", "rel-v8r0", "--resume", "--publish", "--dry-run")
    assert dry.exit_code == 0 and "steps left: forge, index" in dry.stdout
    later = release(world, "-b", "rel-v8r0", "--resume", "--publish")
    assert later.exit_code == 0, later.stderr
    assert later.stdout.strip() == "released v8.0.2 from rel-v8r0"
    published = {r.tag_name: r for r in world["gh"].repo.releases.values()}
    assert sorted(published) == ["v8.0.2", "v8.0.3"]
    assert "retry failed transfers" in published["v8.0.2"].body  # its own notes, from its tag
    assert "retry failed transfers" not in published["v8.0.3"].body
    assert "diracdemo-8.0.2.tar.gz" in world["index"]
    again = release(world, "-b", "rel-v8r0", "--resume", "--publish")
    assert again.exit_code == 2 and "no release of rel-v8r0 waits to be published" in again.stderr


def test_several_parked_releases_need_a_version(world):
    assert release(world, "-b", "rel-v8r0", "--no-publish", "--yes").exit_code == 0
    git(world["repo"], "commit", "--quiet", "--allow-empty", "-m", "fix: another")
    git(world["repo"], "push", "--quiet", "origin", "rel-v8r0")
    assert release(world, "-b", "rel-v8r0", "--no-publish", "--yes", "--allow-empty").exit_code == 0
    vague = release(world, "-b", "rel-v8r0", "--resume", "--publish")
    assert vague.exit_code == 2 and "(v8.0.2, v8.0.3): give --version" in vague.stderr
    exact = release(world, "-b", "rel-v8r0", "--resume", "--publish", "--version", "8.0.3")
    assert exact.exit_code == 0 and exact.stdout.strip() == "released v8.0.3 from rel-v8r0"


# --------------------------------------------------------------------------- 4. dry runs


def test_dry_run_of_the_documented_recovery_on_the_checked_out_tag(world, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(Releaser, "_checkpoint", crash_after("push"))
        assert release(world, "-b", "rel-v8r0", "--yes").exit_code == 1
    for path in (world["repo"] / ".git" / "release-tool" / "releases").iterdir():
        path.unlink()
    git(world["repo"], "checkout", "--quiet", "v8.0.2")  # HEAD is detached
    before = state(world)
    dry = release(world, "-b", "rel-v8r0", "--resume", "--version", "8.0.2", "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert "resume the release of v8.0.2 from origin" in dry.stdout
    assert "nothing was changed" in dry.stdout
    assert state(world) == before
    elsewhere = release(world, "-b", "rel-v8r0", "--resume", "--version", "8.0.1", "--dry-run")
    assert elsewhere.exit_code == 1 and "check out v8.0.1" in elsewhere.stderr
    real = release(world, "-b", "rel-v8r0", "--resume", "--version", "8.0.2")
    assert real.exit_code == 0, real.stderr


def test_dry_run_makes_the_journal_checks_of_the_real_run(world, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(Releaser, "_checkpoint", crash_after("build"))
        assert release(world, "-b", "rel-v8r0", "--yes").exit_code == 1
    before = state(world)
    for args in (["--yes"], ["--dry-run"]):  # the same refusal, with and without --dry-run
        refused = release(world, "-b", "rel-v8r0", *args)
        assert refused.exit_code == 1 and "stopped before 'push'" in refused.stderr
    dry = release(world, "-b", "rel-v8r0", "--resume", "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert "resume the release of v8.0.2 from rel-v8r0 (stopped before 'push')" in dry.stdout
    assert "steps left: push, forge, index" in dry.stdout
    no_push = release(world, "-b", "rel-v8r0", "--resume", "--dry-run", "--no-push")
    assert "steps left: (stop: --no-push)" in no_push.stdout
    git(world["repo"], "checkout", "--quiet", "integration")
    wrong = release(world, "-b", "rel-v8r0", "--resume", "--dry-run")
    assert wrong.exit_code == 1 and "check out rel-v8r0 to resume" in wrong.stderr
    assert state(world) == before
    git(world["repo"], "checkout", "--quiet", "rel-v8r0")
    done = release(world, "-b", "rel-v8r0", "--resume")
    assert done.exit_code == 0, done.stderr
    finished = release(world, "-b", "rel-v8r0", "--version", "8.0.2", "--dry-run")
    assert "already released" in finished.stdout
