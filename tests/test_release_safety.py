"""Release safety: no empty release, reruns publish nothing, resumable notes, honest errors.

Same world as tests/test_release.py: the demo repository on rel-v8r0, a bare
origin, the GitHub emulator and recording builder/uploader stand-ins.
"""

# ruff: noqa: F811 - the ``world`` fixture is imported from test_release and taken as argument

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import pytest
from test_release import git, release, state, world  # noqa: F401

from release_tool.errors import ReleaseToolError
from release_tool.release.steps import Releaser


def test_rerun_of_a_complete_release_reports_it_done(world):
    first = release(world, "-b", "rel-v8r0", "--yes")
    assert first.exit_code == 0, first.stderr
    after = state(world)
    again = release(world, "-b", "rel-v8r0", "--yes")
    assert again.exit_code == 0, again.stderr
    assert again.stdout.strip() == "v8.0.2 is already released from rel-v8r0: nothing to do"
    assert state(world) == after  # no v8.0.3: no commit, tag, release or upload
    assert world["calls"]["upload"] == 1
    for extra in (["--dry-run"], [], ["--resume"]):  # planning, confirming, resuming: done
        shown = release(world, "-b", "rel-v8r0", *extra)
        assert shown.exit_code == 0, shown.stderr
        assert "v8.0.2 is already released from rel-v8r0: nothing to do" in shown.stdout
        assert "Release v8.0.3?" not in shown.stdout
    assert state(world) == after


def test_ci_retry_without_the_journal_publishes_nothing(world):
    assert release(world, "-b", "rel-v8r0", "--yes").exit_code == 0
    for path in (world["repo"] / ".git" / "release-tool" / "releases").iterdir():
        path.unlink()  # a fresh CI runner
    after = state(world)
    retry = release(world, "-b", "rel-v8r0", "--yes")
    assert retry.exit_code == 1
    assert "nothing to release on rel-v8r0 since v8.0.2" in retry.stderr
    assert "--allow-empty" in retry.stderr and "--resume --version v8.0.2" in retry.stderr
    assert retry.stderr.count("error:") == 1
    assert "nothing to release" in retry.stderr.splitlines()[-1]
    assert state(world) == after


def test_a_line_without_new_prs_is_refused_unless_allowed(world):
    assert release(world, "-b", "rel-v8r0", "--yes").exit_code == 0
    repo = world["repo"]
    (repo / "CONTRIBUTING.md").write_text("a direct commit, not a PR\n")
    git(repo, "add", "CONTRIBUTING.md")
    git(repo, "commit", "--quiet", "-m", "direct commit")
    git(repo, "push", "--quiet", "origin", "rel-v8r0")
    before = state(world)
    for extra in (["--yes"], ["--dry-run"], ["--yes", "--version", "8.0.7"]):
        refused = release(world, "-b", "rel-v8r0", *extra)
        assert refused.exit_code == 1, refused.stdout
        assert "nothing to release on rel-v8r0 since v8.0.2: no PR was merged" in refused.stderr
        assert state(world) == before
    allowed = release(world, "-b", "rel-v8r0", "--yes", "--allow-empty")
    assert allowed.exit_code == 0, allowed.stderr
    assert allowed.stdout.strip() == "released v8.0.3 from rel-v8r0"


def test_the_first_release_of_a_line_with_prs_is_not_empty(world):
    """The demo's lines all have unreleased PRs: each releases without --allow-empty."""
    result = release(world, "-b", "rel-v7r3", "-b", "rel-v8r0", "--yes")
    assert result.exit_code == 0, result.stderr
    rerun = release(world, "-b", "rel-v7r3", "-b", "rel-v8r0", "--yes")
    assert rerun.exit_code == 0, rerun.stderr
    assert "rel-v7r3: v7r3p3 is already released from rel-v7r3: nothing to do" in rerun.stdout
    assert "rel-v8r0: v8.0.2 is already released from rel-v8r0: nothing to do" in rerun.stdout
    assert len(world["gh"].repo.releases) == 2


