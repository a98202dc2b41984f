"""Hackathon records: parse and validate ``hackathons.toml`` (pure), load it (adapter).

The file lives in the target repository and is reviewed like code::

    [[hackathon]]
    name = "spring-2023"
    start = 2023-03-20            # a date means 00:00:00 UTC that day
    end = 2023-03-24              # a date means 23:59:59 UTC that day (the last second)
    series = "8.1"                # optional: default, integration's series at the start
    url = "https://indico.example/event/1"    # optional
    label = "hackathon:spring-2023"           # optional, this is the default

Date-times are UTC: a naive date-time is read as UTC, one with an offset is
converted to UTC. Strings in ISO 8601 are accepted as well as TOML dates.

A hackathon's window is closed at both ends, to the second: a merge at
exactly ``start`` or exactly ``end`` is inside. Two hackathons overlap when
their windows share a second; overlapping entries are refused, so a merge
time belongs to one hackathon at most.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Any

from ..compat import tomllib
from ..errors import InputError

DEFAULT_FILE = "hackathons.toml"
UPCOMING = "upcoming"
RUNNING = "running"
PASSED = "passed"
FIELDS = ("name", "start", "end", "series", "url", "label")

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._ +-]*\Z")
_SERIES = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\Z")


class HackathonError(InputError):
    """A hackathon record is invalid (one line naming the file, entry and field)."""


@dataclass(frozen=True)
class Hackathon:
    """One hackathon: a named window of UTC time, for a series, with a PR label."""

    name: str
    start: datetime
    end: datetime
    series: str | None
    url: str | None
    label: str

    def contains(self, moment: datetime) -> bool:
        """Whether ``moment`` is inside the window (both ends included)."""
        return self.start <= moment <= self.end


def default_label(name: str) -> str:
    """The label that assigns PRs to hackathon ``name``: ``hackathon:<name>``."""
    return f"hackathon:{name}"


def state(hackathon: Hackathon, now: datetime) -> str:
    """``upcoming`` before the start, ``running`` inside the window, ``passed`` after it."""
    if now < hackathon.start:
        return UPCOMING
    if now <= hackathon.end:
        return RUNNING
    return PASSED


def series_tuple(series: str) -> tuple[int, int]:
    """``"8.1"`` as ``(8, 1)`` (the text must already be valid)."""
    major, minor = series.split(".")
    return int(major), int(minor)


def valid_series(text: Any) -> bool:
    """Whether ``text`` is a series written ``X.Y``."""
    return isinstance(text, str) and _SERIES.match(text) is not None


def valid_name(text: Any) -> bool:
    """Whether ``text`` can name a hackathon (letters, digits, ``._ +-``; one line)."""
    return isinstance(text, str) and len(text) <= 100 and _NAME.match(text) is not None


def to_utc(value: Any, *, end: bool) -> datetime:
    """A TOML date, date-time or ISO 8601 string as an aware UTC date-time.

    A date alone is the first second of that day for a start and the last
    second for an end. Raises ValueError (with a short reason) otherwise.
    """
    if isinstance(value, str):
        text = value.strip()
        try:
            value = date.fromisoformat(text) if len(text) == 10 else _parse_datetime(text)
        except ValueError:
            raise ValueError(f"{value!r} is not a date or date-time (ISO 8601)") from None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc).replace(microsecond=0)
    if isinstance(value, date):
        moment = time(23, 59, 59) if end else time(0, 0, 0)
        return datetime.combine(value, moment, tzinfo=timezone.utc)
    if isinstance(value, time):
        raise ValueError(f"{value.isoformat()} is a time without a date")
    raise ValueError(f"{value!r} is not a date or date-time")


def _parse_datetime(text: str) -> datetime:
    """An ISO 8601 date-time, with ``Z`` accepted for UTC on every Python version."""
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    return datetime.fromisoformat(text)


def parse_hackathons(
    text: str,
    source: str = DEFAULT_FILE,
    *,
    known_series: set[str] | None = None,
) -> list[Hackathon]:
    """The hackathons of a ``hackathons.toml`` text, sorted by start.

    ``known_series`` (when given) is every series the repository knows; an
    entry naming another series is refused. Every invalid entry is a
    :class:`HackathonError` with one line naming the file, the entry and
    the field.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise HackathonError(f"{source}: not valid TOML: {exc}") from None
    unknown = sorted(set(data) - {"hackathon"})
    if unknown:
        raise HackathonError(
            f"{source}: unknown top-level key {unknown[0]!r} (entries are [[hackathon]] tables)"
        )
    entries = data.get("hackathon", [])
    if not isinstance(entries, list):
        raise HackathonError(f"{source}: 'hackathon' must be an array of tables ([[hackathon]])")
    hackathons: list[Hackathon] = []
    for position, entry in enumerate(entries, start=1):
        hackathons.append(_entry(entry, position, source, known_series))
    _check_together(hackathons, source)
    return sorted(hackathons, key=lambda h: h.start)


def _where(source: str, position: int, name: Any) -> str:
    """``hackathons.toml: hackathon "spring" (entry 2)``, for error messages."""
    if valid_name(name):
        return f'{source}: hackathon "{name}" (entry {position})'
    return f"{source}: hackathon entry {position}"


