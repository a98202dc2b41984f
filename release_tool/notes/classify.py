"""Classify the PRs of a release and assemble their notes.

The notes of one PR come from the first source that has them:

1. a DIRAC block in the PR body (``BEGINRELEASENOTES`` ... ``ENDRELEASENOTES``);
2. towncrier fragments for the PR number (handed in as data; see
   :func:`.fragments.towncrier_fragments` to read a project's);
3. the title in conventional-commit form: ``fix(WMS): text`` is a FIX of
   WorkloadManagementSystem; ``feat!:`` a breaking NEW; types mapped to
   None (``docs``, ``chore``, ...) are not release-noted;
4. a label of ``label_types`` (``bug`` -> FIX; a label mapped to None excludes);
5. otherwise the PR is unclassified: listed for review, never dropped.

With ``title_fallback = false`` (DIRAC-style repositories) sources 3 and 4
give no notes, only exclusions: their text would be the PR title. A body
entry left as the PR template wrote it (an empty ``NEW:``) is no note, and
the template's ``*Subsystem`` heading is no system.

A label of ``exclude_labels`` (``no-release-notes``) excludes a PR first.
Title prefixes in brackets (``[sweep:integration]``, ``[8.0]``) are ignored.

:func:`assemble` builds one :class:`~.model.ReleaseNotes`: systems
normalised, one section per system, entries sorted, and the same entry
reached through a sweep and the PR it copies shown once with both refs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .body import parse_body
from .config import NotesConfig
from .grammar import is_placeholder_system
from .model import Entry, Problem, ReleaseNotes, ref_number
from .systems import normalise_system, organise

NOTED = "noted"
EXCLUDED = "excluded"
UNCLASSIFIED = "unclassified"

_PREFIX = re.compile(r"^\s*(?:\[[^\]]*\]\s*)+")
_CONVENTIONAL = re.compile(
    r"^(?P<type>[A-Za-z]+)(?:\((?P<scope>[^()]*)\))?(?P<bang>!)?:\s*(?P<text>\S.*)$"
)
_BREAKING_FOOTER = re.compile(r"^BREAKING[ -]CHANGE:", re.M)

#: Towncrier fragments as data: PR number -> [(fragment type, text), ...].
Fragments = Mapping[int, Sequence[tuple[str, str]]]


@dataclass
class PullRequestNotes:
    """The facts about one PR that its notes depend on.

    ``ref`` is ``#N`` (GitHub) or ``!N`` (GitLab); ``origin`` is the number
    of the PR a sweep copies; ``kind`` is how the PR came in (``merge``,
    ``squash``, ``sweep``, ``nested``), for information.
    """

    number: int
    title: str
    body: str | None = None
    labels: list[str] = field(default_factory=list)
    kind: str | None = None
    origin: int | None = None
    ref: str = ""

    def __post_init__(self) -> None:
        """Default ``ref`` to ``#number``."""
        if not self.ref:
            self.ref = f"#{self.number}"


@dataclass
class Classification:
    """How one PR's notes were found.

    ``status`` is ``noted``, ``excluded`` or ``unclassified``; ``source`` is
    the source that decided (``body``, ``towncrier``, ``title``, ``labels``)
    or, for an excluded PR, why (``label no-release-notes``, ``title type
    docs``). ``problems`` are the lint problems of the body.
    """

    pr: PullRequestNotes
    status: str
    source: str | None
    entries: list[Entry] = field(default_factory=list)
    free_text: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _get(obj: Any, name: str, default: Any = None) -> Any:
    """``obj[name]`` for a mapping, else ``obj.name``; ``default`` when missing or None."""
    mapping = type(obj) is dict or isinstance(obj, Mapping)  # a dict without the ABC check
    value = obj.get(name) if mapping else getattr(obj, name, None)
    return default if value is None else value


