"""The DIRAC release-notes block of a PR body: ``BEGINRELEASENOTES`` ... ``ENDRELEASENOTES``.

Markers are found in any case, with spaces, ``_`` or ``-`` inside
(``BEGIN RELEASE NOTES``) and Markdown around them (``**``, ``#``, ``>``,
backticks); a marker must be alone on its line. CRLF and CR line breaks are
read as LF. HTML comments (``<!-- -->``) are ignored, so a PR template's
explanations never count as notes; code-fence lines inside a block are
skipped. Several blocks are read in order. Inside a block the grammar of
:mod:`.grammar` applies in paragraph mode: unindented lines after an entry
continue it, and ``- TYPE: text`` bullets are accepted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .config import NotesConfig
from .grammar import NotesReader
from .model import Entry, Problem, Section

_DECORATION = r"[\s*#>`_~]*"
_BEGIN = re.compile(rf"^{_DECORATION}BEGIN[\s_-]*RELEASE[\s_-]*NOTES:?{_DECORATION}$", re.I)
_END = re.compile(rf"^{_DECORATION}END[\s_-]*RELEASE[\s_-]*NOTES:?{_DECORATION}$", re.I)
_FENCE = re.compile(r"^\s*(```|~~~)")
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
#: What both markers contain: a body without it has no block (the common case, read at once).
_MARKER_CORE = re.compile(r"RELEASE[\s_-]*NOTES", re.I)
_NO_BLOCK = "no release notes: add a BEGINRELEASENOTES ... ENDRELEASENOTES block"


@dataclass
class BodyNotes:
    """What a PR body's notes block says.

    ``found`` is False when the body has no block at all. ``sections`` keep
    the headings as written (normalise them with :func:`.systems.organise`).
    """

    found: bool
    sections: list[Section] = field(default_factory=list)
    free_text: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def entries(self) -> list[Entry]:
        """Every entry of the block, in order, each with its ``system`` as written."""
        return [entry for section in self.sections for entry in section.entries]


def normalise_newlines(text: str) -> str:
    """``text`` with CRLF and lone CR line breaks turned into LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _blank_comments(text: str) -> str:
    """HTML comments replaced by as many line breaks as they span (line numbers stay)."""
    return _COMMENT.sub(lambda m: "\n" * m.group().count("\n"), text)


def parse_body(
    text: str | None,
    config: NotesConfig | None = None,
    *,
    known_systems: tuple[str, ...] | None = None,
) -> BodyNotes:
    """Parse the notes block(s) of a PR body (None or empty: no block).

    Problems: ``missing-block`` (no ``BEGINRELEASENOTES``, or an
    ``ENDRELEASENOTES`` without one), ``unclosed-block``, ``empty-block``
    (a block with nothing in it), and the grammar's
    ``unknown-type``, ``empty-entry`` and, when ``known_systems`` is given
    (default: ``config.known_systems``), ``unknown-system``.
    """
    text = _blank_comments(normalise_newlines(text)) if text else ""
    if _MARKER_CORE.search(text) is None:  # no line can be a marker: no block, one problem
        return BodyNotes(False, problems=[Problem(1, _NO_BLOCK, "missing-block")])
    config = config or NotesConfig()
    if known_systems is None:
        known_systems = config.known_systems
    reader = NotesReader(config, paragraphs=True, bullets=True, known_systems=known_systems)
    lines = text.split("\n")
    found = False
    first_begin = 1
    begin_line: int | None = None
    problems: list[Problem] = []
    for lineno, line in enumerate(lines, 1):
        if begin_line is None:
            if _BEGIN.match(line):
                begin_line = lineno
                if not found:
                    first_begin, found = lineno, True
            elif _END.match(line):
                problems.append(
                    Problem(lineno, "ENDRELEASENOTES without BEGINRELEASENOTES", "missing-block")
                )
            continue
        if _END.match(line):
            begin_line = None
            reader.end_block()
            continue
        if _BEGIN.match(line) or _FENCE.match(line):
            continue
        reader.feed(line, lineno)
    problems.extend(reader.problems)
    if begin_line is not None:
        problems.append(
            Problem(
                begin_line, "BEGINRELEASENOTES is never closed by ENDRELEASENOTES", "unclosed-block"
            )
        )
    if found and not reader.sections and not reader.free_text:
        problems.append(Problem(first_begin, "the release notes block is empty", "empty-block"))
    if not found and not any(p.code == "missing-block" for p in problems):
        problems.insert(
            0,
            Problem(1, _NO_BLOCK, "missing-block"),
        )
    problems.sort(key=lambda p: p.line)
    return BodyNotes(found, reader.sections, reader.free_text, problems)
