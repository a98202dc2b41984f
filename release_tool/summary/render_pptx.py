"""The slide deck, made with python-pptx: title, release status (nested bullets), charts.

Slides: a title slide (title and window); the release-status slide, the
outline's sections as first-level bullets with their nodes below (at most
five levels, as PowerPoint's default layout has); the weekly merged-PR
chart as a picture slide; the release timeline as a picture slide. Text goes
into the deck as plain runs (python-pptx escapes it for XML).
"""

from __future__ import annotations

import io

from .charts import timeline_png, weekly_png
from .model import Summary, day
from .outline import Node, outline
from .render_text import terminal_safe

TITLE_LAYOUT = 0
CONTENT_LAYOUT = 1
TITLE_ONLY_LAYOUT = 5
MAX_LEVEL = 4


def _text(node: Node) -> str:
    """A bullet's text with its refs in front, as the text form shows it."""
    refs = f"({', '.join(node.refs)}) " if node.refs else ""
    return terminal_safe(refs + node.text)


def _add(frame, text: str, level: int, first: list[bool]) -> None:
    """Add one bullet paragraph (the body's first paragraph is reused)."""
    from pptx.util import Pt

    paragraph = frame.paragraphs[0] if first[0] else frame.add_paragraph()
    first[0] = False
    paragraph.text = text
    paragraph.level = min(level, MAX_LEVEL)
    for run in paragraph.runs:
        run.font.size = Pt(max(12, 20 - 2 * level))


def _walk(frame, node: Node, level: int, first: list[bool]) -> None:
    """A node and its children as nested bullets."""
    _add(frame, _text(node), level, first)
    for child in node.children:
        _walk(frame, child, level + 1, first)


def _text_slide(deck, title: str):
    """A new title-and-content slide; its text frame, shrinking text to fit."""
    from pptx.enum.text import MSO_AUTO_SIZE

    slide = deck.slides.add_slide(deck.slide_layouts[CONTENT_LAYOUT])
    slide.shapes.title.text = title
    frame = slide.placeholders[1].text_frame
    frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
    return frame


def _picture_slide(deck, title: str, png: bytes) -> None:
    """A title-only slide holding one picture, scaled to the slide's width."""
    from pptx.util import Emu

    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY_LAYOUT])
    slide.shapes.title.text = title
    margin = Emu(deck.slide_width // 20)
    top = Emu(deck.slide_height // 5)
    slide.shapes.add_picture(io.BytesIO(png), margin, top, width=deck.slide_width - 2 * margin)


def render_pptx(summary: Summary) -> bytes:
    """The summary as a .pptx deck (bytes)."""
    from pptx import Presentation

    deck = Presentation()
    title = deck.slides.add_slide(deck.slide_layouts[TITLE_LAYOUT])
    title.shapes.title.text = terminal_safe(summary.title)
    title.placeholders[1].text = f"{day(summary.since)} .. {day(summary.until)}"

    frame = _text_slide(deck, "Release status")
    first = [True]
    for section in outline(summary):
        if section.key == "pending":
            continue  # its own slide: it can be long
        _add(frame, terminal_safe(section.title), 0, first)
        for node in section.nodes:
            _walk(frame, node, 1, first)

    frame = _text_slide(deck, "Pending")
    first = [True]
    for section in outline(summary):
        if section.key == "pending":
            for node in section.nodes:
                _walk(frame, node, 0, first)

    _picture_slide(deck, "Development activity", weekly_png(summary))
    _picture_slide(deck, "Release timeline", timeline_png(summary))
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()
