"""The Markdown form: the slide as nested bullets, PR refs as links.

Untrusted text is escaped: Markdown punctuation is backslash-escaped and
``<``/``>``/``&`` become entities, so a PR title can neither format the page
nor inject HTML.
"""

from __future__ import annotations

import re

from .model import Summary, day
from .outline import Node, outline
from .render_text import terminal_safe

_SPECIAL = re.compile(r"([\\`*_{}\[\]#!|~])")
_LEADING = re.compile(r"^(\d+)([.)])(?=\s|$)|^([-+=])")


def md_escape(text: str) -> str:
    """``text`` safe as Markdown inline text."""
    text = terminal_safe(text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _SPECIAL.sub(r"\\\1", text)
    return _LEADING.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", text)


def md_ref(ref: str, repo_url: str | None) -> str:
    """A PR ref, linked to its page when the repository URL is known."""
    number = ref.lstrip("#!")
    if repo_url and ref.startswith("#") and number.isdigit():
        return f"[{ref}]({repo_url}/pull/{number})"
    return md_escape(ref)


def _node_lines(node: Node, depth: int, repo_url: str | None) -> list[str]:
    """A bullet and its children, nested by two spaces per level."""
    refs = ""
    if node.refs:
        refs = " (" + ", ".join(md_ref(r, repo_url) for r in node.refs) + ")"
    lines = [f"{'  ' * depth}- {md_escape(node.text)}{refs}"]
    for child in node.children:
        lines.extend(_node_lines(child, depth + 1, repo_url))
    return lines


def render_markdown(summary: Summary) -> str:
    """The summary as Markdown."""
    lines = [f"# {md_escape(summary.title)}", ""]
    lines.append(f"{day(summary.since)} .. {day(summary.until)}")
    lines.append("")
    for section in outline(summary):
        lines.append(f"- **{md_escape(section.title)}**")
        for node in section.nodes:
            lines.extend(_node_lines(node, 1, summary.repo_url))
    return "\n".join(lines) + "\n"
