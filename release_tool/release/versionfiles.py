"""Write a release's version into project files (``__version__ = "..."``, ``version = "..."``).

Pure text functions; the release step reads and writes the files.
"""

from __future__ import annotations

import re

from ..errors import InputError

_VERSION_LINE = re.compile(
    r"""^(?P<lead>\s*(?:__version__|version)\s*[:=]\s*)(?P<q>["'])(?P<value>[^"']*)(?P=q)""",
    re.MULTILINE,
)


def set_version(text: str, version: str, *, where: str = "file") -> str:
    """``text`` with its first ``__version__``/``version`` assignment set to ``version``.

    InputError naming ``where`` when the text has no such line.
    """
    match = _VERSION_LINE.search(text)
    if match is None:
        raise InputError(f'{where}: no __version__ = "..." or version = "..." line to update')
    start, end = match.span("value")
    return text[:start] + version + text[end:]
