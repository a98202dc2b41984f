"""Headline rules: what a release's notes say in a few words, and which subjects they name.

Pure and small, so that the rules are easy to read, test and configure:

* no entry at all: ``no changes``;
* otherwise the kind mix, in the order of the types: ``fixes``, ``new features
  and fixes``, ``changes, new features and fixes``...; fixes alone and at most
  ``minor_max`` of them read ``minor fixes``; breaking entries add
  ``breaking changes`` first;
* subjects: the components each entry names (a leading ``AREXCE:`` or
  ``RemoteRunner -``, else CamelCase and acronym-like words such as
  ``RemoteRunner``, ``AREXCE``, ``JobAgent``), else its system heading. Names
  are ranked by how many entries name them (then by first appearance); each
  entry goes to the best-ranked name it carries; the first ``max_subjects``
  with entries are the subjects, each with its entries and its own kind words.

The ``[tool.release-tool.summary]`` table configures them (see
:func:`rules_from_mapping`); a per-version override (``summary.toml``
``[headlines]`` or the same table's ``headlines``) replaces the computed
headline and, optionally, the subjects.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import ConfigError
from ..notes.model import Entry
from .model import Subject

DEFAULT_TYPE_WORDS: dict[str, str] = {
    "NEW": "new features",
    "CHANGE": "changes",
    "FIX": "fixes",
    "DEPRECATED": "deprecations",
    "REMOVED": "removals",
    "SECURITY": "security fixes",
}
#: Order of the kinds in a mix: ``new features and fixes``.
DEFAULT_KIND_ORDER = ("SECURITY", "NEW", "CHANGE", "DEPRECATED", "REMOVED", "FIX")
#: Words that look like components but are not.
DEFAULT_IGNORE = (
    "API", "CLI", "CSS", "DIRAC", "GitHub", "GitLab", "HTML", "HTTP", "HTTPS", "JSON", "PEP",
    "PyPI", "README", "SQL", "TODO", "URL", "URLs", "XML", "YAML", "ToDo", "PRs", "Note", "Fix",
)  # fmt: skip
UNTYPED_WORDS = "changes"
NO_CHANGES = "no changes"

_LEADING = re.compile(r"^\s*(?P<name>[A-Za-z][\w.]*[A-Za-z0-9])\s*(?::|\s-\s)\s*\S")
_COMPONENT = re.compile(r"(?<!\w)[A-Z][a-z0-9]*[A-Z]\w*")


@dataclass(frozen=True)
class HeadlineRules:
    """The configurable part of the headline rules."""

    max_subjects: int = 3
    minor_max: int = 5
    type_words: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_TYPE_WORDS))
    kind_order: tuple[str, ...] = DEFAULT_KIND_ORDER
    ignore_components: tuple[str, ...] = DEFAULT_IGNORE
    component_aliases: Mapping[str, str] = field(default_factory=dict)
    min_length: int = 3


@dataclass(frozen=True)
class Override:
    """A headline written by hand for one version; ``subjects`` None keeps the computed ones."""

    headline: str | None = None
    subjects: tuple[str, ...] | None = None


@dataclass
class Headline:
    """The computed headline of one release."""

    text: str
    kinds: str
    subjects: list[Subject]
    overridden: bool = False


def join_words(words: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def kind_words(entries: Sequence[Entry], rules: HeadlineRules, *, minor: bool = False) -> str:
    """The kind mix of ``entries`` in words (``minor fixes``, ``new features and fixes``)."""
    if not entries:
        return NO_CHANGES
    present = {e.type for e in entries}
    order = list(rules.kind_order) + sorted(t for t in present if t and t not in rules.kind_order)
    words: list[str] = []
    if any(e.breaking for e in entries):
        words.append("breaking changes")
    for kind in order:
        if kind in present:
            word = rules.type_words.get(kind, kind.lower())
            if word not in words:
                words.append(word)
    if None in present and UNTYPED_WORDS not in words:
        words.append(UNTYPED_WORDS)
    fixes = rules.type_words.get("FIX", "fixes")
    if minor and words == [fixes] and len(entries) <= rules.minor_max:
        return f"minor {fixes}"
    return join_words(words)


def components(entry: Entry, rules: HeadlineRules) -> list[str]:
    """The components an entry names, leading name first, without repeats."""
    ignore = {name.casefold() for name in rules.ignore_components}
    found: list[str] = []

    def keep(name: str) -> None:
        name = rules.component_aliases.get(name, name)
        if len(name) >= rules.min_length and name.casefold() not in ignore and name not in found:
            found.append(name)

    text = entry.text
    leading = _LEADING.match(text)
    if leading is not None and any(c.isupper() for c in leading.group("name")):
        keep(leading.group("name"))
    for match in _COMPONENT.finditer(text):
        keep(match.group())
    return found


def subjects(entries: Sequence[Entry], rules: HeadlineRules) -> list[Subject]:
    """The subjects of a release's entries (see the module docstring), best first."""
    names_of: list[list[str]] = []
    count: dict[str, int] = {}
    for entry in entries:
        names = components(entry, rules)
        if not names and entry.system:
            names = [entry.system]
        names_of.append(names)
        for name in names:
            count[name] = count.get(name, 0) + 1
    first = {name: i for i, name in reversed(list(enumerate(n for ns in names_of for n in ns)))}
    ranked = sorted(count, key=lambda name: (-count[name], first[name]))
    rank = {name: i for i, name in enumerate(ranked)}
    assigned: dict[str, list[Entry]] = {}
    for entry, names in zip(entries, names_of, strict=True):
        if names:
            best = min(names, key=rank.__getitem__)
            assigned.setdefault(best, []).append(entry)
    chosen = sorted(assigned, key=lambda name: (-len(assigned[name]), rank[name]))
    return [
        Subject(name, kind_words(assigned[name], rules), assigned[name])
        for name in chosen[: rules.max_subjects]
    ]


