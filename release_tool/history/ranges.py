"""Which range of history a release covers: previous releases and cumulative ranges.

Pure logic over releases (grouped version tags) and an ancestry test.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence

from ..core.tags import Release
from ..core.versions import LEGACY, Version, parse
from ..errors import VersionError

#: ``contains(ancestor_commit, descendant_commit)``: ancestry, reflexive.
Contains = Callable[[str, str], bool]

PRE_LINE = "pre"


def line_key(version: Version) -> str | tuple[int, int]:
    """Which line released a version: pre-releases come from integration, finals from X.Y."""
    return PRE_LINE if version.is_prerelease else version.series


def is_cumulative_kind(version: Version) -> bool:
    """Whether legacy DIRAC wrote cumulative notes for this release: ``-preN`` and ``X.Y.0``."""
    return version.is_prerelease or version.pep.micro == 0


def is_legacy_tag(tag: str) -> bool:
    """Whether a tag is written in DIRAC's legacy scheme (``v4r3-pre12``, ``v7r3p36``)."""
    try:
        return parse(tag).scheme == LEGACY
    except VersionError:
        return False


def previous_release(
    target: Release,
    releases: Sequence[Release],
    contains: Contains,
    *,
    cumulative: bool = False,
) -> Release | None:
    """The release a release's PR list starts after, or None when it is the first.

    The highest lower version reachable from ``target`` on the same line:
    for a pre-release, the previous pre-release (of any series); for a final
    release, the previous release of its series. When the line has none
    before it, the highest lower version reachable at all.

    ``cumulative`` (for ``-preN`` and first finals ``X.Y.0``) starts after
    the latest final release of an older series instead, so the range holds
    everything since the previous series.

    ``releases`` must be in ascending version order (as
    :func:`~release_tool.core.tags.group_releases` returns them): the search walks
    down from ``target`` and stops at the first match.
    """
    version = target.version
    wanted = _wanted(version, cumulative)
    fallback = None
    start = _below(releases, version)
    for release in reversed(releases[:start]):
        if release.version.is_dev or not contains(release.commit, target.commit):
            continue
        if wanted(release):
            return release
        if fallback is None:
            fallback = release
    return None if cumulative and is_cumulative_kind(version) else fallback


def _wanted(version: Version, cumulative: bool) -> Callable[[Release], bool]:
    """Which releases count as earlier releases of ``version``'s line."""
    if cumulative and is_cumulative_kind(version):
        return lambda r: r.version.series < version.series and not r.version.is_prerelease
    if version.is_prerelease:
        return lambda r: r.version.is_prerelease
    return lambda r: r.version.series == version.series


def off_branch_previous(
    target: Release,
    releases: Sequence[Release],
    contains: Contains,
    previous: Release | None,
    *,
    cumulative: bool = False,
) -> Release | None:
    """The previous version of the target's line when its tag is off the target's history.

    A release tagged on a commit its line's branch never merged (a hotfix
    branch, a commit later rebased away) is still the previous release of
    its line: its PRs shipped. None when the previous version of the line is
    ``previous`` (or below it), reachable from ``target``, or a descendant of
    ``target`` (a slip that says nothing about what ``target`` shipped).
    """
    wanted = _wanted(target.version, cumulative)
    start = _below(releases, target.version)
    for release in reversed(releases[:start]):
        if release.version.is_dev or not wanted(release):
            continue
        if previous is not None and release.version.pep <= previous.version.pep:
            return None
        if contains(release.commit, target.commit):
            return None
        if contains(target.commit, release.commit):
            continue
        return release
    return None


_PEPS: dict[int, tuple[Sequence[Release], list, dict]] = {}


def _below(releases: Sequence[Release], version: Version) -> int:
    """How many of ``releases`` (ascending) have a lower version than ``version``.

    A dictionary look-up for a version that is among them (every release
    asks for its own), a bisection otherwise: comparing PEP 440 versions is
    slow enough to show when all the releases of a repository ask.
    """
    peps, first_at = _peps(releases)
    start = first_at.get(version.pep)
    return start if start is not None else bisect.bisect_left(peps, version.pep)


def _peps(releases: Sequence[Release]) -> tuple[list, dict]:
    """The PEP 440 versions of ``releases`` and where each first is (once per sequence)."""
    cached = _PEPS.get(id(releases))
    if cached is None or cached[0] is not releases or len(cached[1]) != len(releases):
        peps = [r.version.pep for r in releases]
        first_at: dict = {}
        for n, pep in enumerate(peps):
            first_at.setdefault(pep, n)
        cached = (releases, peps, first_at)
        _PEPS.clear()  # one sequence at a time: no growth, no stale entries
        _PEPS[id(releases)] = cached
    return cached[1], cached[2]
