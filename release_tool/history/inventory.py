"""What a repository holds: its version tags, branches and release lines.

The bridge between the git adapter and the core: it reads refs once through
:class:`~release_tool.history.gitrepo.GitRepo` and answers the version questions
(latest release, next version, policy check, tag audit) with the pure
functions of :mod:`release_tool.core.lines` and :mod:`release_tool.core.tags`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cached_property

from ..core.config import Config
from ..core.lines import (
    ReleaseLine,
    check_version,
    find_lines,
    latest_release,
    line_for,
    next_version,
    releases_on_line,
)
from ..core.tags import AuditReport, Tag, audit, split_tags
from ..core.versions import Version
from ..errors import InputError, ReleaseToolError
from .gitrepo import Branch, GitRepo

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


class Inventory:
    """The version tags and release lines of one repository, read once."""

    def __init__(self, repo: GitRepo, config: Config) -> None:
        """Read the tags of ``repo``; branches are read when first needed."""
        self.repo = repo
        self.config = config
        self.tags, self.junk = split_tags(repo.tag_commits())
        self._shallow_warned = False

    @cached_property
    def branches(self) -> dict[str, Branch]:
        """Local and remote branches by short name."""
        return self.repo.branches()

    def lines(self) -> list[ReleaseLine]:
        """The release lines of the repository, release branches first."""
        return find_lines(self.branches, self.config)

    def line(self, name: str) -> tuple[ReleaseLine, Branch]:
        """The release line and branch called ``name``; InputError if it is neither."""
        line = line_for(name, self.config)
        return line, self.repo.branch(name)

    def reachable(self, branch: Branch) -> list[Tag]:
        """The version tags reachable from a branch head."""
        if not self._shallow_warned and self.repo.is_shallow():
            log.warning(
                "this is a shallow clone: tags outside the fetched history are not seen "
                "(run 'git fetch --unshallow --tags' for exact answers)"
            )
            self._shallow_warned = True
        names = self.repo.tags_merged_into(branch.commit)
        return [t for t in self.tags if t.name in names]

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
        return check_version(version, line, self.reachable(branch), self.tags, self.config)

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
        return LineStatus(line, branch, scheme, latest, latest_tags, upcoming, note)

    def audit(self) -> AuditReport:
        """Audit every version tag against the commit graph, in one pass over history."""
        commits = sorted({t.commit for t in self.tags})
        return audit(self.tags, self.junk, self.repo.parents_topo(commits))


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
