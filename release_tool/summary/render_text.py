"""The text form: the slide as a terminal shows it, nested bullets by indentation.

Untrusted text loses its control characters (no terminal escape sequence
gets through) and its line breaks.
"""

from __future__ import annotations

import re

from .model import Summary, day
from .outline import Node, outline

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]+")


def terminal_safe(text: str) -> str:
    """``text`` on one line without control characters or bidi overrides."""
    return _CONTROL.sub(" ", text).strip()


def _node_lines(node: Node, depth: int) -> list[str]:
    """A bullet and its children, indented two spaces per level."""
    refs = f"({', '.join(node.refs)}) " if node.refs else ""
    lines = [f"{'  ' * depth}{refs}{terminal_safe(node.text)}"]
    for child in node.children:
        lines.extend(_node_lines(child, depth + 1))
    return lines


def render_text(summary: Summary) -> str:
    """The summary as plain text."""
    lines = [
        f"{terminal_safe(summary.title)}: {day(summary.since)} .. {day(summary.until)}",
        "",
    ]
    for section in outline(summary):
        lines.append(terminal_safe(section.title))
        for node in section.nodes:
            lines.extend(_node_lines(node, 1))
    return "\n".join(lines) + "\n"
