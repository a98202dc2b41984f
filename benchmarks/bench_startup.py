"""Startup time: ``release-tool version show 8.0.1`` against ``python -c "import click"``.

Run from the project root: ``python benchmarks/bench_startup.py [--repeat R]``.
Both commands run as fresh interpreters, best of R; the ratio is the target
of issue 11 (under 4). It also lists the heavy modules the command imported.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from bench_tags_audit import tool_env

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("github", "jinja2", "git", "graphql", "requests", "urllib3", "release_tool.sandbox")
PROBE = (
    "import sys\n"
    "from release_tool.cli import cli\n"
    "try:\n"
    "    cli.main(['version', 'show', '8.0.1'], prog_name='release-tool')\n"
    "except SystemExit:\n"
    "    pass\n"
    "heavy = sorted({m.split('.')[0] if not m.startswith('release_tool') else m\n"
    "    for m in sys.modules if m.split('.')[0] in %r or m.startswith('release_tool.sandbox')})\n"
    "print('HEAVY', ' '.join(heavy), file=sys.stderr)\n"
)


def best(args: list[str], repeat: int) -> float:
    """The best wall time of ``repeat`` runs of ``args``."""
    env = tool_env()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True, env=env, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    opts = parser.parse_args()
    python = sys.executable
    baseline = best([python, "-c", "import click"], opts.repeat)
    tool = best([python, "-m", "release_tool", "version", "show", "8.0.1"], opts.repeat)
    helped = best([python, "-m", "release_tool", "--help"], opts.repeat)
    probe = subprocess.run(
        [python, "-c", PROBE % (HEAVY,)],
        capture_output=True, text=True, env=tool_env(), cwd=ROOT,
    )  # fmt: skip
    heavy = probe.stderr.strip().split("HEAVY", 1)[-1].strip() or "none"
    print(f"baseline import click: {baseline * 1000:7.1f} ms (best of {opts.repeat})")
    print(f"version show 8.0.1:    {tool * 1000:7.1f} ms (best of {opts.repeat})")
    print(f"release-tool --help:   {helped * 1000:7.1f} ms (best of {opts.repeat})")
    print(f"ratio show/click:      {tool / baseline:7.2f}  (target < 4)")
    print(f"heavy modules loaded:  {heavy}")


if __name__ == "__main__":
    main()
