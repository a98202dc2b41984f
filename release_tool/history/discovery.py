"""Merged-PR discovery: which PRs went into a release, or are waiting on a branch.

Turns the ``prs`` options into ranges, reads the history once through the git
adapter into a :class:`~release_tool.history.index.HistoryIndex`, and answers every
range from it, annotating PRs that already shipped in another line.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from itertools import islice

from ..collector import collector_paused
from ..core.lines import INTEGRATION, ReleaseLine, line_for, releases_on_line
from ..core.tags import Release
from ..errors import InputError
from ..forge.base import PrInfo
from .index import HistoryIndex, PullRequest, Record
from .indexcache import cache_key, cached_index
from .inventory import Inventory
from .ranges import PRE_LINE, is_legacy_tag, line_key, off_branch_previous, previous_release

Progress = Callable[[str], None]


@dataclass
class RangeSpec:
    """One range to list: PRs reachable from ``until`` and not from ``since``."""

    line: str | None
    until: str
    until_label: str
    since: str | None = None
    since_label: str | None = None
    release: Release | None = None
    key: str | tuple[int, int] | None = None
    #: Previous releases of the line tagged off this range's history: left out too.
    excluded: list[Release] = field(default_factory=list)

    def excluded_note(self) -> str | None:
        """One sentence on the off-branch previous releases left out, or None."""
        if not self.excluded:
            return None
        names = ", ".join(r.tags[0] for r in self.excluded)
        where = self.line or "this range"
        return f"also excluding {names}: tagged off the history of {where}"


@dataclass
class PrList:
    """The PRs of one range, with where each already shipped in another line."""

    spec: RangeSpec
    prs: list[PullRequest]
    first_released_in: dict[str, str] = field(default_factory=dict)
    details: dict[int, PrInfo] | None = None  # from the forge (``--with-bodies``)

    def as_json(self) -> list[dict]:
        """The stable JSON objects of ``prs --json``."""
        spec = self.spec
        shared = {  # the same for every PR of the list (lists are copied per PR)
            "line": spec.line,
            "release": spec.release.tags[0] if spec.release else None,
            "since": spec.since_label,
            "until": spec.until_label,
            "excluding": [r.tags[0] for r in spec.excluded],
        }
        return [self._entry(pr, shared) for pr in self.prs]

    def detail(self, pr: PullRequest) -> PrInfo | None:
        """The forge's metadata of a PR (GitHub refs only), when it was fetched."""
        if self.details is None or not pr.ref.startswith("#"):
            return None
        return self.details.get(pr.number)

    def _entry(self, pr: PullRequest, shared: dict) -> dict:
        """One PR as JSON; with forge details, also ``body`` and ``labels``."""
        info = self.detail(pr) if self.details is not None else None
        entry = {
            "number": pr.number,
            "ref": pr.ref,
            "title": info.title if info else pr.title,
            "kind": pr.kind,
            "merge_commit": pr.commit,
            "merged_at": iso(pr.merged_at),
            "line": shared["line"],
            "release": shared["release"],
            "since": shared["since"],
            "until": shared["until"],
            "origin": {"number": pr.origin, "ref": f"#{pr.origin}"} if pr.origin else None,
            "first_released_in": self.first_released_in.get(pr.ref),
            "author": info.author if info and info.author else pr.author,
            "head": pr.head,
            "nested_in": pr.parent,
            "reverts": pr.reverts,
            "excluding": list(shared["excluding"]),
        }
        if self.details is not None:
            entry["body"] = info.body if info else None
            entry["labels"] = info.labels if info else None
            entry["base"] = info.base if info else None
        return entry


@functools.lru_cache(maxsize=1 << 16)
def iso(timestamp: int) -> str:
    """A Unix time as ISO 8601 in UTC (kept: ``--all-releases`` lists a PR in several releases)."""
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).isoformat().replace("+00:00", "Z")


#: For each PR entry, the first release of each line containing it: ``[(line key, release)]``.
Firsts = dict[int, list[tuple[object, Release]]]


