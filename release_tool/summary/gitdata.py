"""The few git reads a summary needs beyond the history index, each one process.

Through :class:`~release_tool.history.gitrepo.GitRepo`: commit times of many
commits (one ``git log --no-walk --stdin``) and files as committed at many
commits (one ``git cat-file --batch``).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import UnknownRefError
from ..history.gitrepo import GitRepo


def commit_times(repo: GitRepo, commits: Iterable[str]) -> dict[str, int]:
    """The committer time (Unix seconds) of each commit, read in one ``git log``."""
    wanted = sorted(set(commits))
    if not wanted:
        return {}
    found: dict[str, int] = {}
    with repo.stream(
        "log", "--no-walk=unsorted", "--format=%H %ct", "--stdin",
        stdin_data="".join(f"{c}\n" for c in wanted),
    ) as lines:  # fmt: skip
        for line in lines:
            sha, _, seconds = line.partition(" ")
            if seconds.strip():
                found[sha] = int(seconds)
    return found


def ref_time(repo: GitRepo, ref: str) -> int | None:
    """The commit time of a ref (branch, tag, commit), or None when there is no such ref."""
    try:
        commit = repo.resolve_commit(ref)
    except UnknownRefError:
        return None
    return commit_times(repo, [commit]).get(commit)


def read_files(repo: GitRepo, specs: Iterable[str]) -> dict[str, bytes]:
    """The contents of ``commit:path`` specs that exist (others are left out), in one process."""
    wanted = list(dict.fromkeys(specs))
    if not wanted:
        return {}
    result = repo.run(
        "cat-file", "--batch", input="".join(f"{s}\n" for s in wanted).encode(), text=False
    )
    out: bytes = result if isinstance(result, bytes) else result.encode()
    found: dict[str, bytes] = {}
    pos = 0
    for spec in wanted:
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        pos = end + 1
        if not header or header[-1] in (b"missing", b"ambiguous"):
            continue
        if len(header) == 3 and header[1] == b"blob":
            size = int(header[2])
            found[spec] = out[pos : pos + size]
            pos += size + 1
        elif len(header) == 3:  # a tree or commit: skip its body
            pos += int(header[2]) + 1
    return found
