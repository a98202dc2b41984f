"""Forge metadata for PR lists: one fetch for every list, missing PRs reported.

Shared by the ``prs`` and ``notes`` commands and the release steps, so no
command imports another for it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import Any

from .base import Forge


def _to_stderr(message: str) -> None:
    """Print one line on stderr."""
    print(message, file=sys.stderr)


def fill_from_forge(
    forge: Forge, results: Iterable[Any], warn: Callable[[str], None] = _to_stderr
) -> None:
    """Attach the forge's metadata to every list (``result.details``); warn of unknown PRs."""
    results = list(results)
    numbers = {pr.number for r in results for pr in r.prs if pr.ref.startswith("#")}
    fetched = forge.fetch_prs(numbers)
    for result in results:
        result.details = fetched.prs
    if fetched.missing:
        refs = ", ".join(f"#{n}" for n in fetched.missing)
        warn(f"release-tool: warning: {len(fetched.missing)} PR(s) not found on GitHub: {refs}")
