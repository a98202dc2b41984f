"""How much of a range its notes cover: counts per PR, the warnings, the release's refusal.

Notes are never empty, partial or left out in silence: every command that
produces notes prints :meth:`Coverage.messages` on stderr, and ``release``
refuses what :meth:`Coverage.refusal` names unless ``--allow-unnoted``.
Pure: built from the PR refs of a range and the assembled
:class:`~.model.ReleaseNotes`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .model import ReleaseNotes

_SHOWN = 10  # refs named in a message before "..."


@dataclass(frozen=True)
class Coverage:
    """Where each PR of a range went.

    ``noted`` PRs have entries in the notes; ``unclassified`` (refs) have no
    notes; ``excluded`` were left out on purpose; ``released_elsewhere``
    were left out because another line released them first. ``bodies_read``
    says whether PR bodies came from the forge; ``titles_used`` whether
    titles and labels could give notes; ``style`` why (the repository's
    notes style, see :mod:`.style`).
    """

    version: str
    total: int
    noted: int
    unclassified: tuple[str, ...]
    excluded: int
    released_elsewhere: int
    empty: bool
    bodies_read: bool
    titles_used: bool = True
    style: str | None = None

    def summary(self) -> str:
        """``notes of v8.0.2: 5 PRs: 3 noted, 1 unclassified, 1 excluded``."""
        text = (
            f"notes of {self.version}: {self.total} PR(s): {self.noted} noted, "
            f"{len(self.unclassified)} unclassified, {self.excluded} excluded"
        )
        if self.released_elsewhere:
            text += (
                f", {self.released_elsewhere} left out as already released in another line"
                " (listed by --review)"
            )
        return text

    def messages(self, fetch_hint: str) -> list[str]:
        """The summary, then what explains missing notes; ``fetch_hint`` says how to read bodies."""
        lines = [self.summary()]
        missing = len(self.unclassified)
        if not self.bodies_read:
            if missing:
                lines.append(
                    f"{missing} of {self.total} PRs have no notes: bodies were not fetched; "
                    f"{fetch_hint}"
                )
            elif self.total:
                lines.append(f"PR bodies were not read, notes come from titles; {fetch_hint}")
        if missing and not self.titles_used:
            lines.append(
                "PR titles give no notes in a DIRAC-style repository "
                f"({self.style or 'configured'}); set "
                "[tool.release-tool.notes] title_fallback = true to use them"
            )
        if missing:
            lines.append(f"unclassified: {_refs(self.unclassified)} (see them with --review)")
        return lines

    def refusal(self) -> str | None:
        """Why a release must not commit these notes (empty, or PRs without notes), or None."""
        if self.total and self.empty:
            return (
                f"the notes of {self.version} would be empty although its range has "
                f"{self.total} PR(s) ({len(self.unclassified)} unclassified, {self.excluded} "
                f"excluded, {self.released_elsewhere} already released in another line)"
            )
        if self.unclassified:
            return (
                f"{len(self.unclassified)} PR(s) of {self.version} have no release notes: "
                f"{_refs(self.unclassified)}"
            )
        return None


def _refs(refs: Sequence[str]) -> str:
    """Refs for a message, the first few only."""
    shown = ", ".join(refs[:_SHOWN])
    return shown + (f" and {len(refs) - _SHOWN} more" if len(refs) > _SHOWN else "")


def coverage(
    refs: Sequence[str],
    notes: ReleaseNotes,
    *,
    bodies_read: bool,
    titles_used: bool = True,
    style: str | None = None,
) -> Coverage:
    """The coverage of ``notes`` over the PRs ``refs`` of their range (each PR counted once)."""
    in_range = set(refs)
    unclassified = {r for e in notes.unclassified for r in e.refs} & in_range
    excluded = {r for e in notes.excluded for r in e.refs} & in_range
    released = {r for e in notes.released_elsewhere for r in e.refs} & in_range
    noted = in_range - unclassified - excluded - released
    ordered = tuple(r for r in dict.fromkeys(refs) if r in unclassified)
    return Coverage(
        version=notes.version,
        total=len(in_range),
        noted=len(noted),
        unclassified=ordered,
        excluded=len(excluded),
        released_elsewhere=len(released),
        empty=not notes.entries and not notes.free_text,
        bodies_read=bodies_read,
        titles_used=titles_used,
        style=style,
    )
