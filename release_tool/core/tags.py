"""Version tags: telling versions from junk, and auditing tags against ancestry.

Pure logic: the git adapter hands in tag names, commits and the commit graph;
this module hands back data.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from .versions import Version, try_parse

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Tag:
    """A tag that names a version, and the commit it points to."""

    name: str
    commit: str
    version: Version


@dataclass(frozen=True)
class Release:
    """One release: a version and its commit, with all the tags naming it.

    DIRAC tags some releases twice on one commit (``v7r3p10`` and
    ``v7.3.10``); those tags are one release.
    """

    version: Version
    commit: str
    tags: tuple[str, ...]

    @property
    def name(self) -> str:
        """The release's tags joined with ``=``, e.g. ``v7r3p10=v7.3.10``."""
        return "=".join(self.tags)


def split_tags(raw: Iterable[tuple[str, str | None]]) -> tuple[list[Tag], list[str]]:
    """Split ``(tag name, commit)`` pairs into version tags and the names of the rest.

    Tags that are not versions (``latest``, ``v6e7p27``, ``v8.0.0.a18``) and
    tags that point at no commit are logged at debug level and returned as
    junk, never raised.
    """
    tags: list[Tag] = []
    junk: list[str] = []
    for name, commit in raw:
        version = try_parse(name)
        if version is None or commit is None:
            if version is not None:
                log.debug("ignored: tag %s does not point at a commit", name)
            junk.append(name)
            continue
        tags.append(Tag(name, commit, version))
    return tags, junk


def group_releases(tags: Iterable[Tag]) -> list[Release]:
    """Group tags of equal version on one commit into releases, ascending by version."""
    groups: dict[tuple[Version, str], list[Tag]] = defaultdict(list)
    for tag in tags:
        groups[(tag.version, tag.commit)].append(tag)
    releases = []
    for (_, commit), members in groups.items():
        members.sort(key=lambda t: (t.version.scheme != "legacy", t.name))
        releases.append(Release(members[0].version, commit, tuple(t.name for t in members)))
    releases.sort(key=lambda r: (r.version.pep, r.commit))
    return releases


@dataclass
class AuditReport:
    """What ``tags audit`` finds.

    * ``junk``: tag names that are not versions;
    * ``duplicates``: versions tagged on more than one commit;
    * ``mixed``: commits carrying tags of different versions;
    * ``contradictions``: ``(ancestor, descendant)`` release pairs where the
      descendant carries the lower version, each pair once;
    * ``off_branch``: ``(release, branch)`` for releases not reachable from
      their line's branch (filled in by the inventory, which knows the lines).
    """

    junk: list[str] = field(default_factory=list)
    duplicates: list[list[Release]] = field(default_factory=list)
    mixed: list[tuple[str, list[Release]]] = field(default_factory=list)
    contradictions: list[tuple[Release, Release]] = field(default_factory=list)
    off_branch: list[tuple[Release, str]] = field(default_factory=list)

    @property
    def problem_count(self) -> int:
        """How many findings the report holds."""
        return (
            len(self.junk)
            + len(self.duplicates)
            + len(self.mixed)
            + len(self.contradictions)
            + len(self.off_branch)
        )


def audit(
    tags: list[Tag],
    junk: list[str],
    graph: Iterable[tuple[str, list[str]]],
) -> AuditReport:
    """Audit version tags against the commit graph in one pass.

    ``graph`` yields ``(commit, parents)`` with every parent before its
    children (``git rev-list --topo-order --reverse --parents``) and must
    cover every ancestor of the tagged commits. Each commit carries the set
    of tagged commits among its ancestors as a bitset (a Python int), so the
    whole audit is one walk however many tags there are.
    """
    releases = group_releases(tags)
    report = AuditReport(junk=sorted(junk))

    by_version: dict[Version, list[Release]] = defaultdict(list)
    by_commit: dict[str, list[Release]] = defaultdict(list)
    for release in releases:
        by_version[release.version].append(release)
        by_commit[release.commit].append(release)
    report.duplicates = [group for group in by_version.values() if len(group) > 1]
    report.mixed = [(commit, group) for commit, group in by_commit.items() if len(group) > 1]

    # One bit per tagged commit; bits ordered by the commit's highest version
    # so that "tagged commits above version v" is a prefix mask.
    commits = sorted(by_commit, key=lambda c: max(r.version.pep for r in by_commit[c]))
    bit = {commit: 1 << i for i, commit in enumerate(commits)}
    top = [max(r.version.pep for r in by_commit[c]) for c in commits]

    def above(version: Version) -> int:
        """Bits of the tagged commits holding a version strictly higher than ``version``."""
        lo, hi = 0, len(top)
        while lo < hi:  # first index whose top version is > version
            mid = (lo + hi) // 2
            if top[mid] > version.pep:
                hi = mid
            else:
                lo = mid + 1
        return ((1 << len(top)) - 1) ^ ((1 << lo) - 1)

    ancestors: dict[str, int] = {}
    for commit, parents in graph:
        mask = 0
        for parent in parents:
            mask |= ancestors.get(parent, 0) | bit.get(parent, 0)
        ancestors[commit] = mask
        if commit not in bit or not mask:
            continue
        low = min(r.version for r in by_commit[commit])
        candidates = mask & above(low)
        while candidates:
            lowest = candidates & -candidates
            candidates ^= lowest
            older = commits[lowest.bit_length() - 1]
            for anc in by_commit[older]:
                for desc in by_commit[commit]:
                    if desc.version < anc.version:
                        report.contradictions.append((anc, desc))
    report.contradictions.sort(key=lambda p: (p[1].version.pep, p[0].version.pep, p[1].name))
    return report
