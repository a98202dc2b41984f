"""``release-tool sweep`` on the demo: three lines, a bare origin, the GitHub emulator.

The demo built with ``sweeps=True`` has #13 (a fix merged into rel-v8r0,
labelled ``alsoTargeting:integration``, sweeps cleanly) and #14 (same label,
conflicts with the README rewrite #15 on integration).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from release_tool.cli import cli
from release_tool.demo import build_demo
from release_tool.history.gitbuild import ISOLATED_ENV, RepoBuilder
from release_tool.sandbox import GitHubEmulator

SLUG = "diracgrid/diracdemo"


def git(path: Path, *args: str) -> str:
    """git in ``path``; stdout."""
    import os

    out = subprocess.run(["git", *args], cwd=path, env={**os.environ, **ISOLATED_ENV},
                         capture_output=True, text=True)  # fmt: skip
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """The demo with PRs to sweep, built once (tests work on copies)."""
    return build_demo(tmp_path_factory.mktemp("sweep") / "demo", sweeps=True).parent


@pytest.fixture
def world(template, tmp_path, monkeypatch):
    """A copy of the demo, checked out on a feature branch with local edits, and the emulator."""
    shutil.copytree(template, tmp_path / "demo", symlinks=True)
    repo, origin = tmp_path / "demo" / "repo", tmp_path / "demo" / "origin.git"
    git(repo, "remote", "set-url", "origin", str(origin))
    git(repo, "checkout", "--quiet", "-b", "my-work", "rel-v7r3")
    (repo / "scratch.txt").write_text("uncommitted\n")
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_sweeptesttoken123")
    with GitHubEmulator.from_repo(repo, prs_file=tmp_path / "demo" / "prs.json", name=SLUG) as gh:
        yield {"repo": repo, "origin": origin, "gh": gh}


def sweep(world, *args: str):
    """Run ``release-tool sweep`` against the world's repo and emulator."""
    common = ["--repo", str(world["repo"]), "--github-url", world["gh"].base_url,
              "--github-repo", SLUG]  # fmt: skip
    return CliRunner().invoke(cli, [*common, "sweep", *args])


def checkout(world) -> tuple[str, str, str]:
    """The user's checkout: branch, status, and the worktree list."""
    repo = world["repo"]
    return (git(repo, "symbolic-ref", "HEAD"), git(repo, "status", "--porcelain"),
            git(repo, "worktree", "list", "--porcelain").count("worktree "))  # fmt: skip


def origin_sweeps(world) -> list[str]:
    """The sweep branches on origin."""
    refs = git(world["origin"], "for-each-ref", "--format=%(refname:short)", "refs/heads")
    return sorted(r for r in refs.splitlines() if r.startswith("cherry-pick-2-"))


def sweep_prs(world) -> list:
    """The sweep PRs on the emulator made by the test (the demo's #11 is an old one)."""
    pulls = world["gh"].repo.pulls.values()
    return [p for p in pulls if p.head.startswith("cherry-pick-2-") and p.number != 11]


def state(world) -> dict:
    """Everything a sweep could change."""
    repo, gh = world["repo"], world["gh"].repo
    return {
        "refs": git(repo, "for-each-ref", "--format=%(refname) %(objectname)"),
        "origin": git(world["origin"], "for-each-ref", "--format=%(refname) %(objectname)"),
        "checkout": checkout(world),
        "pulls": {n: (list(p.labels), len(p.comments)) for n, p in gh.pulls.items()},
    }


def test_dry_run_predicts_and_changes_nothing(world):
    before = state(world)
    result = sweep(world, "--dry-run")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(x.startswith("#13 -> integration: pick: cherry-pick -x -m 1") and "(clean)" in x
               for x in lines), lines  # fmt: skip
    assert any(x.startswith("#14 -> integration") and "(conflicts in README.md)" in x
               for x in lines), lines  # fmt: skip
    assert state(world) == before