def _configure(world, line: str) -> None:
    """Set one key of the demo's [tool.release-tool] (replacing it if present) and push."""
    repo = world["repo"]
    pyproject = repo / "pyproject.toml"
    key = line.split("=")[0].strip()
    kept = [x for x in pyproject.read_text().splitlines(True) if not x.startswith(f"{key} =")]
    pyproject.write_text("".join(kept) + line)
    git(repo, "commit", "--quiet", "-am", "configure")
    git(repo, "push", "--quiet", "origin", "rel-v8r0")


@pytest.mark.parametrize(
    ("config", "fragment"),
    [
        ('version_files = ["src/diracdemo/missing.py"]\n',
         "version_files src/diracdemo/missing.py does not exist"),
        ('version_files = ["README.md"]\n', "README.md: no __version__"),
        ('notes_file = "docs/release.notes"\n', "directory docs is missing"),
        ('notes_file = "src"\n', "notes_file: src is a directory"),  # refused at load
    ],
)  # fmt: skip
def test_preflight_checks_every_file_the_notes_step_writes(world, config, fragment):
    _configure(world, config)
    before = state(world)
    result = release(world, "-b", "rel-v8r0", "--yes")
    assert result.exit_code in (1, 2) and fragment in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1
    assert state(world) == before  # no journal, a clean tree: nothing to resume
    dry = release(world, "-b", "rel-v8r0", "--dry-run")
    assert dry.exit_code == result.exit_code and fragment in dry.stderr


def test_stop_between_notes_write_and_commit_resumes(world, monkeypatch):
    def crash(self, done):
        if done == "notes-written":
            raise ReleaseToolError("killed between the notes write and the commit")

    with monkeypatch.context() as patch:
        patch.setattr(Releaser, "_checkpoint", crash)
        assert release(world, "-b", "rel-v8r0", "--yes").exit_code == 1
    repo = world["repo"]
    dirty = git(repo, "status", "--porcelain")  # the half-done step: written, not committed
    assert "release.notes" in dirty and "src/diracdemo/__init__.py" in dirty
    plain = release(world, "-b", "rel-v8r0", "--yes")
    assert plain.exit_code == 1 and "--resume" in plain.stderr
    resumed = release(world, "-b", "rel-v8r0", "--resume")
    assert resumed.exit_code == 0, resumed.stderr
    assert git(repo, "status", "--porcelain") == ""
    assert git(repo, "log", "-1", "--format=%s") == "docs: Add release notes for v8.0.2"
    assert git(repo, "log", "--format=%s", "v8.0.1..HEAD").count("docs: Add") == 1
    assert len(world["gh"].repo.releases) == 1


def test_resume_refuses_a_file_changed_after_the_interrupted_write(world, monkeypatch):
    def crash(self, done):
        if done == "notes-written":
            raise ReleaseToolError("stop")

    with monkeypatch.context() as patch:
        patch.setattr(Releaser, "_checkpoint", crash)
        assert release(world, "-b", "rel-v8r0", "--yes").exit_code == 1
    notes = world["repo"] / "release.notes"
    notes.write_text(notes.read_text() + "someone's edit\n")
    (world["repo"] / "stray.txt").write_text("x")
    refused = release(world, "-b", "rel-v8r0", "--resume")
    assert refused.exit_code == 1
    assert "release.notes" in refused.stderr and "stray.txt" in refused.stderr
    assert "changed since the interrupted release wrote it" in refused.stderr
    assert world["gh"].repo.releases == {}


def _contender(path: str, rounds: int, start, end, inside, overlaps) -> None:
    """Each round: wait for the others, try to take the branch lock, count overlaps."""
    from release_tool.release.steps import ReleaseError, _BranchLock

    for _ in range(rounds):
        start.wait(timeout=30)
        try:
            with _BranchLock(Path(path)):
                with inside.get_lock():
                    inside.value += 1
                    if inside.value > 1:
                        overlaps.value += 1
                time.sleep(0.005)
                with inside.get_lock():
                    inside.value -= 1
        except ReleaseError:
            pass
        end.wait(timeout=30)