def as_pull_request(obj: Any) -> PullRequestNotes:
    """A :class:`PullRequestNotes` from a mapping or any object with such attributes.

    Takes ``number`` (or the digits of ``ref``), ``ref``, ``title``,
    ``body``, ``labels`` (strings or objects with a ``name``), ``kind`` and
    ``origin``: the history's ``PullRequest`` and the forge's ``PrInfo``
    both fit, and so does a plain dict. A missing value and None are the same.
    """
    if isinstance(obj, PullRequestNotes):
        return obj
    if type(obj) is dict or isinstance(obj, Mapping):
        get = obj.get
    else:

        def get(name: str) -> Any:
            return getattr(obj, name, None)

    ref = get("ref")
    ref = "" if ref is None else str(ref)
    number = get("number")
    if number is None:
        number = ref_number(ref)
        if number is None:
            raise ValueError(f"a pull request needs a number or a ref: {obj!r}")
    labels = [
        label if type(label) is str else str(_get(label, "name", label))
        for label in get("labels") or ()
    ]
    title = get("title")
    origin = get("origin")
    return PullRequestNotes(
        number=int(number),
        title="" if title is None else str(title),
        body=get("body"),
        labels=labels,
        kind=get("kind"),
        origin=None if origin is None else int(origin),
        ref=ref,
    )


def strip_title_prefixes(title: str) -> str:
    """``title`` without leading bracketed tags (``[sweep:integration] [8.0] Fix`` -> ``Fix``)."""
    if "[" not in title:  # no tag to take off
        return title.strip()
    return _PREFIX.sub("", title).strip()


class TitleNotes(NamedTuple):
    """What a PR title says: see :func:`parse_title`."""

    status: str
    type: str | None
    system: str | None
    text: str
    breaking: bool
    word: str | None


def parse_title(title: str, config: NotesConfig | None = None) -> TitleNotes:
    """Read a conventional-commit title (``fix(WMS)!: text``).

    ``status`` is ``noted`` with a ``type``, ``excluded`` for a type mapped
    to None (``docs``), or ``unclassified`` when the title is not
    conventional or its type is unknown. A DIRAC type (``FIX: text``) is
    accepted as well. ``system`` is the scope as written, ``text`` the
    title without bracketed prefixes and without the type, ``word`` the
    type as written (lower case).
    """
    config = config or NotesConfig()
    known = config.parsed_titles
    found = known.get(title)
    if found is None:
        if len(known) >= _TITLES_KEPT:
            known.clear()
        found = known[title] = _parse_title(title, config)
    return found


#: At most this many parsed titles are kept per configuration (a PR's title is
#: read once per release that lists it).
_TITLES_KEPT = 1 << 16


def _parse_title(title: str, config: NotesConfig) -> TitleNotes:
    """:func:`parse_title`, without the memo."""
    clean = strip_title_prefixes(title)
    match = _CONVENTIONAL.match(clean)
    if match is None:
        return TitleNotes(UNCLASSIFIED, None, None, clean, False, None)
    word = match.group("type").lower()
    scope = (match.group("scope") or "").strip() or None
    text = match.group("text").strip()
    breaking = match.group("bang") is not None
    titles = config.title_lookup
    if word in titles:
        kind = titles[word]
        return TitleNotes(NOTED if kind else EXCLUDED, kind, scope, text, breaking, word)
    kind = config.canonical_type(word)
    if kind is not None:
        return TitleNotes(NOTED, kind, scope, text, breaking, word)
    return TitleNotes(UNCLASSIFIED, None, None, clean, False, word)


def _fragment_entries(
    pr: PullRequestNotes, fragments: Sequence[tuple[str, str]], config: NotesConfig
) -> tuple[list[Entry], list[str]]:
    """Entries of a PR's towncrier fragments, and the types that are not release-noted."""
    mapping = config.towncrier_lookup
    entries: list[Entry] = []
    skipped: list[str] = []
    for kind, text in fragments:
        # a type outside the map is a DIRAC type or stays untyped: never dropped
        mapped = kind.lower() in mapping
        target = mapping[kind.lower()] if mapped else config.canonical_type(kind)
        if mapped and target is None:
            skipped.append(kind)
            continue
        entries.append(Entry(target, [pr.ref], text.strip(), source="towncrier"))
    return entries, skipped


