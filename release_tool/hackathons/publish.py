"""``alpha``: the next pre-release of a line, through the release steps of ``release``.

:class:`AlphaReleaser` is a :class:`~release_tool.release.steps.Releaser`:
the same journal, lock, resume, draft-then-publish forge release and index
upload. It only chooses the version (the next pre-release, ``--phase``),
groups the notes by hackathon, and names the hackathon in the tag message
and the release body. :func:`run_alpha` adds what a bot needs around it:
finish an interrupted alpha first, and with ``--if-changed`` do nothing
when no PR merged since the latest pre-release.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from ..core.lines import latest_release, releases_on_line
from ..core.versions import Version, parse
from ..errors import InputError, ReleaseToolError
from ..history.discovery import Discovery, PrList
from ..notes import render
from ..notes.build import notes_for
from ..release.journal import Journal
from ..release.steps import Plan, ReleaseOptions, Releaser
from .alpha import body_intro, compose_dirac, compose_markdown, next_prerelease, tag_message
from .assign import notes_groups
from .gather import HackathonView
from .records import PASSED, RUNNING, Hackathon, find, state


@dataclass
class AlphaOptions:
    """What ``alpha`` adds to the options of ``release``."""

    phase: str | None = None
    if_changed: bool = False
    hackathon: str | None = None


@dataclass
class AlphaOutcome:
    """What an alpha run did, for the summary line and the CI job summary."""

    summary: str
    published: bool
    version: str | None = None
    tag: str | None = None
    prs: int = 0
    hackathons: tuple[str, ...] = ()
    url: str | None = None


class AlphaReleaser(Releaser):
    """A pre-release cut by the release steps, with notes grouped by hackathon."""

    def __init__(self, settings, options: ReleaseOptions, alpha: AlphaOptions, **kwargs) -> None:
        """As :class:`Releaser`, with the alpha's options."""
        super().__init__(settings, options, **kwargs)
        self.alpha = alpha
        self.view = HackathonView(settings, forge=kwargs.get("forge"),
                                  progress=kwargs.get("progress"))  # fmt: skip
        self.shipped: list[Hackathon] = []

    # -- version ------------------------------------------------------------------

    def latest_on_line(self) -> Version | None:
        """The latest release reachable on the line."""
        line, branch = self.settings.inventory.line(self.options.branch)
        best = latest_release(releases_on_line(line, self.settings.inventory.reachable(branch)))
        return best.version if best else None

    def choose_version(self) -> Version:
        """The next pre-release of the line (``--phase`` changes the phase)."""
        inventory = self.settings.inventory
        base = inventory.next_version(self.options.branch)
        return next_prerelease(base, self.latest_on_line(), self.alpha.phase)

    def plan(self) -> Plan:
        """The release plan of the next pre-release (``--version`` still wins)."""
        if self.options.version is None:
            self.options.version = self.choose_version().canonical
        if not parse(self.options.version).is_prerelease:
            raise InputError(f"{self.options.version} is not a pre-release: use 'release'")
        return super().plan()

    # -- hackathons -----------------------------------------------------------------

    def hackathon_named(self) -> Hackathon | None:
        """``--hackathon NAME`` checked: recorded, and started."""
        if self.alpha.hackathon is None:
            return None
        h = find(self.view.hackathons, self.alpha.hackathon)
        now = datetime.now(timezone.utc)
        if state(h, now) not in (PASSED, RUNNING):
            raise InputError(f"hackathon {h.name} has not started yet (it starts "
                             f"{h.start.isoformat()})")  # fmt: skip
        return h

    def _compute(
        self, branch: str, version: Version, tag: str, head: str, tags: list[str] | None = None
    ) -> Plan:
        """The plan of ``release``, with the notes regrouped by hackathon."""
        named = self.hackathon_named()  # bad records and names fail before any work
        hackathons = self.view.hackathons
        plan = super()._compute(branch, version, tag, head, tags)
        series = version.series_text
        merged = self.view.release_prs(branch, plan.prs.prs, series)
        hackathons = [h for h in hackathons if h.series == series]
        groups = notes_groups(hackathons, merged)
        shipped = [h for h, _ in groups if h is not None]
        if named is not None and named not in shipped:
            shipped.insert(0, named)
        self.shipped = shipped
        if not any(h is not None for h, _ in groups):
            return plan  # no hackathon involved: the notes of 'release'
        by_ref = {pr.ref: pr for pr in plan.prs.prs}
        dirac, markdown = [], []
        templates = self.config.notes.templates
        for h, prs in groups:
            part = PrList(plan.prs.spec, [by_ref[pr.ref] for pr in prs],
                          plan.prs.first_released_in, plan.prs.details)  # fmt: skip
            notes = notes_for(part, "", self.config, self.repo.root)
            notes.version = ""
            dirac.append((h, render(notes, "dirac", template_dir=templates)))
            markdown.append((h, render(notes, "markdown", template_dir=templates)))
        plan.notes_text = compose_dirac(tag, dirac)
        plan.notes_markdown = compose_markdown(tag, body_intro(shipped), markdown)
        return plan

    def _tag_message(self, tag: str) -> str:
        """``Release v8.1.0a3`` and the hackathon(s) it ships."""
        self._plan_for_resume()
        return tag_message(tag, self.shipped)

    def _release_body(self) -> str:
        """The grouped Markdown notes; resumed from the remote, the notes file's section."""
        body = super()._release_body()
        from_remote = self.journal.steps.get("preflight", {}).get("from_remote")
        if from_remote:
            try:
                self._plan_for_resume_from_remote()
            except ReleaseToolError:  # the body is still the notes file's section
                return body
            return body_intro(self.shipped) + body
        return body

    def _plan_for_resume_from_remote(self) -> None:
        """Which hackathons a release resumed from the remote ships (for its body)."""
        journal = self.journal
        release = Discovery(self.settings.inventory).release_named(journal.tag)
        if release is None:
            return
        discovery = self.view.discovery
        (result,) = discovery.answer([discovery.for_release(release)])
        series = parse(journal.version).series_text
        merged = self.view.release_prs(journal.branch, result.prs, series)
        hackathons = [h for h in self.view.hackathons if h.series == series]
        self.shipped = [h for h, _ in notes_groups(hackathons, merged) if h is not None]


