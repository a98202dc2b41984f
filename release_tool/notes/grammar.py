"""The line grammar of DIRAC notes, shared by PR-body blocks and ``release.notes`` files.

Lines are fed one at a time to a :class:`NotesReader`:

* ``*System`` (also ``* System:``) starts a section; ``* XY : text`` starts
  one and puts ``text`` in it (CTADIRAC's style);
* ``TYPE: text`` and ``TYPE: (#N) text`` / ``(!N)`` / ``(#479,#480)`` is an
  entry; the type is any case, aliases apply (``BUGFIX`` -> ``FIX``); a
  stray star (``*FIX: text``) is tolerated;
* a line that continues an entry is joined to it: an indented line always,
  an unindented one in ``paragraphs`` mode (PR bodies, where a paragraph is
  one entry). A blank line ends an entry;
* any other line is an untyped entry (type None) when it stands under a
  system heading, else free text.

Every non-blank line ends up somewhere; nothing is dropped. Problems found
on the way (unknown type, unknown system, empty entry) are collected with
their line numbers for the linter.
"""

from __future__ import annotations

import re

from .config import NotesConfig
from .model import Entry, Problem, Section
from .systems import normalise_system

_HEADING = re.compile(r"^\*\s*(?P<name>[^\s*:][^*:]*?)\s*:?\s*$")
_HEADING_INLINE = re.compile(r"^\*\s*(?P<name>[^\s*:][^*:]*?)\s*:\s*(?P<rest>\S.*)$")
_TYPED = re.compile(r"^(?P<word>[A-Za-z][A-Za-z/_-]*)\s*:(?!//)\s*(?P<rest>.*)$")
_BULLET = re.compile(r"^[-+]\s+")
_REFS = re.compile(r"^\(\s*(?P<refs>[#!]\d+(?:\s*[,;]\s*[#!]?\d+)*)\s*\)\s*")
_REF = re.compile(r"([#!]?)(\d+)")
_SHOUTED = re.compile(r"[A-Z][A-Z/_-]+")
BREAKING_PREFIX = "BREAKING:"
#: Headings a PR template puts in its notes block for the author to replace.
PLACEHOLDER_SYSTEMS = ("Subsystem", "SystemName")


def is_placeholder_system(name: str | None) -> bool:
    """Whether ``name`` is a PR template's placeholder heading (``*Subsystem``), not a system."""
    return name is not None and name.strip().casefold() in {
        p.casefold() for p in PLACEHOLDER_SYSTEMS
    }


def split_refs(text: str) -> tuple[list[str], str]:
    """Leading ``(#N)`` / ``(!N)`` / ``(#N, #M)`` refs of ``text``, and the rest.

    A ref without its sigil in a list (``(#1, 2)``) takes the one before it.
    """
    match = _REFS.match(text)
    if match is None:
        return [], text
    refs: list[str] = []
    sigil = "#"
    for found in _REF.finditer(match.group("refs")):
        sigil = found.group(1) or sigil
        refs.append(f"{sigil}{found.group(2)}")
    return refs, text[match.end() :]


_TABLES: dict[tuple, dict[str, str]] = {}


def _system_table(config) -> dict[str, str]:
    """The project's :meth:`~.config.NotesConfig.system_table`, built once per table.

    A reader is made per PR body: ``notes --all-releases`` reads tens of thousands.
    The table is only read, never changed, so readers share it.
    """
    key = config.system_aliases_key
    table = _TABLES.get(key)
    if table is None:
        if len(_TABLES) > 16:
            _TABLES.clear()
        table = _TABLES[key] = config.system_table()
    return table