def classify_pr(
    pr: Any, config: NotesConfig | None = None, fragments: Fragments | None = None
) -> Classification:
    """Find the notes of one PR (a :class:`PullRequestNotes`, mapping or object).

    See the module docstring for the order of the sources. Entries carry the
    PR's ref and their system as written (normalised by :func:`assemble`).
    """
    config = config or NotesConfig()
    pr = as_pull_request(pr)
    if pr.labels:
        excluding = config.excluding_labels
        excluded = [label for label in pr.labels if label.casefold() in excluding]
        if excluded:
            return Classification(pr, EXCLUDED, f"label {excluded[0]}")
    title = parse_title(pr.title, config)
    scope = title.system
    breaking = title.breaking or bool(pr.body and _BREAKING_FOOTER.search(pr.body))
    body = parse_body(pr.body, config)
    problems = body.problems
    entries = [entry for entry in body.entries if entry.text.strip()]  # not the template's
    if entries:
        for entry in entries:
            entry.refs = [pr.ref]
            if is_placeholder_system(entry.system):
                entry.system = None
            entry.system = entry.system or scope
            entry.breaking = entry.breaking or breaking
            entry.source = "body"
        return Classification(pr, NOTED, "body", entries, body.free_text, problems)
    skipped: list[str] = []
    if fragments and pr.number in fragments:
        entries, skipped = _fragment_entries(pr, fragments[pr.number], config)
        if entries:
            for entry in entries:
                entry.system = scope
                entry.breaking = breaking
            return Classification(pr, NOTED, "towncrier", entries, problems=problems)
    if title.status == EXCLUDED:
        return Classification(pr, EXCLUDED, f"title type {title.word}", problems=problems)
    titles = config.title_fallback is not False
    if title.status == NOTED and titles:
        entry = Entry(title.type, [pr.ref], title.text, scope, breaking, source="title")
        return Classification(pr, NOTED, "title", [entry], problems=problems)
    labels = config.label_lookup
    for label in pr.labels:
        if label.lower() not in labels:
            continue
        kind = labels[label.lower()]
        if kind is None:  # mapped to false: not release-noted
            return Classification(pr, EXCLUDED, f"label {label}", problems=problems)
        if not titles:
            continue
        entry = Entry(kind, [pr.ref], title.text, None, breaking, source="labels")
        return Classification(pr, NOTED, "labels", [entry], problems=problems)
    if skipped:
        return Classification(pr, EXCLUDED, f"towncrier type {skipped[0]}", problems=problems)
    return Classification(pr, UNCLASSIFIED, None, problems=problems)


class ClassificationMemo:
    """The classifications made under one configuration, to classify each PR once.

    The notes of every release list many PRs several times (the releases of
    other lines, cumulative notes): a PR with the same number, ref, title,
    body, labels, kind, origin and towncrier fragments as one seen before is
    not classified again: the same :class:`Classification` is the answer,
    to be read, not changed (:func:`assemble` leaves its input as it is).
    With ``uses``, a record (dict) asked for again is taken to be unchanged:
    its key is not computed again.
    """

    def __init__(self, config: NotesConfig, uses: Mapping[str, int] | None = None) -> None:
        """Remember classifications made under ``config`` (and only under it).

        ``uses``: how many times each PR ref will be asked for, when known; a
        PR's classification is then forgotten after its last use (and a PR
        asked for once is never kept), so the memo holds only what is still
        to be reused, not every PR of a long history.
        """
        self.config = config
        self._known: dict[tuple, Classification] = {}
        self._left = dict(uses) if uses is not None else None
        #: What a record asked for again (the same dict: see ``notes_of_releases``) was
        #: answered, by the record's id: ``(record, fragments, key, classification)``
        #: (the record kept, so that its id is not reused meanwhile).
        self._seen: dict[int, tuple[dict, Fragments | None, tuple, Classification]] = {}

    def classify(self, pr: Any, fragments: Fragments | None = None) -> Classification:
        """:func:`classify_pr` of ``pr`` under the memo's configuration."""
        seen = self._seen.get(id(pr))
        if seen is not None and seen[0] is pr and seen[1] is fragments:  # this very record
            _, _, full, known = seen
        else:
            key = _plain_key(pr) if type(pr) is dict else None  # a record: no PR made for a key
            if key is None:
                pr = as_pull_request(pr)
                key = _plain_key(pr.__dict__)
                if key is None:  # cannot be a key (a label object): classified afresh
                    return classify_pr(pr, self.config, fragments)
            own = fragments.get(key[0]) if fragments else None
            full = key if own is None else (*key, tuple(own))
            known = self._known.get(full)
            if known is None:
                known = classify_pr(_from_key(key), self.config, fragments)
                self._known[full] = known
            if type(pr) is dict and self._left is not None and self._left.get(key[1], 0) > 1:
                self._seen[id(pr)] = (pr, fragments, full, known)
        if self._left is not None:
            ref = full[1]
            left = self._left.get(ref, 0) - 1
            self._left[ref] = left
            if left <= 0:  # its last use: not kept
                self._known.pop(full, None)
                self._seen.pop(id(pr), None)
        return known


