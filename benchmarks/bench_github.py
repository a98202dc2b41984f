"""Benchmark fetching PR metadata from GitHub: bulk GraphQL + cache vs a naive PyGithub loop.

Usage: ``python benchmarks/bench_github.py [--prs N] [--naive N]``

Starts the local GitHub emulator (``release_tool.sandbox``) loaded with N
merged PRs (default 10,000) and measures, in the same run:

* the naive loop: PyGithub's ``repo.get_pull(n)`` for each PR (over the first
  ``--naive`` PRs, default all of them), one request per PR;
* release-tool cold: ``GitHubForge.fetch_prs`` with an empty cache;
* release-tool warm: the same call again, with the cache filled.

It prints the requests each made (the emulator counts them), their wall
times, and the ratios, with the targets: cold <= ceil(N/50) + 3 requests,
warm <= 1 request.
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time
from pathlib import Path

from github import Auth, Github

from release_tool.forge.github import GitHubForge, GitHubSettings
from release_tool.sandbox import GitHubEmulator

SLUG = "DIRACGrid/DIRAC"


def pulls(count: int) -> list[dict]:
    """``count`` merged PRs with bodies and labels, as emulator data."""
    return [
        {"number": n, "title": f"[8.0] fix number {n}", "author": f"dev{n % 40}",
         "body": f"BEGINRELEASENOTES\n*WMS\nFIX: fix number {n}\nENDRELEASENOTES\n",
         "labels": ["bug"] if n % 3 == 0 else [], "base": "rel-v8r0",
         "merged_at": 1_600_000_000 + 60 * n}
        for n in range(1, count + 1)
    ]  # fmt: skip


def timed(action):
    """``(seconds, result)`` of one call."""
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def main(argv: list[str] | None = None) -> None:
    """Run the three measurements and print them."""
    parser = argparse.ArgumentParser(description="Benchmark bulk PR metadata fetching.")
    parser.add_argument("--prs", type=int, default=10_000, help="merged PRs in the emulator")
    parser.add_argument("--naive", type=int, default=None, help="PRs for the naive loop (all)")
    args = parser.parse_args(argv)
    count = args.prs
    naive_count = min(args.naive or count, count)
    with (
        GitHubEmulator.from_pulls(pulls(count), name=SLUG) as gh,
        tempfile.TemporaryDirectory() as tmp,
    ):
        gh.state.rate.set_limit(10 * count + 1000)  # room for the naive loop
        client = Github(base_url=gh.base_url, auth=Auth.Token("bench-token"), retry=None,
                        seconds_between_requests=None, seconds_between_writes=None)  # fmt: skip
        repo = client.get_repo(SLUG)
        gh.reset_counts()
        naive_time, _ = timed(lambda: [repo.get_pull(n).body for n in range(1, naive_count + 1)])
        naive_requests = gh.counts()["total"]

        settings = GitHubSettings(slug=SLUG, base_url=gh.base_url, token="bench-token",
                                  cache_dir=Path(tmp))  # fmt: skip
        gh.reset_counts()
        cold_time, cold = timed(lambda: GitHubForge(settings).fetch_prs(range(1, count + 1)))
        cold_requests = gh.counts()["total"]
        gh.reset_counts()
        warm_time, warm = timed(lambda: GitHubForge(settings).fetch_prs(range(1, count + 1)))
        warm_requests = gh.counts()["total"]

    per_pr_naive = naive_time / naive_count
    naive_all = per_pr_naive * count  # extrapolated when --naive is smaller
    budget = math.ceil(count / 50) + 3
    print(f"PRs:                {count} (all found: {cold.complete and warm.complete})")
    print(f"naive get_pull:     {naive_requests} requests for {naive_count} PRs, "
          f"{naive_time:.2f} s ({naive_all:.2f} s for {count})")  # fmt: skip
    print(f"release-tool cold:  {cold_requests} requests (target <= {budget}), {cold_time:.2f} s")
    print(f"release-tool warm:  {warm_requests} requests (target <= 1), {warm_time:.2f} s")
    print(f"requests naive/cold: {naive_requests * count / naive_count / cold_requests:.0f}x")
    print(f"wall naive/cold:     {naive_all / cold_time:.1f}x")
    print(f"wall naive/warm:     {naive_all / warm_time:.1f}x")


if __name__ == "__main__":
    main()
