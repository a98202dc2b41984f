"""The emulator's data model: repositories with their pull requests, releases, statuses...

Plain dataclasses that the REST and GraphQL layers read and change, under
one lock held by the server for the whole of each request. Times are Unix
seconds; the API layers format them. Tests seed and inspect the model
directly (``gh.state.repo.add_pull(...)``).
"""

from __future__ import annotations

import hashlib
import itertools
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone

#: GitHub's primary rate limits per hour, for requests with and without a token.
LIMITS = {"core": 5000, "graphql": 5000, "search": 30}
ANONYMOUS_LIMITS = {"core": 60, "graphql": 0, "search": 10}
WINDOW = 3600

_HEX = re.compile(r"^[0-9a-f]{40}$")
_SHORT = re.compile(r"^[0-9a-f]{7,40}$")


def iso(timestamp: int | None) -> str | None:
    """A Unix time as GitHub writes it (``2024-01-02T03:04:05Z``), or None."""
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def user_id(login: str) -> int:
    """A stable numeric id for a login (the same login always gets the same id)."""
    return int(hashlib.sha1(login.lower().encode()).hexdigest()[:7], 16)


def node_id(prefix: str, *parts: object) -> str:
    """An opaque global node id in GitHub's style (``PR_kwDO...``)."""
    digest = hashlib.sha1(":".join(map(str, parts)).encode()).hexdigest()
    return f"{prefix}_kwDO{digest[:16]}"


@dataclass
class Label:
    """A repository label."""

    id: int
    name: str
    color: str = "ededed"
    description: str | None = ""
    default: bool = False


@dataclass
class Comment:
    """An issue comment (PRs are issues too)."""

    id: int
    body: str
    user: str
    created_at: int
    updated_at: int


@dataclass
class PullRequest:
    """A pull request; ``state`` is REST's ``open`` or ``closed``, merged when ``merged_at``."""

    number: int
    id: int
    title: str
    body: str | None = ""
    state: str = "open"
    author: str = "ghost"
    base: str = "main"
    head: str = ""
    base_sha: str = ""
    head_sha: str = ""
    merge_commit_sha: str | None = None
    merged_at: int | None = None
    created_at: int = 0
    updated_at: int = 0
    closed_at: int | None = None
    draft: bool = False
    labels: list[str] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    milestone: int | None = None

    @property
    def merged(self) -> bool:
        """Whether the PR was merged."""
        return self.merged_at is not None

    @property
    def graphql_state(self) -> str:
        """The state as GraphQL says it: OPEN, CLOSED or MERGED."""
        if self.merged:
            return "MERGED"
        return "OPEN" if self.state == "open" else "CLOSED"


@dataclass
class Asset:
    """A file attached to a release."""

    id: int
    name: str
    label: str | None
    content_type: str
    data: bytes
    uploader: str
    created_at: int
    download_count: int = 0


@dataclass
class Release:
    """A release, draft or published; ``api_prefix`` is the layout (``""`` or ``/api/v3``)."""

    id: int
    tag_name: str
    target_commitish: str
    name: str | None
    body: str | None
    draft: bool
    prerelease: bool
    author: str
    created_at: int
    published_at: int | None = None
    assets: list[Asset] = field(default_factory=list)
    api_prefix: str = ""


@dataclass
class Status:
    """A commit status set by CI."""

    id: int
    sha: str
    state: str
    context: str
    description: str | None
    target_url: str | None
    creator: str
    created_at: int


@dataclass
class CheckRun:
    """A check run of a commit (seeded by tests: GitHub creates them from Apps only)."""

    id: int
    head_sha: str
    name: str
    status: str = "completed"
    conclusion: str | None = "success"
    started_at: int | None = None
    completed_at: int | None = None
    details_url: str | None = None
    title: str | None = None
    summary: str | None = None


