"""``release-tool release``: plan, cut and publish a release of one or more lines."""

from __future__ import annotations

import click

from ..errors import InputError, ReleaseToolError
from ..release.steps import ReleaseOptions, Releaser
from ..release.tools import default_builder, default_uploader
from ..sanitize import for_terminal
from . import pass_settings
from .options import publishing_options, rehearsal_options, yes_option


@click.command("release")
@click.option(
    "--branch",
    "-b",
    "branches",
    multiple=True,
    required=True,
    help="The release line to release (repeatable: each line is independent).",
)
@click.option("--version", "version", help="The version (default: the line's next version).")
@click.option(
    "--dry-run",
    is_flag=True,
    help="Run the checks of the real run (preflight, journal) and print the plan or the steps "
    "left; change nothing.",
)
@click.option("--resume", is_flag=True, help="Continue an interrupted release.")
@publishing_options(
    "Push, but defer the GitHub release and upload (the line is not blocked; "
    "'--resume --publish' publishes later).",
    click.option(
        "--publish",
        "resume_publish",
        is_flag=True,
        help="With --resume: publish a release made with --no-publish.",
    ),
)
@rehearsal_options(
    "Run every step for real in a throw-away sandbox (clone, bare origin, GitHub "
    "emulator, local index), then pip install the result. Nothing else changes."
)
@click.option(
    "--allow-unnoted",
    is_flag=True,
    help="Release although PRs of the range have no notes, or the notes are empty.",
)
@click.option(
    "--allow-empty",
    is_flag=True,
    help="Release even when no PR was merged since the line's latest release.",
)
@yes_option
@pass_settings
def release_command(settings, branches, version, dry_run, resume, no_push, no_publish,
                    resume_publish, index_url, replace_assets, no_upload, rehearse, keep_sandbox,
                    allow_unnoted, allow_empty,
                    yes) -> None:  # fmt: skip
    """Cut a release: notes commit, tag, build, push, GitHub release, index upload."""
    if version and len(branches) > 1:
        raise InputError("--version applies to one --branch only")
    if resume_publish and (not resume or no_publish or no_push):
        raise InputError(
            "--publish finishes a release made with --no-publish: use it with --resume "
            "(and without --no-publish or --no-push)"
        )
    progress = lambda message: click.echo(f"release-tool: {message}", err=True)  # noqa: E731
    if rehearse:
        for branch in branches:
            summary = rehearse_release(settings, branch, version, progress, keep_sandbox,
                                       allow_empty=allow_empty)  # fmt: skip
            click.echo(f"{branch}: {summary}")
        return
    outcomes: list[tuple[str, str, bool]] = []
    original = settings.repo.current_branch() if len(branches) > 1 else None
    try:
        _release_each(settings, branches, version, dry_run, resume, no_push, no_publish,
                      index_url, replace_assets, no_upload, yes, progress, outcomes,
                      resume_publish=resume_publish, allow_unnoted=allow_unnoted,
                      allow_empty=allow_empty)  # fmt: skip
    finally:
        if original is not None and settings.repo.current_branch() != original:
            settings.repo.run("checkout", "--quiet", original)
    if len(branches) > 1 or dry_run:
        for branch, outcome, _ in outcomes:
            click.echo(f"{branch}: {outcome}")
    elif outcomes:
        click.echo(outcomes[0][1])
    if not all(ok for _, _, ok in outcomes):
        raise ReleaseToolError("some releases failed (see above); the others are unaffected")


def rehearse_release(settings, branch, version, progress, keep, *, allow_empty=False) -> str:
    """The rehearsal of one line's release (see :mod:`release_tool.release.rehearsal`)."""
    from ..release.rehearsal import rehearse, sandbox_settings, sandbox_uploader

    def run_release(sandbox: dict, line: str) -> str:
        options = ReleaseOptions(branch=line, version=version, index_url=sandbox["index_url"],
                                 allow_unnoted=True,  # the emulator has no PR bodies
                                 allow_empty=allow_empty)  # fmt: skip
        return Releaser(sandbox_settings(sandbox), options, builder=default_builder,
                        uploader=sandbox_uploader, progress=progress).run()  # fmt: skip

    return rehearse(settings, branch, version, run_release, progress, keep=keep)


def _release_each(settings, branches, version, dry_run, resume, no_push, no_publish, index_url,
                  replace_assets, no_upload, yes, progress, outcomes, *,
                  resume_publish=False, allow_unnoted=False,
                  allow_empty=False) -> None:  # fmt: skip
    """Release each line in turn; with several lines, check each out (a clean tree only)."""
    for branch in branches:
        options = ReleaseOptions(
            branch=branch, version=version, dry_run=dry_run, resume=resume, push=not no_push,
            publish=not no_publish, index_url=index_url, replace_assets=replace_assets,
            upload=not no_upload, resume_publish=resume_publish, allow_unnoted=allow_unnoted,
            allow_empty=allow_empty,
        )  # fmt: skip
        releaser = Releaser(settings, options, builder=default_builder,
                            uploader=default_uploader, progress=progress)  # fmt: skip
        try:
            if len(branches) > 1 and settings.repo.current_branch() != branch:
                if settings.repo.dirty_paths():
                    raise ReleaseToolError("the work tree has uncommitted changes")
                settings.repo.run("checkout", "--quiet", settings.repo.check_branch_name(branch))
                settings.__dict__.pop("inventory", None)  # branch heads moved
            done = releaser.already_released()
            if done is not None:  # a rerun of the release just made (a CI retry)
                outcomes.append((branch, done, True))
                continue
            if dry_run:
                click.echo(for_terminal(releaser.preview()))
                refusal = releaser.dry_run_refusal
                refused = f"; the release would be refused: {refusal}" if refusal else ""
                outcomes.append((branch, f"planned (dry run): nothing was changed{refused}", True))
                continue
            if not yes and not resume:
                plan = releaser.plan()
                click.echo(for_terminal(plan.describe()))
                if not click.confirm(f"Release {plan.tag}?", default=False):
                    outcomes.append((branch, "not released (declined)", True))
                    continue
            outcomes.append((branch, releaser.run(), True))
        except ReleaseToolError as exc:
            if len(branches) == 1:
                raise
            outcomes.append((branch, f"failed: {exc}", False))
