"""Fill the emulator's state from a git repository and, optionally, a PR data file.

Branches and tags come from the repository (``git for-each-ref`` through the
git adapter). The PRs come from the data file when one is given (see
:mod:`release_tool.sandbox.data`), else from history, through the project's
own discovery (:class:`~release_tool.history.discovery.Discovery`): every PR merged
(``merge``, ``squash``, ``sweep`` or ``nested``) into a release line.

A derived PR's base branch is chosen so that it matches how it came in:

1. a nested PR's base is its parent PR's head branch;
2. else the lines whose *first-parent* history holds the PR's commit: the
   integration branch when it is one of them (release branches are cut from
   it, so a commit on both predates the cut), else the release branch of the
   lowest series;
3. else (the commit only arrives through a merge) the first line whose head
   reaches it, release branches in ascending series before integration.

Derived PRs have no body and no labels; their author is the login of the
merge message (``Merge pull request #N from LOGIN/branch``) or the commit
author made into a login; ``created_at`` and ``updated_at`` are the merge
time.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..core.config import load_config
from ..core.lines import INTEGRATION
from ..errors import InputError
from ..history.discovery import Discovery
from ..history.gitrepo import GitRepo
from ..history.index import HistoryIndex, PullRequest, dedupe
from ..history.inventory import Inventory
from ..history.prmessages import NESTED
from .data import PullSpec, load_prs
from .state import CommitInfo, Repository, State

_SLUG = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
_REMOTE = re.compile(
    r"^(?:(?:https?|ssh|git)://(?:[^@/]+@)?[^/]+/|[^@/:]+@[^:/]+:)"
    r"(?P<slug>[^/]+/[^/]+?)(?:\.git)?/?$"
)
_HEX = re.compile(r"^[0-9a-f]{40}$")


def slug_from_url(url: str) -> str | None:
    """``owner/name`` of an https or ssh remote URL (``.git`` stripped), else None."""
    match = _REMOTE.match(url.strip())
    if match is None:
        return None
    slug = match["slug"]
    return slug if _SLUG.match(slug) else None


def repository_name(repo: GitRepo) -> str:
    """The slug of the remote (as the client derives it), else ``local/<folder name>``."""
    from ..forge.slug import slug_from_remote

    url = repo.run("remote", "get-url", repo.remote, check=False).strip()
    slug = (slug_from_url(url) or slug_from_remote(url, cwd=repo.root)) if url else None
    if slug:
        return slug
    folder = re.sub(r"[^A-Za-z0-9_.-]", "-", repo.root.name) or "repository"
    return f"local/{folder}"


def read_commit(git: GitRepo, ref: str) -> CommitInfo | None:
    """A commit read from git, or None when ``ref`` (a hash, never an option) names none."""
    if ref.startswith("-"):
        return None
    fmt = "%H%x1f%P%x1f%T%x1f%an%x1f%ae%x1f%at%x1f%cn%x1f%ce%x1f%ct%x1f%B"
    out = git.run("log", "-1", f"--format={fmt}", f"{ref}^{{commit}}", "--", check=False)
    fields = out.split("\x1f")
    if len(fields) != 10:
        return None
    sha, parents, tree, an, ae, at, cn, ce, ct, message = fields
    return CommitInfo(sha, parents.split(), tree, (an, ae, int(at)), (cn, ce, int(ct)), message)


def read_branch(git: GitRepo, branch: str) -> str | None:
    """The commit of ``branch`` on the remote (as last pushed or fetched), else locally."""
    if branch.startswith("-"):
        return None
    for ref in (f"refs/remotes/{git.remote}/{branch}", f"refs/heads/{branch}"):
        out = git.run("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
        if out.strip():
            return out.strip()
    return None


def check_name(name: str) -> str:
    """``name`` when it is a valid ``owner/name``; else InputError."""
    if not _SLUG.match(name):
        raise InputError(f"not a repository name {name!r}: expected owner/name")
    return name


def login(name: str | None) -> str:
    """A GitHub-style login made of a git author name (``Jane Doe`` -> ``Jane-Doe``)."""
    text = re.sub(r"[^A-Za-z0-9-]+", "-", name or "").strip("-")
    return text or "ghost"


def load_state(
    path: str | Path, prs_file: str | Path | None = None, name: str | None = None
) -> State:
    """The state of the repository at ``path``: refs from git, PRs from the file or history."""
    specs = load_prs(prs_file) if prs_file is not None else None
    git = GitRepo(path)
    config = load_config(git.root)
    git.remote = config.remote
    inventory = Inventory(git, config)
    state = State()
    model = state.add_repository(check_name(name) if name else repository_name(git))
    model.branches = {b.name: b.commit for b in inventory.branches.values()}
    model.tags = {tag: commit for tag, commit in git.tag_commits() if commit is not None}
    lines = inventory.lines()
    integration = [line.branch for line in lines if line.kind == INTEGRATION]
    current = git.run("symbolic-ref", "--quiet", "--short", "HEAD", check=False).strip()
    model.default_branch = next(
        (b for b in [*integration, current, *sorted(model.branches)] if b in model.branches),
        "main",
    )
    model.commit_reader = lambda ref: read_commit(git, ref)
    model.branch_reader = lambda branch: read_branch(git, branch)
    if specs is not None:
        add_specs(model, specs, git.resolve_commit)
    else:
        derive_pulls(model, inventory)
    return state


def add_specs(model: Repository, specs: list[PullSpec], resolve=None) -> None:
    """Add the PRs of a data file; ``resolve`` turns a non-hash ``merge_commit`` into a hash."""
    for spec in specs:
        merge = spec.merge_commit
        if merge is not None and not _HEX.match(merge):
            if resolve is None:
                raise InputError(f"PR #{spec.number}: merge_commit {merge!r} is not a full hash")
            merge = resolve(merge)
        base = spec.base or model.default_branch
        closed = spec.closed_at
        if spec.state != "open" and closed is None:
            closed = spec.merged_at or spec.updated_at
        model.add_pull(
            spec.number,
            spec.title,
            body=spec.body,
            state="open" if spec.state == "open" else "closed",
            author=spec.author,
            base=base,
            head=spec.head or f"pr-{spec.number}",
            base_sha=model.branches.get(base, ""),
            head_sha=spec.head_sha or merge or model.branches.get(base, ""),
            merge_commit_sha=merge,
            merged_at=spec.merged_at,
            created_at=spec.created_at,
            updated_at=spec.updated_at,
            closed_at=closed,
            draft=spec.draft,
            labels=[label.name for label in spec.labels],
        )
        for label in spec.labels:
            model.label(label.name, label.color, label.description)


def derive_pulls(model: Repository, inventory: Inventory) -> None:
    """Add the PRs history shows on the release lines (see the module docstring for base)."""
    heads = [(line.branch, inventory.branches[line.branch].commit) for line in inventory.lines()]
    if not heads and model.default_branch in model.branches:
        heads = [(model.default_branch, model.branches[model.default_branch])]
    if not heads:
        return
    integration = {line.branch for line in inventory.lines() if line.kind == INTEGRATION}
    index = Discovery(inventory).index([commit for _, commit in heads])
    first_parent = {branch: _first_parents(index, commit) for branch, commit in heads}
    reaching = {branch: {pr.ref for pr in index.between(commit, None)} for branch, commit in heads}
    prs = dedupe(pr for pr in index.entries if pr.ref.startswith("#"))
    heads_of = {pr.number: pr.head for pr in prs}
    for pr in sorted(prs, key=lambda p: p.number):
        if pr.number in model.pulls:
            continue
        base = _base(pr, index, heads, integration, first_parent, reaching, heads_of)
        position = index.index[pr.commit]
        parents = [index.shas[p] for p in index.parents[position]]
        model.add_pull(
            pr.number,
            pr.title,
            body="",
            author=login(pr.author),
            base=base,
            head=pr.head or f"pr-{pr.number}",
            base_sha=parents[0] if parents else pr.commit,
            head_sha=parents[1] if len(parents) > 1 else pr.commit,
            merge_commit_sha=pr.commit,
            merged_at=pr.merged_at,
        )


def _first_parents(index: HistoryIndex, commit: str) -> set[int]:
    """The commit indices on the first-parent chain of ``commit``."""
    chain: set[int] = set()
    position = index.index.get(commit)
    while position is not None and position not in chain:
        chain.add(position)
        parents = index.parents[position]
        position = parents[0] if parents else None
    return chain


def _base(
    pr: PullRequest,
    index: HistoryIndex,
    heads: list[tuple[str, str]],
    integration: set[str],
    first_parent: dict[str, set[int]],
    reaching: dict[str, set[str]],
    heads_of: dict[int, str | None],
) -> str:
    """The base branch of a derived PR (rules in the module docstring)."""
    if pr.kind == NESTED and pr.parent is not None and heads_of.get(pr.parent):
        return heads_of[pr.parent]
    position = index.index[pr.commit]
    on_chain = [branch for branch, _ in heads if position in first_parent[branch]]
    for branch in on_chain:
        if branch in integration:
            return branch
    if on_chain:
        return on_chain[0]
    reached = [branch for branch, _ in heads if pr.ref in reaching[branch]]
    return reached[0] if reached else heads[0][0]
