"""``release-tool prs``: the merged PRs of releases and release lines, from git history."""

from __future__ import annotations

import click

from ..errors import InputError
from ..forge.fill import fill_from_forge
from ..history.discovery import Discovery
from ..sanitize import for_terminal
from ..table import format_table, json_list_chunks
from . import pass_settings


@click.command("prs")
@click.option("--branch", "-b", "branches", multiple=True, help="A release line (repeatable).")
@click.option("--since", help="Start after this ref (tag, branch or commit).")
@click.option("--until", help="End at this ref; a release tag alone finds its previous release.")
@click.option("--cumulative", is_flag=True, help="-preN and X.Y.0 list all since the last series.")
@click.option(
    "--with-bodies",
    is_flag=True,
    help="Fill titles, bodies and labels from GitHub (cached; see --github-url).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (stable keys).")
@click.option("--all", "all_lines", is_flag=True, help="Every line, not only the active ones.")
@click.option(
    "--all-releases",
    is_flag=True,
    help="Each release's own PRs (as --until TAG), newest first; --branch limits the lines.",
)
@pass_settings
def prs_command(
    settings, branches, since, until, cumulative, with_bodies, as_json, all_lines, all_releases
) -> None:
    """List the PRs merged into a release or waiting on release lines.

    Without --branch or --until: the unreleased heads of the active lines
    (--all: of every line).
    """
    progress = lambda message: click.echo(f"release-tool: {message}", err=True)  # noqa: E731
    if with_bodies:
        settings.github_slug()  # a missing or bad --github-repo fails before the history walk
    discovery = Discovery(settings.inventory, progress=progress)
    specs = []
    if all_releases:
        if until is not None or since is not None:
            raise InputError("--all-releases lists every release: give no --since or --until")
        for name in branches:
            settings.inventory.line(name)  # an unknown line says so
        specs = discovery.for_all_releases(branches)
    elif until is not None:
        if len(branches) > 1:
            raise InputError("--until takes at most one --branch")
        line = branches[0] if branches else None
        release = discovery.release_named(until) if since is None else None
        if release is not None:
            spec = discovery.for_release(release, cumulative=cumulative or None)
            spec.line = line or spec.line
        else:
            spec = discovery.for_refs(since, until, line)
        specs.append(spec)
    else:
        inventory = settings.inventory
        shown = inventory.lines() if all_lines else inventory.active_lines()
        names = branches or [line.branch for line in shown]
        if not names:
            raise InputError("no release lines found: give --branch, or --since and --until")
        specs = [discovery.for_branch(name, since) for name in names]
    results = discovery.answer(specs)
    if with_bodies:
        fill_from_forge(settings.github_forge(progress), results)
    if as_json:  # written as it is made: every release's PRs make a long text
        for chunk in json_list_chunks(entry for result in results for entry in result.as_json()):
            click.echo(chunk, nl=False)
        click.echo()
        return
    for n, result in enumerate(results):
        spec = result.spec
        start = spec.since_label or "the beginning"
        count = len(result.prs)
        if n:
            click.echo()
        header = f"{spec.line or spec.until_label}: {start}..{spec.until_label} ({count} PRs)"
        click.echo(for_terminal(header))
        if spec.excluded_note():
            click.echo(for_terminal(f"  ({spec.excluded_note()})"))
        rows = [
            (
                pr.ref,
                pr.kind + (f" in #{pr.parent}" if pr.parent else ""),
                _short(result.detail(pr).title if result.detail(pr) else pr.title, 60),
                _short("/".join(x for x in (pr.author, pr.head) if x), 30),
                (f"copy of #{pr.origin}" if pr.origin and pr.origin != pr.number else "")
                + (f"first released in {result.first_released_in[pr.ref]}"
                   if pr.ref in result.first_released_in else ""),
            )
            for pr in result.prs
        ]  # fmt: skip
        if rows:
            click.echo(format_table(("ref", "kind", "title", "author/branch", "note"), rows))


def _short(text: str, width: int) -> str:
    """The first line of ``text``, cut to ``width`` characters."""
    line = text.splitlines()[0] if text else ""
    return line if len(line) <= width else line[: width - 1] + "…"
