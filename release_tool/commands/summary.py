"""``release-tool summary``: what happened on every release line since the last meeting."""

from __future__ import annotations

import os
from pathlib import Path

import click

from ..errors import InputError
from ..files import check_target, replace_file
from ..sanitize import for_file, for_terminal
from ..summary.render import BINARY, FORMATS, render
from . import pass_settings


def github_wanted(settings, with_github: bool) -> bool:
    """``--with-github``, or a GitHub URL, token file or token in the environment."""
    has_token = any(os.environ.get(v) for v in ("GITHUB_TOKEN", "GH_TOKEN"))
    return with_github or bool(settings.github_url or settings.token_file or has_token)


def web_url(settings) -> str | None:
    """The repository's web URL for PR links, when it can be told."""
    try:
        slug = settings.github_slug()
    except InputError:
        return None
    base = settings.github_url.rstrip("/") if settings.github_url else "https://github.com"
    base = base.removesuffix("/api/v3").replace("://api.github.com", "://github.com")
    return f"{base}/{slug}"


@click.command("summary")
@click.option("--since", help="Start: a date (YYYY-MM-DD, UTC) or a ref (its commit time).")
@click.option("--until", help="End: a date or a ref (default: now).")
@click.option("--branch", "-b", "branches", multiple=True, help="A release line (repeatable).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--output", type=click.Path(path_type=Path, dir_okay=False), help="Write here.")
@click.option(
    "--notes-file",
    "notes_files",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also read release sections from this notes file (repeatable).",
)
@click.option("--with-github", is_flag=True, help="Add open PRs, reviews and failed sweeps.")
@click.option("--title", help="The title of the summary (default: the repository's name).")
@pass_settings
def summary_command(settings, since, until, branches, fmt, output, notes_files, with_github,
                    title) -> None:  # fmt: skip
    """Summarise releases, development and pending work on every active release line."""
    from ..summary.collect import Collector, Request
    from ..summary.sources import github_status, hackathon_counts

    if fmt in BINARY and output is None:
        raise InputError(f"--format {fmt} writes a file: give --output FILE")
    if output is not None:
        check_target(output)  # refused before the history walk, not after
    progress = lambda message: click.echo(f"release-tool: {message}", err=True)  # noqa: E731
    forge = settings.github_forge(progress) if github_wanted(settings, with_github) else None
    collector = Collector(
        settings.repo,
        settings.config,
        inventory=settings.inventory,
        progress=progress,
        forge=forge,
        repo_url=web_url(settings),
        hackathons=hackathon_counts(settings.repo.root, settings.config),
    )
    request = Request(since, until, branches, notes_files, title=title)
    summary = collector.build(request)
    collector.discovery.forget_index()  # the summary is made: charts need its memory, not this
    if forge is not None:
        summary.github = github_status(forge, summary, settings.config)
    result = render(summary, fmt)
    if output is not None:
        data = result if isinstance(result, bytes) else for_file(result).encode("utf-8")
        replace_file(output, data)
        click.echo(f"wrote {output}", err=True)
    else:
        assert isinstance(result, str)
        click.echo(for_terminal(result), nl=not result.endswith("\n"))