def test_sweep_clean_and_conflicting_then_rerun(world):
    gh = world["gh"].repo
    before = checkout(world)
    result = sweep(world, "--yes")
    assert result.exit_code == 1
    assert "1 sweep(s) not done: #14 -> integration" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    out = result.stdout
    assert (
        "#13 -> integration: picked" in out and "#14 -> integration: CONFLICT in README.md" in out
    )
    assert checkout(world) == before  # the user's branch, edits and worktrees untouched
    (branch,) = origin_sweeps(world)
    sha13 = gh.pulls[13].merge_commit_sha
    assert branch == f"cherry-pick-2-{sha13[:8]}-integration"
    (pr,) = sweep_prs(world)
    assert pr.title == "[sweep:integration] Fix the proxy lifetime check"
    assert pr.base == "integration" and pr.state == "open"
    assert pr.labels == ["bug", "sweep:from rel-v8r0"]
    assert gh.pulls[13].body in pr.body  # the notes block intact
    assert (
        "BEGINRELEASENOTES\n*Framework\nFIX: the proxy lifetime check\nENDRELEASENOTES" in pr.body
    )
    picked = git(world["origin"], "log", "-1", "--format=%B", branch)
    assert f"(cherry picked from commit {sha13})" in picked
    assert git(world["origin"], "rev-parse", f"{branch}^") == gh.branches["integration"]
    assert "sweep:done" in gh.pulls[13].labels
    assert "sweep:failed" in gh.pulls[14].labels and "sweep:done" not in gh.pulls[14].labels
    (comment,) = gh.pulls[14].comments
    assert "`README.md`" in comment.body and "git cherry-pick -x -m 1" in comment.body
    assert f"git switch -c cherry-pick-2-{gh.pulls[14].merge_commit_sha[:8]}-integration" in (
        comment.body
    )
    # A second run: nothing left, nothing repeated.
    again = sweep(world, "--yes")
    assert again.exit_code == 0 and again.stdout.strip() == "nothing to sweep"
    # Retrying the conflict by hand does not comment twice.
    retry = sweep(world, "--pr", "14", "--yes")
    assert retry.exit_code == 1 and "comment already there" in retry.stdout
    assert len(gh.pulls[14].comments) == 1 and len(sweep_prs(world)) == 1


def test_sweep_of_a_squash_commit(world):
    """#9 was squash-merged into rel-v8r0: picked without -m onto rel-v7r3."""
    result = sweep(world, "--pr", "9", "--to", "rel-v7r3", "--yes")
    assert result.exit_code == 0, result.stderr
    (branch,) = origin_sweeps(world)
    assert branch.endswith("-rel-v7r3")
    assert git(world["origin"], "rev-list", "--count", f"rel-v7r3..{branch}") == "1"
    (pr,) = sweep_prs(world)
    assert pr.title == "[sweep:rel-v7r3] fix(DMS): retry failed transfers"
    assert pr.labels == ["sweep:from rel-v8r0"]
    assert "sweep:done" in world["gh"].repo.pulls[9].labels


@pytest.mark.parametrize("where", ["picked", "push", "pr", "labels", "label-original"])
def test_rerun_after_a_crash_at_each_step(world, monkeypatch, where):
    """Interrupted after a step, the next run finishes: one branch, one PR, labels set."""

    def crash(name):
        if name == where:
            raise KeyboardInterrupt

    monkeypatch.setattr("release_tool.patches.sweeper._checkpoint", crash)
    first = sweep(world, "--pr", "13", "--yes")
    assert first.exit_code == 130, first.stdout
    monkeypatch.setattr("release_tool.patches.sweeper._checkpoint", lambda name: None)
    second = sweep(world, "--pr", "13", "--yes")
    assert second.exit_code == 0, second.stdout + second.stderr
    assert len(origin_sweeps(world)) == 1
    (pr,) = sweep_prs(world)
    assert pr.labels == ["bug", "sweep:from rel-v8r0"]
    assert "sweep:done" in world["gh"].repo.pulls[13].labels
    assert checkout(world)[2] == 1  # no worktree left behind
    third = sweep(world, "--pr", "13", "--yes")
    assert third.exit_code == 0 and len(sweep_prs(world)) == 1 and len(origin_sweeps(world)) == 1


