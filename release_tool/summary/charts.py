"""The summary's two charts, drawn with matplotlib: release timeline and weekly merged PRs.

Both shade the summary's window in :data:`WINDOW_COLOUR`. Figures are
rendered to SVG text (for the self-contained HTML page) or PNG bytes (for
the slide deck); math text is off, so branch and version names are drawn
as written.
"""

from __future__ import annotations

import io
from contextlib import contextmanager
from datetime import timedelta

from .model import Summary

#: The window's shade in the timeline; the weekly chart's differs by one step of red and green,
#: so that a screenshot tells the two apart (the browser test looks for the timeline's).
WINDOW_COLOUR = "#fde9a9"
WEEKLY_WINDOW_COLOUR = "#fce8a9"
RELEASE_COLOUR = "#1f4e9c"
PRERELEASE_COLOUR = "#8a63c9"
LINE_COLOURS = ("#1f4e9c", "#d9822b", "#3a9d5d", "#c0392b", "#8a63c9", "#6b7b8c")
_RC = {
    "text.parse_math": False,
    "svg.fonttype": "none",
    "svg.hashsalt": "release-tool",
    "font.family": "sans-serif",
    "font.size": 9,
}


@contextmanager
def _pyplot():
    """matplotlib's pyplot on the Agg backend, with this module's settings."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    with matplotlib.rc_context(_RC):
        yield plt


def _span(summary: Summary):
    """The x range of both charts: the previous windows and the window."""
    start = summary.activity.weeks[0] if summary.activity and summary.activity.weeks else None
    start = start or summary.since - (summary.until - summary.since) * 6
    return start, summary.until + timedelta(days=1)


def timeline(summary: Summary, plt):
    """One row per line, a mark per release, the window shaded."""
    start, end = _span(summary)
    branches = [line.branch for line in summary.lines]
    fig, ax = plt.subplots(figsize=(9, 0.6 + 0.55 * max(1, len(branches))))
    ax.axvspan(summary.since, summary.until, color=WINDOW_COLOUR, zorder=0, label="window")
    for row, branch in enumerate(branches):
        marks = summary.timeline.get(branch, [])
        finals = [(v, d) for v, d in marks if not _pre(v)]
        pres = [(v, d) for v, d in marks if _pre(v)]
        for group, colour, shape in ((finals, RELEASE_COLOUR, "D"), (pres, PRERELEASE_COLOUR, "o")):
            if group:
                ax.scatter([d for _, d in group], [row] * len(group), s=42, marker=shape,
                           color=colour, zorder=3)  # fmt: skip
        before = [d for _, d in marks if d < summary.since]
        last_before = max(before) if before else None
        for version, moment in marks:
            if moment < summary.since and moment != last_before:
                continue  # label the window's releases and the one before, no crowd
            ax.annotate(version, (moment, row), xytext=(0, 7), textcoords="offset points",
                        ha="center", fontsize=7, color="#333333")  # fmt: skip
    ax.set_yticks(range(len(branches)), branches)
    ax.set_ylim(-0.6, len(branches) - 0.4)
    ax.set_xlim(start, end)
    ax.invert_yaxis()
    ax.grid(axis="x", color="#e5e5e5", zorder=1)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.set_title("Releases per line (window shaded)", loc="left", fontsize=10)
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def _pre(version: str) -> bool:
    """Whether a version string is a pre-release."""
    from ..core.versions import try_parse

    parsed = try_parse(version)
    return parsed is not None and parsed.is_prerelease


def weekly(summary: Summary, plt):
    """Merged PRs per week, stacked per line, the window shaded."""
    activity = summary.activity
    fig, ax = plt.subplots(figsize=(9, 3.2))
    ax.axvspan(summary.since, summary.until, color=WEEKLY_WINDOW_COLOUR, zorder=0)
    if activity is not None and activity.weeks:
        bottom = [0] * len(activity.weeks)
        for n, (branch, counts) in enumerate(activity.weekly.items()):
            # weeks without a PR of the line draw nothing: only the others are bars (a long
            # span has a thousand weeks per line, mostly empty, and each bar is slow to draw)
            shown = [i for i, count in enumerate(counts) if count] or [0]
            ax.bar([activity.weeks[i] for i in shown], [counts[i] for i in shown],
                   width=timedelta(days=5.5), bottom=[bottom[i] for i in shown],
                   align="edge", label=branch, color=LINE_COLOURS[n % len(LINE_COLOURS)],
                   zorder=2)  # fmt: skip
            bottom = [a + b for a, b in zip(bottom, counts, strict=True)]
        if activity.weekly:
            ax.legend(loc="upper left", fontsize=7, frameon=False)
    start, end = _span(summary)
    ax.set_xlim(start, end)
    ax.set_ylabel("PRs merged")
    ax.yaxis.get_major_locator().set_params(integer=True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_title("Merged PRs per week (window shaded)", loc="left", fontsize=10)
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def _svg(fig, plt) -> str:
    """A figure as an inline ``<svg>`` element (no XML prolog, no metadata date)."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _png(fig, plt) -> bytes:
    """A figure as PNG bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=150, metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def timeline_svg(summary: Summary) -> str:
    """The release timeline as SVG."""
    with _pyplot() as plt:
        return _svg(timeline(summary, plt), plt)


def weekly_svg(summary: Summary) -> str:
    """The weekly merged-PR chart as SVG."""
    with _pyplot() as plt:
        return _svg(weekly(summary, plt), plt)


def weekly_png(summary: Summary) -> bytes:
    """The weekly merged-PR chart as PNG."""
    with _pyplot() as plt:
        return _png(weekly(summary, plt), plt)


def timeline_png(summary: Summary) -> bytes:
    """The release timeline as PNG."""
    with _pyplot() as plt:
        return _png(timeline(summary, plt), plt)
