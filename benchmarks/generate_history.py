"""A synthetic history shaped like DIRAC's, as records in the corpus format.

The records are those of ``../shared/corpus/histories`` (see
:mod:`release_tool.history.history_import`): a ``meta`` line, commits parents first,
then refs. The shape follows DIRAC's release process:

* ``integration`` receives pull requests, each a branch of one to three commits
  and a merge commit ``Merge pull request #N from dev/branch`` plus a title line;
  some are squash merges (``title (#N)``), some carry a nested PR squashed
  into their branch before they merged, and on ``integration`` some are sweeps
  of recent release-branch PRs (``cherry-pick-2-<sha>-integration``);
* each series ``X.Y`` is developed on ``integration`` with alphas (``vXrY-preN``
  for majors below 8, ``vX.Y.0aN`` from 8 on), then gets a release branch
  ``rel-vXrY`` cut from ``integration`` with its first release on it;
* release branches receive fix PRs and patch releases (``vXrYpZ``, ``vX.Y.Z``)
  while the next series is developed, and are merged forward into the next
  release branch or ``integration``; the last legacy series tags its later
  patches twice (``v7r3p10`` and ``v7.3.10`` on one commit), as DIRAC did;
* a few deliberate slips, listed in the meta record: a patch tagged on the
  wrong release branch, an alpha of a released series tagged on
  ``integration``, and a PEP 440 twin put on the commit after its legacy tag.

Every release is a commit ``Release <tag>`` that its tags point to. Output is
deterministic for a given seed. Run it to write a ``.jsonl.gz`` file.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
from dataclasses import dataclass
from pathlib import Path

DEFAULT_COMMITS = 45_000
DEFAULT_TAGS = 1_100
DEFAULT_SEED = 2024
START_TIME = 1_350_000_000
#: How many release branches receive patches at once (the newest ones).
WINDOW = 3
#: Patch number from which the last legacy series carries PEP 440 twins.
TWIN_FROM = 10

_SYSTEMS = [
    "WorkloadManagement",
    "DataManagement",
    "Framework",
    "Resources",
    "Transformation",
    "RequestManagement",
    "Accounting",
    "Monitoring",
    "Core",
    "Interfaces",
    "WebApp",
]
_VERBS = ["fix", "handle", "add", "remove", "refactor", "speed up", "document", "test", "log"]
_NOUNS = [
    "timeout",
    "proxy renewal",
    "pilot submission",
    "job parameters",
    "replica lookup",
    "token refresh",
    "query limits",
    "site mask",
    "failover requests",
    "config reload",
    "DB connection",
    "JSON encoding",
    "python 3 compat",
    "default value",
    "retry loop",
]
_TYPES = ["fix", "feat", "refactor", "docs", "test", "chore", "perf"]


@dataclass
class Series:
    """A release series ``major.minor``: how many alphas and patches it gets."""

    major: int
    minor: int
    alphas: int = 0
    patches: int = 0
    twins: bool = False

    @property
    def legacy(self) -> bool:
        """Whether the series is tagged in DIRAC's legacy scheme (majors below 8)."""
        return self.major < 8

    @property
    def branch(self) -> str:
        """The release branch name, ``rel-vXrY`` in both schemes."""
        return f"rel-v{self.major}r{self.minor}"

    def alpha(self, n: int) -> str:
        """The tag of alpha ``n``."""
        if self.legacy:
            return f"v{self.major}r{self.minor}-pre{n}"
        return f"v{self.major}.{self.minor}.0a{n}"

    def release(self, patch: int) -> list[str]:
        """The tags of release ``patch`` (0 is the series' first release), twins included."""
        legacy = f"v{self.major}r{self.minor}" + (f"p{patch}" if patch else "")
        pep = f"v{self.major}.{self.minor}.{patch}"
        if not self.legacy:
            return [pep]
        if self.twins and patch >= TWIN_FROM:
            return [legacy, pep]
        return [legacy]

    def patch_cost(self, patch: int) -> int:
        """How many tags patch ``patch`` of the series makes."""
        return len(self.release(patch))


