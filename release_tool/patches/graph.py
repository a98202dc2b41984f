"""The history adapter of patch management: one walk, one patch-id pass.

:func:`read_graph` streams one ``git log`` over the line heads and their
releases (the same walk as PR discovery), keeps the cherry-pick trailers
and commit times as the records go by, and builds the PR index from them.
:func:`patch_ids` then runs one ``git log -p`` over the window's commits
piped through ``git patch-id --stable``: non-merge commits, and PR merges
against their first parent.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..core.lines import INTEGRATION, ReleaseLine
from ..core.tags import group_releases
from ..history.gitrepo import GitRepo
from ..history.index import HistoryIndex, Record
from ..history.inventory import Inventory
from ..history.prmessages import cherry_picked_from
from ..history.ranges import PRE_LINE, line_key
from .presence import Graph


@dataclass
class LineData:
    """A line as the matrix and the sweep need it: head and releases (ascending)."""

    line: ReleaseLine
    head: str
    releases: list[tuple[str, str]]  # (tag, commit)


def line_data(inventory: Inventory, lines: Iterable[ReleaseLine]) -> list[LineData]:
    """Head and releases of each line (pre-releases belong to integration)."""
    lines = list(lines)
    integration = next((x.branch for x in inventory.lines() if x.kind == INTEGRATION), None)
    releases = group_releases(inventory.tags)
    out = []
    for line in lines:
        mine = []
        for release in releases:
            if release.version.is_dev:
                continue
            key = line_key(release.version)
            branch = integration if key == PRE_LINE else inventory.config.release_branch(key)
            if branch == line.branch:
                mine.append((release.tags[0], release.commit))
        out.append(LineData(line, inventory.branches[line.branch].commit, mine))
    return out


def read_graph(repo: GitRepo, points: list[str]) -> Graph:
    """The history of ``points`` read in one streamed ``git log``, with trailers and times."""
    cherries: dict[str, list[str]] = {}
    times: dict[str, int] = {}

    def watch(records: Iterator[Record]) -> Iterator[Record]:
        for record in records:
            sha, _, time, _, message = record
            times[sha] = time
            if "cherry picked from" in message:
                cherries[sha] = cherry_picked_from(message)
            yield record

    points = list(dict.fromkeys(points))
    index = HistoryIndex(watch(repo.log_records(sorted(set(points)))), points)
    return Graph(
        shas=index.shas,
        parents=index.parents,
        times=[times[sha] for sha in index.shas],
        owner=index.owner,
        prs=index.prs,
        cherries={index.index[sha]: found for sha, found in cherries.items()},
        points=points,
    )


def window(graph: Graph, since: int | None, until: int | None) -> list[int]:
    """Commit indices whose commit time is in ``[since, until]``."""
    return [
        i
        for i, t in enumerate(graph.times)
        if (since is None or t >= since) and (until is None or t <= until)
    ]


def patch_ids(repo: GitRepo, graph: Graph, commits: Iterable[int]) -> dict[int, str]:
    """``git patch-id --stable`` of the commits: non-merges, and PR merges vs first parent.

    Other merges (forward merges of a whole line) are left out: their diff
    is many fixes at once and never equals one.
    """
    wanted = [graph.shas[i] for i in commits if len(graph.parents[i]) <= 1 or i in graph.prs]
    if not wanted:
        return {}
    from .. import proc

    log = proc.run(
        ["git", "log", "--no-walk=unsorted", "--stdin", "--diff-merges=first-parent", "-p",
         "--no-renames", "--no-color", "--no-ext-diff", "--format=commit %H"],
        cwd=repo.root, input=("\n".join(wanted) + "\n").encode(), text=False,
    ).stdout  # fmt: skip
    out = proc.run(
        ["git", "patch-id", "--stable"], cwd=repo.root, input=log, text=False
    ).stdout.decode()
    found = {}
    for line in out.splitlines():
        pid, _, sha = line.partition(" ")
        if sha in graph.index:
            found[graph.index[sha]] = pid
    return found
