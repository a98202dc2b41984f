"""The data model of a meeting status summary: one structure, rendered in every format.

Plain dataclasses, no I/O. :meth:`Summary.as_dict` gives the stable JSON
form documented in README.md (``since``, ``until``, ``lines``,
``series_in_development``, ``activity``, ``github``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from ..notes.model import Entry


def iso(moment: datetime | None) -> str | None:
    """A UTC datetime as ISO 8601 with ``Z`` (None stays None)."""
    if moment is None:
        return None
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def day(moment: datetime) -> str:
    """The UTC date of a moment, ``YYYY-MM-DD``."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d")


def entry_dict(entry: Entry) -> dict[str, Any]:
    """One notes entry as JSON: ``type``, ``refs``, ``text``, ``system``."""
    return {
        "type": entry.type,
        "refs": list(entry.refs),
        "text": entry.text,
        "system": entry.system,
    }


@dataclass
class Subject:
    """A system or component a release's notes name most, with its entries."""

    name: str
    kinds: str
    entries: list[Entry] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """``name``, ``kinds`` (``fixes``) and ``entries``."""
        return {
            "name": self.name,
            "kinds": self.kinds,
            "entries": [entry_dict(e) for e in self.entries],
        }


@dataclass
class ReleaseSummary:
    """One release in the window: version, date, PR count, headline and its reasons."""

    version: str
    tags: tuple[str, ...]
    line: str
    date: datetime
    prs: int
    headline: str
    subjects: list[Subject] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    notes_source: str = "generated"
    prerelease: bool = False
    overridden: bool = False

    def as_dict(self) -> dict[str, Any]:
        """The release's stable JSON keys."""
        return {
            "version": self.version,
            "tags": list(self.tags),
            "date": iso(self.date),
            "prerelease": self.prerelease,
            "prs": self.prs,
            "headline": self.headline,
            "subjects": [s.as_dict() for s in self.subjects],
            "entries": [entry_dict(e) for e in self.entries],
            "notes_source": self.notes_source,
            "overridden": self.overridden,
        }


@dataclass
class PendingPr:
    """A PR merged into a line but not released yet (or open, with ``--with-github``)."""

    ref: str
    number: int
    title: str
    since: datetime
    age_days: int
    url: str | None = None
    labels: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """``ref``, ``number``, ``title``, ``since`` (merge or creation), ``age_days``, ``url``."""
        return {
            "ref": self.ref,
            "number": self.number,
            "title": self.title,
            "since": iso(self.since),
            "age_days": self.age_days,
            "url": self.url,
            "labels": list(self.labels),
        }


@dataclass
class LineActivity:
    """PRs merged into a line in the window against the previous windows of the same length."""

    merged: int
    previous: list[int]
    usual: float
    words: str

    def as_dict(self) -> dict[str, Any]:
        """``merged``, ``previous`` (oldest first), ``usual`` (their median), ``words``."""
        return {
            "merged": self.merged,
            "previous": list(self.previous),
            "usual": self.usual,
            "words": self.words,
        }


@dataclass
class LineSummary:
    """One release line: its releases in the window, what waits, what comes next."""

    branch: str
    kind: str
    series: str | None
    releases: list[ReleaseSummary] = field(default_factory=list)
    pending: list[PendingPr] = field(default_factory=list)
    next_version: str | None = None
    activity: LineActivity | None = None
    recent_numbers: list[int] = field(default_factory=list)  # PRs merged in the last windows

    def as_dict(self) -> dict[str, Any]:
        """The line's stable JSON keys."""
        return {
            "branch": self.branch,
            "kind": self.kind,
            "series": self.series,
            "releases": [r.as_dict() for r in self.releases],
            "pending": [p.as_dict() for p in self.pending],
            "next_version": self.next_version,
            "activity": self.activity.as_dict() if self.activity else None,
        }


