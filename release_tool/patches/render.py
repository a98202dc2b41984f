"""The patch matrix as text, markdown, one self-contained HTML page, or JSON. Pure.

PR titles are untrusted: control characters are dropped for the terminal,
markdown's special characters are escaped, HTML is escaped with
:func:`html.escape`; nothing from a PR is ever used as a template.
"""

from __future__ import annotations

import html
import re
from datetime import datetime, timezone

from ..notes.render import md_escape
from ..table import format_table, to_json
from .matrix import MERGED, MISSING, NA, RELEASED, SWEEP_FAILED, SWEEP_OPEN, Cell, Matrix
from .presence import ANCESTRY

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
COLOURS = {
    RELEASED: "#2da44e",
    MERGED: "#9be9a8",
    SWEEP_OPEN: "#54aeff",
    SWEEP_FAILED: "#cf222e",
    MISSING: "#fb8f44",
    NA: "#d0d7de",
}


def iso(timestamp: int) -> str:
    """Unix seconds as ISO 8601 UTC."""
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def plain(text: str, width: int | None = None) -> str:
    """One line of untrusted text, safe on a terminal, cut to ``width``."""
    line = _CONTROL.sub(" ", (text or "").splitlines()[0] if text else "")
    if width is not None and len(line) > width:
        line = line[: width - 1] + "…"
    return line


def cell_text(cell: Cell) -> str:
    """A cell in a few words: ``8.0.21``, ``merged``, ``open #31``, ``FAILED``..."""
    if cell.state in (RELEASED, MERGED):
        text = cell.version if cell.state == RELEASED else "merged"
        if cell.evidence and cell.evidence != ANCESTRY:
            text += f" ({cell.evidence}" + (f" {cell.via})" if cell.via else ")")
        return text
    if cell.state == SWEEP_OPEN:
        return f"sweep open ({cell.via})"
    if cell.state == SWEEP_FAILED:
        return "SWEEP FAILED"
    return "MISSING" if cell.state == MISSING else "n/a"


def summary_lines(matrix: Matrix) -> list[str]:
    """``rel-v8r0: 2 missing, 1 sweep failed, 0 sweeps open`` per line."""
    return [
        f"{branch}: {s['missing']} missing, {s['failed']} sweeps failed, {s['open']} sweeps open"
        for branch, s in matrix.summary().items()
    ]


def as_text(matrix: Matrix) -> str:
    """A table, then the summary."""
    headers = ["PR", "title", "merged into", *(line.branch for line in matrix.lines)]
    rows = [
        [f"#{fix.number}", plain(fix.title, 50), fix.merged_into]
        + [cell_text(matrix.cells[(fix.number, line.branch)]) for line in matrix.lines]
        for fix in matrix.fixes
    ]
    body = format_table(headers, rows) if rows else "no fixes in the window"
    return body + "\n\n" + "\n".join(summary_lines(matrix))


def as_markdown(matrix: Matrix) -> str:
    """A GitHub-flavoured table (titles escaped), then the summary as a list."""
    head = ["PR", "title", "merged into", *(md_escape(line.branch) for line in matrix.lines)]
    out = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for fix in matrix.fixes:
        cells = [md_escape(cell_text(matrix.cells[(fix.number, line.branch)]))
                 for line in matrix.lines]  # fmt: skip
        title = md_escape(plain(fix.title))
        out.append(f"| #{fix.number} | {title} | {md_escape(fix.merged_into)} | "
                   + " | ".join(cells) + " |")  # fmt: skip
    if not matrix.fixes:
        out.append("| | no fixes in the window | |" + " |" * len(matrix.lines))
    out.append("")
    out += [f"- {md_escape(line)}" for line in summary_lines(matrix)]
    return "\n".join(out) + "\n"


def as_html(matrix: Matrix, title: str = "Patch matrix") -> str:
    """One self-contained page (inline CSS, no script, no external resource), colour-coded."""
    e = html.escape
    css = "\n".join(
        f".{state.replace('/', '')} {{ background: {colour}; }}"
        for state, colour in COLOURS.items()
    )
    head = "".join(f"<th>{e(line.branch)}</th>" for line in matrix.lines)
    rows = []
    for fix in matrix.fixes:
        cells = []
        for line in matrix.lines:
            cell = matrix.cells[(fix.number, line.branch)]
            tip = f"{cell.state}" + (f", {cell.evidence}" if cell.evidence else "")
            tip += f" via {cell.via}" if cell.via else ""
            cells.append(
                f'<td class="{cell.state.replace("/", "")}" title="{e(tip)}">'
                f"{e(cell_text(cell))}</td>"
            )
        rows.append(
            f"<tr><td>#{fix.number}</td><td>{e(plain(fix.title))}</td>"
            f"<td>{e(fix.merged_into)}</td>{''.join(cells)}</tr>"
        )
    summary = "".join(f"<li>{e(line)}</li>" for line in summary_lines(matrix))
    legend = "".join(f'<span class="{s.replace("/", "")} key">{e(s)}</span>' for s in COLOURS)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{e(title)}</title><style>\n"
        "body { font-family: sans-serif; margin: 2em; }\n"
        "table { border-collapse: collapse; } td, th { border: 1px solid #8c959f; "
        "padding: 0.3em 0.6em; text-align: left; }\n"
        ".key { padding: 0.2em 0.6em; margin-right: 0.4em; }\n"
        f"{css}\n</style></head><body>\n<h1>{e(title)}</h1>\n<p>{legend}</p>\n"
        "<table><thead><tr><th>PR</th><th>title</th><th>merged into</th>"
        f"{head}</tr></thead><tbody>\n" + "\n".join(rows) + "\n</tbody></table>\n"
        f"<ul>{summary}</ul>\n</body></html>\n"
    )


def as_json(matrix: Matrix) -> str:
    """``lines``, ``fixes`` (number, title, merged_into, merged_at, cells) and ``summary``."""
    data = {
        "lines": [line.branch for line in matrix.lines],
        "fixes": [
            {
                "number": fix.number,
                "title": fix.title,
                "merged_into": fix.merged_into,
                "merged_at": iso(fix.merged_at),
                "commit": fix.sha,
                "cells": {
                    line.branch: matrix.cells[(fix.number, line.branch)].as_dict()
                    for line in matrix.lines
                },
            }
            for fix in matrix.fixes
        ],
        "summary": matrix.summary(),
    }
    return to_json(data)


FORMATS = {"text": as_text, "markdown": as_markdown, "html": as_html, "json": as_json}
