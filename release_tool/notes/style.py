"""Whether a repository writes DIRAC-style notes: the evidence, read from texts.

A DIRAC-style repository takes its notes from the ``BEGINRELEASENOTES``
blocks of PR bodies: its PR template asks for one, or its ``release.notes``
has the DIRAC shape (``[version]`` sections of ``TYPE: (#N) text`` entries).
There PR titles are no notes (``FIX: (#7810) new pylint version fixes`` is
noise), and a PR another line already released is not new work.

Pure functions over file contents; :mod:`.build` reads the files.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from .body import _BEGIN, normalise_newlines
from .parse_file import parse_notes

#: Where GitHub looks for a PR template (``.github/PULL_REQUEST_TEMPLATE/*.md`` too).
PR_TEMPLATE_PATHS = (
    ".github/pull_request_template.md",
    ".github/PULL_REQUEST_TEMPLATE.md",
    ".github/PULL_REQUEST_TEMPLATE",
    "pull_request_template.md",
    "PULL_REQUEST_TEMPLATE.md",
    "docs/pull_request_template.md",
    "docs/PULL_REQUEST_TEMPLATE.md",
)


class NotesStyle(NamedTuple):
    """``dirac`` is True for a DIRAC-style repository; ``reason`` says why (or why not)."""

    dirac: bool
    reason: str


def asks_for_notes_block(template: str) -> bool:
    """Whether a PR template holds a ``BEGINRELEASENOTES`` line."""
    return any(_BEGIN.match(line) for line in normalise_newlines(template).split("\n"))


def has_dirac_shape(notes: str | bytes, *, head: int = 65536) -> bool:
    """Whether a notes file has ``[version]`` sections with ``TYPE: (#N) text`` entries.

    Only the first ``head`` bytes or characters are read (the newest releases).
    """
    cut = notes[:head]
    for release in parse_notes(cut):
        if release.version and any(e.type and e.refs for e in release.entries):
            return True
    return False


def notes_style(
    templates: Mapping[str, str], notes_file: str, notes: str | bytes | None
) -> NotesStyle:
    """The style of a repository from its PR templates (path -> text) and its notes file."""
    for path, text in templates.items():
        if asks_for_notes_block(text):
            return NotesStyle(True, f"{path} asks for a BEGINRELEASENOTES block")
    if notes is not None and has_dirac_shape(notes):
        return NotesStyle(True, f"{notes_file} has DIRAC-style sections")
    return NotesStyle(False, f"no PR template asks for notes blocks and {notes_file} has none")
