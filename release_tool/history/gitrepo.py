"""The git adapter: every read and write of a git repository goes through here.

``git rev-parse`` finds and validates the repository; history is read by streaming
the output of ``git for-each-ref``, ``git rev-list`` and ``git log`` through
:mod:`release_tool.proc`, never by walking commit objects one by one.
"""

from __future__ import annotations

import codecs
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .. import proc
from ..errors import CommandError, GitError, InputError, UnknownRefError

log = logging.getLogger(__name__)

_SEP = "\x1f"  # unit separator: never in ref names or hashes


@dataclass(frozen=True)
class Branch:
    """A branch by its short name and the full ref that holds it."""

    name: str
    ref: str
    commit: str
    time: int = 0  # committer time of the head, Unix seconds


class GitRepo:
    """A git repository on disk, found with ``git rev-parse`` and read with streamed commands."""

    def __init__(self, path: str | Path, *, remote: str = "origin") -> None:
        """Open the repository that contains ``path``; InputError when there is none.

        One ``git rev-parse`` finds it (searching parent directories, as git
        does): far cheaper than importing GitPython for every command.
        """
        path = Path(path)
        if not path.exists():
            raise InputError(f"{path}: no such directory")
        if not path.is_dir():
            raise InputError(f"{path}: not a directory")
        args = ["git", "rev-parse", "--absolute-git-dir", "--is-bare-repository"]
        result = proc.run([*args, "--show-toplevel"], cwd=path, check=False)
        found = result.stdout.splitlines()
        if len(found) < 2:
            raise InputError(f"{path}: not a git repository")
        git_dir = Path(found[0])
        # a bare repository, or a path inside .git, has no work tree: the git dir is the root
        top = found[2] if result.returncode == 0 and len(found) > 2 else None
        self.root = Path(top) if top else git_dir
        self.git_dir = git_dir
        self.remote = remote

    def run(self, *args: str, check: bool = True, **kwargs) -> str:
        """Run ``git ARGS`` in the repository and return its stdout."""
        try:
            return proc.run(["git", *args], cwd=self.root, check=check, **kwargs).stdout
        except CommandError as exc:
            raise GitError(exc.message) from None

    @contextmanager
    def stream(self, *args: str, stdin_data: str | None = None) -> Iterator[Iterator[str]]:
        """Stream ``git ARGS`` output, decoded line by line without the newline."""
        try:
            with proc.stream(["git", *args], cwd=self.root, stdin_data=stdin_data) as lines:
                yield (line.decode("utf-8", "replace").rstrip("\n") for line in lines)
        except CommandError as exc:
            raise GitError(exc.message) from None

    # -- refs ---------------------------------------------------------------

    def tag_commits(self) -> list[tuple[str, str | None]]:
        """Every tag with the commit it points to (None for tags of trees or blobs)."""
        return [(name, commit) for name, commit, _ in self.tag_records()]

    def tag_records(self) -> list[tuple[str, str | None, int]]:
        """Every tag with its commit (None for trees or blobs) and that commit's time."""
        fields = ["%(refname:strip=2)", "%(objecttype)", "%(objectname)"]
        fields += ["%(*objecttype)", "%(*objectname)"]
        fields += ["%(committerdate:unix)", "%(*committerdate:unix)"]
        tags = []
        with self.stream("for-each-ref", f"--format={_SEP.join(fields)}", "refs/tags") as lines:
            for line in lines:
                name, kind, obj, peeled_kind, peeled, time, peeled_time = line.split(_SEP)
                if kind == "commit":
                    tags.append((name, obj, int(time or 0)))
                elif peeled_kind == "commit":
                    tags.append((name, peeled, int(peeled_time or 0)))
                else:
                    tags.append((name, None, 0))
        return tags

    def tags_merged_into(self, ref: str) -> set[str]:
        """Names of the tags reachable from ``ref``."""
        with self.stream(
            "for-each-ref", f"--merged={ref}", "--format=%(refname:strip=2)", "refs/tags"
        ) as lines:
            return set(lines)

    def branches(self) -> dict[str, Branch]:
        """Local branches, and the remote's branches that have no local twin, by short name."""
        fmt = _SEP.join(["%(refname)", "%(objectname)", "%(committerdate:unix)"])
        prefix = f"refs/remotes/{self.remote}/"
        found: dict[str, Branch] = {}
        with self.stream("for-each-ref", f"--format={fmt}", "refs/heads", prefix) as lines:
            for line in lines:
                ref, commit, time = line.split(_SEP)
                if ref.startswith("refs/heads/"):
                    found[ref[len("refs/heads/") :]] = Branch(ref[11:], ref, commit, int(time or 0))
                else:
                    name = ref[len(prefix) :]
                    if name != "HEAD":
                        found.setdefault(name, Branch(name, ref, commit, int(time or 0)))
        return found

    def branch(self, name: str) -> Branch:
        """The branch called ``name`` (local, else on the remote); UnknownRefError if none."""
        if not name or name.startswith("-"):
            raise UnknownRefError(f"not a branch name: {name!r}")
        found = self.branches().get(name)
        if found is None:
            raise UnknownRefError(
                f"unknown branch {name!r}: neither refs/heads/{name} nor "
                f"refs/remotes/{self.remote}/{name} exists"
            )
        return found

    def resolve_commit(self, ref: str) -> str:
        """The commit hash ``ref`` names (branch, remote branch, tag or hash)."""
        if not ref or ref.startswith("-"):
            raise UnknownRefError(f"not a revision: {ref!r}")
        for candidate in (ref, f"refs/remotes/{self.remote}/{ref}"):
            out = self.run(
                "rev-parse", "--verify", "--quiet", f"{candidate}^{{commit}}", check=False
            )
            if out.strip():
                return out.strip()
        raise UnknownRefError(f"unknown revision {ref!r}: no branch, tag or commit of that name")

    def remote_url(self, name: str | None = None) -> str | None:
        """The URL of a remote (default: the configured one), or None when there is none."""
        out = self.run("remote", "get-url", "--", name or self.remote, check=False).strip()
        return out or None

    def shallow_commits(self) -> list[str]:
        """The boundary commits of a shallow clone (empty for a complete clone)."""
        path = self.run("rev-parse", "--git-path", "shallow").strip()
        shallow = self.root / path if not Path(path).is_absolute() else Path(path)
        return shallow.read_text().split() if shallow.is_file() else []

    # -- working tree and writes (used by the release) ------------------------

    def dirty_paths(self) -> list[str]:
        """Paths with uncommitted changes or untracked files (empty when clean)."""
        out = self.run("status", "--porcelain", "--untracked-files=normal")
        return [line[3:] for line in out.splitlines() if line.strip()]

    def current_branch(self) -> str | None:
        """The checked-out branch, or None on a detached HEAD."""
        out = self.run("symbolic-ref", "--quiet", "--short", "HEAD", check=False).strip()
        return out or None

    def head_commit(self) -> str:
        """The commit HEAD points at."""
        return self.run("rev-parse", "--verify", "HEAD^{commit}").strip()

    def commit_time(self, ref: str) -> int:
        """The committer time of a commit, Unix seconds."""
        return int(self.run("log", "-1", "--format=%ct", ref, "--").strip())

    def check_branch_name(self, name: str) -> str:
        """``name`` if git accepts it as a branch name, else an InputError (no option injection)."""
        ok = (
            proc.run(
                ["git", "check-ref-format", "--branch", name], cwd=self.root, check=False
            ).returncode
            == 0
        )
        if not ok or name.startswith("-"):
            raise InputError(f"not a valid branch name: {name!r}")
        return name

    def fetch(self, *refspecs: str) -> None:
        """Fetch ``refspecs`` (and tags) from the configured remote."""
        self.run("fetch", "--quiet", "--tags", "--", self.remote, *refspecs)

    def remote_tag(self, tag: str) -> str | None:
        """The commit ``tag`` names on the remote (peeled), or None when it has no such tag."""
        out = self.run("ls-remote", "--tags", "--", self.remote, f"refs/tags/{tag}*")
        found = {}
        for line in out.splitlines():
            sha, ref = line.split("\t", 1)
            found[ref] = sha
        return found.get(f"refs/tags/{tag}^{{}}") or found.get(f"refs/tags/{tag}")

    def remote_branch(self, branch: str) -> str | None:
        """The commit ``branch`` points to on the remote (asked with ls-remote: no fetch)."""
        out = self.run("ls-remote", "--heads", "--", self.remote, f"refs/heads/{branch}")
        for line in out.splitlines():
            sha, ref = line.split("\t", 1)
            if ref == f"refs/heads/{branch}":
                return sha
        return None

    def local_tag(self, tag: str) -> str | None:
        """The commit a local tag points to (peeled), or None."""
        out = self.run(
            "rev-parse", "--verify", "--quiet", f"refs/tags/{tag}^{{commit}}", check=False
        )
        return out.strip() or None

    def commit_paths(self, paths: list[str], message: str) -> str:
        """Commit exactly ``paths`` with ``message``; the new commit's hash."""
        self.run("add", "--", *paths)
        self.run("commit", "--quiet", "--no-verify", "-F", "-", "--", *paths, input=message)
        return self.head_commit()

    def create_tag(self, tag: str, commit: str, message: str, *, sign: bool = False) -> None:
        """An annotated (or signed) tag ``tag`` on ``commit``."""
        self.run("tag", "-s" if sign else "-a", "-m", message, "--", tag, commit)

    def delete_tag(self, tag: str) -> None:
        """Delete a local tag."""
        self.run("tag", "-d", "--", tag)

    def reset_branch(self, commit: str) -> None:
        """Move the checked-out branch and work tree back to ``commit`` (undo a local commit)."""
        self.run("reset", "--quiet", "--hard", commit)

    def push_atomic(self, branch: str, *tags: str) -> tuple[bool, str]:
        """Push branch and tags together (``--atomic``); ``(ok, git's message)``."""
        result = proc.run(
            ["git", "push", "--atomic", "--porcelain", "--", self.remote,
             f"refs/heads/{branch}:refs/heads/{branch}",
             *(f"refs/tags/{tag}:refs/tags/{tag}" for tag in tags)],
            cwd=self.root, check=False,
        )  # fmt: skip
        if result.returncode == 0:
            return True, (result.stderr + result.stdout).strip()
        return False, push_refusal(result.stdout, result.stderr)

    def is_shallow(self) -> bool:
        """Whether this is a shallow clone, missing part of its history."""
        return self.run("rev-parse", "--is-shallow-repository").strip() == "true"

    # -- history ------------------------------------------------------------

    def log_records(
        self, tips: list[str], exclude: list[str] = ()
    ) -> Iterator[tuple[str, list[str], int, str, str]]:
        """``(sha, parents, commit time, author, message)`` of every ancestor of ``tips``.

        ``exclude``: commits whose ancestors are left out (``--not``), to
        read only what was added on top of them.

        Newest first, streamed from one ``git log`` and split into records as
        the output arrives, so that parsing overlaps git's walk. This order
        puts children before parents unless commit times are skewed; the
        history index checks and re-sorts (``--topo-order`` would make git
        walk the whole graph before printing the first commit).
        """
        if not tips:
            return
        fmt = "%H%x1f%P%x1f%ct%x1f%an%x1f%B%x1e"
        args = ["log", f"--format={fmt}", "--stdin"]
        stdin = "".join(f"{tip}\n" for tip in tips) + "".join(f"^{sha}\n" for sha in exclude)
        try:
            with proc.stream(
                ["git", *args], cwd=self.root, stdin_data=stdin, chunk_size=1 << 20
            ) as chunks:
                decoder = codecs.getincrementaldecoder("utf-8")("replace")
                pending = ""
                for chunk in chunks:
                    records = (pending + decoder.decode(chunk)).split("\x1e\n")
                    pending = records.pop()
                    yield from map(_record, records)
                pending += decoder.decode(b"", final=True)
                if pending.strip():
                    yield _record(pending.rstrip("\x1e\n"))
        except CommandError as exc:
            raise GitError(exc.message) from None

    def all_reachable(self, commits: list[str], tips: list[str]) -> bool:
        """Whether every one of ``commits`` is an ancestor of one of ``tips`` (or one of them).

        False as well when one of them is no longer in the repository.
        """
        if not commits:
            return True
        stdin = "".join(f"{c}\n" for c in commits) + "".join(f"^{t}\n" for t in tips)
        result = proc.run(
            ["git", "rev-list", "--max-count=1", "--stdin"], cwd=self.root, check=False,
            input=stdin,
        )  # fmt: skip
        return result.returncode == 0 and not result.stdout.strip()

    def parents_topo(self, commits: list[str]) -> Iterator[tuple[str, list[str]]]:
        """``(commit, parents)`` of every ancestor of ``commits``, parents first, streamed."""
        if not commits:
            return
        with self.stream(
            "rev-list", "--topo-order", "--reverse", "--parents", "--stdin",
            stdin_data="".join(f"{c}\n" for c in commits),
        ) as lines:  # fmt: skip
            for line in lines:
                commit, *parents = line.split(" ")
                yield commit, parents


