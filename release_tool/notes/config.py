"""The settings of release notes: types, system aliases and order, classification maps.

Defaults describe DIRAC. :func:`notes_config_from_mapping` validates a TOML
table (for instance ``[tool.release-tool.notes]``) into a :class:`NotesConfig`,
naming the full key of anything wrong::

    types = ["NEW", "CHANGE", "FIX", "DEPRECATED", "REMOVED", "SECURITY"]
    type_aliases = { BUGFIX = "FIX" }
    system_aliases = { WMC = "WorkloadManagementSystem" }   # added to DIRAC's
    known_systems = ["Core", "WorkloadManagementSystem"]    # lint: unknown systems
    system_order = ["Core"]                                 # first; others alphabetical
    title_types = { feat = "NEW", docs = false }            # false: not release-noted
    label_types = { bug = "FIX" }
    exclude_labels = ["no-release-notes"]
    towncrier_types = { feature = "NEW" }
    templates = "docs/release-templates"  # <format>.j2 overrides; relative to the repository
    title_fallback = false            # no notes from titles and labels (default: see below)
    omit_released_elsewhere = true    # PRs another line released: review only (default: see below)
    dirac_systems = false             # DIRAC's system names and aliases (default: see below)

``title_fallback`` and ``omit_released_elsewhere`` left out (None) are
decided per repository by :mod:`release_tool.notes.build`: false and true
for a DIRAC-style repository (its notes come from notes blocks), true and
false otherwise. ``dirac_systems`` left out is true for a DIRAC-style
repository and for DIRAC's release flow, false for a single-branch project
releasing finals from its integration branch (``open_series_with =
"final"``). The pure core reads None as true, false and true.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from .systems import DIRAC_SYSTEM_ALIASES, alias_table

DEFAULT_TYPES = ("NEW", "CHANGE", "FIX", "DEPRECATED", "REMOVED", "SECURITY")
DEFAULT_TYPE_ALIASES = {"BUGFIX": "FIX"}
DEFAULT_TITLE_TYPES: dict[str, str | None] = {
    "feat": "NEW",
    "fix": "FIX",
    "perf": "CHANGE",
    "refactor": "CHANGE",
    "docs": None,
    "test": None,
    "chore": None,
    "ci": None,
    "build": None,
    "style": None,
}
DEFAULT_LABEL_TYPES: dict[str, str | None] = {"bug": "FIX", "enhancement": "NEW"}
DEFAULT_EXCLUDE_LABELS = ("sweep:ignore", "no-release-notes")
DEFAULT_TOWNCRIER_TYPES: dict[str, str | None] = {
    "feature": "NEW",
    "bugfix": "FIX",
    "removal": "REMOVED",
    "deprecation": "DEPRECATED",
    "security": "SECURITY",
    "misc": "CHANGE",
    "doc": None,
}


@dataclass(frozen=True)
class NotesConfig:
    """Everything the notes core needs to know about a project's conventions.

    ``system_aliases`` extend DIRAC's table (:data:`~.systems.DIRAC_SYSTEM_ALIASES`),
    or replace it with ``dirac_systems`` False (headings as written, or as aliased).
    ``known_systems`` None means lint does not check system names. Maps to
    None (``title_types["docs"]``) mean "not release-noted": such PRs are
    excluded on purpose and listed in review mode. ``title_fallback`` False
    takes notes from bodies and fragments only (titles and labels still
    exclude); ``omit_released_elsewhere`` True leaves out the PRs a release
    of another line already shipped (listed in review mode); None means
    "decided per repository" (see the module docstring).
    """

    types: tuple[str, ...] = DEFAULT_TYPES
    type_aliases: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_TYPE_ALIASES))
    system_aliases: Mapping[str, str] = field(default_factory=dict)
    known_systems: tuple[str, ...] | None = None
    system_order: tuple[str, ...] = ("Core",)
    title_types: Mapping[str, str | None] = field(default_factory=lambda: dict(DEFAULT_TITLE_TYPES))
    label_types: Mapping[str, str | None] = field(default_factory=lambda: dict(DEFAULT_LABEL_TYPES))
    exclude_labels: tuple[str, ...] = DEFAULT_EXCLUDE_LABELS
    towncrier_types: Mapping[str, str | None] = field(
        default_factory=lambda: dict(DEFAULT_TOWNCRIER_TYPES)
    )
    templates: Path | None = None
    title_fallback: bool | None = None
    omit_released_elsewhere: bool | None = None
    dirac_systems: bool | None = None

    @cached_property
    def _type_lookup(self) -> dict[str, str]:
        """Upper-case words to their canonical type: the types and their aliases."""
        lookup = {t.upper(): t.upper() for t in self.types}
        for alias, target in self.type_aliases.items():
            if target.upper() in lookup:
                lookup[alias.upper()] = target.upper()
        return lookup

    def canonical_type(self, word: str) -> str | None:
        """The canonical type of ``word`` (any case, aliases applied), or None if unknown."""
        return self._type_lookup.get(word.upper())

    @property
    def uses_dirac_systems(self) -> bool:
        """Whether DIRAC's system names and aliases apply (``dirac_systems`` None counts as yes)."""
        return self.dirac_systems is not False

    def all_system_aliases(self) -> dict[str, str]:
        """DIRAC's alias table (if it applies) with this project's aliases on top."""
        if not self.uses_dirac_systems:
            return dict(self.system_aliases)
        return {**DIRAC_SYSTEM_ALIASES, **self.system_aliases}

    def system_table(self) -> dict[str, str]:
        """The case-insensitive system lookup of :func:`~.systems.alias_table` for this project."""
        return alias_table(self.all_system_aliases(), dirac=self.uses_dirac_systems)

    # Lookups built once per configuration: classifying every release of a
    # history reads them tens of thousands of times (the maps are never
    # changed after the configuration is made).

    @cached_property
    def title_lookup(self) -> dict[str, str | None]:
        """``title_types`` by lower-case title type."""
        return {k.lower(): v for k, v in self.title_types.items()}

    @cached_property
    def label_lookup(self) -> dict[str, str | None]:
        """``label_types`` by lower-case label."""
        return {k.lower(): v for k, v in self.label_types.items()}

    @cached_property
    def towncrier_lookup(self) -> dict[str, str | None]:
        """``towncrier_types`` by lower-case fragment type."""
        return {k.lower(): v for k, v in self.towncrier_types.items()}

    @cached_property
    def excluding_labels(self) -> frozenset[str]:
        """``exclude_labels`` casefolded."""
        return frozenset(label.casefold() for label in self.exclude_labels)

    @cached_property
    def system_lookup(self) -> dict[str, str]:
        """:meth:`system_table`, built once; only read, never changed, by its users."""
        return self.system_table()

    @cached_property
    def parsed_titles(self) -> dict:
        """A memo of :func:`~.classify.parse_title` under this configuration (title -> result)."""
        return {}

    @cached_property
    def system_aliases_key(self) -> tuple:
        """What :meth:`system_table` depends on, as a hashable key."""
        return (tuple(self.all_system_aliases().items()), self.uses_dirac_systems)


