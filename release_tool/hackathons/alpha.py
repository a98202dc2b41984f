"""The pure parts of an alpha: its version, its notes grouped by hackathon, its messages.

No git, no forge: the adapter (:mod:`.publish`) hands in versions, rendered
note groups and hackathons.
"""

from __future__ import annotations

from ..core.versions import Version, bump, parse
from ..errors import InputError
from .assign import group_heading
from .records import Hackathon, window_text

PHASES = ("alpha", "beta", "rc")
_LETTER = {"alpha": "a", "beta": "b", "rc": "rc"}


def next_prerelease(base: Version, latest: Version | None, phase: str | None) -> Version:
    """The pre-release to cut: after ``latest`` on the line, in ``phase`` when given.

    ``base`` is the line's next version (what ``release`` would cut);
    ``latest`` its latest release. Legacy lines keep their scheme
    (``v7r3-pre3``); a phase the scheme cannot write is an InputError.
    """
    if phase is not None and phase not in PHASES:
        raise InputError(f"--phase must be one of {', '.join(PHASES)}, not {phase!r}")
    same = latest is not None and latest.is_prerelease and latest.series == base.series
    try:
        if same:
            return bump(latest, phase or "pre", scheme=base.scheme)
        if base.is_prerelease:
            if phase is None:
                return base
            release = ".".join(str(n) for n in base.pep.release)
            return parse(f"{release}{_LETTER[phase]}1").in_scheme(base.scheme)
    except InputError as exc:
        raise InputError(f"no {phase or 'pre-release'} after {latest or base}: {exc}") from None
    raise InputError(
        f"the next version of this line is {base.canonical}, a final release: alpha cuts "
        "pre-releases only (use 'release' for it)"
    )


def tag_message(tag: str, hackathons: list[Hackathon]) -> str:
    """The annotated tag's message: ``Release v8.1.0a3`` and the hackathon(s) it ships."""
    lines = [f"Release {tag}"]
    if hackathons:
        lines.append("")
        lines += [f"Hackathon {h.name} ({window_text(h)})" for h in hackathons]
    return "\n".join(lines)


def body_intro(hackathons: list[Hackathon]) -> str:
    """The first paragraph of a GitHub release body naming the hackathon(s), in Markdown."""
    if not hackathons:
        return ""
    parts = []
    for h in hackathons:
        name = f"[{_md(h.name)}]({h.url})" if h.url else f"**{_md(h.name)}**"
        parts.append(f"{name} ({window_text(h)})")
    noun = "hackathon" if len(hackathons) == 1 else "hackathons"
    return f"Pre-release after the {noun} " + ", ".join(parts) + ".\n\n"


def compose_dirac(tag: str, groups: list[tuple[Hackathon | None, str]]) -> str:
    """A ``release.notes`` section: ``[tag]``, then each group's heading and entries.

    ``groups`` hold each group's notes rendered without a version header.
    The headings are free-text lines of the section.
    """
    out = [f"[{tag}]", ""]
    for hackathon, text in groups:
        out += [group_heading(hackathon), ""]
        body = text.strip("\n")
        if body:
            out += [body, ""]
    return "\n".join(out).rstrip("\n") + "\n"


def compose_markdown(tag: str, intro: str, groups: list[tuple[Hackathon | None, str]]) -> str:
    """A Markdown body: ``## tag``, the intro, then ``### heading`` per group.

    The systems of each group move one level down (``####``) under the group.
    """
    out = [f"## {tag}", ""]
    if intro:
        out += [intro.strip(), ""]
    for hackathon, text in groups:
        out += [f"### {_md(group_heading(hackathon))}", ""]
        for line in text.strip("\n").splitlines():
            out.append("#" + line if line.startswith("### ") else line)
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _md(text: str) -> str:
    """Markdown-escape ``\\``, ``_`` and ``*`` (a hackathon name may hold ``_``)."""
    return text.replace("\\", "\\\\").replace("_", "\\_").replace("*", "\\*")
