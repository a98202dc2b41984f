"""What a repository holds: its version tags, branches and release lines.

The bridge between the git adapter and the core: it reads refs once through
:class:`~release_tool.history.gitrepo.GitRepo` and answers the version questions
(latest release, next version, policy check, tag audit) with the pure
functions of :mod:`release_tool.core.lines` and :mod:`release_tool.core.tags`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..core.config import Config
from ..core.lines import (
    INTEGRATION,
    ReleaseLine,
    active_lines,
    check_version,
    dual_tagged,
    find_lines,
    latest_release,
    line_for,
    next_version,
    release_tags,
    releases_off_their_line,
    releases_on_line,
)
from ..core.tags import AuditReport, Release, Tag, audit, group_releases, split_tags
from ..core.versions import Version
from ..errors import InputError, ReleaseToolError
from .gitrepo import Branch, GitRepo
from .reach import reachable_points

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LineStatus:
    """A release line as ``lines`` shows it."""

    line: ReleaseLine
    branch: Branch
    scheme: str | None
    latest: Version | None
    latest_tags: tuple[str, ...]
    next: Version | None
    note: str | None = None
    active: bool = True


class Inventory:
    """The version tags and release lines of one repository, read once."""

    def __init__(self, repo: GitRepo, config: Config) -> None:
        """Read the tags of ``repo``; branches are read when first needed."""
        self.repo = repo
        self.config = config
        records = repo.tag_records()
        self.tags, self.junk = split_tags((name, commit) for name, commit, _ in records)
        self.commit_time = {commit: time for _, commit, time in records if commit}
        self._shallow_warned = False
        self._reach: dict[str, set[str]] = {}
        self._index = None  # a HistoryIndex whose points include the line heads
        self._stored_tried = False
        #: ``(key, index)`` of the persistent index this inventory loaded, if it did.
        self.stored: tuple[bytes, object] | None = None
        #: Where the history index persists between runs (None: not at all).
        self.index_cache: Path | None = None
        self._lines: list[ReleaseLine] = []
        self._lines_of: dict[str, Branch] | None = None

    @cached_property
    def branches(self) -> dict[str, Branch]:
        """Local and remote branches by short name."""
        return self.repo.branches()

    def lines(self) -> list[ReleaseLine]:
        """The release lines of the repository, release branches first.

        Found once per set of branches: ``prs --all-releases`` asks once per release.
        """
        branches = self.branches
        if self._lines_of is not branches:
            self._lines = find_lines(branches, self.config)
            self._lines_of = branches
        return list(self._lines)

    def active_lines(self) -> list[ReleaseLine]:
        """The lines still alive, in the order of :meth:`lines`.

        The integration line, and every release line with a release (a tag of
        its series, on its branch or not) or a commit on its branch within
        ``active_period_days`` before the repository's newest commit.
        """
        return active_lines(
            self.lines(), self.activity(), self.newest_time(), self.config.active_period_days
        )

    def is_active(self, line: ReleaseLine) -> bool:
        """Whether ``line`` is among :meth:`active_lines`."""
        return line in self.active_lines()

    def newest_time(self) -> int:
        """The commit time of the newest commit any branch or tag points to."""
        times = [b.time for b in self.branches.values()] + list(self.commit_time.values())
        return max(times, default=0)

    def activity(self) -> dict[str, int]:
        """For each line's branch, the time of its latest release or its head commit."""
        latest: dict[tuple[int, int], int] = {}
        for tag in self.tags:
            if not tag.version.is_dev:
                series = tag.version.series
                latest[series] = max(latest.get(series, 0), self.commit_time.get(tag.commit, 0))
        found = {}
        for line in self.lines():
            head = self.branches[line.branch].time
            found[line.branch] = max(head, latest.get(line.series, 0) if line.series else 0)
        return found

    def line(self, name: str) -> tuple[ReleaseLine, Branch]:
        """The release line and branch called ``name``; InputError if it is neither."""
        line = line_for(name, self.config)
        branch = self.branches.get(name) if name and not name.startswith("-") else None
        return line, branch if branch is not None else self.repo.branch(name)

    def use_index(self, index) -> None:
        """Answer reachability from a history index that has the line heads as points."""
        self._index = index

    def forget_index(self) -> None:
        """Let go of the history index (used or loaded): its memory is freed.

        Reachability is then answered by a walk of the commit graph, and the
        stored index is not loaded again.
        """
        self._index = None
        self.stored = None
        self._stored_tried = True

    @cached_property
    def releases(self) -> list[Release]:
        """The releases (tags grouped by version), ascending."""
        return group_releases(self.tags)

    def line_heads(self) -> list[str]:
        """The head commits of every release line."""
        return [self.branches[line.branch].commit for line in self.lines()]

    def index_points(
        self, extra: Iterable[str] = (), shallow: list[str] | None = None
    ) -> tuple[list[str], list[str]]:
        """The tips and points of a history index: every release, the line heads, ``extra``.

        Points are in order (releases ascending, then the heads and the
        ``extra`` commits that are neither), followed by the ``shallow``
        boundary (read from the repository when not given).
        """
        points = [r.commit for r in self.releases] + self.line_heads()
        known = set(points)
        points += [p for p in dict.fromkeys(extra) if p not in known]
        if shallow is None:
            shallow = self.repo.shallow_commits()
        return sorted(set(points)), points + shallow

    def stored_index(self):
        """The persistent history index when it was stored for exactly these refs, else None.

        It gives the answers a fresh walk would: its key is made of the same
        tips and points. Reading it costs its query section only.
        """
        if self.index_cache is None:
            return None
        from .indexcache import cache_key, load  # pickle and zlib only when there is a cache

        tips, points = self.index_points()
        key = cache_key(tips, points)
        index = load(self.index_cache, key)
        if index is not None:
            self.stored = (key, index)
        return index

    def reachable(self, branch: Branch) -> list[Tag]:
        """The version tags reachable from a branch head."""
        if not self._shallow_warned:
            self._shallow_warned = True  # asked once per run
            if self.repo.is_shallow():
                log.warning(
                    "this is a shallow clone: tags outside the fetched history are not seen "
                    "(run 'git fetch --unshallow --tags' for exact answers)"
                )
        commits = self.reachable_commits(branch.commit)
        return [t for t in self.tags if t.commit in commits]

    def reachable_commits(self, head: str) -> set[str]:
        """The tagged commits reachable from ``head``.

        From the history index when one covers ``head`` (the one a command
        built, or the persistent one when it matches the refs); else from
        one walk of the commit graph for every line head at once (cached).
        """
        if self._index is None and not self._stored_tried:
            self._stored_tried = True  # one try: a warm cache answers without a walk
            self._index = self.stored_index()
        index = self._index
        if index is not None and head in index.point_bits:
            return index.reachable_points(head)
        if head not in self._reach:
            heads = sorted({*self.line_heads(), *self._reach, head})
            points = {t.commit for t in self.tags}
            self._reach = reachable_points(self.repo.parents_topo(heads), points, heads)
            self._reach.setdefault(head, set())
        return self._reach[head]

    def release_series(self) -> list[tuple[int, int]]:
        """The series that have a release branch."""
        return [line.series for line in self.lines() if line.series is not None]

    def next_version(self, name: str) -> Version:
        """The next version of the line on branch ``name``."""
        line, branch = self.line(name)
        return next_version(
            line, self.reachable(branch), self.tags, self.release_series(), self.config
        )

    def check(self, version: Version, name: str) -> list[str]:
        """The rules ``version`` breaks on the line of branch ``name`` (empty: allowed)."""
        line, branch = self.line(name)
        return check_version(
            version,
            line,
            self.reachable(branch),
            self.tags,
            self.config,
            release_branches=bool(self.release_series()),
        )

    def release_tags(self, version: Version, name: str) -> list[str]:
        """The tags of a release of ``version`` from ``name`` (two on a dual-tagged line)."""
        line, branch = self.line(name)
        dual = dual_tagged(line, self.reachable(branch), self.tags, self.config)
        return release_tags(version, dual, self.config)

    def status(self, line: ReleaseLine) -> LineStatus:
        """Latest release and next version of one line."""
        branch = self.branches[line.branch]
        reachable = self.reachable(branch)
        on_line = releases_on_line(line, reachable)
        best = latest_release(on_line)
        latest = best.version if best else None
        latest_tags = (best.name,) if best else ()
        latest_tags += tuple(
            sorted({t.name for t in on_line if t.version == latest} - {*latest_tags})
        )
        note = None
        try:
            upcoming = next_version(line, reachable, self.tags, self.release_series(), self.config)
        except ReleaseToolError as exc:
            upcoming, note = None, exc.message
        scheme = upcoming.scheme if upcoming else None
        active = line.kind == INTEGRATION or self.is_active(line)
        return LineStatus(line, branch, scheme, latest, latest_tags, upcoming, note, active)

    def audit(self) -> AuditReport:
        """Audit every version tag against the commit graph, in one pass over history."""
        heads = {line.branch: self.branches[line.branch].commit for line in self.lines()}
        points = {t.commit for t in self.tags}
        graph = list(self.repo.parents_topo(sorted(points | set(heads.values()))))
        report = audit(self.tags, self.junk, graph)
        self._reach = reachable_points(graph, points, heads.values())
        reach = {branch: self._reach.get(commit, set()) for branch, commit in heads.items()}
        report.off_branch = releases_off_their_line(self.releases, self.lines(), reach)
        return report


def require_lines(inventory: Inventory) -> list[ReleaseLine]:
    """The release lines, or an InputError when the repository has none."""
    lines = inventory.lines()
    if not lines:
        config = inventory.config
        raise InputError(
            f"no release lines in {inventory.repo.root}: no branch matches "
            f"{config.release_branch_pattern!r} or is one of "
            f"{', '.join(config.integration_branches) or 'none'}"
        )
    return lines