def test_rerun_after_a_crash_after_the_conflict_comment(world, monkeypatch):
    def crash(name):
        if name == "comment":
            raise KeyboardInterrupt

    monkeypatch.setattr("release_tool.patches.sweeper._checkpoint", crash)
    assert sweep(world, "--pr", "14", "--yes").exit_code == 130
    pulls = world["gh"].repo.pulls
    assert len(pulls[14].comments) == 1 and "sweep:failed" not in pulls[14].labels
    monkeypatch.setattr("release_tool.patches.sweeper._checkpoint", lambda name: None)
    result = sweep(world, "--yes")  # unattended: #14 is still a candidate
    assert result.exit_code == 1
    assert len(pulls[14].comments) == 1 and "sweep:failed" in pulls[14].labels
    assert origin_sweeps(world) == [f"cherry-pick-2-{pulls[13].merge_commit_sha[:8]}-integration"]


def test_lost_create_answer_finds_the_pr(world, monkeypatch):
    """The PR was made but the answer was lost: the run finds it, never opens a second."""
    from release_tool.forge.base import ForgeError
    from release_tool.forge.github import GitHubForge

    create = GitHubForge.create_pr

    def lost(self, *args, **kwargs):
        create(self, *args, **kwargs)
        raise ForgeError("cannot reach GitHub while trying to open a PR: ConnectionError")

    monkeypatch.setattr(GitHubForge, "create_pr", lost)
    result = sweep(world, "--pr", "13", "--yes")
    assert result.exit_code == 0, result.stderr
    (pr,) = sweep_prs(world)
    assert f"opened #{pr.number}" in result.stdout and pr.labels == ["bug", "sweep:from rel-v8r0"]


def _extend(repo: Path) -> RepoBuilder:
    """A builder on the demo repository (to add history after it was built)."""
    builder = RepoBuilder.__new__(RepoBuilder)
    builder.path = repo
    builder.clock = int(git(repo, "log", "-1", "--format=%ct", "--all")) + 3600
    return builder


def _push(world, *branches: str) -> None:
    git(world["repo"], "push", "--quiet", "origin", *branches)


@pytest.mark.parametrize("evidence", ["ancestry", "sweep", "cherry-pick", "patch-id"])
def test_already_swept_by_each_evidence(world, evidence):
    """History already has the fix on the target: the sweep says so and does nothing."""
    repo, gh = world["repo"], world["gh"].repo
    git(repo, "stash", "--include-untracked", "--quiet")
    builder = _extend(repo)
    if evidence == "ancestry":
        number, target = 9, "integration"  # forward-merged
    elif evidence == "sweep":
        number, target = 13, "rel-v7r3"
        sha = gh.pulls[13].merge_commit_sha
        builder.checkout("rel-v7r3")
        builder.merge_pr(20, "[sweep:rel-v7r3] Fix the proxy lifetime check", author="bot",
                         head=f"cherry-pick-2-{sha[:8]}-rel-v7r3",
                         files={"changes/other.txt": "a different change\n"})  # fmt: skip
    elif evidence == "cherry-pick":
        number, target = 14, "rel-v7r3"
        branch_commit = git(repo, "rev-parse", f"{gh.pulls[14].merge_commit_sha}^2")
        builder.checkout("rel-v7r3")
        builder.commit(f"Fix the README title\n\n(cherry picked from commit {branch_commit})",
                       {"README.md": "# diracdemo (DIRAC demo, 7.3)\n"})  # fmt: skip
    else:
        number, target = 9, "rel-v7r3"
        change = git(repo, "show", f"{gh.pulls[9].merge_commit_sha}:changes/pr9.txt")
        builder.checkout("rel-v7r3")
        builder.commit("Retry failed transfers (by hand)", {"changes/pr9.txt": change + "\n"})
    if evidence != "ancestry":
        _push(world, "rel-v7r3")
    before = state(world)
    result = sweep(world, "--pr", str(number), "--to", target, "--yes")
    assert result.exit_code == 0, result.stderr
    assert f"#{number} -> {target}: already in {target} ({evidence}" in result.stdout
    if evidence == "sweep":
        assert "via #20" in result.stdout
    assert origin_sweeps(world) == [] and sweep_prs(world) == []
    after = state(world)
    assert after["origin"] == before["origin"] and after["refs"] == before["refs"]


