"""Cutting a release: preflight, notes commit, tag, build, push, forge release, index upload.

Each step is recorded in a :class:`~release_tool.release.journal.Journal` when it
completes, so a release stopped anywhere is resumed from its first
incomplete step (``--resume``) without repeating a tag, a release or an
upload; rerunning a complete release says so and changes nothing. Nothing
already published is ever deleted or overwritten: no ``tag -f``, no force
push, no asset replaced unless asked.

The plan (:meth:`Releaser.plan`) reads only: ``--dry-run``
(:meth:`Releaser.preview`) runs the same preflight and journal checks as
the real run, prints the plan or the steps left, and stops, leaving the
repository, the remote, the forge and the index as they were.

A line whose releases are dual-tagged (``v7r3p38`` and ``v7.3.38``) gets
both tags, pushed in one atomic push. The build runs before the push and
must make files of the release's version; when it does not, the cause is
named (no PEP 440 tag for setuptools_scm, a version file not updated) and
the local release commit and tags are undone. ``--no-publish`` defers the
forge and index steps (the journal records it): the line is not blocked,
and ``--resume --publish`` publishes later.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..core.versions import LEGACY, PEP440, Version, parse, try_parse
from ..errors import ConfigError, InputError, PolicyError, ReleaseToolError
from ..forge.base import Forge, ForgeError
from ..forge.fill import fill_from_forge
from ..history.discovery import Discovery, PrList
from ..notes import render
from ..notes.build import build_notes, write_section
from ..notes.write import prepend_release
from .artifacts import VersionMismatch
from .buildversion import explain_mismatch, version_source
from .journal import STEPS, Journal
from .versionfiles import set_version

log = logging.getLogger(__name__)

#: The journal entry of a notes step that started writing (file -> SHA-256 of its new content).
NOTES_PENDING = "notes-pending"


class ReleaseError(ReleaseToolError):
    """A release step failed; the message says what happened and what to run next."""


@dataclass
class ReleaseOptions:
    """What ``release-tool release`` was asked to do."""

    branch: str
    version: str | None = None
    dry_run: bool = False
    resume: bool = False
    push: bool = True
    publish: bool = True
    index_url: str | None = None
    replace_assets: bool = False
    upload: bool = True
    #: ``--resume --publish``: publish a release made with ``--no-publish``.
    resume_publish: bool = False
    allow_unnoted: bool = False
    allow_empty: bool = False


#: How to get PR bodies read by ``release``.
FETCH_HINT = "set GITHUB_TOKEN (or --token-file) so that release reads them from GitHub"


@dataclass
class Plan:
    """Everything a release will do, computed before any change."""

    branch: str
    version: Version
    tag: str
    head: str
    since: str | None
    prs: PrList
    notes_text: str
    notes_markdown: str
    files: list[str]
    actions: list[str] = field(default_factory=list)
    refusal: str | None = None  # why the notes must not be committed (``--allow-unnoted``)
    #: Every tag of the release, ``tag`` first (two on a dual-tagged line).
    tags: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """The plan for a person (``--dry-run``)."""
        lines = [
            f"release {self.tag} from {self.branch} (head {self.head[:10]})",
            f"range:   {self.since or 'the beginning'}..{self.branch}, {len(self.prs.prs)} PR(s)",
            f"files:   {', '.join(self.files)}",
            "steps:",
            *(f"  {n}. {action}" for n, action in enumerate(self.actions, start=1)),
            "notes:",
            *(f"  | {line}" for line in self.notes_text.rstrip("\n").splitlines()),
        ]
        if self.refusal:
            lines.append(f"refused: {self.refusal} (--allow-unnoted releases anyway)")
        return "\n".join(lines)


class Releaser:
    """One release of one branch, step by step, with a journal."""

    def __init__(
        self,
        settings,
        options: ReleaseOptions,
        *,
        forge: Callable[[], Forge] | None = None,
        builder: Callable[..., list] | None = None,
        uploader: Callable[..., dict] | None = None,
        progress: Callable[[str], None] = lambda message: None,
    ) -> None:
        """Work on ``settings``' repository; the forge, builder and uploader are injectable."""
        self.settings = settings
        self.options = options
        self.repo = settings.repo
        self.config = settings.config
        self.progress = progress
        self._forge_factory = forge
        self._builder = builder
        self._uploader = uploader
        self.dry_run_refusal: str | None = None  # set by plan(): what a real run would refuse
        self.journal: Journal | None = None

    # -- planning -----------------------------------------------------------------

    def plan(self) -> Plan:
        """Check everything and compute the release, changing nothing."""
        branch = self.repo.check_branch_name(self.options.branch)
        inventory = self.settings.inventory
        inventory.line(branch)  # a release line, and a branch that exists
        if self.repo.is_shallow():
            raise PolicyError(
                "this is a shallow clone: tags and history may be missing",
                hint="run 'git fetch --unshallow --tags' first",
            )
        current = self.repo.current_branch()
        if current is None:
            raise PolicyError(f"HEAD is detached: check out {branch} to release it")
        if current != branch:
            raise PolicyError(f"{current} is checked out: check out {branch} to release it")
        dirty = self.repo.dirty_paths()
        if dirty:
            shown = ", ".join(dirty[:5]) + (" ..." if len(dirty) > 5 else "")
            raise PolicyError(f"the work tree has uncommitted changes: {shown}")
        self._check_files()
        head = self.repo.head_commit()
        remote_head = self.repo.remote_branch(branch)
        if remote_head is None:
            raise PolicyError(f"{branch} does not exist on {self.repo.remote}: push it first")
        if remote_head != head:
            raise PolicyError(
                f"local {branch} ({head[:10]}) differs from {self.repo.remote}/{branch} "
                f"({remote_head[:10]}): pull or push first"
            )
        version = (
            parse(self.options.version) if self.options.version else inventory.next_version(branch)
        )
        problems = inventory.check(version, branch)
        if problems:
            raise PolicyError("; ".join(problems))
        version, tags = self._version_tags(version, branch)
        tag = tags[0]
        for name in tags:
            if self.repo.remote_tag(name) is not None:
                raise PolicyError(f"tag {name} already exists on {self.repo.remote}")
        if self.config.require_ci:
            state = self.forge().combined_status(head)
            if state != "success":
                raise PolicyError(
                    f"the CI status of {branch} ({head[:10]}) is {state}, not success"
                )
        plan = self._compute(branch, version, tag, head, tags)
        if not plan.prs.prs and not self.options.allow_empty:
            since = plan.since or "its start"
            raise PolicyError(
                f"nothing to release on {branch} since {since}: no PR was merged",
                hint="give --allow-empty to release it anyway"
                + (f"; to finish publishing {plan.since}, --resume --version {plan.since}"
                   if plan.since else ""),
            )  # fmt: skip
        if plan.refusal and not self.options.allow_unnoted and not self.options.dry_run:
            raise PolicyError(
                plan.refusal,
                hint=f"see 'release-tool notes --branch {branch} --review'; add the notes, "
                "or release anyway with --allow-unnoted",
            )
        self.dry_run_refusal = plan.refusal
        return plan

    def already_released(self) -> str | None:
        """Why there is nothing to do: the last complete release of the branch is its head.

        A rerun of the command that just released (a CI retry) says so and
        publishes nothing. None when there is something to release or resume.
        """
        if self.options.version or self.options.resume_publish:
            return None  # the journal of that version's tag answers (see run)
        directory = Journal.location(self.repo.git_dir, "x").parent
        if not directory.is_dir() or self.repo.current_branch() != self.options.branch:
            return None
        journals = [Journal.load(path) for path in sorted(directory.glob("*.json"))]
        mine = [j for j in journals if j is not None and j.branch == self.options.branch]
        if any(not j.complete and not j.parked for j in mine):
            return None  # an interrupted release: resume it, never report it done
        head = self.repo.head_commit()
        for journal in mine:
            if journal.steps.get("tag", {}).get("commit") != head:
                continue
            if journal.complete:
                return f"{journal.tag} is already released from {journal.branch}: nothing to do"
            if not self.options.publish:  # the rerun of a --no-publish release
                return (f"{_and(journal.tag_names)} already pushed from {journal.branch}, "
                        "not published (--no-publish): nothing to do")  # fmt: skip
            if self.options.resume:
                return None  # the journal checks say how to publish it
            raise ReleaseError(
                f"{_and(journal.tag_names)} pushed from {journal.branch} but not published",
                hint=f"publish it with '{self._publish_command(journal)}'",
            )
        return None

    def _version_tags(self, version: Version, branch: str) -> tuple[Version, list[str]]:
        """The version (legacy-first on a dual-tagged line) and every tag of its release."""
        tags = self.settings.inventory.release_tags(version, branch)
        if len(tags) > 1:
            version = version.in_scheme(LEGACY)
        return version, tags

    def _compute(
        self, branch: str, version: Version, tag: str, head: str, tags: list[str] | None = None
    ) -> Plan:
        """The range, PRs and notes of the release (reads only)."""
        if self._use_forge() and self._forge_factory is None:
            self.settings.github_slug()  # a missing --github-repo fails before the history walk
        discovery = Discovery(self.settings.inventory, progress=self.progress)
        (result,) = discovery.answer([discovery.for_branch(branch)])
        if self._use_forge():
            fill_from_forge(self.forge(), [result])
        built = build_notes(result, tag, self.config, self.repo.root)
        for line in built.coverage.messages(FETCH_HINT):
            self.progress(line)
        notes = built.notes
        template_dir = self.config.notes.templates
        files = [self.config.notes_file, *self.config.version_files]
        actions = [
            f"write the {tag} section into {self.config.notes_file}"
            + (f" and {version.pep440} into {', '.join(self.config.version_files)}"
               if self.config.version_files else ""),
            f"commit: {self.config.commit_message.format(tag=tag, version=version.pep440)}",
            _tag_action(tags or [tag]) + (" (signed)" if self.config.sign_tags else ""),
            f"build sdist and wheel, check their version ({version.pep440}) and metadata",
        ]  # fmt: skip
        if self.options.push:
            pushed = _and([branch, *(tags or [tag])])
            actions.append(f"push {pushed} to {self.repo.remote} (atomic)")
        if self.options.publish:
            kind = "pre-release" if version.pep.is_prerelease else "release"
            actions.append(f"GitHub {kind} {tag}: draft, upload the artifacts, publish")
            actions.append(
                f"upload to {self.index_url()}"
                if self.options.upload
                else "no index upload here (--no-upload: left to trusted publishing)"
            )
        return Plan(
            branch=branch,
            version=version,
            tag=tag,
            head=head,
            since=result.spec.since_label,
            prs=result,
            notes_text=render(notes, "dirac", template_dir=template_dir),
            notes_markdown=render(notes, "markdown", template_dir=template_dir),
            files=files,
            actions=actions,
            refusal=None if self.options.allow_unnoted else built.coverage.refusal(),
            tags=list(tags or [tag]),
        )

    def _use_forge(self) -> bool:
        """Whether PR bodies come from GitHub (a URL or a token is configured)."""
        has_token = any(os.environ.get(v) for v in ("GITHUB_TOKEN", "GH_TOKEN"))
        return bool(self.settings.github_url or self.settings.token_file or has_token
                    or self.settings.token or self._forge_factory)  # fmt: skip

    def forge(self) -> Forge:
        """The forge (built once)."""
        if not hasattr(self, "_forge"):
            factory = self._forge_factory or (lambda: self.settings.github_forge(self.progress))
            self._forge = factory()
        return self._forge

    def index_url(self) -> str:
        """Where packages are uploaded."""
        return self.options.index_url or self.config.index_url

    # -- running ------------------------------------------------------------------

    def run(self) -> str:
        """Run (or resume) the release; a one-line summary of the outcome."""
        existing, outcome = self._journal_checks()
        if outcome is not None:
            return outcome
        done = self.already_released() if existing is None else None
        if done is not None:
            return done
        if self.options.resume and existing is None:
            existing = self._journal_from_remote()
        with self._lock():
            if existing is None:
                plan = self.plan()
                journal = Journal(
                    Journal.location(self.repo.git_dir, plan.tag),
                    plan.tag, plan.branch, plan.version.canonical, tags=plan.tags,
                )  # fmt: skip
                self.journal = journal
                journal.record("preflight", head=plan.head, since=plan.since,
                               prs=len(plan.prs.prs))  # fmt: skip
                self._plan = plan
                self._checkpoint("preflight")
            else:
                self.journal = existing
                self._check_resumable(existing)
            return self._run_steps()

    def preview(self) -> str:
        """``--dry-run``: the checks of :meth:`run` (preflight and journal) and what it would do.

        Changes nothing: no journal, no lock, no fetch.
        """
        existing, outcome = self._journal_checks()
        if outcome is not None:
            return outcome
        if self.options.resume and existing is None:
            version, tags, commit = self._remote_release()
            left = self._steps_left(lambda step: step in ("preflight", "notes", "tag"))
            return (
                f"resume the release of {_and(tags)} from {self.repo.remote} "
                f"(tag on {commit[:10]}; no local journal: it is rebuilt from the remote)\n"
                f"steps left: {', '.join(left) or 'none'}"
            )
        if existing is None:
            return self.plan().describe()
        self._check_resumable(existing)
        left = self._steps_left(existing.done)
        return (
            f"resume the release of {_and(existing.tag_names)} from {existing.branch} "
            f"(stopped before '{existing.next_step}')\nsteps left: {', '.join(left) or 'none'}"
        )

    def _steps_left(self, done: Callable[[str], bool]) -> list[str]:
        """The steps a run would do, in order, as :meth:`_run_steps` chooses them."""
        left = []
        for step in STEPS:
            if done(step):
                continue
            if step == "push" and not self.options.push:
                return [*left, "(stop: --no-push)"]
            if step in ("forge", "index") and not self.options.publish:
                return [*left, "(stop: --no-publish)"]
            left.append(step)
        return left

    def _journal_checks(self) -> tuple[Journal | None, str | None]:
        """``(journal to continue or None for a new release, outcome when nothing is to do)``.

        Raises when an existing journal forbids this run (an interrupted
        release without ``--resume``, a parked one without ``--publish``).
        """
        existing = self._find_journal()
        if existing is not None and existing.complete:
            return existing, (
                f"{existing.tag} is already released from {existing.branch}: nothing to do"
            )
        if existing is not None and existing.parked and not self.options.resume_publish:
            raise ReleaseError(
                f"{_and(existing.tag_names)} "
                f"{'is' if len(existing.tag_names) == 1 else 'are'} pushed but not published "
                f"({existing.steps[existing.next_step]['deferred']})",
                hint=f"publish it with '{self._publish_command(existing)}'",
            )
        if existing is not None and not self.options.resume:
            raise ReleaseError(
                f"a release of {existing.tag} from {existing.branch} stopped before "
                f"'{existing.next_step}'",
                hint=f"run 'release-tool release --branch {existing.branch} --resume'",
            )
        return existing, None

    def _publish_command(self, journal: Journal) -> str:
        """The command that publishes a parked release."""
        version = parse(journal.version).pep440
        return f"release-tool release -b {journal.branch} --resume --publish --version {version}"

    def _find_journal(self) -> Journal | None:
        """The journal of this release.

        With ``--version``: that release's (under any of its tag names).
        Else the branch's interrupted release; with ``--resume --publish``
        the branch's parked one (an InputError when there are several).
        Parked releases do not block a new release of their line.
        """
        if self.options.version:
            version = parse(self.options.version)
            names = [version.tag(self.config.tag_prefix)]
            names += [v.tag(self.config.tag_prefix) for v in _other_forms(version)]
            for name in names:
                journal = Journal.load(Journal.location(self.repo.git_dir, name))
                if journal is not None:
                    return journal
            return None
        directory = Journal.location(self.repo.git_dir, "x").parent
        if not directory.is_dir():
            return None
        parked = []
        for path in sorted(directory.glob("*.json")):
            journal = Journal.load(path)
            if not journal or journal.branch != self.options.branch or journal.complete:
                continue
            if not journal.parked:
                return journal
            parked.append(journal)
        if parked and self.options.resume and not self.options.resume_publish:
            raise InputError(
                f"no interrupted release of {self.options.branch}: the publishing of "
                f"{', '.join(j.tag for j in parked)} was deferred (--no-publish)",
                hint=f"publish it with '{self._publish_command(parked[0])}'",
            )
        if self.options.resume_publish:
            if len(parked) > 1:
                raise InputError(
                    f"several releases of {self.options.branch} wait to be published "
                    f"({', '.join(j.tag for j in parked)}): give --version"
                )
            if not parked:
                raise InputError(
                    f"no release of {self.options.branch} waits to be published here "
                    "(--publish finishes a release made with --no-publish)"
                )
            return parked[0]
        return None

    def _journal_from_remote(self) -> Journal:
        """Resume with no local journal (another machine, a CI runner): rebuild it from the remote.

        Possible once the tag is pushed: the steps up to the push are taken as
        done, the build is redone from the tagged commit (reproducible), and
        the forge and index steps find what they already have.
        """
        version, tags, commit = self._remote_release()
        for tag in tags:
            if self.repo.local_tag(tag) is None:
                self.repo.fetch(f"refs/tags/{tag}:refs/tags/{tag}")
        tag = tags[0]
        journal = Journal(Journal.location(self.repo.git_dir, tag), tag, self.options.branch,
                          version.canonical, tags=tags)  # fmt: skip
        journal.steps = {
            "preflight": {"head": commit, "from_remote": True},
            "notes": {"commit": commit},
            "tag": {"commit": commit},
        }
        journal.save()
        return journal

    def _remote_release(self) -> tuple[Version, list[str], str]:
        """``(version, tags on the remote, commit)`` of the ``--version`` release to resume.

        Checks only (the same for ``--dry-run``): the tags are on the remote,
        on one commit, and that commit is checked out.
        """
        if not self.options.version:
            raise InputError(
                f"no interrupted release of {self.options.branch} here: give --version "
                "to resume a release whose tag is already pushed"
            )
        version = parse(self.options.version)
        candidates = [version, *_other_forms(version)]
        remote = {}
        for form in candidates:
            name = form.tag(self.config.tag_prefix)
            commit = self.repo.remote_tag(name)
            if commit is not None:
                remote[name] = commit
        if not remote:
            tag = version.tag(self.config.tag_prefix)
            raise InputError(f"nothing to resume: tag {tag} is neither here nor on the remote")
        if len(set(remote.values())) > 1:
            shown = ", ".join(f"{n} on {c[:10]}" for n, c in remote.items())
            raise PolicyError(f"the tags of {version} point at different commits: {shown}")
        tags = sorted(remote, key=lambda name: not _is_legacy(name))  # legacy first
        commit = remote[tags[0]]
        if self.repo.head_commit() != commit:
            raise PolicyError(f"check out {tags[0]} (git checkout {tags[0]}) to resume its release")
        if _is_legacy(tags[0]):
            version = version.in_scheme(LEGACY)
        return version, tags, commit

    def _check_resumable(self, journal: Journal) -> None:
        """Resuming: the branch is checked out (or the tag, from remote) and the tree is clean."""
        from_remote = journal.steps.get("preflight", {}).get("from_remote")
        pushed = journal.done("push")  # what is left needs the journal, not the work tree
        if not from_remote and not pushed and self.repo.current_branch() != journal.branch:
            raise PolicyError(f"check out {journal.branch} to resume the release of {journal.tag}")
        dirty = self.repo.dirty_paths()
        if dirty and not journal.done("notes"):
            # The notes step's own writes (recorded before they were made) are finished, not
            # refused; anything else is someone's change.
            pending = journal.steps.get(NOTES_PENDING, {}).get("files", {})
            root = self.repo.root
            foreign = [
                p for p in dirty
                if p not in pending or not (root / p).is_file()
                or _digest((root / p).read_bytes()) != pending[p]
            ]  # fmt: skip
            if foreign:
                raise PolicyError(
                    f"the work tree has uncommitted changes: {', '.join(foreign[:5])}"
                    + (" (changed since the interrupted release wrote it)"
                       if any(p in pending for p in foreign) else "")
                )  # fmt: skip

    def _run_steps(self) -> str:
        """Run every incomplete step in order; the summary line."""
        journal = self.journal
        for step in STEPS:
            if journal.done(step):
                continue
            if step in ("push",) and not self.options.push:
                return f"{journal.tag}: stopped before pushing (--no-push); resume with --resume"
            if step in ("forge", "index") and not self.options.publish:
                for deferred in ("forge", "index"):
                    if not journal.done(deferred):
                        journal.defer(deferred, "--no-publish")
                return (
                    f"{journal.tag}: pushed, not published (--no-publish); publish it with "
                    f"'{self._publish_command(journal)}'"
                )
            self.progress(f"{journal.tag}: {step}")
            getattr(self, f"_step_{step}")()
            self._checkpoint(step)
        return f"released {journal.tag} from {journal.branch}"

    def _checkpoint(self, step: str) -> None:
        """Called after each completed step (tests inject failures here)."""

    def _lock(self):
        """An exclusive lock on releasing this branch in this repository."""
        return _BranchLock(self.repo.git_dir / "release-tool" / f"lock-{self.options.branch}")

    def _plan_for_resume(self) -> Plan:
        """The plan of an interrupted release (recomputed from the journal's version)."""
        if not hasattr(self, "_plan"):
            journal = self.journal
            version = parse(journal.version)
            head = journal.steps["preflight"]["head"]
            self._plan = self._compute(journal.branch, version, journal.tag, head)
        return self._plan

    def _release_body(self) -> str:
        """The forge release's body: the markdown notes (from the notes file when resumed)."""
        journal = self.journal
        if journal.steps.get("preflight", {}).get("from_remote") or journal.deferred("forge"):
            from ..notes.parse_file import parse_notes

            # The notes of the tagged commit: the branch may have moved on since.
            text = self.repo.run("show", f"{journal.tag}:{self.config.notes_file}", check=False)
            for notes in parse_notes(text.encode("utf-8")) if text else []:
                if notes.version == journal.tag:
                    return render(notes, "markdown", template_dir=self.config.notes.templates)
            return f"Release {journal.tag}"
        return self._plan_for_resume().notes_markdown

    def _tag_message(self, tag: str) -> str:
        """The message of the annotated tag ``tag`` (subclasses add to it: ``alpha``)."""
        return f"Release {tag}"

    # -- the steps ----------------------------------------------------------------

    def _step_notes(self) -> None:
        """Write the notes and version files, and commit them.

        The digests of what is about to be written are journaled first
        (``notes-pending``), so that a run stopped between the writes and the
        commit is recognised on ``--resume`` and finished, not refused.
        """
        plan = self._plan_for_resume()
        root = self.repo.root
        journal = self.journal
        pending = dict(journal.steps.get(NOTES_PENDING, {}).get("files", {}))
        todo: dict[str, bytes] = {}
        for name, data in self._notes_contents(plan).items():
            path = root / name
            current = path.read_bytes() if path.is_file() else None
            if current is not None and pending.get(name) == _digest(current):
                continue  # written by the interrupted run
            todo[name] = data
        pending.update({name: _digest(data) for name, data in todo.items()})
        journal.steps[NOTES_PENDING] = {"files": pending}
        journal.save()
        for name, data in todo.items():
            if name == self.config.notes_file:
                write_section(root / name, plan.notes_text, plan.tag)
            else:
                (root / name).write_bytes(data)
        self._checkpoint("notes-written")
        message = self.config.commit_message.format(tag=plan.tag, version=plan.version.pep440)
        changed = [p for p in plan.files if p in self.repo.dirty_paths()]
        commit = self.repo.commit_paths(changed, message) if changed else self.repo.head_commit()
        journal.steps.pop(NOTES_PENDING, None)
        journal.record("notes", commit=commit, files=changed)

    def _notes_contents(self, plan: Plan) -> dict[str, bytes]:
        """What the notes step writes: file name -> new content (reads only)."""
        root = self.repo.root
        notes_path = root / self.config.notes_file
        existing = notes_path.read_bytes() if notes_path.is_file() else b""
        contents = {self.config.notes_file: prepend_release(existing, plan.notes_text, plan.tag)}
        for name in self.config.version_files:
            path = root / name
            if not path.is_file():
                raise InputError(f"version file {name} does not exist")
            text = path.read_text(encoding="utf-8")
            contents[name] = set_version(text, plan.version.pep440, where=name).encode("utf-8")
        return contents

    def _check_files(self) -> None:
        """Preflight: every file the notes step will write exists or can be created, writable."""
        root = self.repo.root.resolve()
        names = [("notes_file", self.config.notes_file)]
        names += [("version_files", name) for name in self.config.version_files]
        for key, name in names:
            path = root / name
            where = f"{key} {name}"
            try:
                inside = path.resolve().is_relative_to(root)
            except OSError:
                inside = False
            if not inside:
                raise ConfigError(f"{where} is outside the repository")
            if key == "version_files" and not path.is_file():
                raise ConfigError(f"{where} does not exist (or is not a file)")
            if path.exists() and not path.is_file():
                raise ConfigError(f"{where} is not a regular file")
            if path.exists() and not os.access(path, os.W_OK):
                raise PolicyError(f"{where} is not writable")
            if not path.parent.is_dir():
                raise ConfigError(f"{where}: directory {path.parent.relative_to(root)} is missing")
            if not os.access(path.parent, os.W_OK | os.X_OK):
                raise PolicyError(f"{where}: directory {path.parent} is not writable")
            if key == "version_files":
                try:
                    set_version(path.read_text(encoding="utf-8"), "0", where=name)
                except UnicodeDecodeError:
                    raise ConfigError(f"{where} is not UTF-8 text") from None

    def _step_tag(self) -> None:
        """Tag the release commit (annotated, or signed when configured)."""
        journal = self.journal
        commit = journal.steps["notes"]["commit"]
        for tag in journal.tag_names:  # a dual-tagged line: both names of one release
            existing = self.repo.local_tag(tag)
            if existing is None:
                self.repo.create_tag(tag, commit, self._tag_message(tag),
                                     sign=self.config.sign_tags)  # fmt: skip
            elif existing != commit:
                raise ReleaseError(
                    f"tag {tag} already exists locally on {existing[:10]}, not on the "
                    f"release commit {commit[:10]}; it is left alone",
                    hint="delete that local tag if it is a leftover, then --resume",
                )
        journal.record("tag", commit=commit, tags=journal.tag_names)

    def _step_build(self) -> None:
        """Build sdist and wheel from the tagged commit, reproducibly."""
        journal = self.journal
        if self._builder is None:
            raise ReleaseError("no builder configured")
        commit = journal.steps["tag"]["commit"]
        outdir = self.repo.git_dir / "release-tool" / "dist" / journal.tag
        try:
            artifacts = self._builder(
                self.repo.root, outdir,
                source_date_epoch=self.repo.commit_time(commit),
                expected_version=parse(journal.version).pep440,
                isolation=self.config.build_isolation,
                twine_check=self.config.twine_check,
            )  # fmt: skip
        except VersionMismatch as exc:
            raise self._version_mismatch(exc) from None
        journal.record("build", artifacts=[
            {"path": str(a.path), "sha256": a.sha256, "size": a.size} for a in artifacts
        ])  # fmt: skip

    def _version_mismatch(self, exc: VersionMismatch) -> ReleaseError:
        """The error for a build of the wrong version: its cause, and nothing left pushed."""
        journal = self.journal
        root = self.repo.root
        texts = [(root / name).read_text(encoding="utf-8") if (root / name).is_file() else None
                 for name in ("pyproject.toml", "setup.cfg")]  # fmt: skip
        cause, fix = explain_mismatch(version_source(*texts), exc.found, exc.expected,
                                      journal.tag_names, self.config.version_files,
                                      journal.branch)  # fmt: skip
        message = (
            f"the build made {exc.filename}, version {exc.found}, for the release "
            f"{exc.expected}: {cause}"
        )
        published = journal.steps.get("preflight", {}).get("from_remote") or journal.done("push")
        if published:
            return ReleaseError(f"{message}; the tags are already pushed", hint=fix)
        self._undo_local(journal)
        return ReleaseError(
            f"{message}; nothing was pushed, and the local release commit and "
            f"{_and(journal.tag_names)} were undone",
            hint=fix,
        )

    def _step_push(self) -> None:
        """Push branch and tag atomically; never force, never move a published tag."""
        journal = self.journal
        commit = journal.steps["tag"]["commit"]
        remote = {tag: self.repo.remote_tag(tag) for tag in journal.tag_names}
        if all(found == commit for found in remote.values()):  # pushed before an interruption
            journal.record("push", commit=commit)
            return
        for tag, remote_tag in remote.items():
            if remote_tag is not None and remote_tag != commit:
                self._undo_local(journal)
                raise ReleaseError(
                    f"tag {tag} appeared on {self.repo.remote} at {remote_tag[:10]} while "
                    "releasing (another release run?); the local release commit and tag were "
                    "undone, nothing was published by this run"
                )
        missing = [tag for tag, found in remote.items() if found is None]
        ok, message = self.repo.push_atomic(journal.branch, *missing)
        if ok:
            journal.record("push", commit=commit)
            return
        self._undo_local(journal)
        behind = any(why in message for why in ("fetch first", "non-fast-forward"))
        raise ReleaseError(
            f"{self.repo.remote} refused the push of {_and([journal.branch, *journal.tag_names])} "
            f"({message}); nothing was published and the local release commit "
            "and tag were undone",
            hint=f"update {journal.branch} ('git pull --ff-only') and run the release again"
            if behind
            else "fix what the remote refused, then run the release again",
        )

    def _undo_local(self, journal: Journal) -> None:
        """Remove the unpublished local tag and commit; forget the journal."""
        for tag in journal.tag_names:
            if self.repo.local_tag(tag) is not None:
                self.repo.delete_tag(tag)
        start = journal.steps.get("preflight", {}).get("head")
        notes = journal.steps.get("notes", {})
        commit = notes.get("commit")
        if start and commit and commit != start and self.repo.head_commit() == commit:
            self.repo.reset_branch(start)
        journal.path.unlink(missing_ok=True)

    def _step_forge(self) -> None:
        """The forge release: found or created as a draft, assets uploaded, then published."""
        journal = self.journal
        forge = self.forge()
        version = parse(journal.version)
        release = forge.find_release(journal.tag)
        if release is None:
            body = self._release_body()
            try:
                release = forge.create_release(
                    journal.tag, journal.tag, body, prerelease=version.pep.is_prerelease
                )
            except ForgeError:
                # The answer may be lost although the release was made: look before failing.
                release = forge.find_release(journal.tag)
                if release is None:
                    raise
        for artifact in journal.steps["build"]["artifacts"]:
            path = Path(artifact["path"])
            size = release.assets.get(path.name)
            if size is not None:
                if size == artifact["size"]:
                    continue  # uploaded before an interruption
                if not self.options.replace_assets:
                    raise ReleaseError(
                        f"the release {journal.tag} already has an asset {path.name} of "
                        f"{size} bytes, not {artifact['size']}; nothing was replaced",
                        hint="check the published file, or rerun with --resume --replace-assets",
                    )
                release = forge.delete_asset(release, path.name) or release
            try:
                release = forge.upload_asset(release, path) or release
            except ForgeError:
                # The answer may be lost although the asset was stored: look before failing.
                found = forge.find_release(journal.tag)
                if found is None or found.assets.get(path.name) != artifact["size"]:
                    raise
                release = found
            stored = release.assets.get(path.name)
            if stored is not None and stored != artifact["size"]:
                raise ReleaseError(
                    f"the release {journal.tag} holds an asset {path.name} of {stored} bytes, "
                    f"not the {artifact['size']} bytes built; nothing was replaced",
                    hint="check the published file, or rerun with --resume --replace-assets",
                )
        if release.draft:
            release = forge.publish_release(release) or release
        journal.record("forge", release_id=release.id, url=release.url)

    def _step_index(self) -> None:
        """Upload the artifacts the index does not have yet."""
        journal = self.journal
        if not self.options.upload:
            journal.record("index", skipped="left to another uploader (--no-upload)")
            return
        if self._uploader is None:
            raise ReleaseError("no package index uploader configured")
        paths = [Path(a["path"]) for a in journal.steps["build"]["artifacts"]]
        result = self._uploader(paths, self.index_url())
        journal.record("index", url=self.index_url(), **(result or {}))


