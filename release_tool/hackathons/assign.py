"""Which PRs belong to which hackathon, which pre-release shipped them, and a series' status.

Pure logic over plain data handed in by the adapter (:mod:`.gather`):

* a PR belongs to the hackathon whose label it carries; else to the
  hackathon whose window holds the time it arrived on the series' branch
  (both ends of the window included, to the second); else it is
  "between hackathons";
* a hackathon is released in the earliest pre-release (by version) that
  holds all of its PRs; with no PR, or before such a pre-release, it is not
  released yet.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from ..core.versions import Version
from .records import PASSED, RUNNING, UPCOMING, Hackathon, iso, state, window_text

BETWEEN = "between hackathons"


@dataclass(frozen=True)
class MergedPr:
    """A PR on the series' branch: when it arrived there, and its labels (when known)."""

    number: int
    ref: str
    title: str
    arrived_at: datetime | None
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class PreRelease:
    """A pre-release of the series: its version, tag, date and the PR refs it holds."""

    version: Version
    tag: str
    date: datetime
    refs: frozenset[str] = field(default_factory=frozenset)


@dataclass
class HackathonReport:
    """One hackathon as ``hackathon list`` shows it."""

    hackathon: Hackathon
    state: str
    prs: list[MergedPr]
    released_in: PreRelease | None

    def as_json(self) -> dict:
        """Stable keys: name, start, end, series, state, url, label, prs, released_in."""
        h = self.hackathon
        return {
            "name": h.name,
            "start": iso(h.start),
            "end": iso(h.end),
            "series": h.series,
            "state": self.state,
            "url": h.url,
            "label": h.label,
            "prs": sorted(pr.number for pr in self.prs),
            "released_in": self.released_in.version.canonical if self.released_in else None,
        }


@dataclass
class SeriesStatus:
    """The series in development: pre-releases, hackathons and unreleased PRs."""

    series: str
    branch: str
    prereleases: list[PreRelease]
    hackathons_passed: int
    hackathons_running: int
    hackathons_planned: int
    prs_since_latest: int

    @property
    def latest(self) -> PreRelease | None:
        """The highest pre-release of the series, or None."""
        return max(self.prereleases, key=lambda p: p.version, default=None)

    def as_json(self) -> dict:
        """Stable keys of ``series --json`` (and of ``lines --json`` for integration)."""
        latest = self.latest
        return {
            "series": self.series,
            "branch": self.branch,
            "latest": latest.version.canonical if latest else None,
            "latest_tag": latest.tag if latest else None,
            "latest_date": latest.date.date().isoformat() if latest else None,
            "prereleases": [p.version.canonical for p in self.prereleases],
            "hackathons_passed": self.hackathons_passed,
            "hackathons_running": self.hackathons_running,
            "hackathons_planned": self.hackathons_planned,
            "prs_since_latest": self.prs_since_latest,
        }

    def text(self) -> str:
        """``8.1.0a12 (2023-04-27); 6 hackathons passed, 1 planned; 14 PRs since 8.1.0a12``."""
        latest = self.latest
        head = (
            f"{latest.version.canonical} ({latest.date.date().isoformat()})"
            if latest
            else (f"{self.series}: no pre-release yet")
        )
        noun = "hackathon" if self.hackathons_passed == 1 else "hackathons"
        counts = f"{self.hackathons_passed} {noun} passed"
        if self.hackathons_running:
            counts += f", {self.hackathons_running} running"
        counts += f", {self.hackathons_planned} planned"
        since = latest.version.canonical if latest else "the start of the series"
        prs = "PR" if self.prs_since_latest == 1 else "PRs"
        return f"{head}; {counts}; {self.prs_since_latest} {prs} since {since}"


def owner(pr: MergedPr, hackathons: Iterable[Hackathon]) -> Hackathon | None:
    """The hackathon ``pr`` belongs to: by label first, else by arrival time; or None."""
    hackathons = list(hackathons)
    for h in hackathons:
        if h.label in pr.labels:
            return h
    if pr.arrived_at is not None:
        for h in hackathons:
            if h.contains(pr.arrived_at):
                return h
    return None


def assign(
    hackathons: list[Hackathon], prs: Iterable[MergedPr]
) -> tuple[dict[str, list[MergedPr]], list[MergedPr]]:
    """The PRs of each hackathon (by name, ascending numbers) and the PRs between hackathons."""
    owned: dict[str, list[MergedPr]] = {h.name: [] for h in hackathons}
    between: list[MergedPr] = []
    for pr in prs:
        h = owner(pr, hackathons)
        (owned[h.name] if h else between).append(pr)
    for group in owned.values():
        group.sort(key=lambda pr: pr.number)
    between.sort(key=lambda pr: pr.number)
    return owned, between


def released_in(refs: Iterable[str], prereleases: Iterable[PreRelease]) -> PreRelease | None:
    """The earliest pre-release (by version) holding every ref; None for no refs or none."""
    wanted = set(refs)
    if not wanted:
        return None
    for pre in sorted(prereleases, key=lambda p: p.version):
        if wanted <= pre.refs:
            return pre
    return None


def report(
    hackathons: list[Hackathon],
    prs: Iterable[MergedPr],
    prereleases: list[PreRelease],
    now: datetime,
) -> list[HackathonReport]:
    """Each hackathon with its state, PRs and the pre-release that first shipped them all."""
    owned, _ = assign(hackathons, prs)
    return [
        HackathonReport(
            h,
            state(h, now),
            owned[h.name],
            released_in((pr.ref for pr in owned[h.name]), prereleases),
        )  # fmt: skip
        for h in sorted(hackathons, key=lambda h: h.start)
    ]


def series_status(
    series: str,
    branch: str,
    hackathons: list[Hackathon],
    prereleases: list[PreRelease],
    prs_since_latest: int,
    now: datetime,
) -> SeriesStatus:
    """The status of ``series``: its hackathons are those recorded for it."""
    states = [state(h, now) for h in hackathons if h.series == series]
    return SeriesStatus(
        series=series,
        branch=branch,
        prereleases=sorted(prereleases, key=lambda p: p.version),
        hackathons_passed=states.count(PASSED),
        hackathons_running=states.count(RUNNING),
        hackathons_planned=states.count(UPCOMING),
        prs_since_latest=prs_since_latest,
    )


def notes_groups(
    hackathons: list[Hackathon], prs: Iterable[MergedPr]
) -> list[tuple[Hackathon | None, list[MergedPr]]]:
    """The PRs of a release grouped for its notes: each hackathon by start, then the rest.

    Empty groups are left out; ``None`` stands for "between hackathons".
    """
    owned, between = assign(hackathons, prs)
    groups: list[tuple[Hackathon | None, list[MergedPr]]] = [
        (h, owned[h.name]) for h in sorted(hackathons, key=lambda h: h.start) if owned[h.name]
    ]
    if between:
        groups.append((None, between))
    return groups


def group_heading(hackathon: Hackathon | None) -> str:
    """``Hackathon spring-2023 (2023-03-20 to 2023-03-24)``, or ``Between hackathons``."""
    if hackathon is None:
        return "Between hackathons"
    return f"Hackathon {hackathon.name} ({window_text(hackathon)})"
