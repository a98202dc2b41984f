"""Release lines: which branch releases what, the next version, and the policy.

Pure logic. A release line is a branch and the series it releases:

* a release branch (``rel-vXrY`` by default) releases ``X.Y.*``;
* the integration branch (``integration``, else ``main`` or ``master``)
  releases pre-releases of the next series.

The rules are DIRAC's deployment policy: from integration only
pre-releases; from ``rel-vXrY`` only X.Y versions; never a ``.dev`` or a
local (``+local``) version, epochs and ``.postN`` only when the
configuration allows them; a new version above every release already on
the line; a tag that does not exist yet.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import InputError, PolicyError
from .config import Config
from .tags import Release, Tag
from .versions import LEGACY, PEP440, Version, bump, parse

RELEASE = "release"
INTEGRATION = "integration"


@dataclass(frozen=True)
class ReleaseLine:
    """A branch that releases, with the series it releases (release branches only)."""

    branch: str
    kind: str
    series: tuple[int, int] | None = None

    @property
    def series_text(self) -> str | None:
        """The series as ``X.Y``, or None for the integration branch."""
        return None if self.series is None else "{}.{}".format(*self.series)


def classify_branch(branch: str, config: Config) -> ReleaseLine | None:
    """The release line a branch name stands for, or None when it releases nothing."""
    match = config.release_branch_regex.match(branch)
    if match:
        return ReleaseLine(branch, RELEASE, (int(match["major"]), int(match["minor"])))
    if branch in config.integration_branches:
        return ReleaseLine(branch, INTEGRATION)
    return None


def find_lines(branches: Iterable[str], config: Config) -> list[ReleaseLine]:
    """The release lines among ``branches``: release branches by series, then integration.

    Only the first of ``config.integration_branches`` that exists is the
    integration line (a repository with ``integration`` and ``master``
    integrates on ``integration``).
    """
    names = set(branches)
    lines = [line for b in names if (line := classify_branch(b, config)) and line.series]
    lines.sort(key=lambda line: line.series)
    for candidate in config.integration_branches:
        if candidate in names:
            lines.append(ReleaseLine(candidate, INTEGRATION))
            break
    return lines


DAY = 86_400


def active_lines(
    lines: Iterable[ReleaseLine], activity: dict[str, int], newest: int, period_days: int
) -> list[ReleaseLine]:
    """The lines that are still alive: integration, and lines active within the period.

    ``activity`` maps a line's branch to the time (Unix seconds) of its
    latest release or merge; ``newest`` is the time of the repository's
    newest commit, so an old mirror still shows the lines that were current
    when it was last updated.
    """
    since = newest - period_days * DAY
    return [
        line for line in lines if line.kind == INTEGRATION or activity.get(line.branch, 0) >= since
    ]


def releases_off_their_line(
    releases: Iterable[Release], lines: Iterable[ReleaseLine], reachable: dict[str, set[str]]
) -> list[tuple[Release, str]]:
    """``(release, branch)`` for each release its line's branch cannot reach.

    ``reachable`` maps a branch to the commits it reaches. A final release
    belongs to its series' release branch; a pre-release to the integration
    line (or, for release candidates cut there, its series' release branch).
    Releases whose line has no branch here are not judged.
    """
    lines = list(lines)
    by_series = {line.series: line.branch for line in lines if line.series is not None}
    integration = next((line.branch for line in lines if line.kind == INTEGRATION), None)
    found = []
    for release in releases:
        if release.version.is_dev:
            continue
        own = by_series.get(release.version.series)
        if release.version.is_prerelease:
            homes = [b for b in (integration, own) if b is not None]
            judged = integration
        else:
            homes = [own] if own is not None else []
            judged = own
        if judged is None:
            continue
        if not any(release.commit in reachable.get(b, ()) for b in homes):
            found.append((release, judged))
    return found


def line_for(branch: str, config: Config) -> ReleaseLine:
    """The release line of ``branch``, or an InputError saying which branches release."""
    line = classify_branch(branch, config)
    if line is None:
        raise InputError(
            f"branch {branch!r} is not a release line: release branches match "
            f"{config.release_branch_pattern!r}; integration branches are "
            f"{', '.join(config.integration_branches) or 'none'}"
        )
    return line


def releases_on_line(line: ReleaseLine, reachable: Iterable[Tag]) -> list[Tag]:
    """The tags of ``reachable`` that count as releases of ``line`` (no ``.dev``)."""
    tags = [t for t in reachable if not t.version.is_dev]
    if line.series is not None:
        tags = [t for t in tags if t.version.series == line.series]
    return tags


def latest_release(tags: Iterable[Tag]) -> Tag | None:
    """The tag of the highest version, preferring the legacy tag of a dual-tagged release."""
    best: Tag | None = None
    for tag in tags:
        legacy_twin = (
            best is not None and tag.version == best.version and tag.version.scheme == LEGACY
        )
        if best is None or tag.version > best.version or legacy_twin:
            best = tag
    return best


def _scheme_for(
    line: ReleaseLine,
    series: tuple[int, int],
    base: Tag | None,
    all_tags: list[Tag],
    config: Config,
) -> str:
    """The scheme of the next version on a line.

    In order: the line's configured scheme; the scheme of the line's latest
    release when it is tagged in one scheme only; else legacy for series
    below ``pep440_from`` in a repository that has legacy tags, PEP 440
    otherwise.
    """
    configured = config.lines.get(line.branch)
    if configured and configured.scheme:
        return configured.scheme
    if base is not None:
        schemes = {t.version.scheme for t in all_tags if t.version == base.version}
        if len(schemes) == 1:
            return schemes.pop()
    if series < config.pep440_from and any(t.version.scheme == LEGACY for t in all_tags):
        return LEGACY
    return PEP440


def _avoid_taken(candidate: Version, part: str, taken: set[Version]) -> Version:
    """Bump ``candidate`` by ``part`` until no existing tag has its version."""
    for _ in range(10_000):
        if candidate not in taken:
            return candidate
        candidate = bump(candidate, part)
    raise PolicyError(f"no free version found after {candidate}")  # pragma: no cover


def next_version(
    line: ReleaseLine,
    reachable: list[Tag],
    all_tags: list[Tag],
    release_series: Iterable[tuple[int, int]],
    config: Config,
) -> Version:
    """The next version of ``line``, like ``git describe`` with version-aware ordering.

    ``reachable`` are the version tags reachable from the line's head,
    ``all_tags`` every version tag in the repository, ``release_series`` the
    series that have a release branch.

    * release line X.Y: the patch after its latest release (``8.0.20`` ->
      ``8.0.21``, ``v7r3p36`` -> ``v7r3p37``); the final ``X.Y.0`` after a
      pre-release, or when the line has no release yet;
    * integration: the next pre-release of the series in progress
      (``8.1.0a12`` -> ``8.1.0a13``); once that series has a release branch
      or a final release, the first alpha of the series after it.
    """
    taken = {t.version for t in all_tags}
    if line.series is not None:
        base = latest_release(releases_on_line(line, reachable))
        scheme = _scheme_for(line, line.series, base, all_tags, config)
        if base is None or base.version.is_prerelease:
            candidate = parse("{}.{}.0".format(*line.series))
        else:
            candidate = bump(base.version, "patch", scheme=PEP440)
        return _avoid_taken(candidate, "patch", taken).in_scheme(scheme)

    base = latest_release(releases_on_line(line, reachable))
    release_series = list(release_series)
    if config.integration_releases_finals(bool(release_series)):
        return _next_final_on_integration(line, base, all_tags, taken, config)
    branch_series = max(release_series, default=None)
    if base is not None and base.version.pep.pre is not None:
        final_exists = any(
            t.version.pep.release == base.version.pep.release and not t.version.is_prerelease
            for t in all_tags
        )
        if not final_exists and (branch_series is None or branch_series < base.version.series):
            scheme = _scheme_for(line, base.version.series, base, all_tags, config)
            candidate = bump(base.version, "pre", scheme=PEP440)
            return _avoid_taken(candidate, "pre", taken).in_scheme(scheme)
    known = [s for s in (branch_series, base.version.series if base else None) if s]
    if not known:
        raise InputError(
            f"no release reachable from {line.branch} and no release branch to start from: "
            "give the first version explicitly"
        )
    major, minor = max(known)
    opening = "alpha" if config.open_series_with == "final" else config.open_series_with
    candidate = bump(parse(f"{major}.{minor}.0"), "minor", open_series_with=opening)
    scheme = _scheme_for(line, candidate.series, None, all_tags, config)
    return _avoid_taken(candidate, "pre", taken).in_scheme(scheme)


def _next_final_on_integration(
    line: ReleaseLine, base: Tag | None, all_tags: list[Tag], taken: set[Version], config: Config
) -> Version:
    """The next version of an integration line that releases finals: the patch after its
    latest final, or the final of its latest pre-release."""
    if base is None:
        raise InputError(
            f"no release reachable from {line.branch}: give the first version explicitly"
        )
    if base.version.is_prerelease:
        candidate = parse("{}.{}.{}".format(*(*base.version.pep.release, 0, 0)[:3]))
    else:
        candidate = bump(base.version, "patch", scheme=PEP440)
    scheme = _scheme_for(line, candidate.series, base, all_tags, config)
    return _avoid_taken(candidate, "patch", taken).in_scheme(scheme)


def check_version(
    version: Version,
    line: ReleaseLine,
    reachable: list[Tag],
    all_tags: list[Tag],
    config: Config,
    release_branches: bool = True,
) -> list[str]:
    """The release-line rules ``version`` breaks on ``line``; empty when it may be released.

    ``release_branches``: whether the repository has release branches (without
    them, ``open_series_with = "final"`` lets the integration line release finals).
    """
    problems: list[str] = []
    if version.is_dev:
        problems.append(f"{version} is a .dev version: .dev versions are never released")
    if version.pep.local is not None:
        problems.append(
            f"{version} is a local version (+{version.pep.local}): package indexes refuse "
            "local versions, they are never released"
        )
    if version.pep.epoch and not config.allow_epochs:
        problems.append(
            f"{version} has an epoch ({version.pep.epoch}!): releasing epochs needs "
            "allow_epochs = true in the configuration"
        )
    if version.pep.post is not None and not config.allow_post_releases:
        problems.append(
            f"{version} is a .post release: releasing them needs "
            "allow_post_releases = true in the configuration"
        )
    finals_here = config.integration_releases_finals(release_branches)
    if line.series is None and not version.is_prerelease and not finals_here:
        problems.append(
            f"{line.branch} releases only pre-releases; {version} is a final release "
            f"(cut it from {config.release_branch(version.series)})"
        )
    if line.series is not None and version.series != line.series:
        problems.append(
            f"{line.branch} releases only {line.series_text} versions; "
            f"{version} is in series {version.series_text}"
        )
    tag_name = version.tag(config.tag_prefix)
    same = sorted(t.name for t in all_tags if t.version == version)
    if tag_name in {t.name for t in all_tags}:
        problems.append(f"tag {tag_name} already exists")
    elif same:
        problems.append(f"{version} is already released as {', '.join(same)}")
    on_line = releases_on_line(line, reachable)
    if line.series is not None:
        on_line += [t for t in all_tags if t.version.series == line.series]
    else:
        on_line += [t for t in all_tags if t.version.series == version.series]
    higher = latest_release(t for t in on_line if t.version >= version and t.version != version)
    if higher is not None:
        problems.append(
            f"{version} is not greater than {higher.name}, already released on {line.branch}"
        )
    return problems


def dual_tagged(
    line: ReleaseLine, reachable: list[Tag], all_tags: list[Tag], config: Config
) -> bool:
    """Whether the line tags each release twice, legacy and PEP 440 (``v7r3p38=v7.3.38``).

    The line's ``dual_tags`` setting when given; else whether its latest
    release carries a tag in each scheme.
    """
    configured = config.lines.get(line.branch)
    if configured is not None and configured.dual_tags is not None:
        return configured.dual_tags
    base = latest_release(releases_on_line(line, reachable))
    if base is None:
        return False
    return {t.version.scheme for t in all_tags if t.version == base.version} == {LEGACY, PEP440}


def release_tags(version: Version, dual: bool, config: Config) -> list[str]:
    """The tag names of a release: one, or legacy then PEP 440 on a dual-tagged line.

    A version with no legacy form (``8.0.0b1``) gets its PEP 440 tag only.
    """
    if dual and version.legacy is not None:
        return [version.in_scheme(LEGACY).tag(config.tag_prefix),
                version.in_scheme(PEP440).tag(config.tag_prefix)]  # fmt: skip
    return [version.tag(config.tag_prefix)]
