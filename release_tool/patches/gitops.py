"""The git adapter of sweeps: predictions, cherry-picks in temporary worktrees, pushes.

The user's checkout is never touched: a pick happens in a detached worktree
under ``.git/release-tool/sweep/``, removed afterwards whatever happens; the
result is pushed by commit hash (``git push origin <sha>:refs/heads/<branch>``),
so no local branch is made either. A dry run predicts each pick with
``git merge-tree --write-tree`` on throw-away commits (git 2.39 has no
``--merge-base``: the pick's parent becomes the only common ancestor of the
target's tree and the picked tree), touching no worktree and no ref.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from .. import proc
from ..errors import CommandError, GitError
from ..history.gitrepo import GitRepo

#: Committer identity when the repository has none configured (CI runners).
BOT = {"GIT_COMMITTER_NAME": "release-tool", "GIT_COMMITTER_EMAIL": "release-tool@localhost"}


@dataclass
class PickResult:
    """A cherry-pick: the new commit, or the conflicting files (nothing made)."""

    commit: str | None = None
    conflicts: list[str] = field(default_factory=list)


class SweepGit:
    """Git operations of a sweep, on one repository and its remote."""

    def __init__(self, repo: GitRepo) -> None:
        """Work on ``repo``; worktrees go under its ``.git/release-tool/sweep``."""
        self.repo = repo
        self.remote = repo.remote
        self.workdir = repo.git_dir / "release-tool" / "sweep"

    def _git(self, *args: str, cwd: Path | None = None, check: bool = True, **kw):
        """Run git (in ``cwd``, default the repository); the completed process."""
        try:
            return proc.run(["git", *args], cwd=cwd or self.repo.root, check=check, **kw)
        except CommandError as exc:
            raise GitError(exc.message) from None

    def fetch(self) -> None:
        """Bring the remote's branches up to date (remote-tracking refs only)."""
        self._git("fetch", "--quiet", "--", self.remote)

    def head_of(self, branch: str) -> str:
        """The commit of ``branch`` on the remote as last fetched, else the local branch."""
        for ref in (f"refs/remotes/{self.remote}/{branch}", f"refs/heads/{branch}"):
            out = self._git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
            if out.stdout.strip():
                return out.stdout.strip()
        raise GitError(f"branch {branch!r} is neither on {self.remote} nor local")

    def remote_heads(self) -> dict[str, str]:
        """Every branch of the remote, by name (one ``ls-remote``)."""
        out = self._git("ls-remote", "--heads", "--", self.remote).stdout
        heads = {}
        for line in out.splitlines():
            sha, _, ref = line.partition("\t")
            heads[ref.removeprefix("refs/heads/")] = sha
        return heads

    def parents(self, commit: str) -> list[str]:
        """The parents of ``commit``; GitError when the repository does not have it."""
        out = self._git("rev-list", "--parents", "-n", "1", commit, "--", check=False)
        if out.returncode != 0 or not out.stdout.strip():
            raise GitError(
                f"commit {commit[:12]} is not in this repository (fetch {self.remote} first?)"
            )
        return out.stdout.split()[1:]

    def _identity(self) -> dict[str, str]:
        """Committer variables when git has no identity configured."""
        email = self._git("config", "user.email", check=False).stdout.strip()
        return {} if email else BOT

    # -- prediction ---------------------------------------------------------------

    def predict(self, commit: str, onto: str) -> list[str]:
        """The files a cherry-pick of ``commit`` (``-m 1`` for a merge) onto ``onto`` conflicts in.

        Builds throw-away commits (unreferenced objects, never a ref): the
        pick's parent tree as the root, the target's tree and the picked
        tree as its two children, and asks ``git merge-tree --write-tree``.
        """
        parent = self.parents(commit)[0]
        env = {**BOT, "GIT_AUTHOR_NAME": BOT["GIT_COMMITTER_NAME"],
               "GIT_AUTHOR_EMAIL": BOT["GIT_COMMITTER_EMAIL"]}  # fmt: skip

        def tree_commit(tree_of: str, *parents: str) -> str:
            args = ["commit-tree", f"{tree_of}^{{tree}}", "-m", "prediction"]
            for p in parents:
                args += ["-p", p]
            return self._git(*args, env=env).stdout.strip()

        base = tree_commit(parent)
        ours = tree_commit(onto, base)
        theirs = tree_commit(commit, base)
        result = self._git(
            "merge-tree", "--write-tree", "--name-only", "--no-messages", ours, theirs,
            check=False,
        )  # fmt: skip
        if result.returncode == 0:
            return []
        if result.returncode != 1:
            raise GitError(f"git merge-tree failed: {result.stderr.strip()[:200]}")
        lines = result.stdout.splitlines()[1:]  # the tree, then the conflicted files
        files = []
        for line in lines:
            if not line.strip():
                break
            files.append(line.strip())
        return list(dict.fromkeys(files))

    # -- the pick -----------------------------------------------------------------

    def pick(self, commit: str, onto: str, name: str) -> PickResult:
        """Cherry-pick ``commit`` with ``-x`` onto ``onto`` in a temporary worktree.

        The worktree is removed afterwards, conflict or not; on a conflict
        the pick is aborted and the conflicting files are returned.
        """
        path = self.workdir / name
        self._remove_worktree(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._git("worktree", "add", "--quiet", "--detach", str(path), onto)
        try:
            args = ["cherry-pick", "-x", "--allow-empty"]
            if len(self.parents(commit)) > 1:
                args += ["-m", "1"]
            result = self._git(*args, commit, cwd=path, check=False, env=self._identity())
            if result.returncode == 0:
                return PickResult(commit=self._git("rev-parse", "HEAD", cwd=path).stdout.strip())
            unmerged = self._git("diff", "--name-only", "--diff-filter=U", cwd=path).stdout
            files = [line for line in unmerged.splitlines() if line]
            if not files:
                raise GitError(
                    f"git cherry-pick of {commit[:12]} failed: "
                    f"{(result.stderr or result.stdout).strip().splitlines()[-1:]}"
                )
            self._git("cherry-pick", "--abort", cwd=path, check=False)
            return PickResult(conflicts=files)
        finally:
            self._remove_worktree(path)

    def _remove_worktree(self, path: Path) -> None:
        """Remove a worktree of ours (left over by a crash, or just used)."""
        if path.exists():
            self._git("worktree", "remove", "--force", str(path), check=False)
            shutil.rmtree(path, ignore_errors=True)
        self._git("worktree", "prune", check=False)

    def push(self, commit: str, branch: str) -> None:
        """Create ``branch`` on the remote at ``commit`` (refused if it exists elsewhere)."""
        result = self._git(
            "push", "--porcelain", "--", self.remote, f"{commit}:refs/heads/{branch}",
            check=False,
        )  # fmt: skip
        if result.returncode != 0:
            message = (result.stderr + result.stdout).strip().splitlines()
            raise GitError(f"cannot push {branch} to {self.remote}: {message[-1:] or 'failed'}")
        self._git("fetch", "--quiet", "--", self.remote, f"refs/heads/{branch}", check=False)
