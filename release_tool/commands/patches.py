"""``release-tool patches``: which fixes reached which release line (the patch matrix)."""

from __future__ import annotations

from pathlib import Path

import click

from . import pass_settings


@click.command("patches")
@click.option("--since", help="Start of the window: a date (YYYY-MM-DD) or a ref.")
@click.option("--until", help="End of the window: a date or a ref (default: now).")
@click.option("--branch", "-b", "branches", multiple=True, help="A line to show (repeatable).")
@click.option("--all", "all_kinds", is_flag=True, help="Every kind of PR, not only fixes.")
@click.option("--all-lines", is_flag=True, help="Every release line, not only the active ones.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "markdown", "html", "json"]), default="text"
)
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False), help="Write here.")
@click.option("--offline", is_flag=True, help="History only: no forge (titles, no sweep PRs).")
@pass_settings
def patches_command(settings, since, until, branches, all_kinds, all_lines, fmt, output, offline):
    """Show the patch matrix: each fix of the window on each active line."""
    from ..patches.collect import MatrixOptions, collect
    from ..patches.render import FORMATS

    forge = (
        None
        if offline
        else settings.github_forge(lambda m: click.echo(f"release-tool: {m}", err=True))
    )
    options = MatrixOptions(since, until, tuple(branches), all_lines, all_kinds)
    text = FORMATS[fmt](collect(settings.inventory, options, forge))
    if output is not None:
        output.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        click.echo(f"wrote {output}")
    else:
        click.echo(text)
