"""Cutting a release: preflight, notes commit, tag, build, push, forge release, index upload.

Each step is recorded in a :class:`~release_tool.release.journal.Journal` when it
completes, so a release stopped anywhere is resumed from its first
incomplete step (``--resume``) without repeating a tag, a release or an
upload; rerunning a complete release says so and changes nothing. Nothing
already published is ever deleted or overwritten: no ``tag -f``, no force
push, no asset replaced unless asked.

The plan (:meth:`Releaser.plan`) reads only: ``--dry-run`` prints it and
stops, leaving the repository, the remote, the forge and the index as they
were.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..core.versions import Version, parse
from ..errors import InputError, PolicyError, ReleaseToolError
from ..forge.base import Forge, ForgeError
from ..history.discovery import Discovery, PrList
from ..notes import render
from ..notes.build import build_notes, write_section
from .journal import STEPS, Journal
from .versionfiles import set_version

log = logging.getLogger(__name__)


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
    allow_unnoted: bool = False


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
        tag = version.tag(self.config.tag_prefix)
        if self.repo.remote_tag(tag) is not None:
            raise PolicyError(f"tag {tag} already exists on {self.repo.remote}")
        if self.config.require_ci:
            state = self.forge().combined_status(head)
            if state != "success":
                raise PolicyError(
                    f"the CI status of {branch} ({head[:10]}) is {state}, not success"
                )
        plan = self._compute(branch, version, tag, head)
        if plan.refusal and not self.options.allow_unnoted and not self.options.dry_run:
            raise PolicyError(
                plan.refusal,
                hint=f"see 'release-tool notes --branch {branch} --review'; add the notes, "
                "or release anyway with --allow-unnoted",
            )
        return plan

    def _compute(self, branch: str, version: Version, tag: str, head: str) -> Plan:
        """The range, PRs and notes of the release (reads only)."""
        if self._use_forge() and self._forge_factory is None:
            self.settings.github_slug()  # a missing --github-repo fails before the history walk
        discovery = Discovery(self.settings.inventory, progress=self.progress)
        (result,) = discovery.answer([discovery.for_branch(branch)])
        if self._use_forge():
            from ..commands.prs import fill_from_forge

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
            f"annotated tag {tag}" + (" (signed)" if self.config.sign_tags else ""),
            "build sdist and wheel, check their version and metadata",
        ]  # fmt: skip
        if self.options.push:
            actions.append(f"push {branch} and {tag} to {self.repo.remote} (atomic)")
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
        existing = self._find_journal()
        if existing is not None and existing.complete:
            return f"{existing.tag} is already released from {existing.branch}: nothing to do"
        if existing is not None and not self.options.resume:
            raise ReleaseError(
                f"a release of {existing.tag} from {existing.branch} stopped before "
                f"'{existing.next_step}'",
                hint=f"run 'release-tool release --branch {existing.branch} --resume'",
            )
        if self.options.resume and existing is None:
            existing = self._journal_from_remote()
        with self._lock():
            if existing is None:
                plan = self.plan()
                journal = Journal(
                    Journal.location(self.repo.git_dir, plan.tag),
                    plan.tag, plan.branch, plan.version.canonical,
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

    def _find_journal(self) -> Journal | None:
        """The journal of this release: of ``--version``'s tag, or the branch's unfinished one."""
        if self.options.version:
            tag = parse(self.options.version).tag(self.config.tag_prefix)
            return Journal.load(Journal.location(self.repo.git_dir, tag))
        directory = Journal.location(self.repo.git_dir, "x").parent
        if not directory.is_dir():
            return None
        for path in sorted(directory.glob("*.json")):
            journal = Journal.load(path)
            if journal and journal.branch == self.options.branch and not journal.complete:
                return journal
        return None

    def _journal_from_remote(self) -> Journal:
        """Resume with no local journal (another machine, a CI runner): rebuild it from the remote.

        Possible once the tag is pushed: the steps up to the push are taken as
        done, the build is redone from the tagged commit (reproducible), and
        the forge and index steps find what they already have.
        """
        if not self.options.version:
            raise InputError(
                f"no interrupted release of {self.options.branch} here: give --version "
                "to resume a release whose tag is already pushed"
            )
        tag = parse(self.options.version).tag(self.config.tag_prefix)
        commit = self.repo.remote_tag(tag)
        if commit is None:
            raise InputError(f"nothing to resume: tag {tag} is neither here nor on the remote")
        if self.repo.head_commit() != commit:
            raise PolicyError(f"check out {tag} (git checkout {tag}) to resume its release")
        if self.repo.local_tag(tag) is None:
            self.repo.fetch(f"refs/tags/{tag}:refs/tags/{tag}")
        version = parse(self.options.version)
        journal = Journal(Journal.location(self.repo.git_dir, tag), tag, self.options.branch,
                          version.canonical)  # fmt: skip
        journal.steps = {
            "preflight": {"head": commit, "from_remote": True},
            "notes": {"commit": commit},
            "tag": {"commit": commit},
        }
        journal.save()
        return journal

    def _check_resumable(self, journal: Journal) -> None:
        """Resuming: the branch is checked out (or the tag, from remote) and the tree is clean."""
        from_remote = journal.steps.get("preflight", {}).get("from_remote")
        if not from_remote and self.repo.current_branch() != journal.branch:
            raise PolicyError(f"check out {journal.branch} to resume the release of {journal.tag}")
        dirty = self.repo.dirty_paths()
        if dirty and not journal.done("notes"):
            raise PolicyError(f"the work tree has uncommitted changes: {', '.join(dirty[:5])}")

    def _run_steps(self) -> str:
        """Run every incomplete step in order; the summary line."""
        journal = self.journal
        for step in STEPS:
            if journal.done(step):
                continue
            if step in ("push",) and not self.options.push:
                return f"{journal.tag}: stopped before pushing (--no-push); resume with --resume"
            if step in ("forge", "index") and not self.options.publish:
                return f"{journal.tag}: pushed, not published (--no-publish); resume with --resume"
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
        if journal.steps.get("preflight", {}).get("from_remote"):
            from ..notes.parse_file import parse_notes

            path = self.repo.root / self.config.notes_file
            for notes in parse_notes(path.read_bytes()) if path.exists() else []:
                if notes.version == journal.tag:
                    return render(notes, "markdown", template_dir=self.config.notes.templates)
            return f"Release {journal.tag}"
        return self._plan_for_resume().notes_markdown

    # -- the steps ----------------------------------------------------------------

    def _step_notes(self) -> None:
        """Write the notes and version files, and commit them."""
        plan = self._plan_for_resume()
        root = self.repo.root
        write_section(root / self.config.notes_file, plan.notes_text, plan.tag)
        for name in self.config.version_files:
            path = root / name
            if not path.is_file():
                raise InputError(f"version file {name} does not exist")
            path.write_text(
                set_version(path.read_text(encoding="utf-8"), plan.version.pep440, where=name),
                encoding="utf-8",
            )
        message = self.config.commit_message.format(tag=plan.tag, version=plan.version.pep440)
        changed = [p for p in plan.files if p in self.repo.dirty_paths()]
        commit = self.repo.commit_paths(changed, message) if changed else self.repo.head_commit()
        self.journal.record("notes", commit=commit, files=changed)

    def _step_tag(self) -> None:
        """Tag the release commit (annotated, or signed when configured)."""
        journal = self.journal
        commit = journal.steps["notes"]["commit"]
        existing = self.repo.local_tag(journal.tag)
        if existing is None:
            self.repo.create_tag(journal.tag, commit, f"Release {journal.tag}",
                                 sign=self.config.sign_tags)  # fmt: skip
        elif existing != commit:
            raise ReleaseError(
                f"tag {journal.tag} already exists locally on {existing[:10]}, not on the "
                f"release commit {commit[:10]}; it is left alone",
                hint="delete that local tag if it is a leftover, then --resume",
            )
        journal.record("tag", commit=commit)

    def _step_build(self) -> None:
        """Build sdist and wheel from the tagged commit, reproducibly."""
        journal = self.journal
        if self._builder is None:
            raise ReleaseError("no builder configured")
        commit = journal.steps["tag"]["commit"]
        outdir = self.repo.git_dir / "release-tool" / "dist" / journal.tag
        artifacts = self._builder(
            self.repo.root, outdir,
            source_date_epoch=self.repo.commit_time(commit),
            expected_version=parse(journal.version).pep440,
            isolation=self.config.build_isolation,
        )  # fmt: skip
        journal.record("build", artifacts=[
            {"path": str(a.path), "sha256": a.sha256, "size": a.size} for a in artifacts
        ])  # fmt: skip

    def _step_push(self) -> None:
        """Push branch and tag atomically; never force, never move a published tag."""
        journal = self.journal
        commit = journal.steps["tag"]["commit"]
        remote_tag = self.repo.remote_tag(journal.tag)
        if remote_tag == commit:  # pushed before an interruption
            journal.record("push", commit=commit)
            return
        if remote_tag is not None:
            self._undo_local(journal)
            raise ReleaseError(
                f"tag {journal.tag} appeared on {self.repo.remote} at {remote_tag[:10]} while "
                "releasing (another release run?); the local release commit and tag were undone, "
                "nothing was published by this run"
            )
        ok, message = self.repo.push_atomic(journal.branch, journal.tag)
        if ok:
            journal.record("push", commit=commit)
            return
        self._undo_local(journal)
        raise ReleaseError(
            f"{self.repo.remote} refused the push of {journal.branch} and {journal.tag} "
            f"({_last_line(message)}); nothing was published and the local release commit "
            "and tag were undone",
            hint=f"update {journal.branch} ('git pull --ff-only') and run the release again",
        )

    def _undo_local(self, journal: Journal) -> None:
        """Remove the unpublished local tag and commit; forget the journal."""
        if self.repo.local_tag(journal.tag) is not None:
            self.repo.delete_tag(journal.tag)
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
            release = forge.upload_asset(release, path) or release
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
    """An exclusive lock file: a second release of the same branch stops at once."""

    def __init__(self, path: Path) -> None:
        """Lock at ``path`` (taken on enter)."""
        self.path = path

    def __enter__(self) -> _BranchLock:
        """Take the lock, or fail naming the process that holds it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            holder = self.path.read_text(encoding="utf-8").strip() if self.path.exists() else "?"
            if holder.isdigit() and not _alive(int(holder)):
                self.path.unlink(missing_ok=True)  # left by a killed run
                return self.__enter__()
            raise ReleaseError(
                f"another release of this branch is running (process {holder}); "
                "nothing was changed by this run"
            ) from None
        with os.fdopen(fd, "w") as handle:
            handle.write(str(os.getpid()))
        return self

    def __exit__(self, *exc: object) -> None:
        """Release the lock."""
        self.path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    """Whether a process exists."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _last_line(text: str) -> str:
    """The last non-empty line of a command's output."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "no message"