def _entry(entry: Any, position: int, source: str, known: set[str] | None) -> Hackathon:
    """One validated entry."""
    if not isinstance(entry, dict):
        raise HackathonError(f"{_where(source, position, None)}: must be a table")
    name = entry.get("name")
    where = _where(source, position, name)
    for key in entry:
        if key not in FIELDS:
            raise HackathonError(f"{where}: unknown field {key!r} (fields: {', '.join(FIELDS)})")
    if name is None:
        raise HackathonError(f"{where}: field 'name' is missing")
    if not valid_name(name):
        raise HackathonError(
            f"{where}: field 'name' must be letters, digits and '._ +-', not {name!r}"
        )
    moments = {}
    for key in ("start", "end"):
        if key not in entry:
            raise HackathonError(f"{where}: field {key!r} is missing")
        try:
            moments[key] = to_utc(entry[key], end=key == "end")
        except ValueError as exc:
            raise HackathonError(f"{where}: field {key!r}: {exc}") from None
    start, end = moments["start"], moments["end"]
    if end < start:
        raise HackathonError(
            f"{where}: field 'end' ({end.isoformat()}) is before 'start' ({start.isoformat()})"
        )
    series = entry.get("series")
    if series is not None:
        if not valid_series(series):
            raise HackathonError(
                f"{where}: field 'series' must be a series such as \"8.1\", not {series!r}"
            )
        if known is not None and series not in known:
            listed = ", ".join(sorted(known, key=series_tuple)) or "none"
            raise HackathonError(
                f"{where}: field 'series': unknown series {series!r} (known: {listed})"
            )
    url = entry.get("url")
    if url is not None and (not isinstance(url, str) or not re.match(r"https?://\S+\Z", url)):
        raise HackathonError(f"{where}: field 'url' must be an http(s) URL, not {url!r}")
    label = entry.get("label", default_label(name))
    if not isinstance(label, str) or not label.strip() or "\n" in label or len(label) > 100:
        raise HackathonError(f"{where}: field 'label' must be a one-line label, not {label!r}")
    return Hackathon(name=name, start=start, end=end, series=series, url=url, label=label)


def _check_together(hackathons: list[Hackathon], source: str) -> None:
    """Duplicate names and labels, and overlapping windows, across entries."""
    seen: dict[str, int] = {}
    labels: dict[str, str] = {}
    for position, h in enumerate(hackathons, start=1):
        where = _where(source, position, h.name)
        if h.name in seen:
            raise HackathonError(f"{where}: field 'name': duplicate of entry {seen[h.name]}")
        seen[h.name] = position
        if h.label in labels:
            raise HackathonError(
                f"{where}: field 'label': {h.label!r} is already the label of "
                f'hackathon "{labels[h.label]}"'
            )
        labels[h.label] = h.name
    ordered = sorted(enumerate(hackathons, start=1), key=lambda item: item[1].start)
    for (_, before), (position, after) in zip(ordered, ordered[1:], strict=False):
        if after.start <= before.end:
            raise HackathonError(
                f"{_where(source, position, after.name)}: field 'start' "
                f'({after.start.isoformat()}) overlaps hackathon "{before.name}" '
                f"({before.start.isoformat()} to {before.end.isoformat()})"
            )


def find(hackathons: list[Hackathon], name: str) -> Hackathon:
    """The hackathon called ``name``, or an InputError listing the names."""
    for h in hackathons:
        if h.name == name:
            return h
    names = ", ".join(h.name for h in hackathons) or "none recorded"
    raise InputError(f"no hackathon named {name!r} (hackathons: {names})")


def hackathons_path(root: Path, path: str | None = None) -> Path:
    """Where the hackathons file of the repository at ``root`` is (adapter)."""
    if path is None:
        from ..core.config import load_config

        path = load_config(Path(root)).hackathons_file
    return Path(root) / path


def load_hackathons(
    root: Path, path: str | None = None, *, known_series: set[str] | None = None
) -> list[Hackathon]:
    """The hackathons recorded in the repository at ``root``; [] when there is no file.

    ``path`` is relative to ``root`` (default: the ``hackathons_file`` key
    of ``[tool.release-tool]``, else ``hackathons.toml``).
    """
    file = hackathons_path(root, path)
    if not file.exists():
        return []
    if not file.is_file():
        raise HackathonError(f"{file.name}: not a regular file")
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise HackathonError(f"{file.name}: cannot read: {exc}") from None
    source = str(file.relative_to(root)) if file.is_relative_to(root) else str(file)
    return parse_hackathons(text, source, known_series=known_series)


def window_text(h: Hackathon) -> str:
    """``2023-03-20 to 2023-03-24`` (dates only when the window covers whole days)."""
    whole = h.start.time() == time(0, 0, 0) and h.end.time() == time(23, 59, 59)
    if whole:
        return f"{h.start.date().isoformat()} to {h.end.date().isoformat()}"
    fmt = "%Y-%m-%d %H:%M:%SZ"
    return f"{h.start.strftime(fmt)} to {h.end.strftime(fmt)}"


def iso(moment: datetime) -> str:
    """An aware UTC date-time in ISO 8601 with ``Z``."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
