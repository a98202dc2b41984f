"""Click options shared by the commands that cut a release (``release`` and ``alpha``).

Each decorator adds its options in the order listed, with the same help
texts in both commands; the texts that differ are parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import click

F = TypeVar("F", bound=Callable)


def _stack(*options: Callable[[F], F]) -> Callable[[F], F]:
    """One decorator applying ``options`` so that they are listed in the given order."""

    def decorate(function: F) -> F:
        """Apply the options bottom-up, as stacked decorators would."""
        for option in reversed(options):
            function = option(function)
        return function

    return decorate


def publishing_options(no_publish_help: str, *then: Callable[[F], F]) -> Callable[[F], F]:
    """--no-push, --no-publish, the options ``then``, --index, --replace-assets, --no-upload."""
    return _stack(
        click.option("--no-push", is_flag=True, help="Stop after the local commit, tag and build."),
        click.option("--no-publish", is_flag=True, help=no_publish_help),
        *then,
        click.option(
            "--index", "index_url", help="Package index upload URL (default: from config)."
        ),
        click.option(
            "--replace-assets", is_flag=True, help="Replace differing GitHub release assets."
        ),
        click.option(
            "--no-upload",
            is_flag=True,
            help="Leave the index upload to another tool (CI trusted publishing).",
        ),
    )


def rehearsal_options(rehearse_help: str) -> Callable[[F], F]:
    """--rehearse and --keep-sandbox."""
    return _stack(
        click.option("--rehearse", is_flag=True, help=rehearse_help),
        click.option("--keep-sandbox", is_flag=True, help="With --rehearse: keep the sandbox."),
    )


#: --yes / -y: no confirmation prompt.
yes_option = click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