def headline(
    entries: Sequence[Entry], rules: HeadlineRules | None = None, override: Override | None = None
) -> Headline:
    """The headline of a release whose notes hold ``entries``."""
    rules = rules or HeadlineRules()
    kinds = kind_words(entries, rules, minor=True)
    found = subjects(entries, rules) if entries else []
    if override is None:
        return Headline(kinds, kinds, found)
    text = override.headline if override.headline is not None else kinds
    if override.subjects is not None:
        by_name = {s.name: s for s in found}
        found = [by_name.get(name, Subject(name, "", [])) for name in override.subjects]
    return Headline(text, kinds, found, overridden=True)


# -- configuration -----------------------------------------------------------------


def _strings(key: str, value: Any) -> tuple[str, ...]:
    """A list of non-empty strings, or a ConfigError naming ``key``."""
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"{key} must be a list of strings")
    return tuple(value)


def _string_map(key: str, value: Any) -> dict[str, str]:
    """A table of strings, or a ConfigError naming ``key``."""
    if not isinstance(value, dict) or not all(isinstance(v, str) and v for v in value.values()):
        raise ConfigError(f"{key} must be a table of strings")
    return dict(value)


def _count(key: str, value: Any) -> int:
    """A non-negative integer, or a ConfigError naming ``key``."""
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ConfigError(f"{key} must be a whole number >= 0, not {value!r}")
    return value


def rules_from_mapping(table: Mapping[str, Any], prefix: str) -> HeadlineRules:
    """:class:`HeadlineRules` from the keys of a table (others are left to the caller)."""
    values: dict[str, Any] = {}
    if "max_subjects" in table:
        values["max_subjects"] = _count(f"{prefix}.max_subjects", table["max_subjects"])
    if "minor_max" in table:
        values["minor_max"] = _count(f"{prefix}.minor_max", table["minor_max"])
    if "type_words" in table:
        words = dict(DEFAULT_TYPE_WORDS)
        words.update(_string_map(f"{prefix}.type_words", table["type_words"]))
        values["type_words"] = words
    if "ignore_components" in table:
        extra = _strings(f"{prefix}.ignore_components", table["ignore_components"])
        values["ignore_components"] = DEFAULT_IGNORE + extra
    if "component_aliases" in table:
        aliases = _string_map(f"{prefix}.component_aliases", table["component_aliases"])
        values["component_aliases"] = aliases
    return HeadlineRules(**values)


def overrides_from_mapping(table: Any, key: str) -> dict[str, Override]:
    """Per-version overrides: ``version = "headline"`` or ``{headline = ..., subjects = [...]}``."""
    if not isinstance(table, dict):
        raise ConfigError(f"{key} must be a table of versions")
    found: dict[str, Override] = {}
    for version, value in table.items():
        where = f"{key}.{version}"
        if isinstance(value, str):
            found[version] = Override(headline=value)
            continue
        if not isinstance(value, dict):
            raise ConfigError(f"{where} must be a headline or a table")
        unknown = set(value) - {"headline", "subjects"}
        if unknown:
            raise ConfigError(
                f"unknown key {where}.{sorted(unknown)[0]} (known: headline, subjects)"
            )
        text = value.get("headline")
        if text is not None and not isinstance(text, str):
            raise ConfigError(f"{where}.headline must be a string")
        subjects_ = value.get("subjects")
        found[version] = Override(
            headline=text,
            subjects=None if subjects_ is None else _strings(f"{where}.subjects", subjects_),
        )
    return found


def find_override(overrides: Mapping[str, Override], names: Iterable[str]) -> Override | None:
    """The override of a release known by ``names`` (its tags, ``8.0.20`` and ``v8.0.20``)."""
    for name in names:
        for candidate in (name, name.removeprefix("v"), f"v{name}"):
            if candidate in overrides:
                return overrides[candidate]
    return None
