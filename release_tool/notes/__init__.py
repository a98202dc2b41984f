"""Release notes: parse, classify, lint, render and write them. Pure core, no git, no forge.

Modules, one job each:

* :mod:`.model` - ``Entry(type, refs, text, system, breaking, source)``,
  ``Section(system, entries)``, ``ReleaseNotes(version, date, sections,
  free_text, metadata, unclassified, excluded, released_elsewhere)`` with
  ``as_dict(review=False)``
  (stable keys ``version``, ``date``, ``sections`` [``system``, ``entries``
  [``type``, ``refs``, ``text``, ``breaking``]], ``free_text``; in review
  mode also ``unclassified`` and ``excluded``), ``Problem(line, message, code)``.
* :mod:`.config` - ``NotesConfig`` (types, aliases, system order, title,
  label and towncrier maps, exclude labels, templates) and
  ``notes_config_from_mapping(table, prefix)`` for a TOML table.
* :mod:`.grammar` - the line grammar shared by bodies and files (``NotesReader``).
* :mod:`.body` - ``parse_body(text, config=None, *, known_systems=None) -> BodyNotes``
  (``found``, ``sections``, ``entries``, ``free_text``, ``problems``).
* :mod:`.systems` - ``normalise_system(name, table)``, ``alias_table(aliases)``,
  ``organise(entries, *, aliases, order, types) -> list[Section]``,
  ``DIRAC_SYSTEM_ALIASES``, ``DIRAC_KNOWN_SYSTEMS``.
* :mod:`.classify` - ``classify_pr(pr, config=None, fragments=None) ->
  Classification``, ``classify_prs(prs, config, fragments, *, memo=None)``
  (``ClassificationMemo(config)``: each PR classified once over many releases),
  ``assemble(classifications, version, *, date, config) -> ReleaseNotes``
  and the shortcut ``release_notes(prs, version, *, date, config, fragments)``.
  A PR is a ``PullRequestNotes(number, title, body, labels, kind, origin,
  ref)``, a mapping, or any object with those attributes (the history's
  ``PullRequest``, the forge's ``PrInfo``; see ``as_pull_request``).
* :mod:`.fragments` - ``towncrier_fragments(project_dir) -> {pr: [(type, text)]}``
  with towncrier's own configuration loading and fragment discovery.
* :mod:`.parse_file` - ``parse_notes(data: bytes | str, config=None) ->
  list[ReleaseNotes]`` for existing ``release.notes`` files.
* :mod:`.render` - ``render(notes, fmt="dirac", *, template_dir=None,
  repo_url=None, review=False) -> str`` for ``dirac``, ``markdown``, ``rst``
  (templates) and ``json``; ``available_formats(template_dir)``.
* :mod:`.write` - ``prepend_release(existing, section, version)``: idempotent.
* :mod:`.style` - ``notes_style(templates, notes_file, notes) -> NotesStyle``:
  whether a repository writes DIRAC-style notes (PR template asks for a
  notes block, or ``release.notes`` has DIRAC sections), and why.
* :mod:`.coverage` - ``coverage(refs, notes, bodies_read=...) -> Coverage``:
  noted / unclassified / excluded / released-elsewhere PRs of a range, the
  stderr ``messages(fetch_hint)`` and the release's ``refusal()``.
* :mod:`.build` (I/O at the edge) - ``build_notes(pr_list, version, config,
  root) -> BuiltNotes(notes, coverage, style)`` decides the per-repository
  settings and leaves out PRs released by another line;
  ``notes_of_releases(pr_lists, config, root)`` the notes of every release;
  ``write_section(path, section, version, released=...)``.
* :mod:`.lint` - ``lint_body(text, known_types=None, known_systems=None, *,
  config=None) -> list[Problem]``, ``format_problems(problems, source)``,
  ``github_annotations(problems, file=None, title=None)``.

A typical release::

    fragments = towncrier_fragments(repo_root)          # {} without towncrier
    notes = release_notes(prs, "v8.0.20", config=cfg, fragments=fragments)
    text = render(notes, "dirac", template_dir=cfg.templates)
    new_file = prepend_release(old_file_bytes, text, "v8.0.20")
    review = render(notes, "markdown", repo_url=url, review=True)

Errors for users (unknown format, broken template, bad configuration) are
:class:`~release_tool.errors.InputError` subclasses.
"""

from __future__ import annotations

from .body import BodyNotes, parse_body
from .classify import (
    Classification,
    PullRequestNotes,
    as_pull_request,
    assemble,
    classify_pr,
    classify_prs,
    parse_title,
    release_notes,
)
from .config import NotesConfig, notes_config_from_mapping
from .fragments import towncrier_fragments
from .lint import format_problems, github_annotations, lint_body
from .model import Entry, Problem, ReleaseNotes, Section
from .parse_file import parse_notes
from .render import available_formats, render, render_chunks
from .systems import normalise_system, organise
from .write import prepend_release

__all__ = [
    "BodyNotes",
    "Classification",
    "Entry",
    "NotesConfig",
    "Problem",
    "PullRequestNotes",
    "ReleaseNotes",
    "Section",
    "as_pull_request",
    "assemble",
    "available_formats",
    "classify_pr",
    "classify_prs",
    "format_problems",
    "github_annotations",
    "lint_body",
    "normalise_system",
    "notes_config_from_mapping",
    "organise",
    "parse_body",
    "parse_notes",
    "parse_title",
    "prepend_release",
    "release_notes",
    "render",
    "render_chunks",
    "towncrier_fragments",
]