@dataclass
class Milestone:
    """A milestone; numbered per repository."""

    number: int
    id: int
    title: str
    state: str = "open"
    description: str | None = None
    due_on: int | None = None
    creator: str = "ghost"
    created_at: int = 0
    updated_at: int = 0
    closed_at: int | None = None


@dataclass
class CommitInfo:
    """A git commit as the commits endpoint shows it."""

    sha: str
    parents: list[str] = field(default_factory=list)
    tree: str = "0" * 40
    author: tuple[str, str, int] = ("ghost", "ghost@example.invalid", 0)
    committer: tuple[str, str, int] = ("ghost", "ghost@example.invalid", 0)
    message: str = ""


@dataclass
class Repository:
    """One repository and everything the emulator serves about it."""

    owner: str
    name: str
    id: int
    ids: itertools.count = field(repr=False)
    default_branch: str = "main"
    description: str | None = None
    private: bool = False
    created_at: int = field(default_factory=lambda: int(time.time()))
    branches: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    pulls: dict[int, PullRequest] = field(default_factory=dict)
    labels: dict[str, Label] = field(default_factory=dict)
    releases: dict[int, Release] = field(default_factory=dict)
    statuses: list[Status] = field(default_factory=list)
    check_runs: list[CheckRun] = field(default_factory=list)
    milestones: dict[int, Milestone] = field(default_factory=dict)
    commits: dict[str, CommitInfo] = field(default_factory=dict)
    commit_reader: Callable[[str], CommitInfo | None] | None = field(default=None, repr=False)
    branch_reader: Callable[[str], str | None] | None = field(default=None, repr=False)

    @property
    def full_name(self) -> str:
        """``owner/name``."""
        return f"{self.owner}/{self.name}"

    def branch_head(self, name: str) -> str | None:
        """The commit of branch ``name``; a branch pushed since loading is read from git.

        With a ``branch_reader`` (set by the git loader), a branch the model
        does not know yet is looked up in the repository (and remembered), so
        a branch pushed to the remote can be the head of a new PR.
        """
        if name not in self.branches and self.branch_reader is not None:
            found = self.branch_reader(name)
            if found:
                self.branches[name] = found
        return self.branches.get(name)

    def next_id(self) -> int:
        """A new numeric id, unique across the emulator."""
        return next(self.ids)

    def next_number(self) -> int:
        """The next issue/PR number."""
        return max(self.pulls, default=0) + 1

    def add_pull(self, number: int | None = None, title: str = "", **fields) -> PullRequest:
        """Add a PR (``fields`` are :class:`PullRequest` fields); times default to now."""
        now = int(time.time())
        number = self.next_number() if number is None else number
        fields.setdefault("created_at", fields.get("merged_at") or now)
        fields.setdefault("updated_at", fields.get("merged_at") or fields["created_at"])
        if fields.get("merged_at") is not None:
            fields.setdefault("state", "closed")
            fields.setdefault("closed_at", fields["merged_at"])
        fields.setdefault("head", f"pr-{number}")
        fields.setdefault("base", self.default_branch)
        pr = PullRequest(number=number, id=self.next_id(), title=title, **fields)
        for name in pr.labels:
            self.label(name)
        self.pulls[number] = pr
        return pr

    def label(self, name: str, color: str = "ededed", description: str | None = "") -> Label:
        """The label called ``name`` (case-insensitive), created when missing."""
        found = self.labels.get(name.lower())
        if found is None:
            found = Label(self.next_id(), name, color, description)
            self.labels[name.lower()] = found
        return found

    def add_check_run(self, ref: str, name: str, **fields) -> CheckRun:
        """Add a check run on the commit ``ref`` names (fields: status, conclusion...)."""
        now = int(time.time())
        sha = self.resolve(ref) or ref
        fields.setdefault("started_at", now)
        if fields.get("status", "completed") == "completed":
            fields.setdefault("completed_at", now)
        else:
            fields.setdefault("conclusion", None)
        run = CheckRun(self.next_id(), sha, name, **fields)
        self.check_runs.append(run)
        return run

    def resolve(self, ref: str) -> str | None:
        """The commit a branch, tag or full hash names; None when unknown."""
        for prefix in ("refs/heads/", "refs/tags/"):
            ref = ref.removeprefix(prefix)
        if ref in self.branches:
            return self.branches[ref]
        if ref in self.tags:
            return self.tags[ref]
        return ref if _HEX.match(ref) else None

    def commit(self, ref: str) -> CommitInfo | None:
        """The commit ``ref`` names (a branch, a tag, a full or abbreviated hash), or None.

        With a ``commit_reader`` (set by the git loader) commits are read from
        git and unknown hashes are None; without one, any full hash is a
        commit with no details.
        """
        sha = self.resolve(ref)
        if sha in self.commits:
            return self.commits[sha]
        if self.commit_reader is None:
            return CommitInfo(sha) if sha else None
        if sha is None and not _SHORT.match(ref):
            return None
        info = self.commit_reader(sha or ref)
        if info is not None:
            self.commits[info.sha] = info
        return info


