"""The time window of a summary: dates, meeting schedules, and activity in words.

Pure: every moment is a timezone-aware UTC :class:`datetime`; refs are
resolved to commit times by the caller, who hands in a resolver.

* ``--since``/``--until`` take ``YYYY-MM-DD``, ``YYYY-MM-DDTHH:MM[:SS]`` (UTC
  unless an offset is given), or a ref (its commit time);
* the default ``--since`` is the previous meeting: the latest of the
  configured ``meetings`` dates before ``until``, else ``until`` minus
  ``meeting_every`` (``"2 weeks"``, ``"14 days"``, ``"1 month"``), else 14 days;
* activity compares the PRs merged in the window with the median of the
  previous windows of the same length, and says it in words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta, timezone

from ..errors import ConfigError, InputError

DEFAULT_PERIOD = timedelta(days=14)
PREVIOUS_WINDOWS = 6
_PERIOD = re.compile(r"^\s*(?P<n>[1-9][0-9]*)\s*(?P<unit>days?|weeks?|months?)\s*$", re.I)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")


def utc(moment: datetime) -> datetime:
    """``moment`` in UTC (a naive datetime is taken as UTC)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def from_timestamp(seconds: int | float) -> datetime:
    """A Unix time as a UTC datetime."""
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


def parse_date(text: str) -> datetime | None:
    """A date or date-time as UTC; None when ``text`` is not written as one.

    Raises InputError for something shaped like a date that is not one
    (``2026-02-30``).
    """
    text = text.strip()
    try:
        if _DATE.match(text):
            return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=timezone.utc)
        if _DATETIME.match(text):
            return utc(datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T")))
    except ValueError as exc:
        raise InputError(f"not a valid date: {text!r} ({exc})") from None
    return None


def parse_period(text: str, key: str = "meeting_every") -> str:
    """``text`` if it is a period such as ``2 weeks``; ConfigError naming ``key`` otherwise."""
    if not isinstance(text, str) or not _PERIOD.match(text):
        raise ConfigError(f'{key} must be a period such as "2 weeks", "14 days" or "1 month"')
    return text


def subtract_period(moment: datetime, period: str) -> datetime:
    """``moment`` minus a period (``2 weeks``; a month is a calendar month)."""
    match = _PERIOD.match(period)
    if match is None:
        raise ConfigError(f"not a period: {period!r}")
    n, unit = int(match["n"]), match["unit"].lower().rstrip("s")
    if unit == "day":
        return moment - timedelta(days=n)
    if unit == "week":
        return moment - timedelta(weeks=n)
    month = moment.month - 1 - n
    year = moment.year + month // 12
    month = month % 12 + 1
    for day_ in range(moment.day, 0, -1):
        try:
            return moment.replace(year=year, month=month, day=day_)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def parse_meetings(value: object, key: str = "meetings") -> tuple[datetime, ...]:
    """A list of meeting dates (TOML dates or strings), sorted; ConfigError when not."""
    if not isinstance(value, list):
        raise ConfigError(f"{key} must be a list of dates")
    found = []
    for item in value:
        if isinstance(item, datetime):
            found.append(utc(item))
        elif isinstance(item, date):
            found.append(datetime(item.year, item.month, item.day, tzinfo=timezone.utc))
        elif isinstance(item, str):
            try:
                moment = parse_date(item)
            except InputError:
                moment = None
            if moment is None:
                raise ConfigError(f"{key}: not a date: {item!r}")
            found.append(moment)
        else:
            raise ConfigError(f"{key}: not a date: {item!r}")
    return tuple(sorted(found))


def previous_meeting(
    until: datetime, meetings: Sequence[datetime] = (), every: str | None = None
) -> datetime:
    """The start of the default window: the last meeting before ``until``."""
    earlier = [m for m in meetings if m < until]
    if earlier:
        return earlier[-1]
    if every:
        return subtract_period(until, every)
    return until - DEFAULT_PERIOD


def resolve_moment(text: str, what: str, ref_time: Callable[[str], datetime | None]) -> datetime:
    """A ``--since``/``--until`` value as a moment: a date, else a ref's commit time."""
    moment = parse_date(text)
    if moment is not None:
        return moment
    found = ref_time(text)
    if found is None:
        raise InputError(
            f"{what} {text!r} is neither a date (YYYY-MM-DD, YYYY-MM-DDTHH:MM) nor a ref "
            "of the repository"
        )
    return found


def previous_windows(
    since: datetime, until: datetime, count: int = PREVIOUS_WINDOWS
) -> list[tuple[datetime, datetime]]:
    """The ``count`` windows of the same length before ``[since, until)``, oldest first."""
    length = until - since
    return [(since - length * k, since - length * (k - 1)) for k in range(count, 0, -1)]


def usual(previous: Sequence[int]) -> float:
    """The median of the previous windows' counts (0 with none)."""
    if not previous:
        return 0.0
    ordered = sorted(previous)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


def _number(value: float) -> str:
    """``17`` or ``16.5``."""
    return str(int(value)) if value == int(value) else f"{value:.1f}"


def activity_words(merged: int, typical: float) -> str:
    """``little dev activity: 3 PRs merged, usually 17`` and its siblings."""
    prs = f"{merged} PR{'s' * (merged != 1)} merged"
    if typical == 0:
        level = "no dev activity" if merged == 0 else "dev activity"
        return f"{level}: {prs}" + (", usually none" if merged else "")
    ratio = merged / typical
    if ratio < 0.5:
        level = "little dev activity"
    elif ratio > 1.5:
        level = "busy dev activity"
    else:
        level = "usual dev activity"
    return f"{level}: {prs}, usually {_number(typical)}"


def week_starts(start: datetime, end: datetime) -> list[datetime]:
    """Mondays (00:00 UTC) of the weeks that meet ``[start, end)``."""
    first = utc(start).replace(hour=0, minute=0, second=0, microsecond=0)
    first -= timedelta(days=first.weekday())
    weeks = []
    while first < end:
        weeks.append(first)
        first += timedelta(weeks=1)
    return weeks


def count_in(times: Sequence[datetime], start: datetime, end: datetime) -> int:
    """How many of ``times`` fall in ``(start, end]``, as releases do in the window."""
    return sum(1 for t in times if start < t <= end)
