"""The sweep, step by step: candidates, plan, picks, pushes, PRs and labels.

Idempotent and resumable without a journal: every run derives what is
left from the remote and the forge, in this order, for each (PR, target):

1. history (after a fetch) already has the fix on the target: skip;
2. a sweep PR from the sweep branch exists: open, make sure it and the
   original are labelled; merged, skip;
3. the sweep branch is on the remote (a run stopped after the push): open
   its PR, never a second branch;
4. else cherry-pick in a temporary worktree, push, open the PR, label it.

Once all targets of a PR are handled, the original gets ``sweep:done``, or
``sweep:failed`` after one comment (found again by its marker, never
repeated) listing the conflicting files and the commands to do it by hand.
``checkpoint`` is called after each side effect (tests stop runs there).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ..core.lines import ReleaseLine
from ..errors import InputError, ReleaseToolError
from ..forge.base import Forge, ForgeError, PrInfo
from ..history.inventory import Inventory
from .config import SweepConfig
from .gitops import SweepGit
from .graph import patch_ids, read_graph, window
from .model import (
    FINISH,
    OPEN_PR,
    PICK,
    Candidate,
    Existing,
    Step,
    commented,
    conflict_comment,
    has_label,
    is_candidate,
    original_label,
    plan_step,
    sweep_body,
    sweep_labels,
    sweep_title,
    targets_of,
)
from .presence import Presence

DAY = 86_400


def _checkpoint(name: str) -> None:
    """Called after each side effect (``picked``, ``push``, ``pr``, ``labels``, ``comment``,
    ``label-original``); does nothing (tests replace it to stop a run there)."""


@dataclass
class Outcome:
    """What happened to one (PR, target)."""

    step: Step
    result: str  # done, failed, error, skipped
    message: str
    pr: int | None = None
    conflicts: list[str] = field(default_factory=list)


@dataclass
class Report:
    """A whole run: every outcome and the labels given to the originals."""

    outcomes: list[Outcome] = field(default_factory=list)
    labelled: dict[int, str] = field(default_factory=dict)

    @property
    def failures(self) -> list[Outcome]:
        """Conflicts and errors."""
        return [o for o in self.outcomes if o.result in ("failed", "error")]


class Sweeper:
    """Sweeps of one repository through one forge."""

    def __init__(
        self,
        inventory: Inventory,
        forge: Forge,
        *,
        say: Callable[[str], None] = print,
        checkpoint: Callable[[str], None] | None = None,
        fetch: bool = True,
    ) -> None:
        """Work on ``inventory``'s repository; ``say`` prints one line of progress."""
        self.inventory = inventory
        self.config: SweepConfig = inventory.config.sweep
        self.forge = forge
        self.git = SweepGit(inventory.repo)
        self.say = say
        self.checkpoint = checkpoint or _checkpoint
        self.fetch = fetch
        self._fetched = False
        self.lines: dict[str, ReleaseLine] = {x.branch: x for x in inventory.lines()}

    # -- inputs --------------------------------------------------------------------

    def check_branch(self, branch: str, option: str) -> str:
        """``branch`` when it is a release line; else one clear InputError."""
        if branch not in self.lines:
            known = ", ".join(self.lines) or "none"
            raise InputError(f"{option} {branch}: unknown branch (release lines: {known})")
        return branch

    def _update(self) -> None:
        """Fetch the remote once per run (not in a dry run): its heads are the targets."""
        if self.fetch and not self._fetched:
            self.git.fetch()
            self._fetched = True

    def candidates(self, numbers: list[int], from_branch: str | None) -> list[Candidate]:
        """The PRs ``numbers`` (each must be merged), or the labelled merged PRs of the window."""
        self._update()
        if numbers:
            fetched = self.forge.fetch_prs(numbers)
            if fetched.missing:
                raise InputError(f"PR #{fetched.missing[0]} not found on the forge")
            infos = [fetched.prs[n] for n in numbers]
            for info in infos:
                if not info.merged_at or not info.merge_commit:
                    raise InputError(f"PR #{info.number} is not merged: nothing to sweep")
                if from_branch and info.base != from_branch:
                    raise InputError(
                        f"PR #{info.number} was merged into {info.base}, not {from_branch}"
                    )
        else:
            infos = self._labelled(from_branch)
        return [self._candidate(info) for info in infos]

    def _labelled(self, from_branch: str | None) -> list[PrInfo]:
        """Merged PRs of the window carrying a target label and no done/failed/ignore label."""
        from ..history.discovery import Discovery

        discovery = Discovery(self.inventory)
        index = discovery.index()
        newest = max(self.inventory.activity().values(), default=0)
        since = newest - self.config.window_days * DAY
        branches = [from_branch] if from_branch else list(self.lines)
        numbers = set()
        for branch in branches:
            head = self.inventory.branches[branch].commit
            for pr in index.between(head, None):
                if pr.merged_at >= since and pr.ref.startswith("#") and pr.kind != "sweep":
                    numbers.add(pr.number)
        fetched = self.forge.fetch_prs(sorted(numbers))
        found = []
        for number in sorted(fetched.prs):
            info = fetched.prs[number]
            if not info.merged_at or not info.merge_commit:
                continue
            if from_branch and info.base != from_branch:
                continue
            if is_candidate(info.labels, self.config):
                found.append(info)
        return found

    def _candidate(self, info: PrInfo) -> Candidate:
        """A candidate from the forge's PR, its commit checked in local history."""
        parents = self.git.parents(info.merge_commit)
        return Candidate(
            number=info.number,
            title=info.title,
            body=info.body or "",
            labels=list(info.labels),
            base=info.base or "",
            commit=info.merge_commit,
            is_merge=len(parents) > 1,
            author=info.author,
        )

    def targets(self, candidate: Candidate, to: list[str], explicit: bool) -> list[str]:
        """``--to`` branches, else the PR's target labels; unknown ones are InputErrors."""
        targets = list(to) or targets_of(candidate.labels, self.config)
        if not targets and explicit:
            label = self.config.target_label.format(branch="<branch>")
            raise InputError(f"PR #{candidate.number} has no {label} label; give --to BRANCH")
        for target in targets:
            self.check_branch(target, "target")
            if target == candidate.base:
                raise InputError(
                    f"PR #{candidate.number} was merged into {target}: nothing to sweep there"
                )
        return targets

    # -- plan ------------------------------------------------------------------------

    def plan(self, work: list[tuple[Candidate, list[str]]]) -> list[tuple[Candidate, Step]]:
        """One step per (PR, target), from history, the forge and the remote."""
        self._update()
        targets = sorted({t for _, ts in work for t in ts})
        heads = {t: self.git.head_of(t) for t in targets}
        bases = {c.base for c, _ in work if c.base in self.lines}
        points = list(heads.values()) + [self.git.head_of(b) for b in sorted(bases)]
        points += [c.commit for c, _ in work]
        presence = None
        if work:
            graph = read_graph(self.inventory.repo, points)
            oldest = min(graph.times[graph.index[c.commit]] for c, _ in work)
            since = oldest - self.config.window_days * DAY
            graph.patch_ids = patch_ids(self.inventory.repo, graph, window(graph, since, None))
            presence = Presence(graph)
        open_by_head = {p.head: p for p in self.forge.list_prs(state="open")} if work else {}
        remote = self.git.remote_heads() if work else {}
        steps = []
        for candidate, ts in work:
            for target in ts:
                existing = Existing()
                fix = presence.graph.index.get(candidate.commit)
                found = presence.find(fix, candidate.number, presence.graph.bit(heads[target]))
                if found is not None:
                    existing.evidence, existing.via = found.evidence, found.via
                step = plan_step(candidate, target, existing, self.config)
                pr = open_by_head.get(step.branch)
                if found is None and pr is not None and pr.base == target:
                    existing.open_pr, existing.open_pr_labels = pr.number, list(pr.labels)
                elif found is None:
                    closed = self.forge.list_prs(head=step.branch, state="closed")
                    closed = [p for p in closed if p.base == target]
                    merged = [p for p in closed if p.merged_at]
                    if merged:
                        existing.merged_pr = merged[0].number
                    elif closed:
                        step.action, step.pr = "closed", closed[0].number
                        step.reason = f"sweep #{closed[0].number} was closed unmerged: not redone"
                        steps.append((candidate, step))
                        continue
                    existing.branch_pushed = step.branch in remote
                step = plan_step(candidate, target, existing, self.config)
                steps.append((candidate, step))
        self._heads = heads
        return steps

    def predict(self, steps: list[tuple[Candidate, Step]]) -> None:
        """Dry run: fill each pick's prediction with ``git merge-tree`` (no worktree, no ref)."""
        for candidate, step in steps:
            if step.action == PICK:
                files = self.git.predict(candidate.commit, self._heads[step.target])
                step.prediction = "clean" if not files else "conflicts in " + ", ".join(files)

    # -- run -------------------------------------------------------------------------

    def run(self, steps: list[tuple[Candidate, Step]]) -> Report:
        """Carry out the plan; label each original once all its targets are handled."""
        report = Report()
        by_pr: dict[int, list[Outcome]] = {}
        candidates: dict[int, Candidate] = {}
        for candidate, step in steps:
            candidates[candidate.number] = candidate
            try:
                outcome = self._do(candidate, step)
            except ReleaseToolError as exc:
                outcome = Outcome(step, "error", f"error: {exc}")
            self.say(f"#{candidate.number} -> {step.target}: {outcome.message}")
            report.outcomes.append(outcome)
            by_pr.setdefault(candidate.number, []).append(outcome)
        for number, outcomes in by_pr.items():
            candidate = candidates[number]
            label = original_label((o.result for o in outcomes), self.config)
            if label is None:
                continue
            if not has_label(candidate.labels, label):
                self.forge.add_labels(number, [label])
                self.checkpoint("label-original")
                report.labelled[number] = label
            if label == self.config.done_label and has_label(
                candidate.labels, self.config.failed_label
            ):
                self.forge.remove_label(number, self.config.failed_label)
        return report

    def _do(self, candidate: Candidate, step: Step) -> Outcome:
        """One step's side effects."""
        if step.action == PICK:
            result = self.git.pick(candidate.commit, self._heads[step.target], step.branch)
            if result.conflicts:
                return self._conflict(candidate, step, result.conflicts)
            self.checkpoint("picked")
            self.git.push(result.commit, step.branch)
            self.checkpoint("push")
            return self._open(candidate, step, f"picked {result.commit[:8]}, ")
        if step.action == OPEN_PR:
            return self._open(candidate, step, "branch already pushed, ")
        if step.action == FINISH:
            self._label_sweep(candidate, step.pr, step.target)
            return Outcome(step, "done", f"{step.reason}", pr=step.pr)
        if step.action == "closed":
            return Outcome(step, "skipped", step.reason, pr=step.pr)
        return Outcome(step, "done", step.reason, pr=step.pr)

    def _open(self, candidate: Candidate, step: Step, prefix: str) -> Outcome:
        """Open the sweep PR from the pushed branch (or find it, after a lost answer)."""
        title = sweep_title(self.config, candidate.title, step.target, candidate.number)
        body = sweep_body(candidate, step.target)
        try:
            number = self.forge.create_pr(step.target, step.branch, title, body)
        except ForgeError:
            found = [p for p in self.forge.list_prs(head=step.branch) if p.base == step.target]
            if not found:
                raise
            number = found[0].number
        self.checkpoint("pr")
        self._label_sweep(candidate, number, step.target)
        return Outcome(step, "done", f"{prefix}opened #{number} {title}", pr=number)

    def _label_sweep(self, candidate: Candidate, number: int | None, target: str) -> None:
        """Give the sweep PR its labels (the original's, ``sweep:from``) when missing."""
        if number is None:
            return
        wanted = sweep_labels(candidate, self.config)
        have = next((p.labels for p in self.forge.list_prs(head=None) if p.number == number), [])
        missing = [x for x in wanted if not has_label(have, x)]
        if missing:
            self.forge.add_labels(number, missing)
            self.checkpoint("labels")

    def _conflict(self, candidate: Candidate, step: Step, files: list[str]) -> Outcome:
        """Comment once (files and manual commands); the original is labelled failed later."""
        bodies = [c.body for c in self.forge.comments(candidate.number)]
        if not commented(bodies, step.target):
            text = conflict_comment(candidate, step.target, files, self.git.remote, self.config)
            self.forge.comment(candidate.number, text)
            self.checkpoint("comment")
            note = "commented"
        else:
            note = "comment already there"
        return Outcome(
            step, "failed", f"CONFLICT in {', '.join(files)}; nothing pushed, {note}",
            conflicts=files,
        )  # fmt: skip


def explicit_work(
    sweeper: Sweeper, candidates: Iterable[Candidate], to: list[str], explicit: bool
) -> list[tuple[Candidate, list[str]]]:
    """Each candidate with its targets (``--to``, else its labels)."""
    work = []
    for candidate in candidates:
        try:
            targets = sweeper.targets(candidate, to, explicit)
        except InputError as exc:
            if explicit:
                raise
            sweeper.say(f"#{candidate.number}: skipped: {exc.message}")
            continue
        if targets:
            work.append((candidate, targets))
    return work