@dataclass
class SeriesStatus:
    """The series integration develops: its latest pre-release and the hackathons."""

    series: str
    branch: str
    latest: str | None
    latest_date: datetime | None
    new_in_window: list[str] = field(default_factory=list)
    hackathons_passed: int | None = None
    hackathons_planned: int | None = None

    @property
    def sentence(self) -> str:
        """``no change for 8.1.0`` or ``8.1.0a13 released``, as a slide says it."""
        if self.new_in_window:
            return f"{', '.join(self.new_in_window)} released"
        return f"no change for {self.series}.0"

    @property
    def detail(self) -> str:
        """``8.1.0a12 is compiled; 6 hackathons already passed, 1 planned``."""
        parts = []
        if self.latest is None:
            parts.append(f"no pre-release of {self.series} yet")
        else:
            parts.append(f"{self.latest} is compiled")
        if self.hackathons_passed is not None:
            text = f"{self.hackathons_passed} hackathon{'s' * (self.hackathons_passed != 1)}"
            text += " already passed"
            if self.hackathons_planned:
                text += f", {self.hackathons_planned} planned"
            parts.append(text)
        return "; ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        """The series' stable JSON keys."""
        return {
            "series": self.series,
            "branch": self.branch,
            "latest": self.latest,
            "latest_date": iso(self.latest_date),
            "new_in_window": list(self.new_in_window),
            "hackathons_passed": self.hackathons_passed,
            "hackathons_planned": self.hackathons_planned,
            "text": f"{self.sentence}: {self.detail}",
        }


@dataclass
class Activity:
    """Merged PRs over all shown lines, and per week for the chart."""

    merged: int
    previous: list[int]
    usual: float
    words: str
    weeks: list[datetime] = field(default_factory=list)
    weekly: dict[str, list[int]] = field(default_factory=dict)  # branch -> count per week

    def as_dict(self) -> dict[str, Any]:
        """``merged``, ``previous``, ``usual``, ``words`` and ``weekly`` (per line, per week)."""
        return {
            "merged": self.merged,
            "previous": list(self.previous),
            "usual": self.usual,
            "words": self.words,
            "weeks": [day(w) for w in self.weeks],
            "weekly": {branch: list(counts) for branch, counts in self.weekly.items()},
        }


@dataclass
class GithubStatus:
    """What GitHub adds: open PRs per base branch, PRs waiting for review, failed sweeps."""

    review_days: int
    open_prs: dict[str, list[PendingPr]] = field(default_factory=dict)
    waiting_review: list[PendingPr] = field(default_factory=list)
    failed_sweeps: list[PendingPr] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The GitHub section's stable JSON keys."""
        return {
            "review_days": self.review_days,
            "open_prs": {b: [p.as_dict() for p in prs] for b, prs in self.open_prs.items()},
            "waiting_review": [p.as_dict() for p in self.waiting_review],
            "failed_sweeps": [p.as_dict() for p in self.failed_sweeps],
        }


@dataclass
class Summary:
    """Everything one meeting summary says."""

    since: datetime
    until: datetime
    since_label: str
    until_label: str
    title: str
    lines: list[LineSummary] = field(default_factory=list)
    series_in_development: list[SeriesStatus] = field(default_factory=list)
    activity: Activity | None = None
    github: GithubStatus | None = None
    repo_url: str | None = None
    timeline: dict[str, list[tuple[str, datetime]]] = field(default_factory=dict)

    @property
    def releases(self) -> list[ReleaseSummary]:
        """Every release in the window, oldest first."""
        found = [r for line in self.lines for r in line.releases]
        return sorted(found, key=lambda r: (r.date, r.version))

    @property
    def final_releases(self) -> list[ReleaseSummary]:
        """Releases in the window that are not pre-releases, oldest first."""
        return [r for r in self.releases if not r.prerelease]

    @property
    def empty_line(self) -> str:
        """The one line said when the window holds no release."""
        return f"no release between {day(self.since)} and {day(self.until)}"

    def as_dict(self) -> dict[str, Any]:
        """The stable JSON form (see README.md, "Meeting summaries")."""
        return {
            "title": self.title,
            "since": iso(self.since),
            "until": iso(self.until),
            "since_label": self.since_label,
            "until_label": self.until_label,
            "lines": [line.as_dict() for line in self.lines],
            "series_in_development": [s.as_dict() for s in self.series_in_development],
            "activity": self.activity.as_dict() if self.activity else None,
            "github": self.github.as_dict() if self.github else None,
            "timeline": {
                branch: [{"version": v, "date": iso(d)} for v, d in marks]
                for branch, marks in self.timeline.items()
            },
        }
