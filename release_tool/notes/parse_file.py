"""Existing ``release.notes`` files, parsed into :class:`~.model.ReleaseNotes`.

A release starts at a line ``[version]`` alone on its line (any token:
``[v8.0.20]``, ``[v1r61px]``); a first ``Release date: ...`` line of a
release becomes its ``date``. Everything else goes through the grammar of
:mod:`.grammar` in file mode: only indented lines continue an entry, so an
unindented line without a type under a heading is an untyped entry of its
own and one outside any heading is free text. Headings are kept as written
(normalise them with :func:`.systems.organise` if wanted), so is a release
that appears twice. Lines before the first ``[version]`` form a release
with an empty version.

Input may be bytes: invalid UTF-8 is decoded with U+FFFD replacements.
"""

from __future__ import annotations

import re

from .body import normalise_newlines
from .config import NotesConfig
from .grammar import NotesReader
from .model import ReleaseNotes

_HEADER = re.compile(r"^\[(?P<version>[^\[\]\s]+)\]\s*$")
_DATE = re.compile(r"^\s*Release\s+date\s*:\s*(?P<date>.*?)\s*$", re.I)


def decode_notes(data: bytes | str) -> str:
    """Text of a notes file: bytes decoded as UTF-8 with invalid bytes replaced (U+FFFD).

    A UTF-8 byte-order mark is dropped. Line breaks are left as they are.
    """
    if isinstance(data, bytes):
        data = data.decode("utf-8", errors="replace")
    return data.removeprefix("\ufeff")


def _finish(release: ReleaseNotes | None, reader: NotesReader | None, out: list) -> None:
    """Move what ``reader`` read into ``release`` and keep the release."""
    if release is None or reader is None:
        return
    release.sections = reader.sections
    release.free_text = reader.free_text
    out.append(release)


def parse_notes(data: bytes | str, config: NotesConfig | None = None) -> list[ReleaseNotes]:
    """Parse a whole ``release.notes`` text into its releases, in file order.

    Each release's ``metadata["line"]`` is the 1-based line of its header.
    CRLF and CR line breaks are accepted.
    """
    config = config or NotesConfig()
    text = decode_notes(data)
    releases: list[ReleaseNotes] = []
    release: ReleaseNotes | None = None
    reader: NotesReader | None = None
    for lineno, line in enumerate(normalise_newlines(text).split("\n"), 1):
        if line[:1] == "[":
            header = _HEADER.match(line)
            if header is not None:
                _finish(release, reader, releases)
                release = ReleaseNotes(header.group("version"), metadata={"line": lineno})
                reader = NotesReader(config)
                continue
        if release is None or reader is None:
            if not line.strip():
                continue
            release = ReleaseNotes("", metadata={"line": lineno})
            reader = NotesReader(config)
        if release.date is None and line[:1] in "Rr " and (date := _DATE.match(line)):
            release.date = date.group("date")
            reader.feed("", lineno)
            continue
        reader.feed(line, lineno)
    _finish(release, reader, releases)
    return releases
