"""Benchmark ``release-tool prs``: the PR list of every release of a large history.

Usage: ``python benchmarks/bench_prs.py [--commits N] [--tags N] [--seed S] [--repeat R]``

Generates a DIRAC-shaped history (``generate_history.py``: three and more
release lines, forward merges, squash merges, sweeps and nested PRs; default
50,000 commits, 1,000 tags, about 19,000 PRs), rebuilds it with
``git fast-import`` in a temporary directory (removed afterwards), then
times, best of ``--repeat`` runs each:

* the baseline: one plain ``git log --all --format='%H %P %s'``, output read
  to the end;
* the PR lists of every release: reading tags, one ``git log`` over the
  history, the PR index, the range of every release and its PRs with their
  ``first_released_in`` annotations: what ``release-tool prs --until TAG
  --json`` computes for every tag, done in one process.

It prints the sizes, both times, their ratio (target: under 3) and what was
found.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench_tags_audit import best_of, load_generator

from release_tool import proc
from release_tool.core.config import Config
from release_tool.history.discovery import Discovery, PrList
from release_tool.history.gitbuild import ISOLATED_ENV
from release_tool.history.gitrepo import GitRepo
from release_tool.history.history_import import import_history
from release_tool.history.inventory import Inventory


def baseline(path: Path) -> int:
    """The plain ``git log`` over the whole history; the size of its output in bytes."""
    args = ["git", "log", "--all", "--format=%H %P %s"]
    return len(proc.run(args, cwd=path, text=False).stdout)


def every_release(path: Path) -> list[PrList]:
    """The PR list of every release of the repository at ``path``, from one read of history."""
    discovery = Discovery(Inventory(GitRepo(path), Config()))
    return discovery.answer([discovery.for_release(r) for r in discovery.releases])


def main(argv: list[str] | None = None) -> None:
    """Generate, import, time the baseline and the PR lists, print the results."""
    parser = argparse.ArgumentParser(description="Benchmark 'release-tool prs' on every release.")
    generator = load_generator()
    parser.add_argument("--commits", type=int, default=50_000)
    parser.add_argument("--tags", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=generator.DEFAULT_SEED)
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing (best is kept)")
    args = parser.parse_args(argv)
    os.environ.update(ISOLATED_ENV)  # no user or system git configuration in either timing

    records = generator.generate(args.commits, args.tags, args.seed)
    meta = records[0]
    with tempfile.TemporaryDirectory(prefix="bench-prs-") as tmp:
        path = Path(tmp) / "repo"
        start = time.perf_counter()
        import_history(records, path)
        imported = time.perf_counter() - start
        base_time, _ = best_of(args.repeat, lambda: baseline(path))
        prs_time, lists = best_of(args.repeat, lambda: every_release(path))

    listed = [pr for result in lists for pr in result.prs]
    kinds = Counter(pr.kind for pr in listed)
    annotated = sum(len(result.first_released_in) for result in lists)
    distinct = {pr.ref for pr in listed}
    print(f"commits:            {meta['commits']}")
    print(f"tags:               {meta['tags']}")
    print(f"PRs in history:     {meta['prs']}")
    print(f"fast-import:        {imported:.3f} s")
    print(f"baseline git log:   {base_time:.3f} s (best of {args.repeat})")
    print(f"PR lists, all tags: {prs_time:.3f} s (best of {args.repeat})")
    print(f"ratio prs/base:     {prs_time / base_time:.2f}  (target < 3)")
    print(f"releases:           {len(lists)}")
    print(f"entries listed:     {len(listed)} ({', '.join(f'{k} {n}' for k, n in kinds.items())})")
    print(f"distinct PRs:       {len(distinct)} of {meta['prs']}")
    print(f"first_released_in:  {annotated} entries already shipped in another line")


if __name__ == "__main__":
    main()
