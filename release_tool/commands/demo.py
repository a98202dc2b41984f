"""``release-tool demo``: build a DIRAC-shaped repository and tour it."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from ..demo import build_demo
from ..settings import Settings
from .lines import lines_command
from .tags import audit


@click.command("demo")
@click.argument("directory", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.pass_context
def demo_command(ctx: click.Context, directory: Path | None) -> None:
    """Build a demo repository in DIRECTORY (default: a new temporary one) and tour it."""
    directory = directory or Path(tempfile.mkdtemp(prefix="release-tool-demo-"))
    repo = build_demo(directory)
    click.echo(f"Built a DIRAC-shaped demo repository in {repo}")
    click.echo(f"(its origin is the bare repository {directory / 'origin.git'})\n")
    ctx.obj = Settings(repo_path=repo, debug=ctx.obj.debug if ctx.obj else False)
    click.echo(f"$ release-tool --repo {repo} lines")
    ctx.invoke(lines_command, as_json=False)
    click.echo(f"\n$ release-tool --repo {repo} tags audit")
    ctx.invoke(audit, as_json=False, strict=False)
    click.echo(
        "\nTry next:\n"
        f"  release-tool --repo {repo} version next --branch rel-v7r3\n"
        f"  release-tool --repo {repo} version check 8.0.1 --branch rel-v8r0\n"
        "  release-tool version bump v7r3p2 patch\n"
        "  release-tool version show v7r3-pre2 --json"
    )
