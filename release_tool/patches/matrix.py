"""The patch matrix: for each fix, its state on every active line. Pure, no I/O.

Cells: ``released`` (with the first release of the line that has it),
``merged`` (present, unreleased), ``sweep-open`` (a sweep PR waits),
``sweep-failed``, ``missing``, or ``n/a`` (a line older than the one the fix
was merged into and not targeted, or a PR labelled ``sweep:ignore``). A
present cell says which evidence decided (see :mod:`.presence`) and via
what.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .config import SweepConfig
from .model import has_label, targets_of
from .presence import Found, Presence

RELEASED = "released"
MERGED = "merged"
SWEEP_OPEN = "sweep-open"
SWEEP_FAILED = "sweep-failed"
MISSING = "missing"
NA = "n/a"
STATES = (RELEASED, MERGED, SWEEP_OPEN, SWEEP_FAILED, MISSING, NA)


@dataclass(frozen=True)
class Line:
    """A column: a line's branch, its age (series; integration is newest), head and releases."""

    branch: str
    age: tuple[float, float]
    head: str
    releases: tuple[tuple[str, str], ...] = ()  # (version, commit), ascending


@dataclass
class Fix:
    """A row: a PR merged into a line, found in history (and described by the forge)."""

    number: int
    title: str
    commit: int  # commit index in the graph
    merged_into: str
    merged_at: int
    labels: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # notes types: FIX, NEW, ...
    sha: str = ""


@dataclass
class Cell:
    """One fix on one line."""

    state: str
    version: str | None = None
    evidence: str | None = None
    via: str | None = None

    def as_dict(self) -> dict:
        """``{state, version, evidence, via}``."""
        return {
            "state": self.state,
            "version": self.version,
            "evidence": self.evidence,
            "via": self.via,
        }


@dataclass
class Matrix:
    """Rows of fixes, columns of lines, and a summary per line."""

    lines: list[Line]
    fixes: list[Fix]
    cells: dict[tuple[int, str], Cell]

    def summary(self) -> dict[str, dict[str, int]]:
        """Per line: fixes ``missing``, sweeps ``failed`` and ``open``."""
        out = {}
        for line in self.lines:
            states = [self.cells[(fix.number, line.branch)].state for fix in self.fixes]
            out[line.branch] = {
                "missing": states.count(MISSING),
                "failed": states.count(SWEEP_FAILED),
                "open": states.count(SWEEP_OPEN),
            }
        return out


def is_fix(kinds: Iterable[str]) -> bool:
    """Whether the notes classification calls the PR a fix."""
    return any((kind or "").upper() == "FIX" for kind in kinds)


def build_matrix(
    lines: list[Line],
    fixes: list[Fix],
    presence: Presence,
    open_sweeps: dict[tuple[int, str], int],
    config: SweepConfig,
) -> Matrix:
    """Every cell of the matrix; ``open_sweeps`` maps (PR, target) to an open sweep PR."""
    graph = presence.graph
    cells: dict[tuple[int, str], Cell] = {}
    ages = {line.branch: line.age for line in lines}
    columns = [(line, graph.bit(line.head), _releases(line, graph.bit)) for line in lines]
    for fix in fixes:
        targets = set(targets_of(fix.labels, config))
        ignored = has_label(fix.labels, config.ignore_label)
        failed = has_label(fix.labels, config.failed_label)
        home_age = ages.get(fix.merged_into)
        for line, head_bit, releases in columns:
            found = presence.find(fix.commit, fix.number, head_bit)
            if found is not None:
                cells[(fix.number, line.branch)] = _present(found, releases, presence)
                continue
            sweep = open_sweeps.get((fix.number, line.branch))
            if sweep is not None:
                cell = Cell(SWEEP_OPEN, via=f"#{sweep}")
            elif failed and line.branch in targets:
                cell = Cell(SWEEP_FAILED)
            elif ignored or (
                line.branch not in targets and home_age is not None and line.age < home_age
            ):
                cell = Cell(NA)
            else:
                cell = Cell(MISSING)
            cells[(fix.number, line.branch)] = cell
    return Matrix(lines, fixes, cells)


def _releases(line: Line, bit) -> tuple[int, dict[int, str], list[tuple[int, str]]]:
    """The line's releases in the history: their mask, version by bit, (bit, version) ascending."""
    ordered = [(b, version) for version, commit in line.releases if (b := bit(commit))]
    by_bit: dict[int, str] = {}
    for b, version in ordered:
        by_bit.setdefault(b, version)
    mask = 0
    for b in by_bit:
        mask |= b
    monotonic = all(a[0] < b[0] for a, b in zip(ordered, ordered[1:], strict=False))
    return mask, by_bit if monotonic else {}, ordered


def _present(found: Found, releases, presence: Presence) -> Cell:
    """The cell of a present fix: released in the first release of the line that has it.

    Release bits ascend with versions (the points are laid out so), so the
    first release is the lowest bit of ``reach & mask``; else a scan.
    """
    mask, by_bit, ordered = releases
    hit = presence.graph.reach[found.commit] & mask
    if not hit:
        return Cell(MERGED, None, found.evidence, found.via)
    if by_bit:
        return Cell(RELEASED, by_bit[hit & -hit], found.evidence, found.via)
    for b, version in ordered:  # pragma: no cover - points out of version order
        if hit & b:
            return Cell(RELEASED, version, found.evidence, found.via)
    return Cell(MERGED, None, found.evidence, found.via)  # pragma: no cover
