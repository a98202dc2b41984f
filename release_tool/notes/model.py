"""The structure of release notes: entries, sections per system, releases, lint problems.

Plain dataclasses without behaviour beyond conversion to JSON-able dicts.
The same structure comes out of every source: a PR body's DIRAC block, a
towncrier fragment, a PR title, labels, and an existing ``release.notes``
file.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

_REF_NUMBER = re.compile(r"\d+")


@functools.lru_cache(maxsize=1 << 16)
def ref_number(ref: str) -> int | None:
    """The number in a ref (``7005`` for ``#7005``), or None; kept, as entries are sorted by it."""
    match = _REF_NUMBER.search(ref)
    return int(match.group()) if match else None


@dataclass
class Entry:
    """One release-note item.

    ``type`` is a canonical type (``NEW``, ``FIX``, ...) or None for an item
    the notes did not type (a line under a system heading without ``TYPE:``,
    an unclassified PR). ``refs`` are PR references as written: ``#7005``
    (GitHub) or ``!257`` (GitLab). ``text`` may span several lines (joined
    continuation lines, without their indentation). ``source`` says where the
    entry came from (``body``, ``towncrier``, ``title``, ``labels``, ``file``,
    ``unclassified``) or, for an excluded PR, why it was excluded.
    """

    type: str | None
    refs: list[str]
    text: str
    system: str | None = None
    breaking: bool = False
    source: str | None = None

    @property
    def number(self) -> int | None:
        """The number of the entry's first ref (``7005`` for ``#7005``), or None."""
        for ref in self.refs:
            number = ref_number(ref)
            if number is not None:
                return number
        return None

    def as_dict(self) -> dict[str, Any]:
        """JSON-able form with stable keys: ``type``, ``refs``, ``text``, ``breaking``."""
        return {
            "type": self.type,
            "refs": list(self.refs),
            "text": self.text,
            "breaking": self.breaking,
        }


@dataclass
class Section:
    """The entries of one system (``system`` None: entries under no heading)."""

    system: str | None
    entries: list[Entry] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-able form with stable keys: ``system``, ``entries``."""
        return {"system": self.system, "entries": [e.as_dict() for e in self.entries]}


@dataclass
class ReleaseNotes:
    """The notes of one release.

    ``free_text`` holds lines that belong to the release but to no system
    (``Based on DIRAC v6r7``). ``unclassified`` lists PRs without notes,
    ``excluded`` the PRs left out on purpose (by label or title type) and
    ``released_elsewhere`` the PRs left out because a release of another
    line already shipped them (``source`` names that release); they are
    shown in review mode only, and are empty for parsed files.
    ``metadata`` carries extra facts (``line``: where a parsed release starts).
    """

    version: str
    date: str | None = None
    sections: list[Section] = field(default_factory=list)
    free_text: list[str] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    unclassified: list[Entry] = field(default_factory=list)
    excluded: list[Entry] = field(default_factory=list)
    released_elsewhere: list[Entry] = field(default_factory=list)

    @property
    def entries(self) -> list[Entry]:
        """Every entry of every section, in order."""
        return [entry for section in self.sections for entry in section.entries]

    def as_dict(self, *, review: bool = False) -> dict[str, Any]:
        """JSON-able form with stable keys.

        Always ``version``, ``date`` (or None), ``sections`` and
        ``free_text``; with ``review`` also ``unclassified``, ``excluded``
        and ``released_elsewhere`` (each ``refs``, ``title`` and, for
        excluded PRs, ``reason``, for PRs released elsewhere, ``release``).
        """
        data: dict[str, Any] = {
            "version": self.version,
            "date": self.date,
            "sections": [s.as_dict() for s in self.sections],
            "free_text": list(self.free_text),
        }
        if review:
            data["unclassified"] = [
                {"refs": list(e.refs), "title": e.text} for e in self.unclassified
            ]
            data["excluded"] = [
                {"refs": list(e.refs), "title": e.text, "reason": e.source} for e in self.excluded
            ]
            data["released_elsewhere"] = [
                {"refs": list(e.refs), "title": e.text, "release": e.source}
                for e in self.released_elsewhere
            ]
        return data


@dataclass(frozen=True)
class Problem:
    """A lint finding in a PR body: 1-based ``line``, a ``message`` and a stable ``code``.

    Codes: ``missing-block``, ``unclosed-block``, ``empty-block``,
    ``unknown-type``, ``unknown-system``, ``empty-entry``, ``placeholder``
    (the PR template's ``*Subsystem`` heading left as it was).
    """

    line: int
    message: str
    code: str = ""
