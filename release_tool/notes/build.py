"""Release notes of a range: PRs from history, details from the forge, rules from config.

The bridge between PR discovery (:mod:`release_tool.history.discovery`), the forge,
and the pure notes core (:mod:`release_tool.notes`). Settings left to the
repository (``title_fallback``, ``omit_released_elsewhere``, ``dirac_systems``) are decided here
from its PR template and notes file (:mod:`.style`); :func:`build_notes`
also says how much of the range the notes cover (:mod:`.coverage`).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..collector import collector_paused
from ..core.config import Config
from ..core.versions import parse
from ..errors import PolicyError, VersionError
from ..files import read_target, replace_file
from ..history.discovery import PrList
from ..sanitize import for_file
from . import NotesConfig, ReleaseNotes, release_notes
from .classify import ClassificationMemo, Fragments, strip_title_prefixes
from .coverage import Coverage, coverage
from .fragments import towncrier_fragments, uses_towncrier
from .model import Entry
from .style import PR_TEMPLATE_PATHS, NotesStyle, notes_style
from .write import find_release, prepend_release

if TYPE_CHECKING:
    from ..forge.base import PrInfo
    from ..history.index import PullRequest


@dataclass
class BuiltNotes:
    """The notes of a range, how much of it they cover, and the repository's notes style."""

    notes: ReleaseNotes
    coverage: Coverage
    style: NotesStyle | None


def repository_style(root: Path, config: Config) -> NotesStyle:
    """Whether the repository at ``root`` writes DIRAC-style notes (see :mod:`.style`)."""
    root = Path(root)
    candidates = [root / name for name in PR_TEMPLATE_PATHS]
    folder = root / ".github" / "PULL_REQUEST_TEMPLATE"
    if folder.is_dir():
        candidates += sorted(folder.glob("*.md"))
    templates = {}
    for path in candidates:
        if path.is_file():
            templates[path.relative_to(root).as_posix()] = path.read_text(
                encoding="utf-8", errors="replace"
            )
    notes_path = root / config.notes_file
    notes = notes_path.read_bytes() if notes_path.is_file() else None
    return notes_style(templates, config.notes_file, notes)


def resolved_notes_config(config: Config, root: Path) -> tuple[NotesConfig, NotesStyle | None]:
    """The notes settings with the per-repository defaults decided, and the style if asked."""
    notes = config.notes
    decided = (notes.title_fallback, notes.omit_released_elsewhere, notes.dirac_systems)
    if None not in decided:
        return notes, None
    style = repository_style(root, config)
    resolved = dataclasses.replace(
        notes,
        title_fallback=(not style.dirac) if notes.title_fallback is None
        else notes.title_fallback,
        omit_released_elsewhere=style.dirac if notes.omit_released_elsewhere is None
        else notes.omit_released_elsewhere,
        dirac_systems=_dirac_systems(config, style) if notes.dirac_systems is None
        else notes.dirac_systems,
    )  # fmt: skip
    return resolved, style


def _dirac_systems(config: Config, style: NotesStyle) -> bool:
    """Whether DIRAC's system names apply: DIRAC-style notes, or DIRAC's release flow.

    A single-branch project releasing finals from its integration branch
    (release-please style, ``open_series_with = "final"``) without
    DIRAC-style notes keeps its scopes as written.
    """
    return style.dirac or not config.integration_releases_finals()


def pr_records(result: PrList, made: RecordMemo | None = None) -> list[dict]:
    """The PRs of a list as the notes core takes them, with forge details where fetched.

    ``made``: records made for earlier lists, reused for the same PR (the
    notes of every release list many PRs several times).
    """
    if made is not None:
        return made.records(result)
    return [_record(pr, result.detail(pr)) for pr in result.prs]


def _record(pr: PullRequest, info: PrInfo | None) -> dict:
    """One PR as the notes core takes it."""
    return {
        "number": pr.number,
        "ref": pr.ref,
        "title": info.title if info else pr.title,
        "body": info.body if info else None,
        "labels": list(info.labels) if info else [],
        "kind": pr.kind,
        "origin": pr.origin,
    }


class RecordMemo:
    """The record of each PR, made once for the notes of many releases.

    The same dict is given each time the same PR (the same entry and forge
    details) is listed, so :class:`~.classify.ClassificationMemo` finds its
    key at once; a record is forgotten after its last use (``uses``: how many
    times each ref is listed).
    """

    def __init__(self, uses: Mapping[str, int]) -> None:
        """Records for PRs listed ``uses[ref]`` times in all."""
        self._left = dict(uses)
        self._made: dict[str, tuple[PullRequest, PrInfo | None, dict]] = {}

    def records(self, result: PrList) -> list[dict]:
        """The records of ``result``'s PRs (the same dict as before for the same PR and details)."""
        made, left = self._made, self._left
        detail = result.detail if result.details is not None else None
        records = []
        for pr in result.prs:
            info = detail(pr) if detail is not None else None
            ref = pr.ref
            known = made.get(ref)
            if known is None or known[0] is not pr or known[1] is not info:
                known = made[ref] = (pr, info, _record(pr, info))
            uses = left.get(ref, 0) - 1
            left[ref] = uses
            if uses <= 0:
                del made[ref]
            records.append(known[2])
        return records