def push_refusal(stdout: str, stderr: str) -> str:
    """Why ``git push --porcelain`` was refused: each ref's reason and what the remote said.

    ``!\trefs/heads/b:refs/heads/b\t[remote rejected] (pre-receive hook declined)`` lines
    give the reasons (a ref refused only because the atomic push failed is left out);
    ``remote: ...`` lines on stderr carry a hook's own message. Control characters from
    the remote are dropped.
    """
    reasons = []
    for line in stdout.splitlines():
        fields = line.split("\t")
        if len(fields) >= 3 and fields[0] == "!":
            ref = fields[1].rpartition(":")[2].removeprefix("refs/heads/")
            summary = fields[2].strip()
            if "atomic push failed" not in summary:
                reasons.append(f"{ref} {summary}")
    said = []
    for line in stderr.splitlines():
        if line.startswith("remote:"):
            text = _printable(line[len("remote:") :]).strip()
            if text:
                said.append(text[:200])
    if not reasons and not said:
        said = [
            _printable(line).strip()[:200]
            for line in stderr.splitlines()
            if line.startswith(("error:", "fatal:")) and "failed to push some refs" not in line
        ]
    parts = ([", ".join(reasons)] if reasons else []) + (
        [f"the remote said: {' / '.join(said[:5])}"] if said else []
    )
    return "; ".join(parts) or "git push failed without a reason"


def _printable(text: str) -> str:
    """``text`` without control characters (ANSI colours included)."""
    text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text)
    return "".join(ch for ch in text if ch.isprintable())


def _record(raw: str) -> tuple[str, list[str], int, str, str]:
    """One ``git log`` record split into its fields."""
    sha, parents, time, author, message = raw.split("\x1f", 4)
    sha = sha.lstrip("\n")
    return sha, parents.split(), int(time), author, message
