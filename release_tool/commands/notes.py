"""``release-tool notes``: render, write, lint and parse release notes."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import click

from ..core.versions import parse
from ..errors import InputError, PolicyError
from ..files import check_target, replace_file
from ..forge.fill import fill_from_forge
from ..forge.urls import web_url
from ..history.discovery import Discovery
from ..notes import render, render_chunks
from ..notes.build import build_notes, notes_of_releases, write_section
from ..notes.lint import format_problems, github_annotations, lint_body
from ..notes.parse_file import parse_notes
from ..sanitize import for_file, for_terminal
from ..table import to_json
from . import pass_settings

FORMATS = ("dirac", "markdown", "rst", "json")
#: How to get PR bodies read, as this command's options say it.
FETCH_HINT = "set GITHUB_TOKEN (or --token-file), or pass --source github"


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
    return f"{web_url(settings.github_url)}/{slug}"


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
@click.option(
    "--review",
    is_flag=True,
    help="Also list unclassified, excluded and already released PRs (every format).",
)
@click.option(
    "--cumulative/--no-cumulative",
    default=None,
    help="-preN and X.Y.0: all since the last series (default: for legacy vXrY tags).",
)
@click.option(
    "--force", is_flag=True, help="With --write: replace the section of a tagged version."
)
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
                force, source, all_releases) -> None:  # fmt: skip
    """Render the release notes of a release or of a line's unreleased head."""
    if ctx.invoked_subcommand is not None:
        return
    settings = ctx.obj
    if all_releases:
        if until or since or version or write_file:
            raise InputError("--all-releases takes no --until, --since, --version or --write")
        if output is not None:
            check_target(output)  # refused before the history walk, not after
        pieces = _all_releases(settings, branch, fmt, review, source)
        if output is not None:
            replace_file(output, (for_file(piece).encode("utf-8") for piece in pieces))
        else:
            last = ""
            for piece in pieces:
                click.echo(for_terminal(piece), nl=False)
                last = piece
            if not last.endswith("\n"):
                click.echo("")
        return
    if branch is None and until is None:
        raise InputError("give --branch B (the unreleased head) or --until TAG (a release)")
    if write_file is not None and not write_file.is_absolute():
        write_file = settings.repo.root / write_file
    for target in (output, write_file):
        if target is not None:
            check_target(target)  # refused before the history walk, not after
    progress = lambda message: click.echo(f"release-tool: {message}", err=True)  # noqa: E731
    from_github = _source_is_github(settings, source)
    if from_github:
        settings.github_slug()  # a missing or bad --github-repo fails before the history walk
    discovery = Discovery(settings.inventory, progress=progress)
    if until is not None:
        release = discovery.release_named(until) if since is None else None
        if release is not None:
            spec = discovery.for_release(release, cumulative=cumulative)
        else:
            spec = discovery.for_refs(since, until, branch)
    else:
        spec = discovery.for_branch(branch, since)
    (result,) = discovery.answer([spec])
    if spec.excluded_note():
        click.echo(f"release-tool: note: {spec.excluded_note()}", err=True)
    if from_github:
        fill_from_forge(settings.github_forge(progress), [result])
    heading = _heading(settings, version, spec, branch)
    built = build_notes(result, heading, settings.config, settings.repo.root)
    hint = "pass --source github (or auto) to read them" if source == "git" else FETCH_HINT
    for line in built.coverage.messages(hint):
        progress(line)
    notes = built.notes
    template_dir = settings.config.notes.templates
    if write_file is not None:
        section = render(
            notes, "dirac", template_dir=template_dir, compiled_dir=settings.template_cache_dir()
        )
        released = not force and (
            spec.release is not None or settings.repo.local_tag(heading) is not None
        )
        changed = write_section(write_file, section, heading, released=released)
        click.echo(f"{'updated' if changed else 'unchanged'}: [{heading}] in {write_file}")
        return
    text = render(notes, fmt, template_dir=template_dir, repo_url=repo_url(settings),
                  review=review, compiled_dir=settings.template_cache_dir())  # fmt: skip
    if output is not None:
        replace_file(output, for_file(text).encode("utf-8"))
    else:
        click.echo(for_terminal(text), nl=not text.endswith("\n"))


def _all_releases(
    settings, branch: str | None, fmt: str, review: bool, source: str
) -> Iterator[str]:
    """The notes of every release, newest first: one history walk, one template environment.

    The text comes in pieces, made as they are written (megabytes on a long history).
    """
    progress = lambda message: click.echo(f"release-tool: {message}", err=True)  # noqa: E731
    discovery = Discovery(settings.inventory, progress=progress)
    if branch is not None:
        settings.inventory.line(branch)  # an unknown line says so
    results = discovery.answer(discovery.for_all_releases([branch] if branch else []))
    discovery.forget_index()  # the notes need only the answers: the index's memory is freed
    if _source_is_github(settings, source):
        fill_from_forge(settings.github_forge(progress), results)
    releases = notes_of_releases(results, settings.config, settings.repo.root)
    template_dir = settings.config.notes.templates
    return render_chunks(releases, fmt, template_dir=template_dir, repo_url=repo_url(settings),
                         review=review, compiled_dir=settings.template_cache_dir())  # fmt: skip


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
        data = getattr(sys.stdin, "buffer", sys.stdin).read()
        text = data if isinstance(data, str) else data.decode("utf-8", errors="replace")
        source = "stdin"
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
        click.echo(for_terminal(line))
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
        click.echo(to_json([r.as_dict() for r in releases]))
        return
    text = render(
        releases, fmt or "dirac", template_dir=settings.config_or_default().notes.templates
    )
    click.echo(for_terminal(text), nl=not text.endswith("\n"))
