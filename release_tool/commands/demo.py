"""``release-tool demo``: build a DIRAC-shaped repository and tour it."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from ..demo import build_demo
from ..errors import InputError
from ..sandbox import GitHubEmulator
from ..settings import Settings
from .hackathon import list_command as hackathon_list
from .lines import lines_command
from .notes import notes_group
from .series import series_command
from .summary import summary_command
from .tags import audit

DEMO_SLUG = "diracgrid/diracdemo"


@click.command("demo")
@click.argument("directory", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.pass_context
def demo_command(ctx: click.Context, directory: Path | None) -> None:
    """Build a demo repository in DIRECTORY (default: a new temporary one) and tour it."""
    directory = directory or Path(tempfile.mkdtemp(prefix="release-tool-demo-"))
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot make the demo directory {directory}: {exc.strerror}") from None
    repo = build_demo(directory, sweeps=True)
    click.echo(f"Built a DIRAC-shaped demo repository in {repo}")
    click.echo(f"(its origin is the bare repository {directory / 'origin.git'})\n")
    ctx.obj = Settings(repo_path=repo, debug=ctx.obj.debug if ctx.obj else False)
    click.echo(f"$ release-tool --repo {repo} lines")
    ctx.invoke(lines_command, as_json=False)
    click.echo(f"\n$ release-tool --repo {repo} tags audit")
    ctx.invoke(audit, as_json=False, strict=False)
    click.echo(f"\n$ release-tool --repo {repo} hackathon list")
    ctx.invoke(hackathon_list, series=None, as_json=False)
    click.echo(f"\n$ release-tool --repo {repo} series")
    ctx.invoke(series_command, series=None, as_json=False)
    prs_file = directory / "prs.json"
    with GitHubEmulator.from_repo(repo, prs_file=prs_file, name=DEMO_SLUG) as gh:
        ctx.obj = Settings(repo_path=repo, github_url=gh.base_url, github_repo=DEMO_SLUG,
                           token="demo-token", debug=ctx.obj.debug)  # fmt: skip
        for line in ("rel-v7r3", "rel-v8r0"):
            click.echo(
                f"\n$ release-tool --repo {repo} --github-url URL --github-repo {DEMO_SLUG} "
                f"notes --branch {line}"
            )
            ctx.invoke(notes_group, branch=line, until=None, since=None, version=None,
                       fmt="dirac", output=None, write_file=None, review=False,
                       cumulative=False, source="github")  # fmt: skip
        click.echo("\n$ release-tool ... notes --branch integration --format markdown --review")
        ctx.invoke(notes_group, branch="integration", until=None, since=None, version=None,
                   fmt="markdown", output=None, write_file=None, review=True,
                   cumulative=False, source="github")  # fmt: skip
        from .patches import patches_command
        from .sweep import sweep_command

        click.echo("\n$ release-tool ... sweep --dry-run")
        ctx.invoke(sweep_command, numbers=(), from_branch=None, to=(), dry_run=True, yes=False)
        click.echo("\n$ release-tool ... patches")
        ctx.invoke(patches_command, since=None, until=None, branches=(), all_kinds=False,
                   all_lines=False, fmt="text", output=None, offline=False)  # fmt: skip

        click.echo("\n$ release-tool ... summary --since v8.0.0 --until integration")
        ctx.invoke(summary_command, since="v8.0.0", until="integration", branches=(),
                   fmt="text", output=None, notes_files=(), with_github=True,
                   title=None)  # fmt: skip
    click.echo(
        "\n(URL: the GitHub emulator, started for the tour with the PR bodies of "
        f"{prs_file};\n run your own with: release-tool --repo {repo} sandbox serve "
        f"--prs {prs_file} --name {DEMO_SLUG})\n"
        "\nTry next:\n"
        f"  release-tool --repo {repo} version next --branch rel-v7r3\n"
        f"  release-tool --repo {repo} version check 8.0.1 --branch rel-v8r0\n"
        f"  release-tool --repo {repo} prs --until v8.1.0a1\n"
        f"  release-tool --repo {repo} notes --branch integration --review\n"
        f"  release-tool --repo {repo} --github-url URL sweep --yes   (with sandbox serve)\n"
        f"  release-tool --repo {repo} alpha --rehearse   # after 'git checkout integration'\n"
        "  release-tool version bump v7r3p2 patch\n"
        "  release-tool version show v7r3-pre2 --json\n"
        f"  release-tool --repo {repo} summary --since v8.0.0a2 --until integration "
        "--format html --output summary.html"
    )
