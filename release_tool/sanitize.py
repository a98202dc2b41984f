"""Neutralise control characters in untrusted text at the output edges.

PR titles, bodies and labels come from anyone who can open a PR. Printed raw,
an ``ESC [`` or ``ESC ]`` sequence rewrites the release manager's terminal (or
its title, or its clipboard), a ``BEL`` rings, a ``NUL`` or ``\\r`` hides what
came before it, and bidirectional overrides show text in another order than
it is stored. Every place where such text leaves the tool uses this module:

* :func:`for_terminal`: what is printed on stdout/stderr: each such character
  becomes a visible escape (``\\x1b``, ``\\u202e``), so nothing is lost and
  nothing is interpreted;
* :func:`for_file`: what is written into a file or sent to GitHub (notes files,
  ``--output``, the GitHub release body): whole escape sequences and such
  characters are dropped;
* :func:`for_json`: JSON text (which already escapes C0 characters): the other
  characters become ``\\u00XX`` escapes, so the data is unchanged.

Ordinary Unicode (accents, CJK, emoji, joiners, right-to-left letters) is kept.
Newlines and tabs are kept except in :func:`one_line`.
"""

from __future__ import annotations

import re

#: C0 controls but tab and newline, DEL, C1 controls, and the bidirectional
#: embedding, override and isolate controls ("Trojan Source").
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_OR_NEWLINE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: Whole escape sequences: CSI (``ESC [`` or 8-bit ``CSI`` ... final byte), ``ESC``
#: OSC/DCS/APC/PM/SOS strings (up to ``BEL``, ``ESC \\`` or the end of the line), and
#: two-character ``ESC x``.
_SEQUENCE = re.compile(
    "(?:\x1b\\[|\x9b)[0-?]*[ -/]*[@-~]"
    "|\x1b[\\]P_^X][^\x07\x1b\x9c\n]*(?:\x07|\x1b\\\\|\x9c)?"
    "|\x1b[ -~]"
)
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    """A character as a visible escape: ``\\x1b`` below 256, ``\\u202e`` above."""
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def for_terminal(text: str) -> str:
    """``text`` for a terminal: control characters but newline and tab made visible."""
    return _UNSAFE.sub(_visible, text)


def one_line(text: str) -> str:
    """``text`` as one terminal line: control characters but tab, newlines too, made visible."""
    return _UNSAFE_OR_NEWLINE.sub(_visible, text.rstrip("\n"))


def for_file(text: str) -> str:
    """``text`` for a file or a forge: escape sequences and control characters dropped.

    Newline and tab are kept.
    """
    return _UNSAFE.sub("", _SEQUENCE.sub("", text))


def for_json(text: str) -> str:
    """JSON text with the characters JSON leaves raw (DEL, C1, bidi) as ``\\u`` escapes."""
    if text.isascii() and "\x7f" not in text:  # nothing to escape: no scan (megabytes of JSON)
        return text
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
