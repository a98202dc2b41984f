"""Peak memory of ``release-tool`` at growing history sizes: is it linear?

Usage: ``python benchmarks/bench_memory.py [--sizes 10000,50000,200000] [--seed S]``

For each size, generates a DIRAC-shaped history (``generate_history.py``,
one tag per 45 commits), rebuilds it with ``git fast-import`` in a
temporary directory (removed afterwards) and runs, each in a fresh process
whose peak resident set size is read from ``wait4``:

* the baseline ``git log --all --format='%H %P %s'``;
* ``release-tool prs --until TAG --json`` for the newest release tag (the
  whole history is read and indexed);
* ``release-tool prs --json`` (every active line's unreleased head);
* ``release-tool lines``.

It prints time and peak RSS of each, then the slope of the tool's peak RSS
in MB per 10,000 commits between consecutive sizes: a linear footprint
keeps the slopes about equal (issue 11's target: under 250 MB at 200k
commits, growing linearly).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_tags_audit import load_generator

from release_tool import proc
from release_tool.history.gitbuild import ISOLATED_ENV
from release_tool.history.history_import import import_history

ROOT = Path(__file__).resolve().parents[1]


#: A small launcher: its children's peak RSS is the measured command's alone
#: (measured from this benchmark, a forked child would report the parent's size).
LAUNCHER = (
    "import resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)"
    ".returncode\n"
    "elapsed = time.perf_counter() - start\n"
    "print(code, elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


def measure(args: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """Run ``args`` to completion; (seconds, peak RSS in MB) of that process alone."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run(
        [sys.executable, "-c", LAUNCHER, *args], cwd=cwd, env=env, capture_output=True, text=True
    ).stdout.split()
    code, elapsed, rss = int(out[0]), float(out[1]), int(out[2])
    if code:
        raise SystemExit(f"{' '.join(args)} failed with exit {code}")
    return elapsed, rss / 1024  # Linux reports KiB


def newest_tag(path: Path) -> str:
    """The newest PEP 440 release tag of the repository."""
    out = proc.run(["git", "tag", "--list", "v*.*.*"], cwd=path).stdout.split()
    finals = [t for t in out if all(p.isdigit() for p in t[1:].split("."))]
    return max(finals, key=lambda t: tuple(int(p) for p in t[1:].split(".")))


def main(argv: list[str] | None = None) -> None:
    """Generate each size, measure, print the table and the slopes."""
    parser = argparse.ArgumentParser(description="Peak memory against history size.")
    generator = load_generator()
    parser.add_argument("--sizes", default="10000,50000,200000")
    parser.add_argument("--seed", type=int, default=generator.DEFAULT_SEED)
    args = parser.parse_args(argv)
    os.environ.update(ISOLATED_ENV)
    sizes = [int(s) for s in args.sizes.split(",")]
    tool = [sys.executable, "-m", "release_tool", "--repo"]
    rows = []
    for size in sizes:
        records = generator.generate(size, max(20, size // 45), args.seed)
        meta = records[0]
        with tempfile.TemporaryDirectory(prefix="bench-mem-") as tmp:
            path = Path(tmp) / "repo"
            import_history(records, path)
            tag = newest_tag(path)
            base = measure(["git", "log", "--all", "--format=%H %P %s"], cwd=path)
            until = measure([*tool, str(path), "prs", "--until", tag, "--json"])
            heads = measure([*tool, str(path), "prs", "--json"])
            lines = measure([*tool, str(path), "lines"])
        rows.append((meta["commits"], meta["prs"], base, until, heads, lines))
        print(
            f"{meta['commits']:>7} commits {meta['prs']:>6} PRs | git log {base[0]:6.2f} s "
            f"{base[1]:6.1f} MB | prs --until {until[0]:6.2f} s {until[1]:6.1f} MB | "
            f"prs {heads[0]:6.2f} s {heads[1]:6.1f} MB | "
            f"lines {lines[0]:6.2f} s {lines[1]:6.1f} MB",
            flush=True,
        )
    for (c0, _, _, u0, h0, _), (c1, _, _, u1, h1, _) in zip(rows, rows[1:], strict=False):
        per = 10_000 / (c1 - c0)
        print(
            f"slope {c0:>7} -> {c1:>7}: prs --until {(u1[1] - u0[1]) * per:5.1f} MB, "
            f"prs {(h1[1] - h0[1]) * per:5.1f} MB per 10k commits"
        )
    top = max(max(r[3][1], r[4][1], r[5][1]) for r in rows)
    print(f"largest peak RSS: {top:.1f} MB (target < 250 MB)")


if __name__ == "__main__":
    main()
