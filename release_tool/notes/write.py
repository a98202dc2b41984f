"""Put a rendered ``dirac`` section into an existing ``release.notes`` text.

Pure string functions. :func:`prepend_release` is idempotent: writing the
section of a version that the text already has replaces that section (from
its ``[version]`` line to the next ``[...]`` line), so running twice never
duplicates it. Every other byte of the text is kept as it was; bytes in,
bytes out, with invalid UTF-8 carried through untouched (surrogateescape).
"""

from __future__ import annotations

import re
from typing import overload

_HEADER = re.compile(r"^\[(?P<version>[^\[\]\s]+)\][ \t]*\r?$", re.M)


def _newline(text: str) -> str:
    """The text's line break: CRLF when most of its lines end so, else LF."""
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf * 2 >= text.count("\n") else "\n"


def find_release(text: str, version: str) -> tuple[int, int] | None:
    """Character span of the section of ``version``: its ``[version]`` line up to the next header.

    The first such section when there are several; None if there is none.
    """
    headers = list(_HEADER.finditer(text))
    for i, header in enumerate(headers):
        if header.group("version") == version:
            end = headers[i + 1].start() if i + 1 < len(headers) else len(text)
            return header.start(), end
    return None


def _prepend_text(existing: str, section: str, version: str) -> str:
    """:func:`prepend_release` on text."""
    lines = section.strip("\r\n").split("\n")
    if not lines or lines[0].strip() != f"[{version}]":
        raise ValueError(f"the section must start with its header [{version}]")
    nl = _newline(existing)
    body = nl.join(line.rstrip("\r") for line in lines) + nl
    span = find_release(existing, version)
    if span is not None:
        start, end = span
        gap = nl if end < len(existing) else ""
        return existing[:start] + body + gap + existing[end:]
    first = _HEADER.search(existing)
    if first is not None:
        return existing[: first.start()] + body + nl + existing[first.start() :]
    if not existing.strip():
        return existing + body
    tail = "" if existing.endswith("\n") else nl
    return existing + tail + nl + body


@overload
def prepend_release(existing: str, section: str, version: str) -> str: ...
@overload
def prepend_release(existing: bytes, section: str, version: str) -> bytes: ...
def prepend_release(existing: str | bytes, section: str, version: str) -> str | bytes:
    """``existing`` notes with ``section`` (rendered ``dirac``, starting ``[version]``) in place.

    If ``existing`` has a section for ``version`` it is replaced; otherwise
    the new section goes before the first release (after any preamble), or
    at the end of a text without releases, followed by one blank line. The
    section takes the text's line breaks (CRLF or LF).
    """
    if isinstance(existing, bytes):
        text = existing.decode("utf-8", errors="surrogateescape")
        return _prepend_text(text, section, version).encode("utf-8", errors="surrogateescape")
    return _prepend_text(existing, section, version)