class RateLimits:
    """Primary rate-limit buckets: one per resource, for requests with and without a token."""

    def __init__(self) -> None:
        """Start full buckets with GitHub's limits."""
        self.limits = {True: dict(LIMITS), False: dict(ANONYMOUS_LIMITS)}
        self._used: dict[tuple[bool, str], int] = {}
        self._reset: dict[tuple[bool, str], int] = {}

    def _window(self, key: tuple[bool, str]) -> None:
        """Start a new window when the current one has ended."""
        now = int(time.time())
        if self._reset.get(key, 0) <= now:
            self._reset[key] = now + WINDOW
            self._used[key] = 0

    def snapshot(self, resource: str, authenticated: bool) -> dict[str, int]:
        """``limit``, ``remaining``, ``reset`` and ``used`` of one bucket."""
        key = (authenticated, resource)
        self._window(key)
        limit = self.limits[authenticated].get(resource, 0)
        used = self._used[key]
        return {
            "limit": limit,
            "remaining": max(limit - used, 0),
            "reset": self._reset[key],
            "used": used,
        }

    def spend(self, resource: str, authenticated: bool, cost: int = 1) -> bool:
        """Count a request; False (and nothing spent) when the bucket is empty."""
        key = (authenticated, resource)
        self._window(key)
        if self._used[key] + cost > self.limits[authenticated].get(resource, 0):
            return False
        self._used[key] += cost
        return True

    def refund(self, resource: str, authenticated: bool, cost: int = 1) -> None:
        """Give back what :meth:`spend` took (a ``304`` costs nothing with a token)."""
        key = (authenticated, resource)
        self._used[key] = max(self._used.get(key, 0) - cost, 0)

    def set_limit(self, limit: int, resource: str = "core", *, authenticated: bool = True) -> None:
        """Change one bucket's hourly limit (benchmarks raise it; tests lower it)."""
        self.limits[authenticated][resource] = limit


class State:
    """Everything the emulator serves: repositories, rate limits, the token's user."""

    def __init__(self, viewer: str = "sandbox-user") -> None:
        """An emulator with no repository; ``viewer`` is the login every token stands for."""
        self.lock = threading.RLock()
        self.repos: dict[str, Repository] = {}
        self.viewer = viewer
        self.rate = RateLimits()
        self._ids = itertools.count(1001)

    def add_repository(self, full_name: str, **fields) -> Repository:
        """Add an empty repository ``owner/name``; the first one added is :attr:`repo`."""
        owner, name = full_name.split("/", 1)
        repo = Repository(owner, name, next(self._ids), self._ids, **fields)
        self.repos[full_name.lower()] = repo
        return repo

    def repository(self, owner: str, name: str) -> Repository | None:
        """The repository ``owner/name`` (case-insensitive, as on GitHub), or None."""
        return self.repos.get(f"{owner}/{name}".lower())

    @property
    def repo(self) -> Repository:
        """The main repository (the first one added)."""
        return next(iter(self.repos.values()))
