"""One entry point for every format: ``render(summary, fmt) -> str | bytes``."""

from __future__ import annotations

from ..errors import InputError
from .model import Summary

FORMATS = ("text", "markdown", "html", "pptx", "json")
BINARY = ("pptx",)


def render(summary: Summary, fmt: str) -> str | bytes:
    """The summary in ``fmt``: text for text/markdown/html/json, bytes for pptx."""
    if fmt == "text":
        from .render_text import render_text

        return render_text(summary)
    if fmt == "markdown":
        from .render_markdown import render_markdown

        return render_markdown(summary)
    if fmt == "json":
        from .render_json import render_json

        return render_json(summary)
    if fmt == "html":
        from .render_html import render_html

        return render_html(summary)
    if fmt == "pptx":
        from .render_pptx import render_pptx

        return render_pptx(summary)
    raise InputError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