def test_stale_lock_takeover_is_atomic(tmp_path):
    """Four processes race to take over a dead run's lock, 150 times: never two holders."""
    context = multiprocessing.get_context("fork")
    dead = context.Process(target=lambda: None)
    dead.start()
    dead.join()  # its pid is now a process that does not exist
    lock = tmp_path / "lock-rel-v8r0"
    rounds, contenders = 150, 4
    inside, overlaps = context.Value("i", 0), context.Value("i", 0)
    start, end = context.Barrier(contenders + 1), context.Barrier(contenders + 1)
    workers = [
        context.Process(target=_contender, args=(str(lock), rounds, start, end, inside, overlaps))
        for _ in range(contenders)
    ]
    for worker in workers:
        worker.start()
    try:
        for _ in range(rounds):
            lock.write_text(str(dead.pid))  # left behind by a killed run
            start.wait(timeout=30)
            end.wait(timeout=30)
    finally:
        for worker in workers:
            worker.join(timeout=30)
            if worker.is_alive():
                worker.kill()
    assert [w.exitcode for w in workers] == [0] * contenders
    assert overlaps.value == 0, f"two processes held the lock at once in {overlaps.value} rounds"


def test_lost_answer_to_an_asset_upload_checks_the_stored_asset(world):
    """The asset is stored, the answer lost (502): the retry's 422 already_exists is checked."""
    world["gh"].lose(1, kind="uploads")
    result = release(world, "-b", "rel-v8r0", "--yes")
    assert result.exit_code == 0, result.stderr
    assert "422" not in result.stderr
    (published,) = world["gh"].repo.releases.values()
    assert not published.draft
    assert sorted(a.name for a in published.assets) == [
        "diracdemo-8.0.2-py3-none-any.whl", "diracdemo-8.0.2.tar.gz"
    ]  # fmt: skip
    assert world["gh"].counts()["faulted"] == 1


def test_lost_answer_then_a_different_stored_asset_is_reported(world, monkeypatch):
    """What the lost upload stored is not what was built: stop, replace nothing."""
    from release_tool.forge.github import GitHubForge

    real = GitHubForge.upload_asset

    def someone_else_uploads_first(self, release, path, **kwargs):
        other = world["tmp"] / "other" / Path(path).name
        other.parent.mkdir(exist_ok=True)
        other.write_bytes(b"a different file of another size")
        real(self, release, other)
        world["gh"].lose(1, kind="uploads")
        return real(self, release, path, **kwargs)

    monkeypatch.setattr(GitHubForge, "upload_asset", someone_else_uploads_first)
    result = release(world, "-b", "rel-v8r0", "--yes")
    assert result.exit_code == 1
    other_size = len(b"a different file of another size")
    assert f"holds an asset diracdemo-8.0.2.tar.gz of {other_size} bytes" in result.stderr
    assert "nothing was replaced" in result.stderr and "422" not in result.stderr


def test_a_push_refused_by_a_hook_says_why(world):
    hook = world["origin"] / "hooks" / "pre-receive"
    hook.write_text(
        "#!/bin/sh\necho 'release freeze: no pushes to rel-v8r0 until Monday' >&2\nexit 1\n"
    )
    hook.chmod(0o755)
    before_head = git(world["repo"], "rev-parse", "HEAD")
    result = release(world, "-b", "rel-v8r0", "--yes")
    assert result.exit_code == 1
    error = result.stderr.splitlines()[-1]
    assert "rel-v8r0 [remote rejected] (pre-receive hook declined)" in error
    assert "the remote said: release freeze: no pushes to rel-v8r0 until Monday" in error
    assert "(Done)" not in error and "fix what the remote refused" in error
    assert git(world["repo"], "rev-parse", "HEAD") == before_head  # the local release undone
    assert world["gh"].repo.releases == {}