def test_already_swept_by_the_forge(world):
    """An open sweep PR, or a merged one GitHub knows of, is not swept again."""
    gh = world["gh"].repo
    sha = gh.pulls[13].merge_commit_sha
    gh.branches[f"cherry-pick-2-{sha[:8]}-integration"] = gh.branches["integration"]
    opened = gh.add_pull(title="[sweep:integration] by hand", base="integration",
                         head=f"cherry-pick-2-{sha[:8]}-integration")  # fmt: skip
    result = sweep(world, "--pr", "13", "--yes")
    assert result.exit_code == 0, result.stderr
    assert f"sweep #{opened.number} is open" in result.stdout
    assert origin_sweeps(world) == []
    assert "sweep:from rel-v8r0" in opened.labels  # finished: labelled like a sweep
    opened.merged_at, opened.state = 1_700_000_000, "closed"
    again = sweep(world, "--pr", "13", "--yes")
    assert again.exit_code == 0 and f"sweep #{opened.number} already merged" in again.stdout


BAD = [
    (["--pr", "12"], "PR #12 has no alsoTargeting:<branch> label; give --to BRANCH"),
    (["--pr", "99"], "PR #99 not found"),
    (["--to", "rel-v9r9"], "--to rel-v9r9: unknown branch"),
    (["--from", "nope"], "--from nope: unknown branch"),
    (["--pr", "13", "--to", "rel-v8r0"], "PR #13 was merged into rel-v8r0"),
    (["--pr", "13", "--from", "integration"], "PR #13 was merged into rel-v8r0, not integration"),
]


@pytest.mark.parametrize(("args", "message"), BAD)
def test_bad_input_is_one_line(world, args, message):
    result = sweep(world, *args, "--dry-run")
    assert result.exit_code == 2, result.stdout
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("release-tool: error: ") and message in line
    assert "internal error" not in line


def test_unmerged_pr_is_refused(world):
    gh = world["gh"].repo
    gh.branches["topic"] = gh.branches["integration"]
    pr = gh.add_pull(title="Open work", base="integration", head="topic",
                     labels=["alsoTargeting:rel-v8r0"])  # fmt: skip
    result = sweep(world, "--pr", str(pr.number), "--dry-run")
    assert result.exit_code == 2
    assert (
        result.stderr.strip()
        == f"release-tool: error: PR #{pr.number} is not merged: nothing to sweep"
    )


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('target_label = "alsoTargeting"', "sweep.target_label must contain {branch} once"),
        ('branch = "pick-{sha}"', "sweep.branch must contain {target} once"),
        ('done_label = ""', "sweep.done_label must be a non-empty label name"),
        ('colour = "red"', "unknown configuration key tool.release-tool.sweep.colour"),
        ('window_days = "x"', "sweep.window_days must be a whole number"),
        ('failed_label = "sweep:done"', "must differ"),
    ],
)
def test_wrong_label_config_is_one_line(world, table, message):
    pyproject = world["repo"] / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + f"\n[tool.release-tool.sweep]\n{table}\n")
    result = sweep(world, "--dry-run")
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert message in line and "internal error" not in line


def test_configured_label_names(world):
    pyproject = world["repo"] / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + '\n[tool.release-tool.sweep]\n'
                         'target_label = "sweep-to/{branch}"\ndone_label = "swept"\n')  # fmt: skip
    gh = world["gh"].repo
    gh.pulls[8].labels = ["sweep-to/rel-v7r3"]
    result = sweep(world, "--yes")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "#8 -> rel-v7r3: picked" in result.stdout
    assert "swept" in gh.pulls[8].labels
    assert "#13" not in result.stdout  # alsoTargeting: is not the configured label any more
