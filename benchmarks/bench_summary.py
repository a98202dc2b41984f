"""Benchmark ``release-tool summary`` on a large history against one plain ``git log``.

Usage: ``python benchmarks/bench_summary.py [--commits N] [--tags N] [--seed S] [--repeat R]``

Generates a DIRAC-shaped history (``generate_history.py``; default 45,000
commits, 1,100 tags), rebuilds it with ``git fast-import`` in a temporary
directory (removed afterwards), then times, best of ``--repeat`` runs each:

* the baseline: one plain ``git log --all --format='%H %P %s'``, output read
  to the end;
* the summary of the last four weeks of the history, in every format but
  pptx (text, markdown, json and the HTML page with its two matplotlib
  charts): reading tags and branches, one ``git log`` over the history
  (the PR index), commit times of the releases, the notes at the window's
  tags, the PR lists of the window's releases and of each line's pending
  head, the activity of six previous windows and next versions; what
  ``release-tool summary --since ... --until ...`` does, in one process.

It prints both times and their ratio (target: under 3).
"""

from __future__ import annotations

import argparse
import os
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bench_tags_audit import best_of, load_generator

from release_tool import proc
from release_tool.core.config import Config
from release_tool.history.gitbuild import ISOLATED_ENV
from release_tool.history.gitrepo import GitRepo
from release_tool.history.history_import import import_history
from release_tool.summary.collect import Collector, Request
from release_tool.summary.render import render


def baseline(path: Path) -> int:
    """The plain ``git log`` over the whole history; the size of its output in bytes."""
    args = ["git", "log", "--all", "--format=%H %P %s"]
    return len(proc.run(args, cwd=path, text=False).stdout)


def newest(path: Path) -> datetime:
    """The newest commit time of the history."""
    out = proc.run(["git", "log", "--all", "-1", "--format=%ct"], cwd=path).stdout
    return datetime.fromtimestamp(int(out), tz=timezone.utc)


def summarise(path: Path, since: datetime, until: datetime, formats: list[str]):
    """The summary of ``[since, until]`` rendered in ``formats``: the command's work."""
    collector = Collector(GitRepo(path), Config())
    request = Request(since.isoformat(), until.isoformat())
    summary = collector.build(request)
    return summary, [render(summary, fmt) for fmt in formats]


def main(argv: list[str] | None = None) -> None:
    """Generate, import, time the baseline and the summary, print the results."""
    parser = argparse.ArgumentParser(description="Benchmark 'release-tool summary'.")
    generator = load_generator()
    parser.add_argument("--commits", type=int, default=generator.DEFAULT_COMMITS)
    parser.add_argument("--tags", type=int, default=generator.DEFAULT_TAGS)
    parser.add_argument("--seed", type=int, default=generator.DEFAULT_SEED)
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing (best is kept)")
    parser.add_argument("--weeks", type=int, default=4, help="the window's length")
    args = parser.parse_args(argv)
    os.environ.update(ISOLATED_ENV)  # no user or system git configuration in either timing

    records = generator.generate(args.commits, args.tags, args.seed)
    meta = records[0]
    with tempfile.TemporaryDirectory(prefix="bench-summary-") as tmp:
        path = Path(tmp) / "repo"
        import_history(records, path)
        until = newest(path)
        since = until - timedelta(weeks=args.weeks)
        base_time, _ = best_of(args.repeat, lambda: baseline(path))
        text_time, (summary, _) = best_of(
            args.repeat, lambda: summarise(path, since, until, ["text"])
        )
        all_time, _ = best_of(
            args.repeat, lambda: summarise(path, since, until, ["text", "markdown", "json", "html"])
        )

    releases = summary.releases
    print(f"commits:              {meta['commits']}")
    print(f"tags:                 {meta['tags']}")
    print(f"window:               {since:%Y-%m-%d} .. {until:%Y-%m-%d} ({args.weeks} weeks)")
    print(f"releases in window:   {len(releases)} ({', '.join(r.version for r in releases)})")
    print(f"lines shown:          {', '.join(line.branch for line in summary.lines)}")
    print(f"PRs merged in window: {summary.activity.merged if summary.activity else 0}")
    print(f"baseline git log:     {base_time:.3f} s (best of {args.repeat})")
    print(f"summary, text:        {text_time:.3f} s (best of {args.repeat})")
    print(f"summary, 4 formats:   {all_time:.3f} s (best of {args.repeat})")
    print(f"ratio text/base:      {text_time / base_time:.2f}  (target < 3)")
    print(f"ratio formats/base:   {all_time / base_time:.2f}")


if __name__ == "__main__":
    main()