def _from_key(key: tuple) -> PullRequestNotes:
    """The PR a :func:`_plain_key` describes (its values are of the types the PR holds)."""
    number, ref, title, body, labels, kind, origin = key
    return PullRequestNotes(number, title, body, list(labels), kind, origin, ref)


def _plain_key(record: Mapping[str, Any]) -> tuple | None:
    """A PR's values as a key, if each is of the type :func:`as_pull_request` makes of it.

    Then equal keys mean equal PRs; otherwise (``number`` a string, a label
    object, ...) None.
    """
    get = record.get
    number, ref, title, body = get("number"), get("ref"), get("title"), get("body")
    labels, kind, origin = get("labels") or (), get("kind"), get("origin")
    plain = (
        type(number) is int
        and type(ref) is str
        and type(title) is str
        and (body is None or type(body) is str)
        and (kind is None or type(kind) is str)
        and (origin is None or type(origin) is int)
        and all(type(label) is str for label in labels)
    )
    return (number, ref, title, body, tuple(labels), kind, origin) if plain else None


def _copy_entry(entry: Entry, refs: list[str] | None = None) -> Entry:
    """A new :class:`Entry` equal to ``entry``, with its own list of refs (``refs`` if given)."""
    return Entry(
        entry.type,
        list(entry.refs) if refs is None else refs,
        entry.text,
        entry.system,
        entry.breaking,
        entry.source,
    )


def classify_prs(
    prs: Iterable[Any],
    config: NotesConfig | None = None,
    fragments: Fragments | None = None,
    *,
    memo: ClassificationMemo | None = None,
) -> list[Classification]:
    """:func:`classify_pr` for each PR, in order; through ``memo`` (of ``config``) if given."""
    config = config or NotesConfig()
    if memo is None:
        return [classify_pr(pr, config, fragments) for pr in prs]
    if memo.config is not config:
        raise ValueError("the classification memo was made for another configuration")
    return [memo.classify(pr, fragments) for pr in prs]


def _families(classified: Sequence[Classification]) -> dict[int, list[Classification]]:
    """Group PRs with the PR they copy: key is the root origin (a sweep of a sweep too)."""
    origin = {c.pr.number: c.pr.origin for c in classified}

    def root(number: int) -> int:
        """Follow ``origin`` links to the first PR (cycles stop where they close)."""
        seen = {number}
        while origin.get(number) is not None and origin[number] not in seen:
            number = origin[number]
            seen.add(number)
        return number

    families: dict[int, list[Classification]] = {}
    for c in classified:
        start = c.pr.origin if c.pr.origin is not None else c.pr.number
        families.setdefault(root(start), []).append(c)
    return families


def _ref_key(ref: str) -> tuple[int, str]:
    """Sort refs by number."""
    number = ref_number(ref)
    return (number if number is not None else 1 << 62, ref)


def _same_entry_key(entry: Entry, table: Mapping[str, str]) -> tuple:
    """What makes two entries the same: system, type and text up to case and spacing."""
    return (
        normalise_system(entry.system, table),
        entry.type,
        " ".join(entry.text.split()).casefold(),
    )


