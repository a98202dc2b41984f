"""Build real git repositories step by step: for the demo, the tests and the benchmarks.

Every repository made here has a fixed identity, unsigned commits and tags,
a deterministic clock (one hour per commit from a fixed start) and no
dependence on the user's or system's git configuration.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from .. import proc

IDENTITY = ("Release Tool Tests", "release-tool@example.invalid")
START = 1_600_000_000  # 2020-09-13, a fixed clock for reproducible hashes

#: Environment that shields every git call from the user's and system's configuration.
ISOLATED_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "GIT_AUTHOR_NAME": IDENTITY[0],
    "GIT_AUTHOR_EMAIL": IDENTITY[1],
    "GIT_COMMITTER_NAME": IDENTITY[0],
    "GIT_COMMITTER_EMAIL": IDENTITY[1],
}


class RepoBuilder:
    """A git working repository under construction."""

    def __init__(self, path: str | Path, *, branch: str = "integration") -> None:
        """Create an empty repository at ``path`` whose first branch is ``branch``."""
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self.clock = START
        self.git("init", "--quiet", f"--initial-branch={branch}")
        for key, value in (
            ("user.name", IDENTITY[0]),
            ("user.email", IDENTITY[1]),
            ("commit.gpgSign", "false"),
            ("tag.gpgSign", "false"),
            ("init.defaultBranch", branch),
        ):
            self.git("config", key, value)

    def git(self, *args: str, input: str | None = None) -> str:
        """Run git in the repository with a fixed identity and clock; return stdout."""
        date = f"@{self.clock} +0000"
        env = dict(ISOLATED_ENV, GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
        return proc.run(["git", *args], cwd=self.path, env=env, input=input).stdout.strip()

    def _tick(self) -> None:
        """Advance the clock by one hour."""
        self.clock += 3600

    def write(self, files: Mapping[str, str]) -> None:
        """Write files (relative path -> text) into the work tree and stage them."""
        for name, text in files.items():
            target = self.path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        if files:
            self.git("add", "--", *files)

    def commit(self, message: str, files: Mapping[str, str] | None = None) -> str:
        """Commit ``files`` (or nothing) with ``message``; return the new commit's hash."""
        self._tick()
        self.write(files or {})
        self.git("commit", "--quiet", "--allow-empty", "-F", "-", input=message)
        return self.head()

    def head(self, ref: str = "HEAD") -> str:
        """The commit hash of ``ref``."""
        return self.git("rev-parse", "--verify", f"{ref}^{{commit}}")

    def checkout(self, branch: str, *, create_from: str | None = None) -> None:
        """Switch to ``branch``, creating it at ``create_from`` when given."""
        if create_from is not None:
            self.git("checkout", "--quiet", "-b", branch, create_from)
        else:
            self.git("checkout", "--quiet", branch)

    @property
    def current_branch(self) -> str:
        """The checked-out branch."""
        return self.git("symbolic-ref", "--short", "HEAD")

    def merge(self, other: str, message: str) -> str:
        """Merge ``other`` into the current branch with a merge commit; return its hash."""
        self._tick()
        self.git("merge", "--quiet", "--no-ff", "--no-edit", "-m", message, other)
        return self.head()

    def tag(self, name: str, ref: str = "HEAD", *, message: str | None = None) -> None:
        """Tag ``ref``: annotated when ``message`` is given, lightweight otherwise."""
        if message is None:
            self.git("tag", name, ref)
        else:
            self.git("tag", "-a", name, "-m", message, ref)

    def merge_pr(
        self,
        number: int,
        title: str,
        *,
        author: str = "dev",
        files: Mapping[str, str] | None = None,
        head: str | None = None,
        body: str = "",
    ) -> str:
        """Bring in PR ``number`` as GitHub does: a branch, a commit, a merge commit."""
        target = self.current_branch
        head = head or f"pr-{number}"
        self.checkout(head, create_from=target)
        self.commit(f"{title}\n\n{body}".strip(), files or {f"changes/pr{number}.txt": title})
        self.checkout(target)
        merge = self.merge(head, f"Merge pull request #{number} from {author}/{head}\n\n{title}")
        self.git("branch", "--quiet", "-D", head)
        return merge

    def squash_pr(self, number: int, title: str, files: Mapping[str, str] | None = None) -> str:
        """Bring in PR ``number`` as a squash merge: one commit ``title (#N)``."""
        return self.commit(f"{title} (#{number})", files or {f"changes/pr{number}.txt": title})

    def make_bare_origin(self, path: str | Path, branches: Iterable[str]) -> Path:
        """Create a bare repository at ``path``, add it as ``origin`` and push to it."""
        path = Path(path)
        proc.run(["git", "init", "--quiet", "--bare", str(path)], env=ISOLATED_ENV)
        self.git("remote", "add", "origin", str(path))
        self.git("push", "--quiet", "origin", *branches, "--tags")
        self.git("fetch", "--quiet", "origin")
        return path
