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
    if cumulative and is_cumulative_kind(version):

        def wanted(r: Release) -> bool:
            return r.version.series < version.series and not r.version.is_prerelease

    elif version.is_prerelease:

        def wanted(r: Release) -> bool:
            return r.version.is_prerelease

    else:

        def wanted(r: Release) -> bool:
            return r.version.series == version.series

    fallback = None
    start = bisect.bisect_left([r.version.pep for r in releases], version.pep)
    for release in reversed(releases[:start]):
        if release.version.is_dev or not contains(release.commit, target.commit):
            continue
        if wanted(release):
            return release
        if fallback is None:
            fallback = release
    return None if cumulative and is_cumulative_kind(version) else fallback
