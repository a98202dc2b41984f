"""Adapters that feed a summary from outside history: hackathon records and GitHub.

* :func:`hackathon_counts`: passed and planned hackathons of a series, from the
  repository's hackathon records (:mod:`release_tool.hackathons.records`);
* :func:`github_status`: open PRs per base branch, PRs waiting for review
  longer than ``review_days``, and failed sweeps (label ``sweep:failed``),
  from one listing of open PRs and one bulk fetch of the lines' recent PRs
  (cached): never one request per PR.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from ..core.config import Config
from ..errors import ReleaseToolError
from .model import GithubStatus, PendingPr, Summary
from .window import parse_date

log = logging.getLogger(__name__)
FAILED_SWEEP = "sweep:failed"


def hackathon_counts(
    root: Path, config: Config
) -> Callable[[str, datetime, datetime | None], tuple[int, int] | None] | None:
    """A function ``(series, moment, opened) -> (passed, planned)``, or None without records.

    A hackathon without a series counts for the series integration was
    developing when it started: the series in development when it started
    after ``opened`` (when integration moved to that series), else an older one.
    """
    from ..hackathons.records import PASSED, load_hackathons, state

    hackathons = load_hackathons(Path(root), config.hackathons_file)
    if not hackathons:
        return None

    def counts(series: str, moment: datetime, opened: datetime | None) -> tuple[int, int]:
        mine = [
            h
            for h in hackathons
            if h.series == series or (h.series is None and (opened is None or h.start >= opened))
        ]
        passed = sum(1 for h in mine if state(h, moment) == PASSED)
        return passed, len(mine) - passed

    return counts


def _moment(text: str | None) -> datetime | None:
    """A GitHub timestamp as a UTC datetime (None when absent or unreadable)."""
    if not text:
        return None
    try:
        return parse_date(text)
    except ReleaseToolError:
        return None


def github_status(forge, summary: Summary, config: Config) -> GithubStatus | None:
    """The GitHub section of a summary; None when the forge cannot answer."""
    days = config.summary_settings().review_days
    status = GithubStatus(review_days=days)
    try:
        open_prs = forge.list_prs(state="open")
    except ReleaseToolError as exc:
        log.warning("cannot list open PRs: %s", exc)
        return None
    branches = [line.branch for line in summary.lines]
    for pr in sorted(open_prs, key=lambda p: p.number):
        created = _moment(pr.created_at) or _moment(pr.updated_at) or summary.until
        entry = PendingPr(
            ref=f"#{pr.number}",
            number=pr.number,
            title=pr.title,
            since=created,
            age_days=max(0, (summary.until - created).days),
            url=pr.url,
            labels=list(pr.labels),
        )
        base = pr.base if pr.base in branches else "other branches"
        status.open_prs.setdefault(base, []).append(entry)
        if entry.age_days > days:
            status.waiting_review.append(entry)
        if FAILED_SWEEP in pr.labels:
            status.failed_sweeps.append(entry)
    ordered = {b: status.open_prs[b] for b in [*branches, "other branches"] if b in status.open_prs}
    status.open_prs = ordered
    numbers = sorted({n for line in summary.lines for n in line.recent_numbers})
    if numbers:
        fetched = forge.fetch_prs(numbers)
        for number in numbers:
            info = fetched.prs.get(number)
            if info is not None and FAILED_SWEEP in info.labels:
                merged = _moment(info.merged_at) or summary.until
                status.failed_sweeps.append(
                    PendingPr(
                        ref=f"#{number}",
                        number=number,
                        title=info.title,
                        since=merged,
                        age_days=max(0, (summary.until - merged).days),
                        url=info.url,
                        labels=list(info.labels),
                    )
                )
    return status
