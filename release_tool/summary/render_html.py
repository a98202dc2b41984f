"""The HTML form: one self-contained page (styles and charts inline), one section per printed page.

Nothing on the page loads anything: no external stylesheet, script, font or
image; the charts are inline SVG drawn by :mod:`.charts`. PR links are plain
``<a href>`` to the forge, followed only when clicked. Every piece of text
is escaped with :func:`html.escape`.
"""

from __future__ import annotations

from html import escape

from .charts import timeline_svg, weekly_svg
from .model import Summary, day
from .outline import Node, Section, outline, plural

STYLE = """
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 2em auto;
       max-width: 60em; color: #1d1d1d; background: #ffffff; }
header h1 { font-size: 1.6em; margin-bottom: 0.2em; }
header p { color: #555555; margin-top: 0; }
section { border-top: 3px solid #1f4e9c; padding: 0.5em 0 1.5em 0; }
section h2 { font-size: 1.25em; margin: 0.4em 0; }
ul { margin: 0.2em 0 0.2em 1.2em; padding-left: 0.6em; }
li { margin: 0.15em 0; }
.refs a, .refs span { color: #1f4e9c; font-size: 0.9em; }
.chart svg { width: 100%; height: auto; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border-bottom: 1px solid #dddddd; padding: 0.2em 0.8em; text-align: left; }
.window { background: #fff3cd; padding: 0 0.3em; }
@media print {
  body { margin: 0; max-width: none; }
  section { break-after: page; page-break-after: always; border-top: none; }
  section:last-of-type { break-after: auto; page-break-after: auto; }
  a { color: inherit; text-decoration: none; }
}
"""


def _ref(ref: str, repo_url: str | None) -> str:
    """A PR ref, linked when the repository's web URL is known."""
    number = ref.lstrip("#!")
    if repo_url and ref.startswith("#") and number.isdigit():
        href = escape(f"{repo_url}/pull/{number}", quote=True)
        return f'<a href="{href}">{escape(ref)}</a>'
    return f"<span>{escape(ref)}</span>"


def _nodes(nodes: list[Node], repo_url: str | None) -> str:
    """Nested ``<ul>`` of bullets."""
    if not nodes:
        return ""
    items = []
    for node in nodes:
        refs = ""
        if node.refs:
            refs = ' <span class="refs">(' + ", ".join(_ref(r, repo_url) for r in node.refs)
            refs += ")</span>"
        items.append(f"<li>{escape(node.text)}{refs}{_nodes(node.children, repo_url)}</li>")
    return "<ul>" + "".join(items) + "</ul>"


def _section(section: Section, summary: Summary, extra: str = "") -> str:
    """One ``<section>`` (a printed page)."""
    return (
        f'<section id="{section.key}"><h2>{escape(section.title)}</h2>'
        f"{_nodes(section.nodes, summary.repo_url)}{extra}</section>"
    )


def _activity_table(summary: Summary) -> str:
    """PRs merged per line: in the window, each previous window, usually."""
    rows = []
    for line in summary.lines:
        if line.activity is None:
            continue
        previous = " ".join(str(n) for n in line.activity.previous)
        rows.append(
            f"<tr><td>{escape(line.branch)}</td><td>{line.activity.merged}</td>"
            f"<td>{escape(previous)}</td><td>{line.activity.usual:g}</td></tr>"
        )
    return (
        "<table><tr><th>line</th><th>merged in the window</th>"
        "<th>previous windows (oldest first)</th><th>usually</th></tr>" + "".join(rows) + "</table>"
    )


def render_html(summary: Summary) -> str:
    """The summary as one self-contained HTML page."""
    window = f"{day(summary.since)} .. {day(summary.until)}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(summary.title)} {escape(window)}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<header><h1>{escape(summary.title)}</h1>",
        f'<p>Window <span class="window">{escape(window)}</span> '
        f"({escape(plural(len(summary.releases), 'release'))})</p></header>",
    ]
    for section in outline(summary):
        extra = ""
        if section.key == "releases":
            extra = f'<div class="chart" id="timeline">{timeline_svg(summary)}</div>'
        elif section.key == "activity":
            extra = f'<div class="chart" id="weekly">{weekly_svg(summary)}</div>'
            extra += _activity_table(summary)
        parts.append(_section(section, summary, extra))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
