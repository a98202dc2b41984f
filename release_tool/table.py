"""Plain-text tables and JSON for command output."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .sanitize import for_json, for_terminal


def format_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Rows in left-aligned columns under a header; None shows as ``-``.

    Cells are terminal text: control characters show as visible escapes.
    """
    cells = [[str(h) for h in headers]]
    cells += [["-" if c is None else for_terminal(str(c)) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    return "\n".join(lines)


def to_json(data: Any) -> str:
    """Stable, indented JSON for scripts and bots."""
    return for_json(json.dumps(data, indent=2, sort_keys=False, ensure_ascii=False))
