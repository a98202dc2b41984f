"""``release-tool lines``: the release lines, their latest release and next version."""

from __future__ import annotations

import click

from ..history.inventory import require_lines
from ..table import format_table, to_json
from . import pass_settings


@click.command("lines")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (stable keys).")
@click.option(
    "--all", "show_all", is_flag=True, help="Every line, also those inactive for a long time."
)
@pass_settings
def lines_command(settings, as_json: bool, show_all: bool) -> None:
    """List the active release lines with their latest release and next version.

    Active: the integration line, and lines with a release or a merge within
    ``active_period_days`` (default 365) before the repository's newest commit.
    """
    inventory = settings.inventory
    every = require_lines(inventory)
    shown = every if show_all else inventory.active_lines()
    statuses = [inventory.status(line) for line in shown]
    hidden = len(every) - len(shown)
    if hidden:
        click.echo(
            f"release-tool: {hidden} inactive line(s) not shown "
            f"(nothing in {settings.config.active_period_days} days; --all shows them)",
            err=True,
        )
    if as_json:
        prefix = settings.config.tag_prefix
        entries = [_as_dict(s, prefix) for s in statuses]
        for status, entry in zip(statuses, entries, strict=True):
            if status.line.kind == "integration":
                entry["series_status"] = _series_status(settings)
        click.echo(to_json(entries))
        return
    rows = [
        (
            s.line.branch,
            s.line.kind,
            s.line.series_text or (f"{s.next.series_text} (next)" if s.next else None),
            s.scheme,
            "=".join(s.latest_tags) or None,
            s.next.canonical if s.next else f"- ({s.note})",
        )
        for s in statuses
    ]
    click.echo(format_table(("branch", "kind", "series", "scheme", "latest", "next"), rows))


def _series_status(settings) -> dict | None:
    """The integration line's series status (as ``series --json``), or None without one."""
    from datetime import datetime, timezone

    from ..errors import InputError
    from ..hackathons.gather import HackathonView

    view = HackathonView(settings)
    try:
        series = view.series_or_default(None)
    except InputError:
        return None
    data = view.series_data(series, with_labels=False)
    return data.status(datetime.now(timezone.utc)).as_json()


def _as_dict(status, tag_prefix: str) -> dict:
    """One line as JSON."""
    return {
        "branch": status.line.branch,
        "ref": status.branch.ref,
        "kind": status.line.kind,
        "series": status.line.series_text,
        "scheme": status.scheme,
        "latest": status.latest.canonical if status.latest else None,
        "latest_tags": list(status.latest_tags),
        "next": status.next.canonical if status.next else None,
        "next_tag": status.next.tag(tag_prefix) if status.next else None,
        "note": status.note,
        "active": status.active,
    }
