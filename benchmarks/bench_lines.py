"""Benchmark ``lines``, ``prs`` and ``version next`` against one plain ``git log --all``.

Usage: ``python benchmarks/bench_lines.py [--commits N] [--tags N] [--seed S] [--repeat R]``

Generates a DIRAC-shaped history (default 40,000 commits, 1,100 tags, as
DIRAC has), rebuilds it with ``git fast-import`` in a temporary directory
(removed afterwards), and times, best of ``--repeat``:

* the baseline: ``git log --all --format='%H %P %s'``, output read to the end;
* each command as a user runs it: a fresh ``python -m release_tool`` process
  (startup included), cold (``--no-cache``: the whole history is read);
* ``prs``/``notes --until`` the newest final, warm: the persistent history
  index of a previous run is reused;
* the floor of any notes command: an interpreter that imports click and
  jinja2's sandbox, and nothing of release-tool.

When the ``git-cliff`` binary is on ``PATH`` (``pip install git-cliff``
ships it; it is not a dependency of the project), it is timed in the same
run on the same history with its default configuration (``git cliff
--init``): the notes of the same release range (``git cliff SINCE..TAG``,
SINCE being the previous release release-tool finds), and with
``--cliff-all`` also the changelog of every release (``git cliff``, minutes
on a DIRAC-sized history, so timed once). Without it, a message says so.

It prints each time and its ratio to the baseline (issue 11's target for
``lines``, ``prs`` and ``version next``: under 3).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_tags_audit import best_of, load_generator, tool_env

from release_tool import proc
from release_tool.history.gitbuild import ISOLATED_ENV
from release_tool.history.history_import import import_history

ROOT = Path(__file__).resolve().parents[1]


def baseline(path: Path) -> int:
    """The plain ``git log`` over the whole history; the size of its output in bytes."""
    return len(proc.run(["git", "log", "--all", "--format=%H %P %s"], cwd=path, text=False).stdout)


def tool(path: Path, *args: str) -> str:
    """Run ``release-tool --repo PATH ARGS`` in a fresh interpreter; its stdout."""
    env = tool_env()
    command = [sys.executable, "-m", "release_tool", "--repo", str(path), *args]
    return subprocess.run(command, check=True, capture_output=True, text=True, env=env).stdout


def cliff_commands(path: Path, tmp: Path, tag: str) -> dict[str, list[str]] | None:
    """git-cliff's command lines for the release ``tag`` and for every release; None if absent."""
    venv = str(Path(sys.executable).parent)
    binary = shutil.which("git-cliff") or shutil.which("git-cliff", path=venv)
    if binary is None:
        return None
    config = tmp / "cliff"
    config.mkdir()
    subprocess.run([binary, "--init"], cwd=config, check=True, capture_output=True)
    since = json.loads(tool(path, "--no-cache", "prs", "--until", tag, "--json") or "[]")
    since = since[0]["since"] if since else None
    base = [binary, "--config", str(config / "cliff.toml")]
    one = [*base, f"{since}..{tag}" if since else tag]
    return {"one": one, "all": base}


def run_cliff(path: Path, command: list[str]) -> None:
    """Run git-cliff in the repository, its changelog read to the end."""
    subprocess.run(command, cwd=path, check=True, capture_output=True)


def main(argv: list[str] | None = None) -> None:
    """Generate, import, time the baseline and each command, print the ratios."""
    parser = argparse.ArgumentParser(description="Benchmark lines, prs and version next.")
    generator = load_generator()
    parser.add_argument("--commits", type=int, default=40_000)
    parser.add_argument("--tags", type=int, default=1_100)
    parser.add_argument("--seed", type=int, default=generator.DEFAULT_SEED)
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing (best is kept)")
    parser.add_argument(
        "--cliff-all", action="store_true", help="also time git-cliff on every release (minutes)"
    )
    args = parser.parse_args(argv)
    os.environ.update(ISOLATED_ENV)

    records = generator.generate(args.commits, args.tags, args.seed)
    meta = records[0]
    with tempfile.TemporaryDirectory(prefix="bench-lines-") as tmp:
        path = Path(tmp) / "repo"
        import_history(records, path)
        branches = proc.run(["git", "branch", "--format=%(refname:short)"], cwd=path).stdout
        newest = sorted(b for b in branches.split() if b.startswith("rel-"))[-1]
        base, _ = best_of(args.repeat, lambda: baseline(path))
        tags = proc.run(["git", "tag", "--list", "v*.*.*"], cwd=path).stdout.split()
        finals = [t for t in tags if all(p.isdigit() for p in t[1:].split("."))]
        tag = max(finals, key=lambda t: tuple(int(p) for p in t[1:].split(".")))
        cold = ["--no-cache"]
        commands = {
            "lines": [*cold, "lines"],
            "lines --all": [*cold, "lines", "--all"],
            "prs": [*cold, "prs"],
            "prs --all": [*cold, "prs", "--all"],
            f"version next -b {newest}": [*cold, "version", "next", "-b", newest],
            "version next -b integration": [*cold, "version", "next", "-b", "integration"],
            f"prs --until {tag} (cold)": [*cold, "prs", "--until", tag],
            f"notes --until {tag} (cold)": [*cold, "notes", "--until", tag, "--source", "git"],
            f"prs --until {tag} (warm)": ["prs", "--until", tag],
            f"notes --until {tag} (warm)": ["notes", "--until", tag, "--source", "git"],
            "prs --all-releases (cold)": [*cold, "prs", "--all-releases", "--json"],
            "notes --all-releases (cold)": [*cold, "notes", "--all-releases", "--source", "git"],
        }
        tool(path, "prs", "--until", tag)  # fills the persistent index for the warm runs
        timings = {}
        for label, command in commands.items():
            timings[label], _ = best_of(args.repeat, lambda c=command: tool(path, *c))
        floor = [sys.executable, "-c", "import click, jinja2.sandbox"]
        timings["python -c 'import click, jinja2.sandbox'"], _ = best_of(
            args.repeat,
            lambda: subprocess.run(floor, check=True, capture_output=True, env=tool_env()),
        )
        cliff = cliff_commands(path, Path(tmp), tag)
        if cliff is not None:
            timings[f"git-cliff {cliff['one'][-1]}"], _ = best_of(
                args.repeat, lambda: run_cliff(path, cliff["one"])
            )
            if args.cliff_all:
                timings["git-cliff, every release (once)"], _ = best_of(
                    1, lambda: run_cliff(path, cliff["all"])
                )
        shown = len(tool(path, "--no-cache", "lines").splitlines()) - 1
        every = len(tool(path, "--no-cache", "lines", "--all").splitlines()) - 1

    print(f"commits:            {meta['commits']}")
    print(f"tags:               {meta['tags']}")
    print(f"lines:              {shown} active of {every}")
    print(f"baseline git log:   {base:.3f} s (best of {args.repeat})")
    for label, seconds in timings.items():
        print(f"{label + ':':40}{seconds:7.3f} s  ratio {seconds / base:5.2f}")
    if cliff is None:
        print("git-cliff: not found on PATH (pip install git-cliff), not timed")


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"benchmark wall time: {time.perf_counter() - start:.1f} s")
