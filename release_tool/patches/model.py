"""Sweeps as data: names, labels, candidates and the plan of one run. Pure, no I/O.

A *sweep* copies a fix merged into one release line onto another: the PR
carries ``alsoTargeting:<branch>``; its merge commit (``-m 1``) or squash
commit is cherry-picked with ``-x`` onto a branch ``cherry-pick-2-<sha>-<target>``
made from the target's head, and a PR ``[sweep:<target>] <title>`` opens
from it with the original body and labels plus ``sweep:from <branch>``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..errors import InputError
from .config import SweepConfig

#: Actions of a plan entry.
PICK = "pick"  # cherry-pick, push, open the PR
OPEN_PR = "open-pr"  # the branch is pushed already (a run stopped there): open its PR
FINISH = "finish"  # the sweep PR exists: make sure its labels and the original's are set
SKIP = "skip"  # already there, or nothing to do

#: Marker that identifies the tool's conflict comment (so that a rerun never repeats it).
COMMENT_MARKER = "<!-- release-tool:sweep-conflict {target} -->"


@dataclass
class Candidate:
    """A merged PR to sweep: what the forge and history say about it."""

    number: int
    title: str
    body: str
    labels: list[str]
    base: str
    commit: str  # the merge commit, or the squash commit
    is_merge: bool  # True: cherry-pick -m 1
    author: str | None = None


@dataclass
class Existing:
    """What already shows a sweep of (PR, target): history's evidence or a forge PR."""

    evidence: str | None = None  # ancestry, cherry-pick, sweep, patch-id (history)
    via: str | None = None
    open_pr: int | None = None  # an open sweep PR on the forge
    open_pr_labels: list[str] = field(default_factory=list)
    merged_pr: int | None = None  # a merged sweep PR on the forge
    branch_pushed: bool = False  # the sweep branch exists on the remote


@dataclass
class Step:
    """One (PR, target) of the plan and what to do about it."""

    number: int
    target: str
    action: str
    branch: str
    reason: str = ""
    pr: int | None = None
    prediction: str | None = None  # dry-run: "clean" or "conflicts in a, b"


def short(sha: str) -> str:
    """The 8-digit form of a commit hash used in sweep branch names."""
    return sha[:8]


def branch_name(config: SweepConfig, commit: str, target: str) -> str:
    """The sweep branch of ``commit`` onto ``target`` (``cherry-pick-2-1a2b3c4d-integration``)."""
    return config.branch.format(sha=short(commit), target=target)


def sweep_title(config: SweepConfig, title: str, target: str, number: int) -> str:
    """The sweep PR's title; ``title`` is data, substituted, never a template."""
    return config.title.format(title=title, target=target, number=number)


def sweep_body(candidate: Candidate, target: str) -> str:
    """The sweep PR's body: one line saying what it is, then the original body intact."""
    head = (
        f"Sweep of #{candidate.number} from `{candidate.base}` to `{target}`, "
        f"cherry-picked from {candidate.commit} by release-tool."
    )
    body = candidate.body or ""
    return f"{head}\n\n{body}" if body else head + "\n"


def targets_of(labels: Iterable[str], config: SweepConfig) -> list[str]:
    """The branches named by the PR's ``alsoTargeting:<branch>`` labels, in label order."""
    regex = config.target_regex
    found = []
    for label in labels:
        match = regex.match(label)
        if match and match["branch"] not in found:
            found.append(match["branch"])
    return found


def has_label(labels: Iterable[str], name: str) -> bool:
    """Whether ``name`` is among ``labels`` (GitHub labels are case-insensitive)."""
    return name.lower() in {label.lower() for label in labels}


def is_candidate(labels: Iterable[str], config: SweepConfig) -> bool:
    """A PR to sweep unattended: it targets a branch and is not done, failed or ignored."""
    labels = list(labels)
    settled = (config.done_label, config.failed_label, config.ignore_label)
    return bool(targets_of(labels, config)) and not any(has_label(labels, x) for x in settled)