class NotesReader:
    """A line-by-line parser of notes text into sections, free text and problems.

    ``paragraphs`` joins unindented lines to the entry above (PR bodies);
    ``bullets`` accepts Markdown bullets before a type (``- FIX: text``);
    ``known_systems`` makes unknown headings a problem.
    """

    def __init__(
        self,
        config: NotesConfig | None = None,
        *,
        paragraphs: bool = False,
        bullets: bool = False,
        known_systems: tuple[str, ...] | None = None,
    ) -> None:
        """Start with no section; see the class docstring for the switches."""
        self.config = config or NotesConfig()
        self.paragraphs = paragraphs
        self.bullets = bullets
        self.sections: list[Section] = []
        self.free_text: list[str] = []
        self._problems: list[Problem] = []
        self._maybe_empty: list[tuple[Entry, int]] = []
        self._table = _system_table(self.config)
        self._known = (
            None
            if known_systems is None
            else {normalise_system(name, self._table) for name in known_systems}
        )
        self._section: Section | None = None
        self._under_heading = False
        self._target: Entry | None = None
        self._shouted = False

    @property
    def problems(self) -> list[Problem]:
        """The problems found so far, by line; an entry is empty if no continuation filled it."""
        found = list(self._problems)
        found.extend(
            Problem(lineno, f"empty {entry.type} entry", "empty-entry")
            for entry, lineno in self._maybe_empty
            if not entry.text
        )
        return sorted(found, key=lambda p: p.line)

    @property
    def entries(self) -> list[Entry]:
        """Every entry read so far, in order."""
        return [entry for section in self.sections for entry in section.entries]

    def feed(self, line: str, lineno: int) -> None:
        """Read one line (without its line break); ``lineno`` is used in problems."""
        stripped = line.strip()
        if not stripped:
            self._target = None
            return
        if stripped[0] == "*":
            if self._star_line(stripped, lineno):
                return
        elif self._typed(stripped, lineno):
            return
        elif self._shouted:
            self._target = None
        self._untyped(line, stripped, lineno)

    def end_block(self) -> None:
        """Forget the current section and entry: what follows starts afresh."""
        self._section = None
        self._under_heading = False
        self._target = None

    def _star_line(self, stripped: str, lineno: int) -> bool:
        """A heading, an inline heading or a starred type; False if none of these."""
        match = _HEADING.match(stripped)
        rest = None
        if match is None:
            match = _HEADING_INLINE.match(stripped)
            if match is None:
                return False
            rest = match.group("rest")
        name = match.group("name")
        if self.config.canonical_type(name) is not None:  # "*FIX: text": a stray star
            return self._typed(stripped[1:].lstrip(), lineno)
        self._heading(name, lineno)
        if rest is not None and not self._typed(rest, lineno):
            self._untyped(rest, rest.strip(), lineno)
        return True

    def _heading(self, name: str, lineno: int) -> None:
        """Start the section of system ``name``."""
        self._section = Section(name)
        self.sections.append(self._section)
        self._under_heading = True
        self._target = None
        if is_placeholder_system(name):
            self._problems.append(
                Problem(
                    lineno,
                    f"'*{name}' is the PR template's placeholder: name the system "
                    "(for instance *WorkloadManagement)",
                    "placeholder",
                )
            )
        elif self._known is not None and normalise_system(name, self._table) not in self._known:
            self._problems.append(Problem(lineno, f"unknown system {name!r}", "unknown-system"))

    def _typed(self, stripped: str, lineno: int) -> bool:
        """An entry ``TYPE: text``; False if the line has no known type."""
        self._shouted = False
        if self.bullets:
            stripped = _BULLET.sub("", stripped, count=1)
        match = _TYPED.match(stripped)
        if match is None:
            return False
        word = match.group("word")
        kind = self.config.canonical_type(word)
        if kind is None:
            self._shouted = bool(_SHOUTED.fullmatch(word))
            if self._shouted:
                known = ", ".join(self.config.types)
                self._problems.append(
                    Problem(lineno, f"unknown type {word!r} (known: {known})", "unknown-type")
                )
            return False
        refs, text = split_refs(match.group("rest").strip())
        breaking = text.startswith(BREAKING_PREFIX)
        if breaking:
            text = text[len(BREAKING_PREFIX) :].lstrip()
        entry = Entry(kind, refs, text, breaking=breaking)
        if not text:  # a problem unless a continuation line fills it
            self._maybe_empty.append((entry, lineno))
        self._add(entry)
        return True

    def _untyped(self, line: str, stripped: str, lineno: int) -> None:
        """A line without a type: a continuation, an untyped entry or free text."""
        target = self._target
        if target is not None and (self.paragraphs or line[:1] in (" ", "\t")):
            target.text = f"{target.text}\n{stripped}" if target.text else stripped
            return
        if self._under_heading:
            refs, text = split_refs(stripped)
            self._add(Entry(None, refs, text))
        else:
            self.free_text.append(stripped if self.paragraphs else line.rstrip())
            self._target = None

    def _add(self, entry: Entry) -> None:
        """Put ``entry`` in the current section (one with no system if none yet)."""
        if self._section is None:
            self._section = Section(None)
            self.sections.append(self._section)
        entry.system = self._section.system
        self._section.entries.append(entry)
        self._target = entry
