"""``release-tool lines``: the release lines, their latest release and next version."""

from __future__ import annotations

import click

from ..history.inventory import require_lines
from ..table import format_table, to_json
from . import pass_settings


@click.command("lines")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (stable keys).")
@pass_settings
def lines_command(settings, as_json: bool) -> None:
    """List the release lines with their latest release and next version."""
    inventory = settings.inventory
    statuses = [inventory.status(line) for line in require_lines(inventory)]
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
    }
