"""System names: normalisation through an alias table, and the order of a release's sections.

DIRAC writes one system under several names (``*WMS``,
``*WorkloadManagement``, ``*WorkloadManagementSystem``); notes built from
PRs get one heading per system, in a stable order: the configured systems
first (by default ``Core``), then the others alphabetically. Entries sort
by type (in the configured type order, untyped last), then PR number.

DIRAC's table applies to DIRAC-style repositories only (``dirac=False``
keeps just the project's aliases): a conventional-commit project's scopes
stay as written (``core`` next to ``db``, not ``Core`` next to ``db``).
Names no alias covers are grouped regardless of case, under their most
used spelling.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence

from .model import Entry, Section

#: DIRAC's systems, in their full names.
DIRAC_SYSTEMS = (
    "AccountingSystem",
    "ConfigurationSystem",
    "DataManagementSystem",
    "FrameworkSystem",
    "MonitoringSystem",
    "ProductionSystem",
    "RequestManagementSystem",
    "ResourceStatusSystem",
    "StorageManagementSystem",
    "TransformationSystem",
    "WorkloadManagementSystem",
)

#: Headings of DIRAC's notes that are not systems but are used as such.
DIRAC_OTHER_HEADINGS = ("Core", "Interfaces", "Resources", "Workflow", "docs", "tests")

#: Everything a DIRAC PR may use as a heading (for ``known_systems`` in lint).
DIRAC_KNOWN_SYSTEMS = DIRAC_SYSTEMS + DIRAC_OTHER_HEADINGS

#: DIRAC's abbreviations and short forms, to the full system name.
DIRAC_SYSTEM_ALIASES: dict[str, str] = {
    "WMS": "WorkloadManagementSystem",
    "DMS": "DataManagementSystem",
    "RMS": "RequestManagementSystem",
    "RSS": "ResourceStatusSystem",
    "TS": "TransformationSystem",
    "FS": "FrameworkSystem",
    "CS": "ConfigurationSystem",
    "AS": "AccountingSystem",
    "MS": "MonitoringSystem",
    "SMS": "StorageManagementSystem",
    **{name.removesuffix("System"): name for name in DIRAC_SYSTEMS},
}


def alias_table(aliases: Mapping[str, str] | None = None, *, dirac: bool = True) -> dict[str, str]:
    """A case-insensitive lookup: casefolded name -> canonical name.

    Holds every alias of ``aliases`` (default: DIRAC's table, or none
    without ``dirac``) and every alias target; with ``dirac`` also DIRAC's
    known headings (so ``core`` becomes ``Core``).
    """
    if aliases is None:
        aliases = DIRAC_SYSTEM_ALIASES if dirac else {}
    table = {name.casefold(): name for name in DIRAC_KNOWN_SYSTEMS} if dirac else {}
    for target in aliases.values():
        table[target.casefold()] = target
    for alias, target in aliases.items():
        table[alias.casefold()] = target
    return table


def common_spellings(names: Iterable[str]) -> dict[str, str]:
    """Casefolded name -> its most used spelling (ties: all lower case, then the first in order)."""
    counts = Counter(names)
    best: dict[str, str] = {}
    for name in sorted(counts, key=lambda n: (-counts[n], n != n.casefold(), n)):
        best.setdefault(name.casefold(), name)
    return best


def normalise_system(name: str | None, table: Mapping[str, str] | None = None) -> str | None:
    """The canonical name of a system heading (``WMS`` -> ``WorkloadManagementSystem``).

    Surrounding ``*``, spaces and a trailing colon are removed; names not in
    ``table`` (from :func:`alias_table`) are kept as written. None and empty
    names give None.
    """
    if name is None:
        return None
    clean = name.strip().strip("*").strip().rstrip(":").strip()
    if not clean:
        return None
    table = alias_table() if table is None else table
    return table.get(clean.casefold(), clean)


def is_known_system(
    name: str, known: Iterable[str], table: Mapping[str, str] | None = None
) -> bool:
    """Whether ``name`` is one of ``known`` once both are normalised."""
    table = alias_table() if table is None else table
    wanted = normalise_system(name, table)
    return any(normalise_system(k, table) == wanted for k in known)


def system_sort_key(
    order: Sequence[str] = ("Core",),
) -> Callable[[str | None], tuple[int, int, str]]:
    """A sort key for system names: no system first, then ``order``, then alphabetical.

    Entries without a system come first because the DIRAC format shows
    them before any heading (after a heading they would belong to it).
    """
    rank: dict[str, int] = {}
    for i, name in enumerate(order):
        rank.setdefault(name.casefold(), i)

    def key(system: str | None) -> tuple[int, int, str]:
        """(group, rank in ``order`` regardless of case, case-folded name)."""
        if system is None:
            return (0, 0, "")
        if system.casefold() in rank:
            return (1, rank[system.casefold()], system)
        return (2, 0, system.casefold())

    return key


def entry_sort_key(types: Sequence[str]) -> Callable[[Entry], tuple[int, str, int, str]]:
    """A sort key for entries: by type in ``types`` order (others, then untyped, last), then PR."""
    rank = {t: i for i, t in enumerate(types)}

    def key(entry: Entry) -> tuple[int, str, int, str]:
        """(rank of the type, type, PR number, text)."""
        type_rank = len(rank) + 1 if entry.type is None else rank.get(entry.type, len(rank))
        number = entry.number
        return (type_rank, entry.type or "", number if number is not None else 1 << 62, entry.text)

    return key


def organise(
    entries: Iterable[Entry],
    *,
    aliases: Mapping[str, str] | None = None,
    order: Sequence[str] = ("Core",),
    types: Sequence[str] = ("NEW", "CHANGE", "FIX", "DEPRECATED", "REMOVED", "SECURITY"),
    dirac: bool = True,
    table: Mapping[str, str] | None = None,
) -> list[Section]:
    """Group entries into one section per normalised system, sorted.

    Each entry's ``system`` is replaced by its canonical name (``dirac``:
    DIRAC's table applies, see :func:`alias_table`); names in no table that
    differ only in case become one, see :func:`common_spellings`. Sections
    follow :func:`system_sort_key` and entries :func:`entry_sort_key`. ``table`` is
    ``alias_table(aliases, dirac=dirac)`` when the caller has it already.
    """
    entries = list(entries)
    if table is None:
        table = alias_table(aliases, dirac=dirac)
    order = [normalise_system(name, table) or name for name in order]
    for entry in entries:
        entry.system = normalise_system(entry.system, table)
    spelling = common_spellings(e.system for e in entries if e.system is not None)
    grouped: dict[str | None, list[Entry]] = {}
    for entry in entries:
        if entry.system is not None:
            entry.system = spelling[entry.system.casefold()]
        grouped.setdefault(entry.system, []).append(entry)
    system_key = system_sort_key(order)
    by_entry = entry_sort_key(types)
    return [
        Section(system, sorted(grouped[system], key=by_entry))
        for system in sorted(grouped, key=system_key)
    ]
