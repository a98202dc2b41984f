"""``release-tool sandbox serve``: a local GitHub API emulator of the repository."""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path

import click

from ..sandbox import GitHubEmulator
from . import pass_settings


@click.group("sandbox")
def sandbox_group() -> None:
    """A local GitHub API emulator for tests, demos and rehearsals."""


@sandbox_group.command("serve")
@click.option(
    "--prs",
    "prs_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A JSON file of PRs to serve (default: derive the PRs from history).",
)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=0, help="Port (default: a free one)."
)
@click.option("--name", help="Serve the repository as owner/name (default: from the remote).")
@pass_settings
def serve(settings, prs_file: Path | None, port: int, name: str | None) -> None:
    """Serve the repository's GitHub API on 127.0.0.1; print the base URL first; Ctrl-C stops.

    Reach it with PyGithub's Github(base_url=URL) (or URL/api/v3, GitHub
    Enterprise's layout); any token is accepted. GET URL/_sandbox/requests
    counts the requests served.
    """
    emulator = GitHubEmulator.from_repo(
        settings.repo_path or Path.cwd(), prs_file=prs_file, name=name, port=port
    )
    stop = threading.Event()
    # Both signals stop the server, even where a shell started it with SIGINT ignored.
    previous = {sig: signal.signal(sig, lambda *_: stop.set())
                for sig in (signal.SIGTERM, signal.SIGINT)}  # fmt: skip
    emulator.start()
    try:
        click.echo(emulator.base_url)
        sys.stdout.flush()
        repo = emulator.repo
        click.echo(
            f"serving {repo.full_name} ({len(repo.pulls)} PRs, {len(repo.tags)} tags) at "
            f"{emulator.base_url} and {emulator.enterprise_url}; Ctrl-C stops",
            err=True,
        )
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    click.echo("sandbox stopped", err=True)
