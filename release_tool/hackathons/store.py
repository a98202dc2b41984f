"""Add an entry to ``hackathons.toml`` keeping the rest of the file as it was (pure).

tomlkit edits the document in place: comments, blank lines, key order and
the formatting of the other entries survive. The new entry goes before the
first entry that starts later, so a sorted file stays sorted. The result is
validated like any file before it is returned.
"""

from __future__ import annotations

from datetime import date

import tomlkit
from tomlkit.exceptions import TOMLKitError

from ..errors import InputError
from .records import HackathonError, parse_hackathons, to_utc, valid_name


def _toml_moment(value: str, option: str, *, end: bool):
    """A TOML date for ``YYYY-MM-DD``, else a UTC date-time; InputError naming the option."""
    text = value.strip()
    try:
        moment = to_utc(text, end=end)
    except ValueError as exc:
        raise InputError(f"{option}: {exc}") from None
    if len(text) == 10:
        return date.fromisoformat(text)
    return moment


def add_entry(
    text: str,
    *,
    name: str,
    start: str,
    end: str,
    series: str | None = None,
    url: str | None = None,
    label: str | None = None,
    source: str = "hackathons.toml",
    known_series: set[str] | None = None,
) -> str:
    """``text`` with a new ``[[hackathon]]`` entry; errors name the entry and field."""
    if not valid_name(name):
        raise InputError(f"hackathon name must be letters, digits and '._ +-', not {name!r}")
    try:
        doc = tomlkit.parse(text)
    except TOMLKitError as exc:
        raise HackathonError(f"{source}: not valid TOML: {exc}") from None
    existing = parse_hackathons(text, source, known_series=None)
    begin = _toml_moment(start, "--start", end=False)
    table = tomlkit.table()
    table["name"] = name
    table["start"] = begin
    table["end"] = _toml_moment(end, "--end", end=True)
    for key, value in (("series", series), ("url", url), ("label", label)):
        if value is not None:
            table[key] = value
    new_start = to_utc(start.strip(), end=False)
    if "hackathon" not in doc:
        entries = tomlkit.aot()
        entries.append(table)
        if text.strip():
            doc.add(tomlkit.nl())
        doc.append("hackathon", entries)
    else:
        entries = doc["hackathon"]
        if not isinstance(entries, tomlkit.items.AoT):
            raise HackathonError(f"{source}: 'hackathon' must be an array of tables")
        starts = {h.name: h.start for h in existing}
        position = next(
            (n for n, entry in enumerate(entries)
             if starts.get(str(entry.get("name")), new_start) > new_start),
            len(entries),
        )  # fmt: skip
        if position == len(entries):
            entries[-1].add(tomlkit.nl())
            entries.append(table)
        else:
            table.add(tomlkit.nl())
            entries.insert(position, table)
    updated = tomlkit.dumps(doc)
    parse_hackathons(updated, source, known_series=known_series)
    return updated
