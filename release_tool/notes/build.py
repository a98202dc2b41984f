"""Release notes of a range: PRs from history, details from the forge, rules from config.

The bridge between PR discovery (:mod:`release_tool.history.discovery`), the forge,
and the pure notes core (:mod:`release_tool.notes`).
"""

from __future__ import annotations

from pathlib import Path

from ..core.config import Config
from ..files import read_target, replace_file
from ..history.discovery import PrList
from ..sanitize import for_file
from . import ReleaseNotes, release_notes
from .fragments import towncrier_fragments, uses_towncrier
from .write import prepend_release


def pr_records(result: PrList) -> list[dict]:
    """The PRs of a list as the notes core takes them, with forge details where fetched."""
    records = []
    for pr in result.prs:
        info = result.detail(pr)
        records.append(
            {
                "number": pr.number,
                "ref": pr.ref,
                "title": info.title if info else pr.title,
                "body": info.body if info else None,
                "labels": list(info.labels) if info else [],
                "kind": pr.kind,
                "origin": pr.origin,
            }
        )
    return records


def notes_for(result: PrList, version: str, config: Config, root: Path) -> ReleaseNotes:
    """The release notes of one PR list, headed ``version`` (a tag such as ``v8.0.21``)."""
    fragments = towncrier_fragments(root) if uses_towncrier(root) else {}
    return release_notes(pr_records(result), version, config=config.notes, fragments=fragments)


def write_section(path: Path, section: str, version: str) -> bool:
    """Put ``section`` into the notes file at ``path`` (replacing ``version``'s); True if changed.

    The rest of the file is kept byte for byte; the file is replaced
    atomically with its permission bits, so a failure never leaves it
    half-written. Symbolic links, read-only and non-regular files are refused
    (:mod:`release_tool.files`).
    """
    existing = read_target(path)
    updated = prepend_release(existing, for_file(section), version)
    if updated == existing:
        return False
    replace_file(path, updated)
    return True
