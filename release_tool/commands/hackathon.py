"""``release-tool hackathon``: record hackathons and list what each brought."""

from __future__ import annotations

from datetime import datetime, timezone

import click

from ..hackathons.assign import BETWEEN
from ..hackathons.gather import HackathonView, hackathon_listing
from ..hackathons.records import hackathons_path, window_text
from ..hackathons.store import add_entry
from ..table import format_table, to_json
from . import pass_settings


@click.group("hackathon")
def hackathon_group() -> None:
    """Hackathon records (hackathons.toml) and the PRs and pre-releases of each."""


@hackathon_group.command("add")
@click.argument("name")
@click.option("--start", required=True, help="First day (YYYY-MM-DD) or date-time (UTC).")
@click.option("--end", required=True, help="Last day (YYYY-MM-DD) or date-time (UTC).")
@click.option("--series", help="The series it works on (default: integration's at the start).")
@click.option("--url", help="The hackathon's page.")
@click.option("--label", help="The PR label that assigns PRs to it (default: hackathon:NAME).")
@pass_settings
def add_command(settings, name, start, end, series, url, label) -> None:
    """Record hackathon NAME in the hackathons file (kept sorted, formatting kept)."""
    view = HackathonView(settings)
    path = hackathons_path(settings.repo.root, settings.config.hackathons_file)
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    updated = add_entry(text, name=name, start=start, end=end, series=series, url=url,
                        label=label, source=settings.config.hackathons_file,
                        known_series=view.known_series)  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(updated, encoding="utf-8")
    click.echo(f"added hackathon {name} to {settings.config.hackathons_file}")


@hackathon_group.command("list")
@click.option("--series", help="Only the hackathons of this series (e.g. 8.1).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (stable keys).")
@pass_settings
def list_command(settings, series, as_json) -> None:
    """Each hackathon: dates, state, PRs and the pre-release that first shipped them."""
    progress = lambda message: click.echo(f"release-tool: {message}", err=True)  # noqa: E731
    view = HackathonView(settings, progress=progress)
    listing = hackathon_listing(view, series, datetime.now(timezone.utc))
    if as_json:
        click.echo(to_json(listing.as_json()))
        return
    if not listing.reports:
        where = f" of series {series}" if series else ""
        click.echo(f"no hackathons{where} recorded in {settings.config.hackathons_file}")
        return
    rows = [
        (r.hackathon.name, window_text(r.hackathon), r.hackathon.series, r.state,
         ", ".join(pr.ref for pr in r.prs) or None,
         r.released_in.version.canonical if r.released_in else "not yet released")
        for r in listing.reports
    ]  # fmt: skip
    first = {}
    for r in listing.reports:
        first.setdefault(r.hackathon.series, r.hackathon.start.date().isoformat())
    rows += [
        (BETWEEN, f"since {first.get(name, '-')}", name, None,
         ", ".join(pr.ref for pr in prs) or None, None)
        for name, prs in listing.between.items()
    ]  # fmt: skip
    click.echo(format_table(("hackathon", "dates", "series", "state", "PRs", "released in"),
                            rows))  # fmt: skip