def assemble(
    classified: Sequence[Classification],
    version: str,
    *,
    date: str | None = None,
    config: NotesConfig | None = None,
) -> ReleaseNotes:
    """The notes of a release from its classified PRs.

    Within a family (a PR and the sweeps that copy it), identical entries
    are merged with all their refs, and a member without notes of its own
    adds its ref to the family's entries instead of being unclassified.
    Free text lines of bodies are kept, prefixed with their refs. Excluded
    and unclassified PRs go to ``excluded`` and ``unclassified``. The notes
    hold new entries: ``classified`` is left as it is (a
    :class:`ClassificationMemo` gives the same classification to many releases).
    """
    config = config or NotesConfig()
    table = config.system_lookup
    kept: list[Entry] = []
    free: dict[str, list[str]] = {}
    unclassified: list[Entry] = []
    excluded: list[Entry] = []
    for members in _families(classified).values():
        if len(members) == 1:  # most PRs: no sweep of theirs in the release
            c = members[0]
            if c.status != NOTED:
                title = strip_title_prefixes(c.pr.title)
                if c.status == EXCLUDED:
                    excluded.append(Entry(None, [c.pr.ref], title, source=c.source))
                else:
                    unclassified.append(Entry(None, [c.pr.ref], title, source=UNCLASSIFIED))
                continue
            if len(c.entries) == 1:  # nothing to merge it with
                entry = c.entries[0]
                refs = None if len(entry.refs) == 1 else sorted(set(entry.refs), key=_ref_key)
                kept.append(_copy_entry(entry, refs))
                for line in c.free_text:
                    free.setdefault(line, []).append(c.pr.ref)
                continue
        noted = [c for c in members if c.status == NOTED]
        silent = [c for c in members if c.status == UNCLASSIFIED]
        excluded.extend(
            Entry(None, [c.pr.ref], strip_title_prefixes(c.pr.title), source=c.source)
            for c in members
            if c.status == EXCLUDED
        )
        if not noted:
            if silent:
                refs = sorted((c.pr.ref for c in silent), key=_ref_key)
                title = strip_title_prefixes(silent[0].pr.title)
                unclassified.append(Entry(None, refs, title, source=UNCLASSIFIED))
            continue
        extra_refs = [c.pr.ref for c in silent]
        merged: dict[tuple, Entry] = {}
        for c in noted:
            for entry in c.entries:
                key = _same_entry_key(entry, table)
                if key in merged:
                    target = merged[key]
                    target.refs = sorted(set(target.refs) | set(entry.refs), key=_ref_key)
                    target.breaking = target.breaking or entry.breaking
                else:
                    merged[key] = _copy_entry(entry)
            for line in c.free_text:
                free.setdefault(line, []).append(c.pr.ref)
        for entry in merged.values():
            entry.refs = sorted(set(entry.refs) | set(extra_refs), key=_ref_key)
            kept.append(entry)
    sections = organise(
        kept,
        table=table,
        aliases=config.all_system_aliases(),
        order=config.system_order,
        types=config.types,
        dirac=config.uses_dirac_systems,
    )
    free_text = [
        f"({', '.join(sorted(set(refs), key=_ref_key))}) {line}" for line, refs in free.items()
    ]
    return ReleaseNotes(
        version,
        date,
        sections,
        free_text,
        unclassified=sorted(unclassified, key=lambda e: _ref_key(e.refs[0])),
        excluded=sorted(excluded, key=lambda e: _ref_key(e.refs[0])),
    )


def release_notes(
    prs: Iterable[Any],
    version: str,
    *,
    date: str | None = None,
    config: NotesConfig | None = None,
    fragments: Fragments | None = None,
    memo: ClassificationMemo | None = None,
) -> ReleaseNotes:
    """Classify ``prs`` (through ``memo``, see :class:`ClassificationMemo`) and assemble the notes
    of ``version`` in one call."""
    config = config or NotesConfig()
    classified = classify_prs(prs, config, fragments, memo=memo)
    return assemble(classified, version, date=date, config=config)
