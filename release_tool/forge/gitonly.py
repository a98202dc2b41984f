"""The offline forge: what git history alone says about PRs (titles, no bodies)."""

from __future__ import annotations

from collections.abc import Iterable

from ..history.discovery import iso
from ..history.index import PullRequest
from .base import FetchResult, Forge, PrInfo


class GitOnlyForge(Forge):
    """PR metadata from merge and squash messages; every other operation is unsupported."""

    name = "git-only"

    def __init__(self, entries: Iterable[PullRequest]) -> None:
        """Serve the PRs found in history (``HistoryIndex.entries``)."""
        self._prs: dict[int, PrInfo] = {}
        for entry in sorted(entries, key=lambda e: e.rank, reverse=True):
            if entry.ref.startswith("#"):  # GitHub numbers; GitLab ! refs are another namespace
                self._prs[entry.number] = PrInfo(
                    number=entry.number,
                    title=entry.title,
                    author=entry.author,
                    head=entry.head,
                    merged_at=iso(entry.merged_at),
                    merge_commit=entry.commit,
                )

    def fetch_prs(self, numbers: Iterable[int]) -> FetchResult:
        """The PRs history knows; the others are missing."""
        wanted = sorted(set(numbers))
        found = {n: self._prs[n] for n in wanted if n in self._prs}
        return FetchResult(prs=found, missing=[n for n in wanted if n not in found])
