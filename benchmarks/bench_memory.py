"""Peak memory of ``release-tool`` at growing history sizes: is it linear?

Usage: ``python benchmarks/bench_memory.py [--sizes 10000,50000,200000] [--seed S]``

For each size, generates a DIRAC-shaped history (``generate_history.py``,
one tag per 45 commits), rebuilds it with ``git fast-import`` in a
temporary directory (removed afterwards) and runs, each in a fresh process
whose peak resident set size is read from ``wait4``, in this order (the
persistent history index is cleared first, so "cold" builds and stores it
and "warm" loads it):

* the baseline ``git log --all --format='%H %P %s'``;
* ``prs --until TAG --json`` for the newest release tag: ``--no-cache``,
  cold (index built and stored) and warm;
* ``prs --json`` (every active line's unreleased head: the index extended
  by the line heads) and ``lines``;
* ``notes --until TAG`` (warm);
* ``prs --all-releases --json`` and ``notes --all-releases`` (warm, then
  ``--no-cache``), the largest outputs: every release's PRs and notes;
* ``summary`` (text, and html and pptx over a fixed three-year window),
  ``tags audit`` and ``patches --offline``;
* ``prs --json`` after a new tag: the stored index is extended.

It prints time and peak RSS of each, then the slope of each command's peak
RSS in MB per 10,000 commits between consecutive sizes: a linear footprint
keeps the slopes about equal (issue 11's target: under 250 MB at 200k
commits for any command, growing linearly).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_tags_audit import load_generator, tool_env

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
    env = tool_env()
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
            runs = {"git log --all": measure(["git", "log", "--all", "--format=%H %P %s"], path)}
            for label, command in commands(tag, Path(tmp) / "summary.pptx"):
                if "(cold" in label:  # the index is built and stored by this run
                    shutil.rmtree(path / ".git" / "release-tool", ignore_errors=True)
                if "(new tag" in label:  # the stored index is extended by this run
                    proc.run(["git", "tag", "v99.0.0a1", "integration"], cwd=path)
                runs[label] = measure([*tool, str(path), *command])
        rows.append((meta["commits"], meta["prs"], runs))
        print(f"{meta['commits']:>7} commits, {meta['prs']:>6} PRs", flush=True)
        for label, (seconds, mb) in runs.items():
            print(f"  {label:<40} {seconds:7.2f} s {mb:7.1f} MB", flush=True)
    for (c0, _, r0), (c1, _, r1) in zip(rows, rows[1:], strict=False):
        per = 10_000 / (c1 - c0)
        print(f"slope {c0} -> {c1} commits, MB per 10,000 commits:")
        for label in r0:
            print(f"  {label:<40} {(r1[label][1] - r0[label][1]) * per:6.1f}")
    tool_peaks = [(mb, label) for _, _, runs in rows for label, (_, mb) in runs.items()
                  if label != "git log --all"]  # fmt: skip
    top, label = max(tool_peaks)
    print(f"largest peak RSS: {top:.1f} MB ({label}; target < 250 MB)")


def commands(tag: str, deck: Path) -> list[tuple[str, list[str]]]:
    """The measured commands, in order (labels and arguments after ``--repo PATH``).

    ``deck``: where the slide deck (``summary --format pptx``) is written.
    """
    return [
        ("prs --until --json (--no-cache)", ["--no-cache", "prs", "--until", tag, "--json"]),
        ("prs --until --json (cold, stores)", ["prs", "--until", tag, "--json"]),
        ("prs --until --json (warm)", ["prs", "--until", tag, "--json"]),
        ("prs --json (line heads)", ["prs", "--json"]),
        ("lines", ["lines"]),
        ("notes --until (warm)", ["notes", "--until", tag]),
        ("prs --all-releases --json", ["prs", "--all-releases", "--json"]),
        ("notes --all-releases", ["notes", "--all-releases"]),
        ("notes --all-releases (--no-cache)", ["--no-cache", "notes", "--all-releases"]),
        (
            "prs --all-releases --json (--no-cache)",
            ["--no-cache", "prs", "--all-releases", "--json"],
        ),  # fmt: skip
        ("summary", ["summary"]),
        ("summary --format html, 3 years", [*WINDOW, "--format", "html"]),
        ("summary --format pptx, 3 years", [*WINDOW, "--format", "pptx", "--output", str(deck)]),
        ("tags audit", ["tags", "audit"]),
        ("patches --offline", ["--github-repo", "o/n", "patches", "--offline"]),
        ("prs --json (new tag: extends)", ["prs", "--json"]),
    ]


#: A fixed three-year summary window (the synthetic history's dates run past it).
WINDOW = ["summary", "--since", "2024-01-01", "--until", "2026-11-30"]


if __name__ == "__main__":
    main()
