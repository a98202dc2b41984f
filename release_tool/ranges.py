"""Which range of history a release covers: previous releases and cumulative ranges.

Pure logic over releases (grouped version tags) and an ancestry test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .tags import Release
from .versions import Version

#: ``contains(ancestor_commit, descendant_commit)``: ancestry, reflexive.
Contains = Callable[[str, str], bool]

PRE_LINE = "pre"


def line_key(version: Version) -> str | tuple[int, int]:
    """Which line released a version: pre-releases come from integration, finals from X.Y."""
    return PRE_LINE if version.is_prerelease else version.series


def is_cumulative_kind(version: Version) -> bool:
    """Whether legacy DIRAC wrote cumulative notes for this release: ``-preN`` and ``X.Y.0``."""
    return version.is_prerelease or version.pep.micro == 0


def previous_release(
    target: Release,
    releases: Iterable[Release],
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
    """
    lower = [
        r
        for r in releases
        if r.version < target.version
        and r.commit != target.commit
        and not r.version.is_dev
        and contains(r.commit, target.commit)
    ]
    if cumulative and is_cumulative_kind(target.version):
        older = [
            r
            for r in lower
            if r.version.series < target.version.series and not r.version.is_prerelease
        ]
        return _highest(older)
    key = line_key(target.version)
    if key == PRE_LINE:
        same = [r for r in lower if r.version.is_prerelease]
    else:
        same = [r for r in lower if r.version.series == target.version.series]
    return _highest(same) or _highest(lower)


def _highest(releases: list[Release]) -> Release | None:
    """The release of the highest version (the first listed among equals)."""
    best = None
    for release in releases:
        if best is None or release.version > best.version:
            best = release
    return best