class _BranchLock:
    """An exclusive lock on a file (``flock``): a second release of the same branch stops at once.

    The kernel holds the lock for the process, so a killed run leaves no
    lock to take over: its file stays behind, unlocked, and the next run
    locks it. Taking the lock is atomic; a file replaced or removed between
    opening and locking it is opened again, so two runs never both hold it.
    """

    def __init__(self, path: Path) -> None:
        """Lock at ``path`` (taken on enter)."""
        self.path = path
        self._fd: int | None = None

    def __enter__(self) -> _BranchLock:
        """Take the lock, or fail naming the process that holds it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            fd = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                holder = os.read(fd, 32).decode("ascii", "replace").strip() or "?"
                os.close(fd)
                raise ReleaseError(
                    f"another release of this branch is running (process {holder}); "
                    "nothing was changed by this run"
                ) from None
            try:
                now = os.stat(self.path)
                mine = os.fstat(fd)
                same = (now.st_dev, now.st_ino) == (mine.st_dev, mine.st_ino)
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)  # removed by the run that held it: lock the new file
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode("ascii"))
        self._fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        """Release the lock (the file is removed while still locked)."""
        self.path.unlink(missing_ok=True)
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _digest(data: bytes) -> str:
    """The SHA-256 of file content."""
    return hashlib.sha256(data).hexdigest()


def _last_line(text: str) -> str:
    """The last non-empty line of a command's output."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "no message"


def _and(names: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _tag_action(tags: list[str]) -> str:
    """The tag step of the plan."""
    if len(tags) == 1:
        return f"annotated tag {tags[0]}"
    return f"annotated tags {_and(tags)} on the release commit (a dual-tagged line)"


def _other_forms(version: Version) -> list[Version]:
    """The version written in its other scheme, when it has one (``7.3.39`` <-> ``v7r3p39``)."""
    if version.scheme == LEGACY:
        return [version.in_scheme(PEP440)]
    return [version.in_scheme(LEGACY)] if version.legacy is not None else []


def _is_legacy(tag: str) -> bool:
    """Whether a tag name is a legacy version (``v7r3p39``)."""
    version = try_parse(tag)
    return version is not None and version.scheme == LEGACY
