"""``release-tool sweep``: cherry-pick merged fixes onto the other release lines, as PRs."""

from __future__ import annotations

import click

from ..errors import ReleaseToolError
from . import pass_settings


@click.command("sweep")
@click.option("--pr", "numbers", type=int, multiple=True, help="Sweep this merged PR (repeatable).")
@click.option("--from", "from_branch", help="Only PRs merged into this line.")
@click.option("--to", "to", multiple=True, help="Target line (repeatable; default: PR labels).")
@click.option("--dry-run", is_flag=True, help="Print the plan, each pick predicted clean or not.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@pass_settings
def sweep_command(settings, numbers, from_branch, to, dry_run, yes) -> None:
    """Sweep merged PRs labelled alsoTargeting:<branch> (or --pr N --to B) to other lines."""
    from ..patches.sweeper import Sweeper, explicit_work

    say = click.echo
    forge = settings.github_forge(lambda m: click.echo(f"release-tool: {m}", err=True))
    sweeper = Sweeper(settings.inventory, forge, say=say, fetch=not dry_run)
    if from_branch:
        sweeper.check_branch(from_branch, "--from")
    for target in to:
        sweeper.check_branch(target, "--to")
    candidates = sweeper.candidates(list(numbers), from_branch)
    work = explicit_work(sweeper, candidates, list(to), explicit=bool(numbers))
    steps = sweeper.plan(work)
    if not steps:
        say("nothing to sweep")
        return
    if dry_run:
        sweeper.predict(steps)
    for candidate, step in steps:
        line = f"#{candidate.number} -> {step.target}: {step.action}: {step.reason}"
        if step.action == "pick":
            line += f" as {step.branch}"
        if step.prediction:
            line += f" ({step.prediction})"
        say(line)
    if dry_run:
        return
    if not yes:
        click.confirm("Carry out this plan?", abort=True)
    report = sweeper.run(steps)
    for number, label in report.labelled.items():
        say(f"#{number}: labelled {label}")
    if report.failures:
        names = ", ".join(f"#{o.step.number} -> {o.step.target}" for o in report.failures)
        raise ReleaseToolError(f"{len(report.failures)} sweep(s) not done: {names}")
