"""Benchmark ``release-tool patches``: the patch matrix of a year on a large history.

Usage: ``python benchmarks/bench_patches.py [--commits N] [--tags N] [--days D] [--repeat R]``

Generates a DIRAC-shaped history (``generate_history.py``, default 50,000
commits), rebuilds it with ``git fast-import`` in a temporary directory
(removed afterwards) where, unlike the corpus format, every non-merge commit
also rewrites one of 400 small files (so ``git patch-id`` has real diffs to
hash), then times, best of ``--repeat`` runs each:

* the baseline: one plain ``git log --all --format='%H %P %s'``;
* the matrix: what ``release-tool patches --offline --all --all-lines --since
  <newest - D days> --format json`` computes, in one process: reading tags and
  branches, one streamed ``git log`` over the lines and their releases, the PR
  index, one ``git log -p | git patch-id --stable`` over the window's commits,
  and every cell.

It prints both times and their ratio (target: under 5).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench_tags_audit import best_of, load_generator

from release_tool import proc
from release_tool.core.config import Config
from release_tool.history.gitbuild import ISOLATED_ENV
from release_tool.history.gitrepo import GitRepo
from release_tool.history.history_import import _NULL, TEMP_REF, _data, _ident
from release_tool.history.inventory import Inventory
from release_tool.patches.collect import MatrixOptions, collect
from release_tool.patches.render import iso

FILES = 400


def import_with_files(records: list[dict], dest: Path) -> None:
    """Rebuild the history like ``import_history``, each non-merge commit changing one file."""
    marks: dict[str, int] = {}
    out: list[bytes] = []
    temp = TEMP_REF.encode()
    refs = []
    for record in records:
        if record.get("kind") == "ref":
            refs.append((record["name"], record["sha"]))
            continue
        if record.get("kind") != "commit":
            continue
        mark = marks[record["sha"]] = len(marks) + 1
        parents = [marks[p] for p in record.get("parents") or []]
        ident = _ident(record.get("author"), record.get("time", 0))
        if not parents:
            out.append(b"reset %s\n\n" % temp)
        out.append(b"commit %s\nmark :%d\nauthor %s\ncommitter %s\n" % (temp, mark, ident, ident))
        message = str(record.get("message") or "")
        out.append(_data(message))
        if parents:
            out.append(b"from :%d\n" % parents[0])
            out.extend(b"merge :%d\n" % m for m in parents[1:])
        if len(parents) <= 1:
            digest = hashlib.sha1(record["sha"].encode()).hexdigest()
            name = f"src/module{int(digest[:6], 16) % FILES}.py"
            text = f"# {message.splitlines()[0] if message else ''}\nVALUE = '{digest}'\n"
            out.append(b"M 644 inline %s\n" % name.encode() + _data(text))
        out.append(b"\n")
    for name, sha in refs:
        out.append(b"reset %s\nfrom :%d\n\n" % (name.encode(), marks[sha]))
    out.append(b"reset %s\nfrom %s\n\ndone\n" % (temp, _NULL.encode()))
    proc.run(["git", "init", "--quiet", "--initial-branch=integration", str(dest)])
    proc.run(["git", "fast-import", "--quiet", "--done"], cwd=dest, input=b"".join(out),
             text=False)  # fmt: skip


def baseline(path: Path) -> int:
    """The plain ``git log`` over the whole history; the size of its output in bytes."""
    args = ["git", "log", "--all", "--format=%H %P %s"]
    return len(proc.run(args, cwd=path, text=False).stdout)


def matrix(path: Path, days: int):
    """The patch matrix of the last ``days`` days, every kind, every line."""
    inventory = Inventory(GitRepo(path), Config())
    newest = max(inventory.activity().values())
    since = iso(newest - days * 86_400)
    options = MatrixOptions(since=since, all_lines=True, all_kinds=True)
    return collect(inventory, options, None)


def main(argv: list[str] | None = None) -> None:
    """Generate, import, time the baseline and the matrix, print the results."""
    parser = argparse.ArgumentParser(description="Benchmark 'release-tool patches'.")
    generator = load_generator()
    parser.add_argument("--commits", type=int, default=50_000)
    parser.add_argument("--tags", type=int, default=1_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=generator.DEFAULT_SEED)
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing (best is kept)")
    args = parser.parse_args(argv)
    os.environ.update(ISOLATED_ENV)

    records = generator.generate(args.commits, args.tags, args.seed)
    meta = records[0]
    with tempfile.TemporaryDirectory(prefix="bench-patches-") as tmp:
        path = Path(tmp) / "repo"
        start = time.perf_counter()
        import_with_files(records, path)
        imported = time.perf_counter() - start
        base_time, _ = best_of(args.repeat, lambda: baseline(path))
        matrix_time, result = best_of(args.repeat, lambda: matrix(path, args.days))
        commits = [r["time"] for r in records if r.get("kind") == "commit"]
        window = sum(1 for t in commits if t >= max(commits) - args.days * 86_400)

    states = Counter(cell.state for cell in result.cells.values())
    evidences = Counter(cell.evidence for cell in result.cells.values() if cell.evidence)
    print(f"commits:            {meta['commits']}")
    print(f"tags:               {meta['tags']}")
    print(f"window:             {args.days} days, about {window} commits")
    print(f"fast-import:        {imported:.3f} s")
    print(f"baseline git log:   {base_time:.3f} s (best of {args.repeat})")
    print(f"patch matrix:       {matrix_time:.3f} s (best of {args.repeat})")
    print(f"ratio matrix/base:  {matrix_time / base_time:.2f}  (target < 5)")
    print(f"lines x fixes:      {len(result.lines)} x {len(result.fixes)}")
    print(f"cells:              {', '.join(f'{k} {n}' for k, n in states.most_common())}")
    print(f"evidence:           {', '.join(f'{k} {n}' for k, n in evidences.most_common())}")


if __name__ == "__main__":
    main()
