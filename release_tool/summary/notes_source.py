"""A released version's notes, read from what was published: pure parsing.

Three shapes of text are read:

* DIRAC ``release.notes`` files (``[v8.0.20]`` sections), through
  :func:`release_tool.notes.parse_file.parse_notes`;
* Markdown changelogs (``CHANGELOG.md``): a heading naming the version
  (``## [8.0.20] - 2024-01-01``, ``## v8.0.20``) up to the next heading of the
  same or a higher level; sub-headings give the kind (``### Bug Fixes``,
  ``### Fixed``, ``### Features``), bullets are entries (``* **scope:** text``
  names a system, ``fix(WMS): text`` and ``FIX: text`` are read too);
* a GitHub release body: one release's notes in either of those shapes.

Versions match whatever their spelling (``v7r3p36``, ``7.3.36``, ``v7.3.36``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..core.versions import Version, try_parse
from ..notes.body import normalise_newlines
from ..notes.classify import NOTED, parse_title
from ..notes.config import NotesConfig
from ..notes.grammar import split_refs
from ..notes.model import Entry, ReleaseNotes, Section
from ..notes.parse_file import parse_notes

_MD_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.*?)\s*#*\s*$")
_BULLET = re.compile(r"^(?P<indent>\s*)[-*+]\s+(?P<text>.*)$")
_SCOPE = re.compile(r"^\*\*(?P<scope>[^*]+?):?\*\*:?\s*(?P<text>.*)$")
_TOKEN = re.compile(r"[\w.+-]+")
_REF_ANYWHERE = re.compile(r"(?<![\w/])([#!])(\d+)\b|/pull/(\d+)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
KIND_HEADINGS = {
    "features": "NEW",
    "feature": "NEW",
    "added": "NEW",
    "new": "NEW",
    "new features": "NEW",
    "enhancements": "NEW",
    "bug fixes": "FIX",
    "bugfixes": "FIX",
    "fixes": "FIX",
    "fixed": "FIX",
    "fix": "FIX",
    "changed": "CHANGE",
    "changes": "CHANGE",
    "performance improvements": "CHANGE",
    "code refactoring": "CHANGE",
    "deprecated": "DEPRECATED",
    "deprecations": "DEPRECATED",
    "removed": "REMOVED",
    "removals": "REMOVED",
    "security": "SECURITY",
}


def version_in(text: str) -> Version | None:
    """The first token of ``text`` that is a version (``[v8.0.20] - 2024`` -> 8.0.20)."""
    for token in _TOKEN.findall(text):
        version = try_parse(token)
        if version is not None:
            return version
    return None


def _same(a: Version | None, b: Version) -> bool:
    """Equal versions, whatever their scheme."""
    return a is not None and a == b


def dirac_section(text: str, version: Version, config: NotesConfig | None = None):
    """The section of ``version`` in a DIRAC ``release.notes`` text, or None."""
    for release in parse_notes(text, config):
        if release.version and _same(try_parse(release.version), version):
            return release
    return None


def markdown_section(text: str, version: Version) -> ReleaseNotes | None:
    """The section of ``version`` in a Markdown changelog, or None."""
    lines = normalise_newlines(text).split("\n")
    start = level = None
    for n, line in enumerate(lines):
        heading = _MD_HEADING.match(line)
        if heading is None:
            continue
        if start is None:
            if _same(version_in(heading["text"]), version):
                start, level = n + 1, len(heading["hashes"])
        elif len(heading["hashes"]) <= level:
            return _markdown_entries(lines[start:n], str(version))
    if start is None:
        return None
    return _markdown_entries(lines[start:], str(version))


def _clean(text: str) -> str:
    """Bullet text without Markdown links (kept as their words) and commit-hash tails."""
    text = _LINK.sub(r"\1", text)
    text = re.sub(r"\s*\(\s*[0-9a-f]{7,40}\s*\)\s*$", "", text)
    text = re.sub(r"\s+by @[\w-]+ in (?:#\d+|https?://\S+)\s*$", "", text)  # GitHub's own
    return text.strip()


def _markdown_entries(lines: Iterable[str], version: str) -> ReleaseNotes:
    """Entries of a Markdown section's lines: sub-headings give kinds, bullets are entries."""
    kind: str | None = None
    entries: list[Entry] = []
    free: list[str] = []
    for line in lines:
        heading = _MD_HEADING.match(line)
        if heading is not None:
            kind = KIND_HEADINGS.get(heading["text"].strip().rstrip(":").casefold())
            continue
        bullet = _BULLET.match(line)
        if bullet is None:
            if line.strip() and entries and line.startswith(("  ", "\t")):
                entries[-1].text += " " + line.strip()
            elif line.strip():
                free.append(line.strip())
            continue
        entries.append(_bullet_entry(bullet["text"], kind))
    notes = ReleaseNotes(version, free_text=free)
    notes.sections = [Section(None, entries)] if entries else []
    return notes


def _bullet_entry(text: str, kind: str | None) -> Entry:
    """One bullet as an entry: refs found anywhere, a ``**scope:**`` or conventional title."""
    raw = text
    refs = [f"{m[0]}{m[1]}" if m[1] else f"#{m[2]}" for m in _REF_ANYWHERE.findall(raw)]
    leading, rest = split_refs(text)
    text = _clean(rest)
    system = None
    scoped = _SCOPE.match(text)
    if scoped is not None:
        system, text = scoped["scope"].strip(), scoped["text"].strip()
    title = parse_title(text)
    if title.status == NOTED:
        kind = kind or title.type
        system = system or title.system
        text = title.text
    text = re.sub(r"\s*\((?:[#!]\d+(?:\s*,\s*)?)+\)\s*$", "", text).strip()
    refs = list(dict.fromkeys(leading + refs))
    return Entry(kind, refs, text, system, source="file")


def section_for(text: str, version: Version, config: NotesConfig | None = None):
    """The notes of ``version`` in a notes file of either shape, or None when it has none."""
    found = dirac_section(text, version, config)
    if found is not None:
        return found
    return markdown_section(text, version)


def body_notes(text: str, version: Version, config: NotesConfig | None = None) -> ReleaseNotes:
    """The notes of a GitHub release body: its own section if it has one, else all of it."""
    found = section_for(text, version, config)
    if found is not None:
        return found
    dirac = parse_notes(text, config)
    if any(r.entries for r in dirac) and not any(_MD_HEADING.match(x) for x in text.splitlines()):
        merged = ReleaseNotes(str(version))
        merged.sections = [s for r in dirac for s in r.sections]
        return merged
    return _markdown_entries(normalise_newlines(text).split("\n"), str(version))
