"""Lint a PR body's release notes, and format the findings for people and for GitHub Actions."""

from __future__ import annotations

from collections.abc import Iterable

from .body import parse_body
from .config import NotesConfig
from .model import Problem


def lint_body(
    text: str | None,
    known_types: Iterable[str] | None = None,
    known_systems: Iterable[str] | None = None,
    *,
    config: NotesConfig | None = None,
) -> list[Problem]:
    """The problems of a PR body's notes, by line (empty: the notes are fine).

    ``known_types`` replaces the configured types (aliases such as
    ``BUGFIX`` still apply); ``known_systems`` enables the unknown-system
    check (default: ``config.known_systems``; None: no check). Problems:
    missing block, block not closed, empty block, unknown type, unknown
    system, empty entry.
    """
    config = config or NotesConfig()
    if known_types is not None:
        types = tuple(t.upper() for t in known_types)
        aliases = {k: v for k, v in config.type_aliases.items() if v.upper() in types}
        config = NotesConfig(
            types=types,
            type_aliases=aliases,
            system_aliases=config.system_aliases,
            known_systems=config.known_systems,
            dirac_systems=config.dirac_systems,
        )
    systems = tuple(known_systems) if known_systems is not None else config.known_systems
    return parse_body(text, config, known_systems=systems).problems


def format_problems(problems: Iterable[Problem], source: str = "body") -> list[str]:
    """One line per problem for a terminal: ``body:3: unknown type 'FEAT' ...``."""
    return [f"{source}:{p.line}: {p.message}" for p in problems]


def _escape_data(value: str) -> str:
    """Escape a workflow-command message (``%``, CR, LF)."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    """Escape a workflow-command property value (also ``:`` and ``,``)."""
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github_annotations(
    problems: Iterable[Problem], file: str | None = None, title: str | None = None
) -> list[str]:
    """GitHub Actions ``::error`` commands, one per problem: ``::error line=3::message``.

    ``file`` and ``title`` are added as properties when given. Messages are
    escaped so that PR text cannot inject other workflow commands.
    """
    lines = []
    for problem in problems:
        props = []
        if file:
            props.append(f"file={_escape_property(file)}")
        props.append(f"line={problem.line}")
        if title:
            props.append(f"title={_escape_property(title)}")
        lines.append(f"::error {','.join(props)}::{_escape_data(problem.message)}")
    return lines
