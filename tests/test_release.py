"""``release-tool release`` on the demo repository: a real bare origin, the GitHub emulator.

The builder and the index uploader are swapped for recording stand-ins here
(the orchestration is under test); tests/test_release_e2e.py runs the real
``build``, twine and a pypiserver.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from release_tool.cli import cli
from release_tool.demo import build_demo
from release_tool.errors import ReleaseToolError
from release_tool.history.gitbuild import ISOLATED_ENV
from release_tool.release.steps import Releaser
from release_tool.sandbox import GitHubEmulator

SLUG = "diracgrid/diracdemo"


@dataclass
class FakeArtifact:
    """What the builder returns."""

    path: Path
    sha256: str
    size: int


def git(path: Path, *args: str) -> str:
    """git in ``path``, isolated from the user's configuration."""
    import os

    env = {**os.environ, **ISOLATED_ENV}
    out = subprocess.run(["git", *args], cwd=path, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


@pytest.fixture
def world(tmp_path, monkeypatch):
    """The demo repo on rel-v8r0, its origin, the emulator, and recording builder/uploader."""
    repo = build_demo(tmp_path / "demo")
    git(repo, "checkout", "--quiet", "rel-v8r0")
    index: dict[str, bytes] = {}
    calls = {"build": 0, "upload": 0}

    def builder(root, outdir, *, source_date_epoch, expected_version, isolation):
        calls["build"] += 1
        outdir.mkdir(parents=True, exist_ok=True)
        made = []
        for name in (f"diracdemo-{expected_version}.tar.gz",
                     f"diracdemo-{expected_version}-py3-none-any.whl"):  # fmt: skip
            data = f"{name} {source_date_epoch}".encode()
            (outdir / name).write_bytes(data)
            made.append(FakeArtifact(outdir / name, hashlib.sha256(data).hexdigest(), len(data)))
        return made

    def uploader(paths, url):
        calls["upload"] += 1
        uploaded = []
        for path in paths:
            if index.get(path.name) == path.read_bytes():
                continue
            if path.name in index:
                raise ReleaseToolError(f"{path.name} differs from the published file")
            index[path.name] = path.read_bytes()
            uploaded.append(path.name)
        return {"uploaded": uploaded}

    monkeypatch.setattr("release_tool.commands.release.default_builder", builder)
    monkeypatch.setattr("release_tool.commands.release.default_uploader", uploader)
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_releasetesttoken123")
    with GitHubEmulator.from_repo(repo, prs_file=tmp_path / "demo" / "prs.json", name=SLUG) as gh:
        yield {"repo": repo, "origin": tmp_path / "demo" / "origin.git", "gh": gh,
               "index": index, "calls": calls, "tmp": tmp_path}  # fmt: skip


def release(world, *args: str):
    """Run ``release-tool release`` against the world's repo and emulator."""
    common = ["--repo", str(world["repo"]), "--github-url", world["gh"].base_url,
              "--github-repo", SLUG]  # fmt: skip
    return CliRunner().invoke(cli, [*common, "release", *args])


def state(world) -> dict:
    """Everything a release could change: refs here and on origin, tree, forge, index."""
    repo, origin = world["repo"], world["origin"]
    return {
        "refs": git(repo, "for-each-ref", "--format=%(refname) %(objectname)"),
        "origin": git(origin, "for-each-ref", "--format=%(refname) %(objectname)"),
        "status": git(repo, "status", "--porcelain"),
        "releases": sorted(world["gh"].repo.releases),
        "index": sorted(world["index"]),
        "journal": (repo / ".git" / "release-tool" / "releases").exists(),
    }


def test_dry_run_changes_nothing(world):
    before = state(world)
    result = release(world, "-b", "rel-v8r0", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "release v8.0.2 from rel-v8r0" in result.stdout
    assert "FIX: (#9) retry failed transfers" in result.stdout
    assert "push rel-v8r0 and v8.0.2 to origin (atomic)" in result.stdout
    assert state(world) == before


def test_full_release_then_rerun(world):
    result = release(world, "-b", "rel-v8r0", "--yes")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "released v8.0.2 from rel-v8r0"
    repo, origin = world["repo"], world["origin"]
    assert git(origin, "rev-parse", "v8.0.2^{commit}") == git(repo, "rev-parse", "rel-v8r0")
    assert git(origin, "rev-parse", "rel-v8r0") == git(repo, "rev-parse", "HEAD")
    assert git(repo, "cat-file", "-t", "v8.0.2") == "tag"  # annotated
    assert git(repo, "log", "-1", "--format=%s") == "docs: Add release notes for v8.0.2"
    notes = (repo / "release.notes").read_text()
    assert notes.startswith("[v8.0.2]\n\n*DataManagementSystem\n\nFIX: (#9) retry failed transfers")
    assert '__version__ = "8.0.2"' in (repo / "src/diracdemo/__init__.py").read_text()
    (published,) = world["gh"].repo.releases.values()
    assert (published.tag_name, published.draft, published.prerelease) == ("v8.0.2", False, False)
    assert sorted(a.name for a in published.assets) == [
        "diracdemo-8.0.2-py3-none-any.whl", "diracdemo-8.0.2.tar.gz"
    ]  # fmt: skip
    assert "retry failed transfers" in published.body
    assert sorted(world["index"]) == sorted(a.name for a in published.assets)
    again = release(world, "-b", "rel-v8r0", "--yes", "--version", "8.0.2")
    assert again.exit_code == 0 and "already released" in again.stdout


@pytest.mark.parametrize("step", ["preflight", "notes", "tag", "build", "push", "forge"])
def test_interrupted_after_each_step_resumes(world, monkeypatch, step):
    def crash(self, done):
        if done == step:
            raise ReleaseToolError(f"injected failure after {done}")

    with monkeypatch.context() as patch:
        patch.setattr(Releaser, "_checkpoint", crash)
        failed = release(world, "-b", "rel-v8r0", "--yes")
    assert failed.exit_code == 1 and f"injected failure after {step}" in failed.stderr
    refused = release(world, "-b", "rel-v8r0", "--yes")
    assert refused.exit_code == 1 and "--resume" in refused.stderr
    resumed = release(world, "-b", "rel-v8r0", "--resume")
    assert resumed.exit_code == 0, resumed.stderr
    assert resumed.stdout.strip() == "released v8.0.2 from rel-v8r0"
    assert len(world["gh"].repo.releases) == 1
    (published,) = world["gh"].repo.releases.values()
    assert not published.draft and len(published.assets) == 2
    assert git(world["repo"], "tag", "--list", "v8.0.2") == "v8.0.2"
    assert git(world["repo"], "log", "--format=%s", "v8.0.1..HEAD").count("docs: Add") == 1
    assert world["calls"]["build"] == 1


def test_push_rejected_because_the_remote_moved(world, monkeypatch):
    other = world["tmp"] / "other"
    git(world["tmp"], "clone", "--quiet", "--branch", "rel-v8r0", str(world["origin"]), str(other))

    def someone_pushes(self, done):
        if done == "build":
            (other / "hotfix.txt").write_text("x")
            git(other, "add", "hotfix.txt")
            git(other, "commit", "--quiet", "-m", "hotfix")
            git(other, "push", "--quiet", "origin", "rel-v8r0")

    before_head = git(world["repo"], "rev-parse", "HEAD")
    with monkeypatch.context() as patch:
        patch.setattr(Releaser, "_checkpoint", someone_pushes)
        result = release(world, "-b", "rel-v8r0", "--yes")
    assert result.exit_code == 1
    assert "refused the push" in result.stderr and "nothing was published" in result.stderr
    assert "git pull --ff-only" in result.stderr
    assert git(world["repo"], "rev-parse", "HEAD") == before_head  # local commit undone
    assert git(world["repo"], "tag", "--list", "v8.0.2") == ""
    assert world["gh"].repo.releases == {}
    git(world["repo"], "pull", "--quiet", "--ff-only", "origin", "rel-v8r0")
    again = release(world, "-b", "rel-v8r0", "--yes")
    assert again.exit_code == 0, again.stderr


def test_tag_created_on_the_remote_meanwhile(world, monkeypatch):
    def another_run_published(self, done):
        if done == "build":
            git(world["origin"], "tag", "v8.0.2", "rel-v8r0")

    monkeypatch.setattr(Releaser, "_checkpoint", another_run_published)
    result = release(world, "-b", "rel-v8r0", "--yes")
    assert result.exit_code == 1 and "appeared on origin" in result.stderr
    assert git(world["repo"], "tag", "--list", "v8.0.2") == ""
    assert git(world["repo"], "rev-parse", "HEAD") == git(world["origin"], "rev-parse", "rel-v8r0")


def test_forge_errors_during_upload_then_resume(world):
    world["gh"].fail(20, status=502, kind="uploads")
    failed = release(world, "-b", "rel-v8r0", "--yes")
    assert failed.exit_code == 1 and "502" in failed.stderr
    world["gh"].clear_faults()
    resumed = release(world, "-b", "rel-v8r0", "--resume")
    assert resumed.exit_code == 0, resumed.stderr
    (published,) = world["gh"].repo.releases.values()
    assert len(published.assets) == 2 and not published.draft


def test_release_created_although_the_answer_was_lost(world, monkeypatch):
    from release_tool.forge.base import ForgeError
    from release_tool.forge.github import GitHubForge

    real = GitHubForge.create_release

    def lost_answer(self, *args, **kwargs):
        real(self, *args, **kwargs)
        raise ForgeError("GitHub answered 502 while trying to create the release v8.0.2")

    monkeypatch.setattr(GitHubForge, "create_release", lost_answer)
    result = release(world, "-b", "rel-v8r0", "--yes")
    assert result.exit_code == 0, result.stderr
    assert len(world["gh"].repo.releases) == 1


def test_differing_asset_is_not_replaced(world, monkeypatch):
    def crash(self, done):
        if done == "forge":
            raise ReleaseToolError("stop")

    with monkeypatch.context() as patch:
        patch.setattr(Releaser, "_checkpoint", crash)
        release(world, "-b", "rel-v8r0", "--yes")
    journal = world["repo"] / ".git" / "release-tool" / "releases" / "v8.0.2.json"
    data = json.loads(journal.read_text())
    data["steps"].pop("forge")
    wheel = Path(data["steps"]["build"]["artifacts"][1]["path"])
    wheel.write_bytes(b"a different rebuild")
    data["steps"]["build"]["artifacts"][1]["size"] = len(b"a different rebuild")
    journal.write_text(json.dumps(data))
    result = release(world, "-b", "rel-v8r0", "--resume")
    assert result.exit_code == 1 and "nothing was replaced" in result.stderr


@pytest.mark.parametrize(
    ("prepare", "fragment"),
    [
        (lambda w: (w["repo"] / "README.md").write_text("changed"), "uncommitted changes"),
        (lambda w: git(w["repo"], "checkout", "--quiet", "--detach"), "HEAD is detached"),
        (lambda w: git(w["repo"], "checkout", "--quiet", "integration"), "check out rel-v8r0"),
        (lambda w: git(w["repo"], "commit", "--quiet", "--allow-empty", "-m", "local"),
         "differs from origin/rel-v8r0"),
        (lambda w: git(w["origin"], "tag", "v8.0.2", "rel-v8r0"), "already exists on origin"),
    ],
)  # fmt: skip
def test_preflight_refuses_before_any_write(world, prepare, fragment):
    prepare(world)
    before = state(world)
    result = release(world, "-b", "rel-v8r0", "--yes")
    assert result.exit_code == 1 and fragment in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1
    assert state(world) == before


def test_policy_is_checked(world):
    result = release(world, "-b", "rel-v8r0", "--yes", "--version", "8.1.0")
    assert result.exit_code == 1 and "releases only 8.0 versions" in result.stderr


def test_a_second_run_at_once_stops(world):
    lock = world["repo"] / ".git" / "release-tool" / "lock-rel-v8r0"
    lock.parent.mkdir(parents=True, exist_ok=True)
    lock.write_text(str(__import__("os").getpid()))
    before = state(world)
    result = release(world, "-b", "rel-v8r0", "--yes")
    assert result.exit_code == 1 and "another release of this branch is running" in result.stderr
    assert state(world) == before


def test_branch_names_are_data(world):
    result = release(world, "-b", "$(touch pwned)", "--yes")
    assert result.exit_code == 2 and "not a valid branch name" in result.stderr
    assert not (world["repo"] / "pwned").exists()


def test_several_lines_in_one_command(world):
    result = release(world, "-b", "rel-v7r3", "-b", "rel-v8r0", "--yes")
    assert result.exit_code == 0, result.stderr
    assert "rel-v7r3: released v7r3p3 from rel-v7r3" in result.stdout
    assert "rel-v8r0: released v8.0.2 from rel-v8r0" in result.stdout
    assert git(world["repo"], "symbolic-ref", "--short", "HEAD") == "rel-v8r0"
    assert sorted(r.tag_name for r in world["gh"].repo.releases.values()) == ["v7r3p3", "v8.0.2"]


def test_resume_on_another_machine_from_the_remote(world, monkeypatch):
    """The tag is pushed, the journal is lost (a CI runner): --resume --version finishes."""

    def crash(self, done):
        if done == "push":
            raise ReleaseToolError("runner lost")

    with monkeypatch.context() as patch:
        patch.setattr(Releaser, "_checkpoint", crash)
        assert release(world, "-b", "rel-v8r0", "--yes").exit_code == 1
    journals = world["repo"] / ".git" / "release-tool" / "releases"
    for path in journals.iterdir():
        path.unlink()
    vague = release(world, "-b", "rel-v8r0", "--resume")
    assert vague.exit_code == 2 and "give --version" in vague.stderr
    resumed = release(world, "-b", "rel-v8r0", "--resume", "--version", "8.0.2")
    assert resumed.exit_code == 0, resumed.stderr
    (published,) = world["gh"].repo.releases.values()
    assert not published.draft and "retry failed transfers" in published.body
    assert len(world["index"]) == 2


def test_no_upload_leaves_the_index_alone(world):
    result = release(world, "-b", "rel-v8r0", "--yes", "--no-upload")
    assert result.exit_code == 0, result.stderr
    assert world["index"] == {} and world["calls"]["upload"] == 0


def test_prerelease_from_integration(world):
    git(world["repo"], "checkout", "--quiet", "integration")
    result = release(world, "-b", "integration", "--yes", "--allow-unnoted")
    assert result.exit_code == 0, result.stderr
    (published,) = world["gh"].repo.releases.values()
    assert (published.tag_name, published.prerelease) == ("v8.1.0a3", True)


def test_unnoted_prs_are_refused_unless_allowed(world):
    """#12 on integration has no notes anywhere: an empty section is never committed silently."""
    git(world["repo"], "checkout", "--quiet", "integration")
    before = state(world)
    dry = release(world, "-b", "integration", "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert "notes of v8.1.0a3: 1 PR(s): 0 noted, 1 unclassified, 0 excluded" in dry.stderr
    assert "refused: the notes of v8.1.0a3 would be empty although its range has 1 PR(s)" in (
        dry.stdout
    )
    assert "the release would be refused" in dry.stdout and state(world) == before
    refused = release(world, "-b", "integration", "--yes")
    assert refused.exit_code == 1 and "--allow-unnoted" in refused.stderr
    assert refused.stderr.splitlines()[-1].startswith("release-tool: error: the notes of v8.1.0a3")
    assert state(world) == before  # refused before anything, no journal either
    allowed = release(world, "-b", "integration", "--yes", "--allow-unnoted")
    assert allowed.exit_code == 0, allowed.stderr


def test_unclassified_pr_beside_noted_ones_is_refused(world):
    repo = world["repo"]
    git(repo, "checkout", "--quiet", "-b", "80_tune")
    git(repo, "commit", "--quiet", "--allow-empty", "-m", "Tune the matcher")
    git(repo, "checkout", "--quiet", "rel-v8r0")
    git(repo, "merge", "--quiet", "--no-ff", "-m",
        "Merge pull request #40 from erin/80_tune\n\nTune the matcher", "80_tune")  # fmt: skip
    git(repo, "push", "--quiet", "origin", "rel-v8r0")
    dry = release(world, "-b", "rel-v8r0", "--dry-run")
    assert "2 PR(s): 1 noted, 1 unclassified, 0 excluded" in dry.stderr
    assert "refused: 1 PR(s) of v8.0.2 have no release notes: #40" in dry.stdout
    assert release(world, "-b", "rel-v8r0", "--yes").exit_code == 1


def test_shallow_clone_is_refused(world, tmp_path):
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "--quiet", "--depth=1", "--branch", "rel-v8r0",
        f"file://{world['origin']}", str(clone))  # fmt: skip
    result = CliRunner().invoke(cli, ["--repo", str(clone), "--github-url",
                                      world["gh"].base_url, "--github-repo", SLUG,
                                      "release", "-b", "rel-v8r0", "--yes"])  # fmt: skip
    assert result.exit_code == 1 and "shallow clone" in result.stderr
    assert "git fetch --unshallow --tags" in result.stderr


@pytest.mark.parametrize("step", ["notes", "push"])
def test_process_killed_between_steps(world, step):
    """A real death (os._exit) after a step: the stale lock is taken over and --resume finishes."""
    script = f"""
import os, sys
from release_tool.release.steps import Releaser
from release_tool.cli import cli
import release_tool.commands.release as command
sys.path.insert(0, {str(Path(__file__).parent)!r})

def die(self, done):
    if done == {step!r}:
        os._exit(137)

Releaser._checkpoint = die
import test_release  # the recording builder would need the fixture: use simple stand-ins
from pathlib import Path as P
import hashlib

def builder(root, outdir, *, source_date_epoch, expected_version, isolation):
    outdir.mkdir(parents=True, exist_ok=True)
    made = []
    for name in ("diracdemo-" + expected_version + ".tar.gz",
                 "diracdemo-" + expected_version + "-py3-none-any.whl"):
        data = (name + str(source_date_epoch)).encode()
        (outdir / name).write_bytes(data)
        made.append(test_release.FakeArtifact(outdir / name, hashlib.sha256(data).hexdigest(),
                                              len(data)))
    return made

command.default_builder = builder
cli.main(args=sys.argv[1:], prog_name="release-tool")
"""
    args = ["--repo", str(world["repo"]), "--github-url", world["gh"].base_url,
            "--github-repo", SLUG, "release", "-b", "rel-v8r0", "--yes", "--no-upload"]  # fmt: skip
    import os
    import sys

    env = {**os.environ, **ISOLATED_ENV}
    died = subprocess.run([sys.executable, "-c", script, *args], env=env, capture_output=True,
                          text=True)  # fmt: skip
    assert died.returncode == 137, died.stderr
    assert (world["repo"] / ".git" / "release-tool" / "lock-rel-v8r0").exists()  # left behind
    resumed = release(world, "-b", "rel-v8r0", "--resume", "--no-upload")
    assert resumed.exit_code == 0, resumed.stderr
    (published,) = world["gh"].repo.releases.values()
    assert not published.draft and len(published.assets) == 2
    assert git(world["repo"], "log", "--format=%s", "v8.0.1..HEAD").count("docs: Add") == 1


def test_required_ci_status(world):
    repo = world["repo"]
    pyproject = repo / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "require_ci = true\n")
    git(repo, "commit", "--quiet", "-am", "require green CI")
    git(repo, "push", "--quiet", "origin", "rel-v8r0")
    pending = release(world, "-b", "rel-v8r0", "--yes")
    assert pending.exit_code == 1 and "is pending, not success" in pending.stderr
    from github import Auth, Github

    client = Github(base_url=world["gh"].base_url, auth=Auth.Token("t"), retry=None)
    client.get_repo(SLUG).get_commit(git(repo, "rev-parse", "HEAD")).create_status("success")
    green = release(world, "-b", "rel-v8r0", "--yes")
    assert green.exit_code == 0, green.stderr
