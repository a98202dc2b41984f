"""Benchmark ``release-tool tags audit`` on a generated DIRAC-shaped history.

Usage: ``python benchmarks/bench_tags_audit.py [--commits N] [--tags N] [--seed S]``

Generates a history (``generate_history.py``), rebuilds it with
``git fast-import`` in a temporary directory (removed afterwards), then times,
best of ``--repeat`` runs each:

* the baseline: ``git log --topo-order --format='%H %P %D' --all``, one pass
  over the whole graph with its refs, output read to the end;
* the audit: ``Inventory(GitRepo(path), Config()).audit()``, the work of
  ``release-tool tags audit --json`` in-process (reading tags, walking the
  graph, auditing), without printing.

It prints the sizes, both times, their ratio and what the audit found.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from release_tool import proc
from release_tool.core.config import Config
from release_tool.core.tags import AuditReport
from release_tool.history.gitbuild import ISOLATED_ENV
from release_tool.history.gitrepo import GitRepo
from release_tool.history.history_import import import_history
from release_tool.history.inventory import Inventory

HERE = Path(__file__).resolve().parent


def load_generator() -> ModuleType:
    """The ``generate_history`` module next to this script, loaded by path."""
    spec = importlib.util.spec_from_file_location("generate_history", HERE / "generate_history.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def tool_env() -> dict[str, str]:
    """The environment of a timed ``python -m release_tool`` process, as a user's would be.

    The checkout is on ``sys.path``, and its modules are compiled to
    bytecode once, as ``pip install`` does, into a private cache (this
    checkout's sources stay clean), even where ``PYTHONDONTWRITEBYTECODE``
    is set: without it every run would compile every module again.
    """
    root = HERE.parent
    cache = Path(tempfile.gettempdir()) / "release-tool-bench-pycache"
    env = dict(os.environ, PYTHONPATH=str(root), PYTHONPYCACHEPREFIX=str(cache))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if not getattr(tool_env, "compiled", False):
        command = [sys.executable, "-m", "compileall", "-q", str(root / "release_tool")]
        subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
        tool_env.compiled = True  # type: ignore[attr-defined]
    return env


def best_of(repeat: int, action: Callable[[], object]) -> tuple[float, object]:
    """The best wall time of ``repeat`` runs of ``action``, and its last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - start)
    return best, result


def baseline(path: Path) -> int:
    """Run the baseline ``git log`` over the whole graph; the size of its output in bytes."""
    args = ["git", "log", "--topo-order", "--format=%H %P %D", "--all"]
    return len(proc.run(args, cwd=path, text=False).stdout)


def audit(path: Path) -> AuditReport:
    """What ``release-tool --repo PATH tags audit`` computes, in-process."""
    return Inventory(GitRepo(path), Config()).audit()


def main(argv: list[str] | None = None) -> None:
    """Generate, import, time the baseline and the audit, print the results."""
    parser = argparse.ArgumentParser(description="Benchmark 'release-tool tags audit'.")
    generator = load_generator()
    parser.add_argument("--commits", type=int, default=generator.DEFAULT_COMMITS)
    parser.add_argument("--tags", type=int, default=generator.DEFAULT_TAGS)
    parser.add_argument("--seed", type=int, default=generator.DEFAULT_SEED)
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing (best is kept)")
    args = parser.parse_args(argv)
    os.environ.update(ISOLATED_ENV)  # no user or system git configuration in either timing

    start = time.perf_counter()
    records = generator.generate(args.commits, args.tags, args.seed)
    generated = time.perf_counter() - start
    meta = records[0]
    with tempfile.TemporaryDirectory(prefix="bench-tags-audit-") as tmp:
        path = Path(tmp) / "repo"
        start = time.perf_counter()
        import_history(records, path)
        imported = time.perf_counter() - start
        base_time, _ = best_of(args.repeat, lambda: baseline(path))
        audit_time, report = best_of(args.repeat, lambda: audit(path))

    print(f"commits:          {meta['commits']}")
    print(f"tags:             {meta['tags']}")
    print(f"generate:         {generated:.3f} s")
    print(f"fast-import:      {imported:.3f} s")
    print(f"baseline git log: {base_time:.3f} s (best of {args.repeat})")
    print(f"tags audit:       {audit_time:.3f} s (best of {args.repeat})")
    print(f"ratio audit/base: {audit_time / base_time:.2f}")
    print(f"contradictions:   {len(report.contradictions)}")
    print(f"duplicates:       {len(report.duplicates)}")
    print(f"mixed commits:    {len(report.mixed)}")
    print(f"junk tags:        {len(report.junk)}")
    slips = ", ".join(f"{s['kind']} {'='.join(s['tags'])}" for s in meta["slips"])
    print(f"planted slips:    {slips or 'none'}")


if __name__ == "__main__":
    main()
