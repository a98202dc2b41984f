"""The summary as a slide's outline: sections of nested bullets, shared by every renderer.

Pure. Texts are plain (untrusted PR text included): each renderer escapes
them for its format. ``refs`` are PR references rendered after the text
(links in Markdown and HTML).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import LineSummary, ReleaseSummary, Summary, day

#: Entries listed under a release that names no subject.
LOOSE_ENTRIES = 3


@dataclass
class Node:
    """One bullet: its text, the PR refs it cites, and the bullets below it."""

    text: str
    refs: list[str] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)


@dataclass
class Section:
    """A top-level statement of the slide (``2 patch releases since last meeting``)."""

    key: str
    title: str
    nodes: list[Node] = field(default_factory=list)


def plural(count: int, word: str) -> str:
    """``1 PR``, ``3 PRs``."""
    return f"{count} {word}{'s' * (count != 1)}"


def capital(text: str) -> str:
    """``text`` with its first letter in upper case."""
    return text[:1].upper() + text[1:]


def window_words(summary: Summary) -> str:
    """``since last meeting`` or ``between 2026-11-16 and 2026-11-30``."""
    if summary.since_label == "last meeting":
        return "since last meeting"
    return f"between {day(summary.since)} and {day(summary.until)}"


def releases_title(releases: list[ReleaseSummary], summary: Summary) -> str:
    """``2 patch releases since last meeting``, or the empty-window line."""
    if not releases:
        if summary.releases:  # pre-releases only: the series section tells them
            return f"No final release between {day(summary.since)} and {day(summary.until)}"
        return capital(summary.empty_line)
    patches = all(_is_patch(r.version) for r in releases)
    word = "patch release" if patches else "release"
    return f"{plural(len(releases), word)} {window_words(summary)}"


def _is_patch(version: str) -> bool:
    """Whether a version names a patch (``8.0.20``, ``v7r3p36``), not a series' first release."""
    from ..core.versions import try_parse

    parsed = try_parse(version)
    return parsed is not None and parsed.pep.micro > 0


def release_node(release: ReleaseSummary) -> Node:
    """``8.0.20 – minor fixes`` with its subjects and their entries below."""
    node = Node(f"{release.version} – {release.headline}")
    for subject in release.subjects:
        words = subject.kinds or "changes"
        child = Node(f"{words} in {subject.name}" if subject.kinds else subject.name)
        child.children = [Node(e.text, list(e.refs)) for e in subject.entries]
        node.children.append(child)
    if not release.subjects and release.entries and not release.overridden:
        shown = release.entries[:LOOSE_ENTRIES]
        node.children = [Node(e.text, list(e.refs)) for e in shown]
        if len(release.entries) > LOOSE_ENTRIES:
            node.children.append(Node(f"and {len(release.entries) - LOOSE_ENTRIES} more"))
    return node


def pending_node(line: LineSummary) -> Node:
    """``rel-v8r0: 2 PRs merged, not released; next 8.0.21`` with each PR and its age."""
    nxt = f"; next {line.next_version}" if line.next_version else ""
    if not line.pending:
        return Node(f"{line.branch}: nothing waiting{nxt}")
    node = Node(f"{line.branch}: {plural(len(line.pending), 'PR')} merged, not released{nxt}")
    for pr in line.pending:
        node.children.append(Node(f"{pr.title} ({plural(pr.age_days, 'day')})", [pr.ref]))
    return node


def outline(summary: Summary) -> list[Section]:
    """The sections of the slide, in order."""
    sections = []
    finals = summary.final_releases
    section = Section("releases", releases_title(finals, summary))
    section.nodes = [release_node(r) for r in finals]
    sections.append(section)
    for series in summary.series_in_development:
        section = Section("series", capital(series.sentence))
        section.nodes.append(Node(series.detail))
        for line in summary.lines:
            if line.branch == series.branch:
                section.nodes.extend(
                    release_node(r)
                    for r in line.releases
                    if r.prerelease and r.version in series.new_in_window
                )
        sections.append(section)
    if summary.activity is not None:
        section = Section("activity", capital(summary.activity.words))
        section.nodes = [
            Node(f"{line.branch}: {line.activity.words}") for line in summary.lines if line.activity
        ]
        sections.append(section)
    section = Section("pending", "Pending")
    section.nodes = [pending_node(line) for line in summary.lines]
    sections.append(section)
    if summary.github is not None:
        sections.append(github_section(summary))
    return sections


def github_section(summary: Summary) -> Section:
    """Open PRs per base branch, PRs waiting for review, failed sweeps."""
    github = summary.github
    assert github is not None
    total = sum(len(prs) for prs in github.open_prs.values())
    section = Section("github", f"GitHub: {plural(total, 'open PR')}")
    for branch, prs in github.open_prs.items():
        section.nodes.append(Node(f"{branch}: {plural(len(prs), 'open PR')}"))
    waiting = Node(
        f"{plural(len(github.waiting_review), 'PR')} waiting for review for more than "
        f"{plural(github.review_days, 'day')}"
    )
    waiting.children = [
        Node(f"{pr.title} ({plural(pr.age_days, 'day')})", [pr.ref]) for pr in github.waiting_review
    ]
    section.nodes.append(waiting)
    failed = Node(f"{plural(len(github.failed_sweeps), 'failed sweep')}")
    failed.children = [Node(pr.title, [pr.ref]) for pr in github.failed_sweeps]
    section.nodes.append(failed)
    return section