def prs_since_latest(settings, branch: str) -> tuple[int, str | None]:
    """How many PRs merged on ``branch`` since its latest release, and that release's tag."""
    discovery = Discovery(settings.inventory)
    (result,) = discovery.answer([discovery.for_branch(branch)])
    return len(result.prs), result.spec.since_label


def interrupted(settings, branch: str) -> str | None:
    """The version of this branch's unfinished release in the local journal, or None."""
    directory = Journal.location(settings.repo.git_dir, "x").parent
    if not directory.is_dir():
        return None
    for path in sorted(directory.glob("*.json")):
        journal = Journal.load(path)
        if journal and journal.branch == branch and not journal.complete:
            return journal.version
    return None


def unpublished_remote_tag(settings, branch: str, forge) -> str | None:
    """The latest pre-release of ``branch`` when its tag is pushed but its GitHub release is not.

    A run stopped after the push on another machine (a CI runner) left no
    journal here; the next run finishes it from the remote. Only a tag at the
    branch's tip, made by release-tool (message ``Release <tag>``), counts:
    older pre-releases without a GitHub release are history, not unfinished work.
    """
    line, branch_ref = settings.inventory.line(branch)
    best = latest_release(releases_on_line(line, settings.inventory.reachable(branch_ref)))
    if best is None or not best.version.is_prerelease:
        return None
    commit = settings.repo.remote_tag(best.name)
    if commit is None or commit != branch_ref.commit:
        return None  # not the tip: a release made before, not one stopped after its push
    subject = settings.repo.run("for-each-ref", "--format=%(contents:subject)",
                                f"refs/tags/{best.name}").strip()  # fmt: skip
    if subject != f"Release {best.name}":
        return None  # not tagged by release-tool
    release = forge.find_release(best.name)
    if release is not None and not release.draft:
        return None
    return best.version.canonical


def run_alpha(
    settings,
    options: ReleaseOptions,
    alpha: AlphaOptions,
    *,
    make_releaser: Callable[[ReleaseOptions], AlphaReleaser],
    confirm: Callable[[Plan], bool] = lambda plan: True,
    say: Callable[[str], None] = lambda message: None,
) -> AlphaOutcome:
    """Finish an interrupted alpha, or cut the next one (``--if-changed``: only if needed)."""
    branch = options.branch
    pending = interrupted(settings, branch)
    if pending is None and options.publish and not options.dry_run:
        releaser = make_releaser(options)
        if releaser._use_forge():
            pending = unpublished_remote_tag(settings, branch, releaser.forge())
            if pending is not None:
                say(f"finishing {pending}: its tag is pushed but its release is not published")
    if pending is not None and not options.dry_run:
        resumed = dataclasses.replace(options, version=pending, resume=True)
        releaser = make_releaser(resumed)
        summary = releaser.run()
        return _outcome(releaser, summary)
    if alpha.if_changed:
        count, since = prs_since_latest(settings, branch)
        if count == 0:
            latest = parse(since).canonical if since else branch
            return AlphaOutcome(f"nothing new since {latest}", published=False)
    releaser = make_releaser(options)
    if options.dry_run:
        return AlphaOutcome(releaser.plan().describe(), published=False)
    plan = releaser.plan()
    if not confirm(plan):
        return AlphaOutcome(f"not released (declined): {plan.tag}", published=False)
    summary = releaser.run()
    return _outcome(releaser, summary)


def _outcome(releaser: AlphaReleaser, summary: str) -> AlphaOutcome:
    """The outcome of a run that released (or finished releasing)."""
    journal = releaser.journal
    if journal is None:
        return AlphaOutcome(summary, published=False)
    forge = journal.steps.get("forge", {})
    prs = journal.steps.get("preflight", {}).get("prs", 0)
    return AlphaOutcome(summary, published=journal.complete, version=journal.version,
                        tag=journal.tag, prs=prs or 0,
                        hackathons=tuple(h.name for h in releaser.shipped),
                        url=forge.get("url"))  # fmt: skip
