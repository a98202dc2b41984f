"""``release-tool notes``: render, write, lint and parse release notes."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from ..core.versions import parse
from ..errors import InputError, PolicyError
from ..history.discovery import Discovery
from ..notes import render
from ..notes.build import notes_for, write_section
from ..notes.lint import format_problems, github_annotations, lint_body
from ..notes.parse_file import parse_notes
from . import pass_settings
from .prs import fill_from_forge

FORMATS = ("dirac", "markdown", "rst", "json")


def _source_is_github(settings, source: str) -> bool:
    """Whether to fill PRs from GitHub: asked, or (auto) a GitHub URL or token is set."""
    if source != "auto":
        return source == "github"
    has_token = any(os.environ.get(v) for v in ("GITHUB_TOKEN", "GH_TOKEN"))
    return bool(settings.github_url or settings.token_file or has_token)


def repo_url(settings) -> str | None:
    """The web URL of the repository for PR links, when it can be told."""
    try:
        slug = settings.github_slug()
    except InputError:
        return None
    base = settings.github_url.rstrip("/") if settings.github_url else "https://github.com"
    base = base.removesuffix("/api/v3")  # GitHub Enterprise: the web UI is at the root
    return f"{base}/{slug}"


@click.group("notes", invoke_without_command=True)
@click.option("--branch", "-b", help="Notes of this line's unreleased head.")
@click.option("--until", help="Notes of this release tag (or range end).")
@click.option("--since", help="Start after this ref.")
@click.option("--version", "version", help="The version to head the notes with.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="dirac", show_default=True)
@click.option("--output", type=click.Path(path_type=Path, dir_okay=False), help="Write here.")
@click.option(
    "--write",
    "write_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Put the dirac section into this notes file (idempotent).",
)
@click.option("--review", is_flag=True, help="Also list unclassified and excluded PRs.")
@click.option("--cumulative", is_flag=True, help="-preN and X.Y.0: all since the last series.")
@click.option(
    "--source",
    type=click.Choice(("auto", "git", "github")),
    default="auto",
    show_default=True,
    help="Where PR titles and bodies come from (auto: GitHub when a token or URL is set).",
)
@click.option(
    "--all-releases",
    is_flag=True,
    help="The notes of every release (--branch: of that line), newest first.",
)
@click.pass_context
def notes_group(ctx, branch, until, since, version, fmt, output, write_file, review, cumulative,
                source, all_releases) -> None:  # fmt: skip
    """Render the release notes of a release or of a line's unreleased head."""
    if ctx.invoked_subcommand is not None:
        return
    settings = ctx.obj
    if all_releases:
        if until or since or version or write_file:
            raise InputError("--all-releases takes no --until, --since, --version or --write")
        text = _all_releases(settings, branch, fmt, review, source)
        if output is not None:
            output.write_text(text, encoding="utf-8")
        else:
            click.echo(text, nl=not text.endswith("\n"))
        return
    if branch is None and until is None:
        raise InputError("give --branch B (the unreleased head) or --until TAG (a release)")
    progress = lambda message: click.echo(f"release-tool: {message}", err=True)  # noqa: E731
    discovery = Discovery(settings.inventory, progress=progress)
    if until is not None:
        release = discovery.release_named(until) if since is None else None
        if release is not None:
            spec = discovery.for_release(release, cumulative=cumulative or None)
        else:
            spec = discovery.for_refs(since, until, branch)
    else:
        spec = discovery.for_branch(branch, since)
    (result,) = discovery.answer([spec])
    if spec.excluded_note():
        click.echo(f"release-tool: note: {spec.excluded_note()}", err=True)
    if _source_is_github(settings, source):
        fill_from_forge(settings.github_forge(progress), [result])
    heading = _heading(settings, version, spec, branch)
    notes = notes_for(result, heading, settings.config, settings.repo.root)
    template_dir = settings.config.notes.templates
    if write_file is not None:
        section = render(notes, "dirac", template_dir=template_dir)
        target = write_file if write_file.is_absolute() else settings.repo.root / write_file
        changed = write_section(target, section, heading)
        click.echo(f"{'updated' if changed else 'unchanged'}: [{heading}] in {target}")
        return
    text = render(notes, fmt, template_dir=template_dir, repo_url=repo_url(settings), review=review)
    if output is not None:
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=not text.endswith("\n"))


def _all_releases(settings, branch: str | None, fmt: str, review: bool, source: str) -> str:
    """The notes of every release, newest first: one history walk, one template environment."""
    progress = lambda message: click.echo(f"release-tool: {message}", err=True)  # noqa: E731
    discovery = Discovery(settings.inventory, progress=progress)
    if branch is not None:
        settings.inventory.line(branch)  # an unknown line says so
    results = discovery.answer(discovery.for_all_releases([branch] if branch else []))
    if _source_is_github(settings, source):
        fill_from_forge(settings.github_forge(progress), results)
    config, root = settings.config, settings.repo.root
    releases = [notes_for(r, r.spec.release.tags[0], config, root) for r in results]
    template_dir = config.notes.templates
    return render(
        releases, fmt, template_dir=template_dir, repo_url=repo_url(settings), review=review
    )


def _heading(settings, version, spec, branch) -> str:
    """The version heading: --version, the release's tag, or the line's next version."""
    prefix = settings.config.tag_prefix
    if version is not None:
        return parse(version).tag(prefix)
    if spec.release is not None:
        return spec.release.tags[0]
    if branch is not None:
        return settings.inventory.next_version(branch).tag(prefix)
    raise InputError("give --version: the range ends at no release tag")


@notes_group.command("lint")
@click.option("--body-file", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True))
@click.option("--pr", "number", type=int, help="Lint PR N's body from the forge.")
@pass_settings
def lint(settings, body_file, number) -> None:
    """Check a PR body's release notes block; exit 1 listing each problem."""
    if (body_file is None) == (number is None):
        raise InputError("give exactly one of --body-file FILE and --pr N")
    if number is not None:
        fetched = settings.github_forge().fetch_prs([number])
        if not fetched.complete:
            raise InputError(f"PR #{number} not found on GitHub")
        text, source = fetched.prs[number].body, f"#{number}"
    elif str(body_file) == "-":
        text, source = sys.stdin.read(), "stdin"
    else:
        try:
            text = body_file.read_bytes().decode("utf-8", errors="replace")
        except OSError as exc:
            raise InputError(f"cannot read {body_file}: {exc.strerror}") from None
        source = str(body_file)
    problems = lint_body(text, config=settings.config_or_default().notes)
    if not problems:
        click.echo(f"{source}: release notes OK")
        return
    for line in format_problems(problems, source):
        click.echo(line)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for line in github_annotations(problems, title="Release notes"):
            click.echo(line)
    raise PolicyError(f"{len(problems)} problem(s) in the release notes of {source}")


@notes_group.command("parse")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--json", "as_json", is_flag=True, help="The structure as JSON.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Re-render in a format.")
@pass_settings
def parse_command(settings, file, as_json, fmt) -> None:
    """Parse an existing release.notes file: its structure, or the file re-rendered."""
    releases = parse_notes(file.read_bytes(), settings.config_or_default().notes)
    if as_json or fmt == "json":
        click.echo(json.dumps([r.as_dict() for r in releases], indent=2, ensure_ascii=False))
        return
    text = render(
        releases, fmt or "dirac", template_dir=settings.config_or_default().notes.templates
    )
    click.echo(text, nl=not text.endswith("\n"))