def _key(prefix: str, name: str) -> str:
    """The full name of a key for messages."""
    return f"{prefix}.{name}" if prefix else name


def _str_list(name: str, value: Any) -> tuple[str, ...]:
    """A list of non-empty strings."""
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"{name} must be a list of non-empty strings, not {value!r}")
    return tuple(value)


def _str_map(name: str, value: Any) -> dict[str, str]:
    """A table of strings to non-empty strings."""
    if not isinstance(value, dict) or not all(isinstance(v, str) and v for v in value.values()):
        raise ConfigError(f"{name} must be a table of strings, not {value!r}")
    return dict(value)


def _type_map(name: str, value: Any, types: tuple[str, ...], aliases: Mapping[str, str]):
    """A table of names to a known type, or false/"" for "not release-noted"."""
    if not isinstance(value, dict):
        raise ConfigError(f"{name} must be a table, not {value!r}")
    probe = NotesConfig(types=types, type_aliases=aliases)
    result: dict[str, str | None] = {}
    for key, target in value.items():
        if target is False or target == "":
            result[key] = None
            continue
        canonical = probe.canonical_type(target) if isinstance(target, str) else None
        if canonical is None:
            known = ", ".join(types)
            raise ConfigError(
                f"{name}.{key} must be one of {known} or false, not {target!r}",
            )
        result[key] = canonical
    return result


def notes_config_from_mapping(table: Any, prefix: str = "tool.release-tool.notes") -> NotesConfig:
    """Validate a TOML table into a :class:`NotesConfig`; maps replace their default.

    ``system_aliases`` adds to DIRAC's table. Errors name the key with
    ``prefix`` (``tool.release-tool.notes.title_types.docs``).
    """
    if table is None:
        return NotesConfig()
    if not isinstance(table, dict):
        raise ConfigError(f"[{prefix}] must be a table")
    known = {
        "types",
        "type_aliases",
        "system_aliases",
        "known_systems",
        "system_order",
        "title_types",
        "label_types",
        "exclude_labels",
        "towncrier_types",
        "templates",
        "title_fallback",
        "omit_released_elsewhere",
        "dirac_systems",
    }
    for key in table:
        if key not in known:
            raise ConfigError(
                f"unknown configuration key {_key(prefix, key)} (known keys: "
                f"{', '.join(sorted(known))})"
            )
    values: dict[str, Any] = {}
    types = DEFAULT_TYPES
    if "types" in table:
        types = tuple(t.upper() for t in _str_list(_key(prefix, "types"), table["types"]))
        values["types"] = types
    aliases = DEFAULT_TYPE_ALIASES
    if "type_aliases" in table:
        aliases = _str_map(_key(prefix, "type_aliases"), table["type_aliases"])
        for alias, target in aliases.items():
            if target.upper() not in types:
                raise ConfigError(
                    f"{_key(prefix, 'type_aliases')}.{alias} must name one of "
                    f"{', '.join(types)}, not {target!r}"
                )
        values["type_aliases"] = aliases
    if "system_aliases" in table:
        values["system_aliases"] = _str_map(_key(prefix, "system_aliases"), table["system_aliases"])
    for name in ("known_systems", "system_order", "exclude_labels"):
        if name in table:
            values[name] = _str_list(_key(prefix, name), table[name])
    for name in ("title_types", "label_types", "towncrier_types"):
        if name in table:
            values[name] = _type_map(_key(prefix, name), table[name], types, aliases)
    for name in ("title_fallback", "omit_released_elsewhere", "dirac_systems"):
        if name in table:
            if not isinstance(table[name], bool):
                raise ConfigError(
                    f"{_key(prefix, name)} must be true or false, not {table[name]!r}"
                )
            values[name] = table[name]
    if "templates" in table:
        if not isinstance(table["templates"], str) or not table["templates"]:
            raise ConfigError(f"{_key(prefix, 'templates')} must be a path string")
        values["templates"] = Path(table["templates"])
    return NotesConfig(**values)