def build_notes(
    result: PrList,
    version: str,
    config: Config,
    root: Path,
    *,
    memo: ClassificationMemo | None = None,
    fragments: Fragments | None = None,
    records: RecordMemo | None = None,
) -> BuiltNotes:
    """The release notes of one PR list, headed ``version``, with their coverage.

    With ``omit_released_elsewhere``, PRs that a release of another line
    already shipped (``result.first_released_in``) are not classified: they
    are listed in ``released_elsewhere`` (review mode) instead. A
    pre-release of the same series does not count: legacy ``vXrY`` notes
    list the work of their ``-preN`` releases. ``memo`` (of the resolved
    notes settings), ``fragments`` (the repository's towncrier fragments,
    read here if not given) and ``records`` serve building the notes of many
    releases.
    """
    if fragments is None:
        fragments = towncrier_fragments(root) if uses_towncrier(root) else {}
    settings, style = resolved_notes_config(config, root)
    records = pr_records(result, records)
    released: list[Entry] = []
    if settings.omit_released_elsewhere:
        elsewhere = {
            ref: tag
            for ref, tag in result.first_released_in.items()
            if not _earlier_pre_release(tag, version)
        }
        released = [
            Entry(None, [r["ref"]], strip_title_prefixes(r["title"]), source=elsewhere[r["ref"]])
            for r in records
            if r["ref"] in elsewhere
        ]
        records = [r for r in records if r["ref"] not in elsewhere]
    notes = release_notes(records, version, config=settings, fragments=fragments, memo=memo)
    notes.released_elsewhere = released
    report = coverage(
        [pr.ref for pr in result.prs],
        notes,
        bodies_read=result.details is not None,
        titles_used=settings.title_fallback is not False,
        style=style.reason if style is not None else None,
    )
    return BuiltNotes(notes, report, style)


def _earlier_pre_release(tag: str, version: str) -> bool:
    """Whether ``tag`` is a pre-release of ``version``'s series: part of its cumulative notes."""
    try:
        first, this = parse(tag), parse(version)
    except VersionError:
        return False
    return first.is_prerelease and first.series == this.series


def notes_for(result: PrList, version: str, config: Config, root: Path) -> ReleaseNotes:
    """The release notes of one PR list, headed ``version`` (a tag such as ``v8.0.21``)."""
    return build_notes(result, version, config, root).notes


def notes_of_releases(results: Sequence[PrList], config: Config, root: Path) -> list[ReleaseNotes]:
    """The notes of each release's PR list, headed by the release's tag (``--all-releases``).

    Each is what :func:`notes_for` gives, made once for all: the
    repository's notes style is decided and its towncrier fragments read
    once, a PR listed by several releases is classified once
    (:class:`~.classify.ClassificationMemo`), and the cyclic garbage
    collector waits (the notes are tens of thousands of small objects
    without cycles; its passes over them took a fifth of the time).
    """
    resolved, _ = resolved_notes_config(config, root)
    config = dataclasses.replace(config, notes=resolved)
    uses = Counter(pr.ref for r in results for pr in r.prs)
    memo = ClassificationMemo(resolved, uses)
    made = RecordMemo(uses)
    fragments = towncrier_fragments(root) if uses_towncrier(root) else {}
    with collector_paused():  # only the notes are kept, not each release's coverage
        return [
            build_notes(
                r, r.spec.release.tags[0], config, root, memo=memo, fragments=fragments,
                records=made,
            ).notes
            for r in results
        ]  # fmt: skip


def write_section(path: Path, section: str, version: str, *, released: bool = False) -> bool:
    """Put ``section`` into the notes file at ``path`` (replacing ``version``'s); True if changed.

    The rest of the file is kept byte for byte; the file is replaced
    atomically with its permission bits, so a failure never leaves it
    half-written. Symbolic links, read-only and non-regular files are refused
    (:mod:`release_tool.files`). With ``released`` (the version is tagged
    already) an existing, different section of ``version`` is curated history:
    :class:`~release_tool.errors.PolicyError`, nothing written.
    """
    existing = read_target(path)
    updated = prepend_release(existing, for_file(section), version)
    if updated == existing:
        return False
    if released and find_release(existing.decode("utf-8", "surrogateescape"), version):
        raise PolicyError(
            f"{path.name} already has a section [{version}] and {version} is released (tagged): "
            "it was left as it is",
            hint="compare with 'release-tool notes --until ...' and pass --force to replace it",
        )
    replace_file(path, updated)
    return True