def plan_series(tags: int, rng: random.Random) -> list[Series]:
    """The series, each with its alphas and patches, so that the tags add up to ``tags``.

    About one series per 40 tags: mostly legacy ``v6rY`` and ``v7r0``..``v7r3``,
    the newest ones ``8.x`` and ``9.x``. The last series is still in alphas
    on ``integration``; every other one has a release branch. Two tags are
    left for the slips (none below four series). Tiny tag counts give fewer alphas and patches.
    """
    count = max(2, round(tags / 40))
    pep = max(1, round(count * 0.15))
    legacy = count - pep
    sevens = min(4, legacy)
    names = [(6, m) for m in range(legacy - sevens)] + [(7, m) for m in range(sevens)]
    names += [(8 + i // 3, i % 3) for i in range(pep)]
    series = [Series(major, minor, alphas=rng.randint(3, 6)) for major, minor in names]
    legacy_series = [s for s in series[:-1] if s.legacy]
    if legacy_series:
        legacy_series[-1].twins = True
    slips = 2 if len(series) >= 4 else 0  # see _plan_slips
    budget = tags - slips - sum(s.alphas for s in series) - (len(series) - 1)
    while budget < 0 and any(s.alphas > 1 for s in series):
        max(series, key=lambda s: s.alphas).alphas -= 1
        budget += 1
    released = series[:-1]
    # Patches go mostly to the newer release branches; twins cost two tags.
    weights = [1.0 + i / max(1, len(released)) for i in range(len(released))]
    while budget > 0 and released:
        candidate = rng.choices(released, weights)[0]
        cost = candidate.patch_cost(candidate.patches + 1)
        if cost > budget:
            cheap = [s for s in released if s.patch_cost(s.patches + 1) <= budget]
            if not cheap:
                break
            candidate = cheap[0]
            cost = candidate.patch_cost(candidate.patches + 1)
        candidate.patches += 1
        budget -= cost
    return series


@dataclass
class Event:
    """One step of the timeline: a tag (``alpha``, ``first``, ``patch``) or a slip."""

    kind: str
    branch: str
    series: Series


def plan_events(series: list[Series], rng: random.Random) -> list[list[Event]]:
    """The tag events, phase by phase.

    Phase ``i`` develops series ``i`` on ``integration`` (its alphas) while
    the ``WINDOW`` newest release branches get patches; it ends with the cut
    of ``rel-`` for series ``i`` and its first release. Within a phase the
    events of each branch keep their order and the branches interleave at random.
    """
    slots: dict[int, list[int]] = {}  # series index -> patches per phase of its window
    for j, s in enumerate(series[:-1]):
        phases = list(range(j + 1, min(j + WINDOW, len(series) - 1) + 1))
        counts = [0] * len(phases)
        weights = [WINDOW + 1 - k for k in range(len(phases))]
        for _ in range(s.patches):
            counts[rng.choices(range(len(phases)), weights)[0]] += 1
        slots[j] = counts
    phases: list[list[Event]] = []
    for i, s in enumerate(series):
        queues = [[Event("alpha", "integration", s) for _ in range(s.alphas)]]
        for j in range(max(0, i - WINDOW), i):
            offset = i - (j + 1)
            if offset < len(slots[j]):
                queues.append([Event("patch", series[j].branch, series[j])] * slots[j][offset])
        events: list[Event] = []
        queues = [q for q in queues if q]
        while queues:
            queue = rng.choice(queues)
            events.append(queue.pop(0))
            queues = [q for q in queues if q]
        if i < len(series) - 1:
            events.append(Event("first", s.branch, s))
        phases.append(events)
    _plan_slips(series, phases)
    return phases


def _plan_slips(series: list[Series], phases: list[list[Event]]) -> None:
    """Insert the slips: a patch on the wrong branch and a late alpha (two tags in all)."""
    if len(series) < 4:
        return
    middle = len(series) // 2
    # A patch of series middle-1 tagged on rel- of series middle, during phase middle+1.
    events = phases[middle + 1]
    slip = Event("wrong-branch", series[middle].branch, series[middle - 1])
    events.insert(len(events) // 2, slip)
    # An alpha of the released series middle-2 tagged on integration after the
    # first alpha of series middle.
    events = phases[middle]
    first_alpha = next((k for k, e in enumerate(events) if e.kind == "alpha"), 0)
    events.insert(first_alpha + 1, Event("late-alpha", "integration", series[middle - 2]))


class Builder:
    """Emits commit records and keeps branch heads, tags and counters."""

    def __init__(self, rng: random.Random) -> None:
        """An empty history."""
        self.rng = rng
        self.records: list[dict] = []
        self.heads: dict[str, str] = {}
        self.recent: dict[str, list[str]] = {}
        self.tags: dict[str, str] = {}
        self.time = START_TIME
        self.pr = 0
        self.patch_no: dict[str, int] = {}
        self.alpha_no: dict[str, int] = {}
        self.slips: list[dict] = []
        self.release_prs: list[tuple[int, str, str]] = []

    def commit(self, parents: list[str], message: str, author: str | None = None) -> str:
        """Add one commit record and return its (fake) hash."""
        self.time += self.rng.randint(300, 20_000)
        sha = hashlib.sha1(f"{len(self.records)}:{message}".encode()).hexdigest()
        author = author or f"dev{self.rng.randint(1, 40)}"
        self.records.append({"kind": "commit", "sha": sha, "parents": parents,
                             "time": self.time, "author": author, "message": message})  # fmt: skip
        return sha

    def advance(self, branch: str, sha: str) -> None:
        """Move ``branch`` to ``sha``, remembering its recent first-parent commits."""
        self.heads[branch] = sha
        recent = self.recent.setdefault(branch, [])
        recent.append(sha)
        del recent[:-6]

    def title(self) -> str:
        """A plausible PR or commit title."""
        rng = self.rng
        return f"{rng.choice(_TYPES)}: {rng.choice(_VERBS)} {rng.choice(_NOUNS)} in " + rng.choice(
            _SYSTEMS
        )

    def pull_request(self, branch: str, size: int) -> None:
        """A PR of ``size - 1`` commits merged into ``branch`` with a merge commit."""
        self.pr += 1
        author = f"dev{self.rng.randint(1, 40)}"
        title = self.title()
        base = self.rng.choice(self.recent[branch][-4:])
        tip = base
        for k in range(size - 1):
            message = title if k == 0 else f"{self.title()}\n\nfollow-up for #{self.pr}"
            tip = self.commit([tip], message, author)
        topic = f"{branch.replace('rel-', '')}_{title.split(': ')[1][:20].replace(' ', '_')}"
        merge = self.commit(
            [self.heads[branch], tip],
            f"Merge pull request #{self.pr} from {author}/{topic}\n\n{title}",
        )
        self.advance(branch, merge)
        if branch.startswith("rel-"):
            self.release_prs.append((self.pr, merge, title))

    def squash(self, branch: str) -> None:
        """A PR squash-merged into ``branch``: one commit ``title (#N)``."""
        self.pr += 1
        self.advance(branch, self.commit([self.heads[branch]], f"{self.title()} (#{self.pr})"))

    def nested(self, branch: str, size: int) -> None:
        """A PR whose branch received another PR, squashed, before it merged (cost ``size``)."""
        self.pr += 2
        outer, inner = self.pr - 1, self.pr
        author = f"dev{self.rng.randint(1, 40)}"
        title = self.title()
        tip = self.rng.choice(self.recent[branch][-4:])
        for k in range(size - 1):
            message = title if k == 0 else f"{self.title()} (#{inner})"
            tip = self.commit([tip], message, author)
        merge = self.commit(
            [self.heads[branch], tip],
            f"Merge pull request #{outer} from {author}/big_feature_{outer}\n\n{title}",
        )
        self.advance(branch, merge)

    def sweep(self, branch: str) -> None:
        """A sweep PR bringing a release-branch PR to ``branch``, as DIRAC's bot makes them."""
        number, origin, title = self.rng.choice(self.release_prs[-50:])
        self.pr += 1
        topic = f"cherry-pick-2-{origin[:8]}-{branch}"
        copy = self.commit(
            [self.heads[branch]], f"{title}\n\n(cherry picked from commit {origin})", "bot"
        )
        merge = self.commit(
            [self.heads[branch], copy],
            f"Merge pull request #{self.pr} from DIRACGridBot/{topic}\n\n"
            f"[sweep:{branch}] {title}\n\nSweep #{number} `{title}` to `{branch}`.",
            "bot",
        )
        self.advance(branch, merge)

    def fill(self, branch: str, budget: int) -> None:
        """Spend ``budget`` commits on ``branch``: PRs of every form, a direct commit when odd.

        Mostly GitHub merge commits; some squash merges, some PRs with a
        nested PR squashed into their branch, and on integration some sweeps
        of recent release-branch PRs.
        """
        while budget > 0:
            if budget == 1:
                self.advance(branch, self.commit([self.heads[branch]], self.title()))
                return
            form = self.rng.random()
            if form < 0.15:
                self.squash(branch)
                budget -= 1
            elif form < 0.22 and budget >= 3:
                size = min(self.rng.randint(3, 4), budget)
                self.nested(branch, size)
                budget -= size
            elif form < 0.30 and branch == "integration" and self.release_prs:
                self.sweep(branch)
                budget -= 2
            else:
                size = min(self.rng.randint(2, 4), budget)
                self.pull_request(branch, size)
                budget -= size

    def release(self, branch: str, names: list[str]) -> str:
        """A ``Release`` commit on ``branch`` carrying the tags ``names``."""
        sha = self.commit([self.heads[branch]], f"Release {names[0]}\n\nSee release.notes.")
        self.advance(branch, sha)
        for name in names:
            self.tags[name] = sha
        return sha

    def merge_forward(self, source: str, target: str) -> None:
        """Merge release branch ``source`` into ``target`` (a newer one or integration)."""
        message = f"Merge branch '{source}' into {target}"
        self.advance(target, self.commit([self.heads[target], self.heads[source]], message))


def _gap_budgets(total: int, gaps: list[str], rng: random.Random) -> list[int]:
    """Split ``total`` commits over the gaps before each tag; integration gets twice as much."""
    if not gaps or total <= 0:
        return [0] * len(gaps)
    weights = [rng.uniform(0.3, 1.7) * (2 if g == "integration" else 1) for g in gaps]
    scale = total / sum(weights)
    budgets = [int(w * scale) for w in weights]
    for k in range(total - sum(budgets)):
        budgets[k % len(budgets)] += 1
    return budgets


def generate(
    commits: int = DEFAULT_COMMITS, tags: int = DEFAULT_TAGS, seed: int = DEFAULT_SEED
) -> list[dict]:
    """The records of a DIRAC-shaped history of about ``commits`` commits and ``tags`` tags.

    The counts are exact when ``commits`` leaves room for the release and merge
    commits (about two per tag) and ``tags`` for a few series; the meta record
    gives the counts reached and the slips made.
    """
    rng = random.Random(seed)
    series = plan_series(tags, rng)
    phases = plan_events(series, rng)
    events = [e for phase in phases for e in phase]
    # Forward merges: after a patch, often; always after a branch's last patch of a phase.
    merges_after: list[bool] = []
    for phase in phases:
        last = {e.branch: k for k, e in enumerate(phase) if e.kind == "patch"}
        merges_after += [
            e.kind == "patch" and (last[e.branch] == k or rng.random() < 0.5)
            for k, e in enumerate(phase)
        ]
    twin_slip = next((s for s in series if s.twins and s.patches >= TWIN_FROM + 2), None)
    fixed = 1 + len(events) + sum(merges_after) + (1 if twin_slip else 0)
    budgets = _gap_budgets(commits - fixed, [e.branch for e in events], rng)

    b = Builder(rng)
    b.advance("integration", b.commit([], "Initial commit", "dev1"))
    for event, budget, merge in zip(events, budgets, merges_after, strict=True):
        s = event.series
        key = f"{s.major}.{s.minor}"
        if event.kind == "first":
            b.advance(s.branch, b.heads["integration"])
            b.recent[s.branch] = [b.heads["integration"]]
        b.fill(event.branch, budget)
        if event.kind in ("alpha", "late-alpha"):
            b.alpha_no[key] = b.alpha_no.get(key, 0) + 1
            names = [s.alpha(b.alpha_no[key])]
        elif event.kind == "first":
            b.patch_no[key] = 0
            names = s.release(0)
        else:  # patch, wrong-branch
            b.patch_no[key] = b.patch_no.get(key, 0) + 1
            names = s.release(b.patch_no[key])
        misplaced = s is twin_slip and event.kind == "patch" and b.patch_no[key] == TWIN_FROM + 1
        sha = b.release(event.branch, names[:1] if misplaced else names)
        if misplaced:
            after = b.commit([sha], "fix: release notes of " + names[0])
            b.advance(event.branch, after)
            b.tags[names[1]] = after
            b.slips.append({"kind": "misplaced-twin", "tags": names, "branch": event.branch})
        elif event.kind in ("wrong-branch", "late-alpha"):
            b.slips.append({"kind": event.kind, "tags": names, "branch": event.branch})
        if merge:
            index = next(k for k, x in enumerate(series) if x is s)
            newer = series[index + 1] if index + 1 < len(series) - 1 else None
            target = newer.branch if newer and newer.branch in b.heads else "integration"
            if rng.random() < 0.5:
                target = "integration"
            b.merge_forward(event.branch, target)
    # Left-over budget (a tiny history): spend it on integration.
    b.fill("integration", commits - len(b.records))

    meta = {
        "kind": "meta",
        "format": 1,
        "note": f"synthetic DIRAC-shaped history (seed {seed})",
        "commits": len(b.records),
        "tags": len(b.tags),
        "prs": b.pr,
        "series": [f"{s.major}.{s.minor}" for s in series],
        "slips": b.slips,
    }
    refs = [{"kind": "ref", "name": f"refs/heads/{name}", "sha": sha}
            for name, sha in sorted(b.heads.items())]  # fmt: skip
    refs += [{"kind": "ref", "name": f"refs/tags/{name}", "sha": sha}
             for name, sha in sorted(b.tags.items())]  # fmt: skip
    return [meta, *b.records, *refs]


def write_jsonl(records: list[dict], path: Path) -> None:
    """Write records as JSON Lines, gzipped when ``path`` ends in ``.gz``."""
    text = "".join(json.dumps(r) + "\n" for r in records).encode()
    path.write_bytes(gzip.compress(text) if path.suffix == ".gz" else text)


def main(argv: list[str] | None = None) -> None:
    """Command line: write a generated history to a file and print its meta record."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path, help="file to write (.jsonl or .jsonl.gz)")
    parser.add_argument("--commits", type=int, default=DEFAULT_COMMITS)
    parser.add_argument("--tags", type=int, default=DEFAULT_TAGS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    records = generate(args.commits, args.tags, args.seed)
    write_jsonl(records, args.output)
    print(json.dumps(records[0], indent=2))


if __name__ == "__main__":
    main()