class Discovery:
    """Ranges of one repository, answered from one read of its history."""

    def __init__(self, inventory: Inventory, progress: Progress | None = None) -> None:
        """Work on ``inventory``'s repository; ``progress`` receives status lines."""
        self.inventory = inventory
        self.repo = inventory.repo
        self.config = inventory.config
        self.progress = progress
        self.releases = inventory.releases
        self._index: HistoryIndex | None = None
        self._extra_points: list[str] = []  # beyond every release and line head
        #: ``(index, mask, firsts)`` of the last :meth:`_line_firsts`: kept for later ranges.
        self._firsts: tuple[HistoryIndex, int, Firsts] | None = None

    # -- the index ------------------------------------------------------------------

    def index(self, extra_points: Iterable[str] = ()) -> HistoryIndex:
        """The history index over every release and the given points (built once)."""
        known = self._index.point_bit if self._index is not None else {}
        extra = [p for p in extra_points if p not in known and p not in self._extra_points]
        if self._index is None or extra:
            self._extra_points += extra
            shallow = self.repo.shallow_commits()
            self._shallow = shallow
            tips, every = self.inventory.index_points(self._extra_points, shallow)

            def build() -> HistoryIndex:
                return HistoryIndex(self._with_progress(self.repo.log_records(tips)), every)

            def read_new(new: list[str], old: list[str]) -> Iterator[Record]:
                return self._with_progress(self.repo.log_records(new, exclude=old))

            extend = (
                {} if shallow else {"read_new": read_new, "all_reachable": self.repo.all_reachable}
            )
            stored = self.inventory.stored
            if stored is not None and stored[0] == cache_key(tips, every):
                self._index = stored[1]  # the inventory read it already: not read twice
            else:
                with collector_paused():  # a million small objects, no cycles
                    self._index = cached_index(
                        self.inventory.index_cache, tips, every, build, **extend
                    )
            self.inventory.use_index(self._index)
        return self._index

    def forget_index(self) -> None:
        """Let go of the history index, once every range is answered (it is the largest part).

        A later :meth:`index` reads the history (or the stored index) again.
        """
        self._index = None
        self._firsts = None
        self._extra_points = []
        self.inventory.forget_index()

    def _with_progress(self, records: Iterator[Record]) -> Iterator[Record]:
        """Pass records through, reporting progress when the walk takes over a second."""
        if not self.progress:
            yield from records
            return
        start = last = time.monotonic()
        count = 0
        records = iter(records)
        # In batches, so that no Python step is taken per record beyond handing it
        # on; small ones (a few come in each read of git's output), so that the
        # records are indexed while git writes the next ones.
        while batch := list(islice(records, 250)):
            count += len(batch)
            if count % 5000 == 0:
                now = time.monotonic()
                if now - start > 1 and now - last > 1:
                    self.progress(f"reading history: {count:,} commits")
                    last = now
            yield from batch
        if time.monotonic() - start > 1:
            self.progress(f"read {count:,} commits")

    # -- building ranges ----------------------------------------------------------

    def release_named(self, tag: str) -> Release | None:
        """The release a tag names, or None when it is not a version tag."""
        return next((r for r in self.releases if tag in r.tags), None)

    def line_branch(self, release: Release) -> str:
        """The branch that released a version: integration for pre-releases, else rel-vXrY."""
        if line_key(release.version) == PRE_LINE:
            integration = [line for line in self.inventory.lines() if line.kind == INTEGRATION]
            if integration:
                return integration[0].branch
            if self.config.integration_branches:
                return self.config.integration_branches[0]
        branch = self.config.release_branch(release.version.series)
        finals = self.config.integration_releases_finals(bool(self.inventory.release_series()))
        if branch not in self.inventory.branches and finals:
            integration = [line for line in self.inventory.lines() if line.kind == INTEGRATION]
            if integration:  # finals cut from the integration branch (release-please style)
                return integration[0].branch
        return branch

    def for_release(self, release: Release, *, cumulative: bool | None = None) -> RangeSpec:
        """The range of a release: after the previous release of its line."""
        index = self.index()
        branch = self.line_branch(release)
        if cumulative is None:
            cumulative = self.config.is_cumulative(branch)
        if cumulative is None:  # legacy DIRAC wrote cumulative notes for -preN and vXrY
            cumulative = any(is_legacy_tag(tag) for tag in release.tags)
        previous = previous_release(release, self.releases, index.contains, cumulative=cumulative)
        off = off_branch_previous(
            release, self.releases, index.contains, previous, cumulative=cumulative
        )
        return RangeSpec(
            line=branch,
            until=release.commit,
            until_label=release.tags[0],
            since=previous.commit if previous else None,
            since_label=previous.tags[0] if previous else None,
            release=release,
            key=line_key(release.version),
            excluded=[off] if off is not None else [],
        )

    def for_all_releases(self, branches: Iterable[str] = ()) -> list[RangeSpec]:
        """The range of every release (of the lines on ``branches``, if any), newest first.

        Each is the range ``--until TAG`` gives; all come from one index.
        """
        wanted = set(branches)
        specs = []
        for release in reversed(self.releases):  # descending versions
            if release.version.is_dev:
                continue
            if wanted and self.line_branch(release) not in wanted:
                continue
            specs.append(self.for_release(release))
        return specs

    def for_branch(self, name: str, since: str | None = None) -> RangeSpec:
        """The unreleased head of a line: after its last release, up to the branch head."""
        line, branch = self.inventory.line(name)
        head = branch.commit
        self.index([head])  # one walk answers the line's tags and its PRs
        if since is not None:
            since_commit = self.repo.resolve_commit(since)
            return RangeSpec(name, head, name, since_commit, since, key=_key(line))
        on_line = releases_on_line(line, self.inventory.reachable(branch))
        if line.kind == INTEGRATION:
            on_line = [t for t in on_line if t.version.is_prerelease] or on_line
        latest = max(on_line, key=lambda t: t.version.pep, default=None)
        previous = None
        if latest is not None:
            previous = next(r for r in self.releases if r.commit == latest.commit)
        return RangeSpec(
            line=name,
            until=head,
            until_label=name,
            since=previous.commit if previous else None,
            since_label=previous.tags[0] if previous else None,
            key=_key(line),
            excluded=self._off_branch_latest(line, head, previous),
        )

    def _off_branch_latest(
        self, line: ReleaseLine, head: str, previous: Release | None
    ) -> list[Release]:
        """The line's latest release when it is above ``previous`` and off ``head``'s history."""
        index = self.index()

        def of_line(r: Release) -> bool:
            if line.series is None:
                return r.version.is_prerelease
            return r.version.series == line.series

        ours = [r for r in self.releases if not r.version.is_dev and of_line(r)]
        if not ours:
            return []
        top = ours[-1]  # releases ascend by version
        if previous is not None and top.version.pep <= previous.version.pep:
            return []
        if index.contains(top.commit, head) or index.contains(head, top.commit):
            return []
        return [top]

    def for_refs(self, since: str | None, until: str, line: str | None = None) -> RangeSpec:
        """An explicit range; ``until`` alone must be a release tag or a release line."""
        release = self.release_named(until)
        if since is None:
            if release is not None:
                return self.for_release(release)
            try:
                line_for(until, self.config)
            except InputError:
                self.repo.resolve_commit(until)  # an unknown ref says so first
                raise InputError(
                    f"{until!r} is neither a version tag nor a release line: give --since too"
                ) from None
            return self.for_branch(until)
        until_commit = self.repo.resolve_commit(until)
        since_commit = self.repo.resolve_commit(since)
        key = line_key(release.version) if release else None
        if line is not None:
            key = _key(line_for(line, self.config))
        return RangeSpec(line, until_commit, until, since_commit, since, release, key)

    # -- answering ------------------------------------------------------------------

    def answer(self, specs: list[RangeSpec]) -> list[PrList]:
        """The PR lists of ``specs``, from one index."""
        points = [s.until for s in specs] + [s.since for s in specs if s.since]
        index = self.index(points)
        for spec in specs:
            self._check_range(index, spec)
        queries = [(s.until, s.since, [r.commit for r in s.excluded]) for s in specs]
        ranges = list(zip(specs, index.between_each(queries), strict=True))
        positions = index.positions_of(pr.ref for _, prs in ranges for pr in prs)
        firsts = self._line_firsts(index, index.mask_of(positions))
        return [PrList(spec, prs, self._first_released(index, spec, prs, firsts, positions))
                for spec, prs in ranges]  # fmt: skip

    def _check_range(self, index: HistoryIndex, spec: RangeSpec) -> None:
        """Refuse ranges whose since is not an ancestor, or that cross a shallow boundary."""
        if spec.since is not None and not index.contains(spec.since, spec.until):
            raise InputError(
                f"{spec.since_label} is not an ancestor of {spec.until_label}: "
                "the range would be meaningless"
            )
        for boundary in self._shallow:
            if boundary not in index.point_bit:
                continue
            inside = index.contains(boundary, spec.until) and not (
                spec.since is not None and index.contains(boundary, spec.since)
            )
            if inside:
                raise InputError(
                    f"this is a shallow clone: the history of {spec.until_label} beyond "
                    f"{boundary[:10]} is missing",
                    hint="run 'git fetch --unshallow --tags' and try again",
                )

    def _first_released(
        self,
        index: HistoryIndex,
        spec: RangeSpec,
        prs: list[PullRequest],
        firsts: Firsts,
        positions: dict[str, list[int]],
    ) -> dict[str, str]:
        """For each PR, the earliest release of another line that contains it.

        Every copy of a PR counts (its merge and its sweeps). Only releases
        that are not descendants of the range's end count: a later release
        that merged this one is not "already shipped".
        """
        found: dict[str, str] = {}
        # ``index.contains(spec.until, release.commit)``, without a call per release
        until_bit, point_bits, own_key = index.point_bit[spec.until], index.point_bits, spec.key
        for pr in prs:
            best: Release | None = None
            for n in positions[pr.ref]:
                for key, release in firsts.get(n, ()):  # ascending versions
                    if best is not None and release.version >= best.version:
                        break
                    if key != own_key and not point_bits[release.commit] & until_bit:
                        best = release
                        break
            if best is not None:
                found[pr.ref] = best.tags[0]
        return found

    def _line_firsts(self, index: HistoryIndex, mask: int) -> Firsts:
        """For each PR entry in ``mask``, the first release of each line containing it.

        Lowest version first; computed in one walk over the releases in
        version order, and kept for later ranges whose entries it covers.
        """
        cached = self._firsts
        if cached is not None and cached[0] is index and not mask & ~cached[1]:
            return cached[2]
        ordered = [
            (release.commit, line_key(release.version), release)
            for release in self.releases  # ascending versions
            if not release.version.is_dev
        ]
        firsts = index.first_per_group(ordered, mask=mask)
        self._firsts = (index, mask, firsts)
        return firsts


def _key(line: ReleaseLine) -> str | tuple[int, int]:
    """The line key of a branch's line (for excluding it from ``first_released_in``)."""
    return PRE_LINE if line.series is None else line.series
