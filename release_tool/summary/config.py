"""The ``[tool.release-tool.summary]`` table, and the per-version override file.

::

    [tool.release-tool]
    meeting_every = "2 weeks"             # or: meetings = [2026-11-02, 2026-11-16]

    [tool.release-tool.summary]
    notes_files = ["release.notes", "CHANGELOG.md"]   # read at each release's tag
    overrides_file = "summary.toml"       # per-version headlines, see below
    review_days = 7                       # --with-github: "waiting for review" after N days
    max_subjects = 3
    minor_max = 5                         # at most this many fixes read "minor fixes"
    type_words = { FIX = "fixes" }
    ignore_components = ["Python"]
    component_aliases = { AREXComputingElement = "AREXCE" }
    headlines = { "8.0.20" = "minor fixes" }

The override file (``summary.toml`` at the repository root by default)::

    [headlines]
    "8.0.20" = "minor fixes"
    "v7r3p36" = { headline = "no changes", subjects = [] }
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from .headline import HeadlineRules, Override, overrides_from_mapping, rules_from_mapping

DEFAULT_NOTES_FILES = ("release.notes", "CHANGELOG.md")
_RULE_KEYS = {"max_subjects", "minor_max", "type_words", "ignore_components", "component_aliases"}
_KEYS = _RULE_KEYS | {"notes_files", "overrides_file", "review_days", "headlines"}


@dataclass(frozen=True)
class SummaryConfig:
    """Settings of ``release-tool summary``."""

    notes_files: tuple[str, ...] = DEFAULT_NOTES_FILES
    overrides_file: str = "summary.toml"
    review_days: int = 7
    rules: HeadlineRules = field(default_factory=HeadlineRules)
    headlines: Mapping[str, Override] = field(default_factory=dict)


def summary_config_from_mapping(table: Any, prefix: str) -> SummaryConfig:
    """Validate the summary table; errors name the full key."""
    if not isinstance(table, dict):
        raise ConfigError(f"{prefix} must be a table")
    for key in table:
        if key not in _KEYS:
            raise ConfigError(
                f"unknown configuration key {prefix}.{key} (known keys: {', '.join(sorted(_KEYS))})"
            )
    values: dict[str, Any] = {"rules": rules_from_mapping(table, prefix)}
    if "notes_files" in table:
        files = table["notes_files"]
        if not isinstance(files, list) or not all(isinstance(f, str) and f for f in files):
            raise ConfigError(f"{prefix}.notes_files must be a list of file paths")
        if any(f.startswith("/") or ".." in Path(f).parts for f in files):
            raise ConfigError(f"{prefix}.notes_files must hold paths inside the repository")
        values["notes_files"] = tuple(files)
    if "overrides_file" in table:
        name = table["overrides_file"]
        if not isinstance(name, str) or not name:
            raise ConfigError(f"{prefix}.overrides_file must be a file path")
        values["overrides_file"] = name
    if "review_days" in table:
        days = table["review_days"]
        if not isinstance(days, int) or isinstance(days, bool) or days < 0:
            raise ConfigError(f"{prefix}.review_days must be a whole number >= 0")
        values["review_days"] = days
    if "headlines" in table:
        values["headlines"] = overrides_from_mapping(table["headlines"], f"{prefix}.headlines")
    return SummaryConfig(**values)


def overrides_from_file(data: Mapping[str, Any], source: str) -> dict[str, Override]:
    """The ``[headlines]`` of an override file (already parsed TOML)."""
    unknown = set(data) - {"headlines"}
    if unknown:
        raise ConfigError(f"{source}: unknown table {sorted(unknown)[0]!r} (known: headlines)")
    return overrides_from_mapping(data.get("headlines", {}), f"{source}: headlines")
