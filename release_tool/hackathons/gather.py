"""The adapter of the hackathon core: records, PRs, arrival times, labels and pre-releases.

Reads the repository (through the git adapter and the history index) and,
when GitHub is configured, the PRs' labels; hands plain data to
:mod:`.assign`.

*Arrival time.* A PR's time on a branch is the commit time of the
first-parent commit of that branch that brought it in: its merge commit for
a PR merged into the branch, the forward merge for a PR merged into another
branch first, the squash commit for a squash merge. Only first-parent
commits inside a hackathon window are examined.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cached_property

from ..core.lines import INTEGRATION
from ..core.tags import Release
from ..errors import InputError
from ..history.discovery import Discovery
from ..history.index import PullRequest
from .assign import MergedPr, PreRelease, SeriesStatus, series_status
from .records import Hackathon, load_hackathons, series_tuple, valid_series


def utc(timestamp: int) -> datetime:
    """A Unix time as an aware UTC date-time."""
    return datetime.fromtimestamp(timestamp, tz=timezone.utc)


def forge_configured(settings) -> bool:
    """Whether GitHub is configured (a URL, a token file, a token in the environment)."""
    has_token = any(os.environ.get(v) for v in ("GITHUB_TOKEN", "GH_TOKEN"))
    return bool(settings.github_url or settings.token_file or settings.token or has_token)


@dataclass
class SeriesData:
    """Everything the hackathon commands show about one series."""

    series: str
    branch: str
    hackathons: list[Hackathon]  # of this series
    prs: list[MergedPr]  # candidates: on the branch, in a window or labelled
    prereleases: list[PreRelease]
    prs_since_latest: int

    def status(self, now: datetime) -> SeriesStatus:
        """The series status at ``now``."""
        return series_status(self.series, self.branch, self.hackathons, self.prereleases,
                             self.prs_since_latest, now)  # fmt: skip


class HackathonView:
    """Hackathons of one repository, with their series resolved."""

    def __init__(
        self,
        settings,
        *,
        forge: Callable[[], object] | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        """Work on ``settings``' repository; ``forge`` builds the GitHub client for labels."""
        self.settings = settings
        self.repo = settings.repo
        self.inventory = settings.inventory
        self.config = settings.config
        self.progress = progress
        self._forge = forge
        self.discovery = Discovery(self.inventory, progress=progress)

    # -- series -------------------------------------------------------------------

    @cached_property
    def integration(self) -> str | None:
        """The integration branch, or None."""
        lines = [line for line in self.inventory.lines() if line.kind == INTEGRATION]
        return lines[0].branch if lines else None

    @cached_property
    def developing(self) -> str | None:
        """The series integration is developing now (of its next version)."""
        if self.integration is None:
            return None
        try:
            return self.inventory.next_version(self.integration).series_text
        except InputError:
            return None

    @cached_property
    def known_series(self) -> set[str]:
        """Every series with a version tag or a release branch, and the one in development."""
        known = {t.version.series_text for t in self.inventory.tags}
        known |= {"{}.{}".format(*s) for s in self.inventory.release_series()}
        if self.developing:
            known.add(self.developing)
        return known

    @cached_property
    def prerelease_releases(self) -> list[Release]:
        """Every pre-release of the repository (grouped tags), ascending."""
        return [r for r in self.discovery.releases if r.version.is_prerelease]

    def release_time(self, release: Release) -> datetime:
        """The date of a release: the commit time of its tagged commit."""
        return utc(self.repo.commit_time(release.commit))

    @cached_property
    def hackathons(self) -> list[Hackathon]:
        """The recorded hackathons; a missing ``series`` is the one developed at the start."""
        records = load_hackathons(self.repo.root, self.config.hackathons_file,
                                  known_series=self.known_series)  # fmt: skip
        resolved = []
        for h in records:
            if h.series is None:
                h = dataclasses.replace(h, series=self._series_at(h.start))
            resolved.append(h)
        return resolved

    def _series_at(self, moment: datetime) -> str | None:
        """The series integration developed at ``moment``: of its first pre-release after it."""
        for release in self.prerelease_releases:
            if self.release_time(release) >= moment:
                return release.version.series_text
        return self.developing

    def series_or_default(self, series: str | None) -> str:
        """``series`` checked, or the one integration develops."""
        if series is None:
            if self.developing is None:
                raise InputError("no series in development: no integration line with a next "
                                 "pre-release; give the series (e.g. 8.1)")  # fmt: skip
            return self.developing
        if not valid_series(series):
            raise InputError(f'not a series: {series!r} (write it like "8.1")')
        if series not in self.known_series:
            known = ", ".join(sorted(self.known_series, key=series_tuple))
            raise InputError(f"unknown series {series!r} (known: {known})")
        return series

    def branch_for(self, series: str) -> str:
        """The branch of a series: its release branch when there is one, else integration."""
        release_branch = self.config.release_branch(series_tuple(series))
        if release_branch in self.inventory.branches:
            return release_branch
        if self.integration is None:
            raise InputError(f"no branch develops series {series}: neither {release_branch} "
                             "nor an integration branch exists")  # fmt: skip
        return self.integration

    # -- PRs ----------------------------------------------------------------------

    def arrivals(self, branch: str, windows: list[Hackathon]) -> dict[str, datetime]:
        """For PR-carrying commits that reached ``branch`` inside a window: the arrival time."""
        if not windows:
            return {}
        found: dict[str, datetime] = {}
        tip = self.inventory.branches[branch].commit
        earliest = min(h.start for h in windows)
        fmt = "--format=%H %ct %P"
        with self.repo.stream("log", "--first-parent", fmt, tip, "--") as lines:
            chosen = []
            for line in lines:
                sha, when, *parents = line.split(" ")
                moment = utc(int(when))
                if moment >= earliest and any(h.contains(moment) for h in windows):
                    chosen.append((sha, moment, parents[:1]))
        for sha, moment, first in chosen:
            args = ["rev-list", sha, *(f"^{p}" for p in first), "--"]
            for commit in self.repo.run(*args).split():
                found.setdefault(commit, moment)
        return found

    def labels(self, prs: list[PullRequest]) -> dict[int, tuple[str, ...]]:
        """The labels of GitHub PRs, when GitHub is configured; {} otherwise."""
        numbers = {pr.number for pr in prs if pr.ref.startswith("#")}
        if not numbers or not (self._forge or forge_configured(self.settings)):
            return {}
        forge = (self._forge or (lambda: self.settings.github_forge(self.progress)))()
        fetched = forge.fetch_prs(numbers)
        return {n: tuple(info.labels or ()) for n, info in fetched.prs.items()}

    def series_data(self, series: str, *, with_labels: bool = True) -> SeriesData:
        """PRs, pre-releases and hackathons of ``series`` (labels from GitHub if asked)."""
        branch = self.branch_for(series)
        mine = [h for h in self.hackathons if h.series == series]
        head = self.inventory.branches[branch].commit
        pres = [r for r in self.prerelease_releases if r.version.series_text == series]
        index = self.discovery.index([head, *(r.commit for r in pres)])
        on_branch = index.between(head, None)
        arrived = self.arrivals(branch, mine)
        earliest = min((h.start for h in mine), default=None)
        candidates = [
            pr for pr in on_branch
            if pr.commit in arrived or (earliest is not None and utc(pr.merged_at) >= earliest)
        ]  # fmt: skip
        labels = self.labels(candidates) if mine and with_labels else {}
        prs = [
            MergedPr(pr.number, pr.ref, pr.title, arrived.get(pr.commit),
                     labels.get(pr.number, ()) if pr.ref.startswith("#") else ())
            for pr in candidates
        ]  # fmt: skip
        prereleases = [
            PreRelease(r.version, r.tags[0], self.release_time(r),
                       frozenset(pr.ref for pr in index.between(r.commit, None)))
            for r in pres
        ]  # fmt: skip
        latest = max(pres, key=lambda r: r.version, default=None)
        since = latest.commit if latest and index.contains(latest.commit, head) else None
        if since is None:  # no pre-release of the series yet: since the line's last release
            since = self.discovery.for_branch(branch).since
            if since is not None:
                index = self.discovery.index([since])
        pending = index.between(head, since)
        return SeriesData(series, branch, mine, prs, prereleases, len(pending))

    def release_prs(self, branch: str, prs: list[PullRequest], series: str) -> list[MergedPr]:
        """The PRs of a release being cut, with arrival times and labels, for its notes."""
        mine = [h for h in self.hackathons if h.series == series]
        arrived = self.arrivals(branch, mine)
        labels = self.labels(prs) if mine else {}
        return [
            MergedPr(pr.number, pr.ref, pr.title, arrived.get(pr.commit),
                     labels.get(pr.number, ()) if pr.ref.startswith("#") else ())
            for pr in prs
        ]  # fmt: skip


@dataclass
class Listing:
    """``hackathon list``: the hackathons of each series and the PRs between them."""

    reports: list  # of assign.HackathonReport, by start
    between: dict[str, list[MergedPr]]  # by series: PRs since the first start, in no hackathon

    def as_json(self) -> list[dict]:
        """One object per hackathon (``hackathon list --json``)."""
        return [r.as_json() for r in self.reports]


def hackathon_listing(view: HackathonView, series: str | None, now: datetime) -> Listing:
    """Every hackathon (of ``series`` when given) with its state, PRs and first pre-release."""
    from .assign import assign, report

    if series is not None:
        series = view.series_or_default(series)
    wanted = [h for h in view.hackathons if series is None or h.series == series]
    reports, between = [], {}
    for name in sorted({h.series for h in wanted if h.series}, key=series_tuple):
        data = view.series_data(name)
        reports += report(data.hackathons, data.prs, data.prereleases, now)
        between[name] = assign(data.hackathons, data.prs)[1]
    reports += report([h for h in wanted if not h.series], [], [], now)
    reports.sort(key=lambda r: r.hackathon.start)
    return Listing(reports, between)
