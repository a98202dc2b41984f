"""``release-tool tags audit``: tags that contradict versions or history."""

from __future__ import annotations

import click

from ..core.tags import Release
from ..errors import PolicyError
from ..sanitize import for_terminal
from ..table import to_json
from . import pass_settings


@click.group("tags")
def tags_group() -> None:
    """Inspect the repository's version tags."""


@tags_group.command("audit")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (stable keys).")
@click.option("--strict", is_flag=True, help="Exit 1 when anything is found.")
@pass_settings
def audit(settings, as_json: bool, strict: bool) -> None:
    """List junk tags, versions tagged twice, descendants with lower versions, and
    release tags their line's branch does not reach."""
    report = settings.inventory.audit()
    if as_json:
        click.echo(to_json(_as_dict(report)))
    else:
        _print_text(report)
    if strict and report.problem_count:
        raise PolicyError(f"tags audit found {report.problem_count} problem(s)")


def _release(release: Release) -> dict:
    """A release as JSON."""
    return {"version": release.version.canonical, "tags": list(release.tags),
            "commit": release.commit}  # fmt: skip


def _as_dict(report) -> dict:
    """The audit report as JSON."""
    return {
        "junk": report.junk,
        "duplicates": [[_release(r) for r in group] for group in report.duplicates],
        "mixed": [
            {"commit": commit, "releases": [_release(r) for r in group]}
            for commit, group in report.mixed
        ],
        "contradictions": [
            {"ancestor": _release(a), "descendant": _release(d)} for a, d in report.contradictions
        ],
        "off_branch": [
            {"release": _release(r), "branch": branch} for r, branch in report.off_branch
        ],
    }


def _print_text(report) -> None:
    """The audit report for a person."""
    if report.junk:
        click.echo(for_terminal(f"not versions, ignored: {', '.join(report.junk)}"))
    for group in report.duplicates:
        where = ", ".join(f"{r.name} ({r.commit[:10]})" for r in group)
        click.echo(f"warning: {group[0].version} is tagged on {len(group)} commits: {where}")
    for commit, group in report.mixed:
        names = ", ".join(r.name for r in group)
        click.echo(f"warning: commit {commit[:10]} carries different versions: {names}")
    for ancestor, descendant in report.contradictions:
        click.echo(
            f"warning: {descendant.name} ({descendant.commit[:10]}) descends from "
            f"{ancestor.name} ({ancestor.commit[:10]}) but has a lower version"
        )
    for release, branch in report.off_branch:
        click.echo(
            f"warning: {release.name} ({release.commit[:10]}): release tag not reachable "
            f"from its line's branch {branch}"
        )
    count = report.problem_count
    click.echo(f"{count} finding(s)" if count else "no findings: tags agree with history")
