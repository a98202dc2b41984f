"""``release-tool version``: show, bump, sort, next and check."""

from __future__ import annotations

import sys

import click

from ..core import versions
from ..errors import InputError, PolicyError
from ..table import to_json
from . import pass_settings


@click.group("version")
def version_group() -> None:
    """Parse, order, convert and bump versions of both schemes."""


@version_group.command("show")
@click.argument("version")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (stable keys).")
def show(version: str, as_json: bool) -> None:
    """Show VERSION in both schemes: PEP 440 form, legacy form, series."""
    facts = versions.describe(versions.parse(version), version)
    if as_json:
        click.echo(to_json(facts))
        return
    for key, value in facts.items():
        if key == "legacy_blocker" and value is None:
            continue
        shown = (
            "none" if value is None else str(value).lower() if isinstance(value, bool) else value
        )
        click.echo(f"{key + ':':16}{shown}")


@version_group.command("bump")
@click.argument("version")
@click.argument("part", type=click.Choice(versions.PARTS))
@click.option(
    "--scheme",
    type=click.Choice(versions.SCHEMES),
    help="Write the result in this scheme (default: the input's).",
)
@click.option(
    "--open-series-with",
    type=click.Choice(versions.OPENINGS),
    help="How 'minor' and 'major' open a series (default: from configuration, alpha).",
)
@pass_settings
def bump(settings, version: str, part: str, scheme: str | None, open_series_with: str | None):
    """Print the version after VERSION for PART."""
    opening = open_series_with or settings.config_or_default().open_series_with
    result = versions.bump(versions.parse(version), part, scheme=scheme, open_series_with=opening)
    click.echo(result.canonical)


@version_group.command("sort")
@click.option("--reverse", is_flag=True, help="Descending order.")
def sort(reverse: bool) -> None:
    """Sort versions read one per line from stdin; skip (and report) the rest."""
    found = []
    for number, data in enumerate(getattr(sys.stdin, "buffer", sys.stdin), start=1):
        try:
            raw = data if isinstance(data, str) else data.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError(f"line {number} of the input is not UTF-8 text") from None
        text = raw.strip()
        if not text:
            continue
        try:
            found.append((versions.parse(text), text))
        except versions.VersionError as exc:
            click.echo(f"release-tool: skipped line {number}: {exc}", err=True)
    found.sort(key=lambda pair: pair[0].pep, reverse=reverse)
    for _, text in found:
        click.echo(text)


@version_group.command("next")
@click.option("--branch", "-b", required=True, help="The release line's branch.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_settings
def next_(settings, branch: str, as_json: bool) -> None:
    """Print the next version of the release line on BRANCH."""
    upcoming = settings.inventory.next_version(branch)
    if as_json:
        tag = upcoming.tag(settings.config.tag_prefix)
        data = {"branch": branch, "version": upcoming.canonical, "tag": tag}
        data |= {"scheme": upcoming.scheme, "pep440": upcoming.pep440}
        click.echo(to_json(data))
    else:
        click.echo(upcoming.canonical)


@version_group.command("check")
@click.argument("version")
@click.option("--branch", "-b", required=True, help="The release line's branch.")
@pass_settings
def check(settings, version: str, branch: str) -> None:
    """Exit 0 if VERSION may be released from BRANCH, else 1 with the rule it breaks."""
    parsed = versions.parse(version)
    problems = settings.inventory.check(parsed, branch)
    if problems:
        raise PolicyError("; ".join(problems))
    tag = parsed.tag(settings.config.tag_prefix)
    click.echo(f"ok: {parsed.canonical} may be released from {branch} as tag {tag}")
