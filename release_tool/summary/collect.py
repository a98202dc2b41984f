"""Gather a meeting summary from a repository: the adapter between git, notes, forge and model.

One history index (the PR index of :mod:`release_tool.history.discovery`,
with every release and every line head as a point) answers everything about
history: which releases each line reaches, the PR list of each release in
the window, what waits on each line, and the PRs merged into each line (the
PR merges on its first-parent chain) for the activity counts. Notes files
are read at the tags with one ``git cat-file --batch``; forge data comes in
bulk through the cached forge.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from ..compat import tomllib
from ..core.config import Config
from ..core.lines import (
    INTEGRATION,
    ReleaseLine,
    active_lines,
    next_version,
    releases_on_line,
)
from ..core.tags import Release, Tag
from ..errors import ConfigError, InputError, ReleaseToolError
from ..history.discovery import Discovery, PrList, RangeSpec
from ..history.gitrepo import GitRepo
from ..history.index import HistoryIndex
from ..history.inventory import Inventory
from ..notes import release_notes
from ..notes.build import pr_records
from ..notes.model import Entry, ReleaseNotes, Section
from . import gitdata
from .config import overrides_from_file
from .headline import Override, find_override, headline
from .model import (
    Activity,
    LineActivity,
    LineSummary,
    PendingPr,
    ReleaseSummary,
    SeriesStatus,
    Summary,
    day,
)
from .notes_source import body_notes, section_for
from .window import (
    activity_words,
    count_in,
    from_timestamp,
    previous_meeting,
    previous_windows,
    resolve_moment,
    usual,
    week_starts,
)

log = logging.getLogger(__name__)
Progress = Callable[[str], None]


@dataclass
class Request:
    """What the user asked for: the window, the lines, extra notes files, GitHub or not."""

    since: str | None = None
    until: str | None = None
    branches: Sequence[str] = ()
    notes_files: Sequence[Path] = ()
    now: datetime | None = None
    title: str | None = None


@dataclass
class _Line:
    """What the index says about one line."""

    line: ReleaseLine
    head: str
    reachable: list[Tag] = field(default_factory=list)
    then: list[Tag] = field(default_factory=list)  # reachable and tagged before ``until``
    merges: list[datetime] = field(default_factory=list)
    numbers: list[tuple[datetime, int]] = field(default_factory=list)  # GitHub PRs merged


class Collector:
    """Builds a :class:`Summary` for one repository."""

    def __init__(
        self,
        repo: GitRepo,
        config: Config,
        *,
        inventory: Inventory | None = None,
        progress: Progress | None = None,
        forge=None,
        repo_url: str | None = None,
        hackathons: Callable[[str, datetime, datetime | None], tuple[int, int] | None]
        | None = None,
    ) -> None:
        """Work on ``repo``; ``forge`` (optional) gives release bodies and PR details in bulk."""
        self.repo = repo
        self.config = config
        self.inventory = inventory or Inventory(repo, config)
        self.discovery = Discovery(self.inventory, progress=progress)
        self.forge = forge
        self.repo_url = repo_url
        self.hackathons = hackathons

    # -- window -----------------------------------------------------------------------

    def _ref_time(self, ref: str) -> datetime | None:
        """The commit time of a ref, or None."""
        seconds = gitdata.ref_time(self.repo, ref)
        return None if seconds is None else from_timestamp(seconds)

    def window(self, request: Request) -> tuple[datetime, datetime, str, str]:
        """``(since, until, since label, until label)``; one-line InputErrors for bad input."""
        now = request.now or datetime.now(timezone.utc)
        if request.until:
            until = resolve_moment(request.until, "--until", self._ref_time)
            until_label = request.until
        else:
            until, until_label = now, "now"
        until = until.astimezone(until.tzinfo)
        if request.since:
            since = resolve_moment(request.since, "--since", self._ref_time)
            since_label = request.since
        else:
            since = previous_meeting(until, self.config.meetings, self.config.meeting_every)
            since_label = "last meeting"
        if since >= until:
            raise InputError(f"no window: --since {day(since)} is not before --until {day(until)}")
        return since, until, since_label, until_label

    # -- the whole summary ------------------------------------------------------------

    def build(self, request: Request) -> Summary:
        """The summary that ``request`` asks for."""
        since, until, since_label, until_label = self.window(request)
        lines = self.inventory.lines()
        if not lines:
            raise InputError(f"no release lines in {self.repo.root}")
        branches = self.inventory.branches
        if request.branches:
            chosen = [self.inventory.line(name)[0] for name in dict.fromkeys(request.branches)]
            lines = list({line.branch: line for line in lines + chosen}.values())
        heads = {line.branch: branches[line.branch].commit for line in lines}
        index = self.discovery.index(heads.values())
        releases = [r for r in self.discovery.releases if not r.version.is_dev]
        times = {
            sha: from_timestamp(t)
            for sha, t in gitdata.commit_times(self.repo, [r.commit for r in releases]).items()
        }
        info = {
            line.branch: _Line(line, heads[line.branch], self._reachable(index, heads[line.branch]))
            for line in lines
        }
        self._assign_merges(index, info)
        # the state of things at ``until``: the tags made by then, the series released by then
        self._tags_then = [
            t for t in self.inventory.tags if t.commit in times and times[t.commit] <= until
        ]
        self._series_then = sorted(
            {
                t.version.series
                for t in self._tags_then
                if not t.version.is_prerelease
                and any(line.series == t.version.series for line in lines)
            }
        )
        then = {t.name for t in self._tags_then}
        for data in info.values():
            data.then = [t for t in data.reachable if t.name in then]
        if request.branches:
            shown = [info[name].line for name in dict.fromkeys(request.branches)]
        else:
            shown = self._active(info, releases, times, until)
        owner = self._owners(index, releases, shown, info)
        in_window = [r for r in releases if r.commit in times and since < times[r.commit] <= until]
        in_window = [r for r in in_window if owner.get(r.name) is not None]
        in_window.sort(key=lambda r: (times[r.commit], r.version.pep))

        specs = [self.discovery.for_release(r) for r in in_window]
        pending_specs = [self._pending_spec(info[line.branch]) for line in shown]
        answers = self._lists(index, specs + pending_specs)
        release_lists, pending_lists = answers[: len(specs)], answers[len(specs) :]
        if self.forge is not None:
            self._fill_details(release_lists)

        summary = Summary(
            since=since,
            until=until,
            since_label=since_label,
            until_label=until_label,
            title=request.title or self._title(),
            repo_url=self.repo_url,
        )
        notes = self._notes(in_window, release_lists, request.notes_files)
        overrides = self._overrides()
        weeks = week_starts(previous_windows(since, until)[0][0], until)
        for line in shown:
            data = info[line.branch]
            entry = LineSummary(line.branch, line.kind, line.series_text)
            for release, result in zip(in_window, release_lists, strict=True):
                if owner[release.name] == line.branch:
                    entry.releases.append(
                        self._release(release, times[release.commit], result, notes, overrides)
                    )
            entry.pending = self._pending(pending_lists[shown.index(line)], until)
            try:
                entry.next_version = str(self._next(data))
            except ReleaseToolError as exc:
                log.info("no next version for %s: %s", line.branch, exc)
            entry.activity = self._line_activity(data.merges, since, until)
            entry.recent_numbers = sorted(n for t, n in data.numbers if weeks[0] <= t <= until)
            summary.lines.append(entry)
            summary.timeline[line.branch] = [
                (str(r.version), times[r.commit])
                for r in releases
                if owner.get(r.name) == line.branch
                and r.commit in times
                and weeks[0] <= times[r.commit] <= until
            ]
        summary.activity = self._activity(summary.lines, info, shown, since, until, weeks)
        summary.series_in_development = self._series(info, shown, releases, times, since, until)
        return summary

    @staticmethod
    def _lists(index: HistoryIndex, specs: list[RangeSpec]) -> list[PrList]:
        """The PRs of each range, straight from the index.

        Every end is a release or a line head, and every start a release
        below it on the same line, so all are points of the index; unlike
        :meth:`Discovery.answer`, no ``first_released_in`` annotation is
        computed (a summary does not show it, and it costs a pass over every
        release).
        """
        return [PrList(spec, index.between(spec.until, spec.since)) for spec in specs]

    # -- lines -------------------------------------------------------------------------

    def _reachable(self, index: HistoryIndex, head: str) -> list[Tag]:
        """The version tags reachable from a head, from the index's point bits."""
        bits = index.point_bits.get(head, 0)
        return [
            t
            for t in self.inventory.tags
            if t.commit in index.point_bit and bits & index.point_bit[t.commit]
        ]

    @staticmethod
    def _assign_merges(index: HistoryIndex, info: dict[str, _Line]) -> None:
        """Give each line the merge times of the PRs merged into it.

        A PR is merged into a line when its merge (or squash) commit is on the
        line's first-parent chain. Release branches start from integration, so
        their chains share integration's older part: integration claims its
        chain first, then release lines by ascending series, each walk stopping
        at the first commit already claimed (first-parent chains that meet
        stay together), which also makes the cost one walk over history.
        """
        order = sorted(
            info.values(),
            key=lambda d: (d.line.kind != INTEGRATION, d.line.series or (0, 0), d.line.branch),
        )
        claimed: set[int] = set()
        for data in order:
            found = []
            for pr in index.first_parent_walk(data.head, claimed):
                if pr is not None:
                    found.append(from_timestamp(pr.merged_at))
                    if pr.ref.startswith("#"):
                        data.numbers.append((found[-1], pr.number))
            found.sort()
            data.merges = found

    def _active(
        self,
        info: dict[str, _Line],
        releases: list[Release],
        times: dict[str, datetime],
        until: datetime,
    ) -> list[ReleaseLine]:
        """Integration, and the release lines with a release or a merge in the period before
        ``until`` (``active_period_days``), as :func:`~release_tool.core.lines.active_lines` says.

        ``until`` is capped at the newest merge or release, so that an old
        mirror still shows the lines that were current when it was made; a
        line's activity is its latest release or PR merge made by ``until``.
        """
        moments = [t for data in info.values() for t in data.merges[-1:]] + list(times.values())
        if not moments:
            return [data.line for data in info.values()]
        newest = min(max(moments), until)
        activity: dict[str, int] = {}
        for data in info.values():
            line = data.line
            found = [t for t in data.merges if t <= newest]
            found += [
                times[t.commit]
                for t in releases_on_line(line, data.reachable)
                if t.commit in times
                and times[t.commit] <= newest
                and (line.series is None or not t.version.is_prerelease)
            ]
            if found:
                activity[line.branch] = int(max(found).timestamp())
        lines = [data.line for data in info.values()]
        return active_lines(
            lines, activity, int(newest.timestamp()), self.config.active_period_days
        )

    def _owners(
        self,
        index: HistoryIndex,
        releases: list[Release],
        shown: list[ReleaseLine],
        info: dict[str, _Line],
    ) -> dict[str, str | None]:
        """The shown line each release belongs to (by its version, else by ancestry), or None."""
        names = {line.branch for line in shown}
        owner: dict[str, str | None] = {}
        for release in releases:
            branch = self.discovery.line_branch(release)
            if branch not in info:
                reaching = [
                    line.branch
                    for line in shown
                    if index.contains(release.commit, info[line.branch].head)
                    and (line.series is None or line.series == release.version.series)
                ]
                branch = reaching[0] if reaching else None
            owner[release.name] = branch if branch in names else None
        return owner

    # -- releases ----------------------------------------------------------------------

    def _fill_details(self, results: list[PrList]) -> None:
        """PR titles, bodies and labels from the forge, for generated notes (one bulk fetch)."""
        numbers = {pr.number for r in results for pr in r.prs if pr.ref.startswith("#")}
        if not numbers:
            return
        fetched = self.forge.fetch_prs(numbers)
        for result in results:
            result.details = fetched.prs

    def _notes(
        self, releases: list[Release], results: list[PrList], extra: Sequence[Path]
    ) -> dict[str, tuple[ReleaseNotes, str]]:
        """Each release's notes and where they come from (file at tag, extra file, forge, PRs)."""
        configured = self.config.summary_settings().notes_files
        files = list(dict.fromkeys((self.config.notes_file, *configured)))
        specs = [f"{r.commit}:{path}" for r in releases for path in files]
        committed = gitdata.read_files(self.repo, specs)
        extra_texts = []
        for path in extra:
            try:
                extra_texts.append((path, path.read_bytes().decode("utf-8", "replace")))
            except OSError as exc:
                raise InputError(f"--notes-file {path}: {exc.strerror}") from None
        bodies = self._release_bodies(releases)
        notes_config = self.config.notes
        found: dict[str, tuple[ReleaseNotes, str]] = {}
        for release, result in zip(releases, results, strict=True):
            tag = release.tags[0]
            section = None
            for path in files:
                data = committed.get(f"{release.commit}:{path}")
                if data is not None:
                    text = data.decode("utf-8", "replace")
                    section = section_for(text, release.version, notes_config)
                    if section is not None:
                        found[release.commit] = (section, f"{path} at {tag}")
                        break
            if section is not None:
                continue
            for path, text in extra_texts:
                section = section_for(text, release.version, notes_config)
                if section is not None:
                    found[release.commit] = (section, str(path))
                    break
            if section is not None:
                continue
            body = bodies.get(release.commit)
            if body and body.strip():
                found[release.commit] = (
                    body_notes(body, release.version, notes_config),
                    "GitHub release",
                )
                continue
            generated = release_notes(pr_records(result), tag, config=notes_config)
            # offline, PRs without notes still changed something: untyped entries
            for entry in generated.unclassified:
                entry.type = None
                generated.sections.append(Section(None, [entry]))
            found[release.commit] = (generated, "generated from PRs")
        return found

    def _release_bodies(self, releases: list[Release]) -> dict[str, str]:
        """GitHub release bodies of ``releases`` (empty without a forge or when unsupported)."""
        if self.forge is None or not releases or not hasattr(self.forge, "release_bodies"):
            return {}
        tags = {tag: r.commit for r in releases for tag in r.tags}
        try:
            bodies = self.forge.release_bodies(list(tags))
        except ReleaseToolError as exc:
            log.warning("cannot read GitHub release bodies: %s", exc)
            return {}
        return {tags[tag]: body for tag, body in bodies.items() if tag in tags}

    def _overrides(self) -> dict[str, Override]:
        """Per-version headlines: the configuration's, then the override file's (which wins)."""
        settings = self.config.summary_settings()
        found = dict(settings.headlines)
        path = self.repo.root / settings.overrides_file
        if path.is_file():
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise ConfigError(f"{path}: not valid TOML: {exc}") from None
            found.update(overrides_from_file(data, str(path.name)))
        return found

    def _release(
        self,
        release: Release,
        when: datetime,
        result: PrList,
        notes: dict[str, tuple[ReleaseNotes, str]],
        overrides: dict[str, Override],
    ) -> ReleaseSummary:
        """One release of the window with its headline."""
        section, source = notes[release.commit]
        entries: list[Entry] = section.entries
        names = [*release.tags, str(release.version), release.version.pep440]
        override = find_override(overrides, names)
        told = headline(entries, self.config.summary_settings().rules, override)
        return ReleaseSummary(
            version=str(release.version),
            tags=release.tags,
            line=result.spec.line or "",
            date=when,
            prs=len(result.prs),
            headline=told.text,
            subjects=told.subjects,
            entries=entries,
            notes_source=source,
            prerelease=release.version.is_prerelease,
            overridden=told.overridden,
        )

    # -- pending -----------------------------------------------------------------------

    def _next(self, data: _Line):
        """The next version of a line as it stood at ``until``."""
        return next_version(data.line, data.then, self._tags_then, self._series_then, self.config)

    def _pending_spec(self, data: _Line) -> RangeSpec:
        """The unreleased head of a line: after its latest release made before ``until``."""
        on_line = releases_on_line(data.line, data.then)
        if data.line.kind == INTEGRATION:
            on_line = [t for t in on_line if t.version.is_prerelease] or on_line
        latest = max(on_line, key=lambda t: t.version.pep, default=None)
        return RangeSpec(
            line=data.line.branch,
            until=data.head,
            until_label=data.line.branch,
            since=latest.commit if latest else None,
            since_label=latest.name if latest else None,
        )

    def _url(self, ref: str, number: int) -> str | None:
        """The web page of a PR, when the repository's URL is known."""
        if self.repo_url and ref.startswith("#"):
            return f"{self.repo_url}/pull/{number}"
        return None

    def _pending(self, result: PrList, until: datetime) -> list[PendingPr]:
        """PRs merged into a line's head and in no release of it, with their age at ``until``."""
        pending = []
        for pr in result.prs:
            merged = from_timestamp(pr.merged_at)
            if merged > until:
                continue
            info = result.detail(pr)
            pending.append(
                PendingPr(
                    ref=pr.ref,
                    number=pr.number,
                    title=info.title if info else pr.title,
                    since=merged,
                    age_days=(until - merged).days,
                    url=self._url(pr.ref, pr.number),
                )
            )
        return pending

    # -- activity and series -------------------------------------------------------------

    @staticmethod
    def _line_activity(merges: list[datetime], since: datetime, until: datetime) -> LineActivity:
        """Merged PRs in the window against the previous six windows."""
        merged = count_in(merges, since, until)
        previous = [count_in(merges, a, b) for a, b in previous_windows(since, until)]
        typical = usual(previous)
        return LineActivity(merged, previous, typical, activity_words(merged, typical))

    @staticmethod
    def _activity(
        lines: list[LineSummary],
        info: dict[str, _Line],
        shown: list[ReleaseLine],
        since: datetime,
        until: datetime,
        weeks: list[datetime],
    ) -> Activity:
        """The total over the shown lines, and the weekly counts for the chart."""
        merged = sum(line.activity.merged for line in lines if line.activity)
        windows = len(previous_windows(since, until))
        previous = [
            sum(line.activity.previous[k] for line in lines if line.activity)
            for k in range(windows)
        ]
        typical = usual(previous)
        weekly = {}
        for line in shown:
            merges = info[line.branch].merges
            weekly[line.branch] = [
                count_in(merges, start, start + timedelta(weeks=1)) for start in weeks
            ]
        return Activity(merged, previous, typical, activity_words(merged, typical), weeks, weekly)

    def _series(
        self,
        info: dict[str, _Line],
        shown: list[ReleaseLine],
        releases: list[Release],
        times: dict[str, datetime],
        since: datetime,
        until: datetime,
    ) -> list[SeriesStatus]:
        """The series the integration line develops: latest pre-release, new ones, hackathons."""
        found = []
        for line in shown:
            if line.kind != INTEGRATION:
                continue
            data = info[line.branch]
            try:
                upcoming = self._next(data)
            except ReleaseToolError:
                continue
            series = upcoming.series
            pre = [
                r
                for r in releases
                if r.version.is_prerelease
                and r.version.series == series
                and r.commit in times
                and times[r.commit] <= until
            ]
            pre.sort(key=lambda r: r.version.pep)
            latest = pre[-1] if pre else None
            status = SeriesStatus(
                series=upcoming.series_text,
                branch=line.branch,
                latest=str(latest.version) if latest else None,
                latest_date=times[latest.commit] if latest else None,
                new_in_window=[str(r.version) for r in pre if times[r.commit] > since],
            )
            if self.hackathons is not None:
                counts = self.hackathons(status.series, until, self._opened(series, times))
                if counts is not None:
                    status.hackathons_passed, status.hackathons_planned = counts
            found.append(status)
        return found

    def _opened(self, series: tuple[int, int], times: dict[str, datetime]) -> datetime | None:
        """When integration started on ``series``: the first final release of the series before.

        Hackathons without a series count for the series integration was
        developing when they started.
        """
        earlier = [
            t
            for t in self._tags_then
            if t.version.series < series and not t.version.is_prerelease and t.commit in times
        ]
        if not earlier:
            return None
        latest = max(t.version.series for t in earlier)
        return min(times[t.commit] for t in earlier if t.version.series == latest)

    def _title(self) -> str:
        """The deck's title: the repository's name."""
        return f"{self.repo.root.name}: release status"