@pytest.mark.parametrize(
    ("stdout", "stderr", "expected"),
    [
        ("To ../origin.git\n!\trefs/heads/main:refs/heads/main\t[remote rejected] (pre-receive "
         "hook declined)\n!\trefs/tags/v1:refs/tags/v1\t[remote rejected] (pre-receive hook "
         "declined)\nDone\n",
         "remote: frozen \x1b[31mtoday\x1b[0m        \nerror: failed to push some refs to 'o'\n",
         "main [remote rejected] (pre-receive hook declined), refs/tags/v1 [remote rejected] "
         "(pre-receive hook declined); the remote said: frozen today"),
        ("To ../origin.git\n!\trefs/heads/main:refs/heads/main\t[rejected] (fetch first)\n"
         "!\trefs/tags/v1:refs/tags/v1\t[rejected] (atomic push failed)\nDone\n",
         "error: atomic push failed for ref refs/heads/main. status: 5\n",
         "main [rejected] (fetch first)"),
        ("", "fatal: '../gone.git' does not appear to be a git repository\n"
             "error: failed to push some refs to 'o'\n",
         "the remote said: fatal: '../gone.git' does not appear to be a git repository"),
        ("Done\n", "", "git push failed without a reason"),
    ],
)  # fmt: skip
def test_push_refusal_reasons(stdout, stderr, expected):
    from release_tool.history.gitrepo import push_refusal

    assert push_refusal(stdout, stderr) == expected


def test_an_interrupted_later_release_is_resumed_not_reported_done(world, monkeypatch):
    """v8.0.2 is complete; v8.0.3 (--allow-empty) stops after preflight: resume, not 'done'."""
    assert release(world, "-b", "rel-v8r0", "--yes").exit_code == 0
    same_head = release(world, "-b", "rel-v8r0", "--yes", "--allow-empty")
    assert "v8.0.2 is already released" in same_head.stdout  # --allow-empty is no retry switch
    repo = world["repo"]
    (repo / "CONTRIBUTING.md").write_text("a direct commit, not a PR\n")
    git(repo, "add", "CONTRIBUTING.md")
    git(repo, "commit", "--quiet", "-m", "direct commit")
    git(repo, "push", "--quiet", "origin", "rel-v8r0")

    def crash(self, done):
        if done == "preflight":
            raise ReleaseToolError("stop")

    with monkeypatch.context() as patch:
        patch.setattr(Releaser, "_checkpoint", crash)
        assert release(world, "-b", "rel-v8r0", "--yes", "--allow-empty").exit_code == 1
    plain = release(world, "-b", "rel-v8r0", "--yes")
    assert plain.exit_code == 1 and "v8.0.3" in plain.stderr and "--resume" in plain.stderr
    resumed = release(world, "-b", "rel-v8r0", "--resume")
    assert resumed.exit_code == 0 and resumed.stdout.strip() == "released v8.0.3 from rel-v8r0"


def test_rerun_of_a_parked_release_publishes_nothing(world):
    """Released with --no-publish: the same command again is done; without it, how to publish."""
    assert release(world, "-b", "rel-v8r0", "--no-publish", "--yes").exit_code == 0
    after = state(world)
    again = release(world, "-b", "rel-v8r0", "--no-publish", "--yes")
    assert again.exit_code == 0, again.stderr
    assert "v8.0.2 already pushed from rel-v8r0, not published (--no-publish)" in again.stdout
    publish = release(world, "-b", "rel-v8r0", "--yes")
    assert publish.exit_code == 1 and "v8.0.2 pushed from rel-v8r0 but not published" in (
        publish.stderr
    )
    assert "--resume --publish --version 8.0.2" in publish.stderr
    assert state(world) == after and world["gh"].repo.releases == {}
