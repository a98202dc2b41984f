"""``release-tool series``: the status of the series in development."""

from __future__ import annotations

from datetime import datetime, timezone

import click

from ..hackathons.gather import HackathonView
from ..table import to_json
from . import pass_settings


@click.command("series")
@click.argument("series", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (stable keys).")
@pass_settings
def series_command(settings, series, as_json) -> None:
    """Latest pre-release, hackathons passed and planned, PRs since (default: integration's)."""
    view = HackathonView(settings)
    name = view.series_or_default(series)
    status = view.series_data(name, with_labels=False).status(datetime.now(timezone.utc))
    click.echo(to_json(status.as_json()) if as_json else status.text())
