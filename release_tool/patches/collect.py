"""Build the patch matrix of a repository: history, the forge, then the pure core.

Cost: one streamed ``git log`` over the active lines and their releases,
one ``git log -p | git patch-id`` over the window's commits, and (with a
forge) the PRs of the window in bulk from the cache plus one listing of the
open PRs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from ..core.lines import INTEGRATION, ReleaseLine, active_lines
from ..errors import InputError
from ..forge.base import Forge, PrInfo
from ..history.inventory import Inventory
from ..history.prmessages import MERGE, SQUASH
from ..notes.classify import classify_pr
from .graph import line_data, patch_ids, read_graph, window
from .matrix import Fix, Line, Matrix, build_matrix, is_fix
from .model import branch_name
from .presence import Presence

DAY = 86_400
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?(?:Z|[+-]\d{2}:?\d{2})?$")


@dataclass
class MatrixOptions:
    """What the ``patches`` command asks for."""

    since: str | None = None
    until: str | None = None
    branches: tuple[str, ...] = ()
    all_lines: bool = False
    all_kinds: bool = False


def moment(inventory: Inventory, value: str, option: str) -> int:
    """A date (``2024-05-01``, ISO 8601) or a ref (its commit time), as Unix seconds."""
    if _DATE.match(value):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise InputError(f"{option} {value}: not a valid date") from None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=timezone.utc)
        return int(parsed.timestamp())
    try:
        return inventory.repo.commit_time(inventory.repo.resolve_commit(value))
    except InputError:
        raise InputError(
            f"{option} {value}: neither a date (YYYY-MM-DD) nor a branch, tag or commit"
        ) from None


def choose_lines(inventory: Inventory, options: MatrixOptions) -> list[ReleaseLine]:
    """``--branch`` lines (each must be one), else the active lines (``--all``: every line)."""
    lines = inventory.lines()
    if options.branches:
        known = {x.branch: x for x in lines}
        for name in options.branches:
            if name not in known:
                raise InputError(
                    f"--branch {name}: unknown branch (release lines: {', '.join(known) or 'none'})"
                )
        return [x for x in lines if x.branch in options.branches]
    if options.all_lines:
        return lines
    # Inventory.active_lines(), measured from the newest line activity rather than the
    # newest ref: a sweep branch just pushed must not make every line look idle.
    activity = inventory.activity()
    newest = max(activity.values(), default=0)
    return active_lines(lines, activity, newest, inventory.config.active_period_days)


def _age(line: ReleaseLine) -> tuple[float, float]:
    """Older lines sort first; integration is the newest."""
    return (float("inf"), float("inf")) if line.kind == INTEGRATION else line.series


def _merged_into(graph, fix: int, chains: dict[str, set[int]], order: list[str]) -> str | None:
    """The line whose first-parent chain holds the commit (integration first, then by age)."""
    for branch in order:
        if fix in chains[branch]:
            return branch
    return None


def _chain(graph, head: str) -> set[int]:
    """The commit indices of a head's first-parent chain."""
    chain: set[int] = set()
    position = graph.index.get(head)
    while position is not None and position not in chain:
        chain.add(position)
        parents = graph.parents[position]
        position = parents[0] if parents else None
    return chain


def collect(inventory: Inventory, options: MatrixOptions, forge: Forge | None) -> Matrix:
    """The matrix of the window: rows from history (described by the forge when given)."""
    lines = choose_lines(inventory, options)
    if not lines:
        raise InputError("no release lines found")
    data = line_data(inventory, lines)
    newest = max(inventory.activity().values(), default=0)
    until = moment(inventory, options.until, "--until") if options.until else None
    since = (
        moment(inventory, options.since, "--since")
        if options.since
        else (until or newest) - inventory.config.sweep.window_days * DAY
    )
    if until is not None and until < since:
        raise InputError("--until is before --since: the window is empty")
    points = [d.head for d in data] + [c for d in data for _, c in d.releases]
    graph = read_graph(inventory.repo, points)
    order = [d.line.branch for d in data if d.line.kind == INTEGRATION]
    order += [d.line.branch for d in data if d.line.kind != INTEGRATION]
    chains = {d.line.branch: _chain(graph, d.head) for d in data}
    heads_bits = 0
    for d in data:
        heads_bits |= graph.bit(d.head)
    rows: list[tuple[int, object, str]] = []
    for i, pr in graph.prs.items():
        if pr.kind not in (MERGE, SQUASH) or not pr.ref.startswith("#"):
            continue
        if pr.merged_at < since or (until is not None and pr.merged_at > until):
            continue
        if not graph.reach[i] & heads_bits:
            continue
        home = _merged_into(graph, i, chains, order)
        if home is not None:
            rows.append((i, pr, home))
    infos: dict[int, PrInfo] = {}
    open_sweeps: dict[tuple[int, str], int] = {}
    if forge is not None and rows:
        infos = forge.fetch_prs(sorted({pr.number for _, pr, _ in rows})).prs
        by_head = {p.head: p for p in forge.list_prs(state="open")}
        for _i, pr, _ in rows:
            for d in data:
                sweep = by_head.get(branch_name(inventory.config.sweep, pr.commit, d.line.branch))
                if sweep is not None and sweep.base == d.line.branch:
                    open_sweeps[(pr.number, d.line.branch)] = sweep.number
    fixes = []
    for i, pr, home in sorted(rows, key=lambda r: (r[1].merged_at, r[1].number)):
        info = infos.get(pr.number)
        if info is not None and info.base in chains:
            home = info.base
        record = {
            "number": pr.number,
            "title": info.title if info else pr.title,
            "body": info.body if info else None,
            "labels": list(info.labels) if info else [],
        }
        if not options.all_kinds:  # every kind wanted: no need to classify
            entries = classify_pr(record, inventory.config.notes).entries
            if not is_fix(e.type for e in entries if e.type):
                continue
        fixes.append(
            Fix(pr.number, record["title"], i, home, pr.merged_at, record["labels"], [],
                pr.commit)
        )  # fmt: skip
    graph.patch_ids = patch_ids(inventory.repo, graph, window(graph, since, until))
    presence = Presence(graph)
    columns = [Line(d.line.branch, _age(d.line), d.head, tuple(d.releases)) for d in data]
    return build_matrix(columns, fixes, presence, open_sweeps, inventory.config.sweep)