def sweep_labels(candidate: Candidate, config: SweepConfig) -> list[str]:
    """The sweep PR's labels: the original's, less the sweep bookkeeping, plus ``sweep:from``."""
    regex = config.target_regex
    settled = {x.lower() for x in (config.done_label, config.failed_label, config.ignore_label)}
    kept = [x for x in candidate.labels if not regex.match(x) and x.lower() not in settled]
    return [*kept, config.from_label.format(branch=candidate.base)]


def check_targets(candidate: Candidate, targets: list[str], lines: Iterable[str]) -> None:
    """InputError for a target that is no release line, or the PR's own base."""
    known = set(lines)
    for target in targets:
        if target == candidate.base:
            raise InputError(f"PR #{candidate.number} was merged into {target}: nothing to sweep")
        if target not in known:
            raise InputError(
                f"unknown branch {target!r} for PR #{candidate.number}: "
                f"not a release line ({', '.join(sorted(known))})"
            )


def plan_step(candidate: Candidate, target: str, existing: Existing, config: SweepConfig) -> Step:
    """What to do for one (PR, target), given what already shows a sweep of it."""
    branch = branch_name(config, candidate.commit, target)
    step = Step(candidate.number, target, SKIP, branch)
    if existing.evidence is not None:
        step.reason = f"already in {target} ({existing.evidence}" + (
            f" via {existing.via})" if existing.via else ")"
        )
    elif existing.merged_pr is not None:
        step.reason, step.pr = f"sweep #{existing.merged_pr} already merged", existing.merged_pr
    elif existing.open_pr is not None:
        step.action, step.pr = FINISH, existing.open_pr  # labels may still be missing
        step.reason = f"sweep #{existing.open_pr} is open"
    elif existing.branch_pushed:
        step.action, step.reason = OPEN_PR, f"{branch} is pushed: open its PR"
    else:
        step.action = PICK
        how = "-m 1 " if candidate.is_merge else ""
        step.reason = f"cherry-pick -x {how}{short(candidate.commit)} onto {target}"
    return step


def original_label(outcomes: Iterable[str], config: SweepConfig) -> str | None:
    """The label the original PR gets once all its targets are handled, or None yet.

    ``outcomes`` are ``done`` (present, or a sweep PR exists) and ``failed``
    (a conflict) per target; anything else (``error``) leaves it unlabelled.
    """
    outcomes = list(outcomes)
    if any(o == "failed" for o in outcomes):
        return config.failed_label
    if outcomes and all(o == "done" for o in outcomes):
        return config.done_label
    return None


def conflict_comment(
    candidate: Candidate, target: str, files: list[str], remote: str, config: SweepConfig
) -> str:
    """The comment on a PR whose sweep conflicts: the files and the commands to do it by hand."""
    m = " -m 1" if candidate.is_merge else ""
    branch = branch_name(config, candidate.commit, target)
    title = sweep_title(config, "...", target, candidate.number)
    listed = "\n".join(f"- `{name}`" for name in files) or "- (git named no file)"
    return (
        COMMENT_MARKER.format(target=target)
        + f"\nThe sweep of this PR to `{target}` conflicts; nothing was pushed.\n\n"
        f"Conflicting files:\n{listed}\n\n"
        "To do it by hand:\n\n"
        "```shell\n"
        f"git fetch {remote}\n"
        f"git switch -c {branch} {remote}/{target}\n"
        f"git cherry-pick -x{m} {candidate.commit}\n"
        "# resolve the conflicts, then: git add <files> && git cherry-pick --continue\n"
        f"git push {remote} {branch}\n"
        "```\n\n"
        f"Then open a PR from `{branch}` into `{target}` titled `{title}` "
        f"and label this one `{config.done_label}`.\n"
    )


def commented(bodies: Iterable[str], target: str) -> bool:
    """Whether one of the comments is the tool's conflict comment for ``target``."""
    marker = COMMENT_MARKER.format(target=target)
    return any(marker in (body or "") for body in bodies)
