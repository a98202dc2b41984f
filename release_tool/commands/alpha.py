"""``release-tool alpha``: publish the next pre-release of a line, by hand or from a CI bot."""

from __future__ import annotations

import os
from pathlib import Path

import click

from ..hackathons.alpha import PHASES
from ..hackathons.publish import AlphaOptions, AlphaOutcome, AlphaReleaser, run_alpha
from ..release.steps import ReleaseOptions
from ..release.tools import default_builder, default_uploader
from . import pass_settings
from .options import publishing_options, rehearsal_options, yes_option


@click.command("alpha")
@click.option("--branch", "-b", help="The line (default: the integration branch).")
@click.option("--phase", type=click.Choice(PHASES), help="Move to this phase (default: stay).")
@click.option("--version", "version", help="The version (default: the next pre-release).")
@click.option(
    "--if-changed",
    is_flag=True,
    help="Do nothing (exit 0) when no PR merged since the latest pre-release.",
)
@click.option("--hackathon", help="The hackathon this alpha is for (named in tag and body).")
@click.option("--dry-run", is_flag=True, help="Print the plan; change nothing.")
@rehearsal_options("Run it for real in a throw-away sandbox, then pip install the result.")
@click.option("--resume", is_flag=True, help="Continue an interrupted alpha (also automatic).")
@publishing_options("Push, but create no GitHub release or upload.")
@click.option(
    "--allow-unnoted/--require-notes",
    default=True,
    show_default=True,
    help="An alpha is a snapshot: PRs without notes are reported, not refused "
    "(--require-notes refuses them as 'release' does).",
)
@yes_option
@pass_settings
def alpha_command(settings, branch, phase, version, if_changed, hackathon, dry_run, rehearse,
                  keep_sandbox, resume, no_push, no_publish, index_url, replace_assets,
                  no_upload, allow_unnoted, yes) -> None:  # fmt: skip
    """Cut the next pre-release (alpha, beta, rc) through the steps of 'release'.

    Marked as a pre-release on GitHub and on the index; notes grouped by
    hackathon. A bot runs 'alpha --if-changed --yes': it finishes an
    interrupted alpha first, and publishes nothing when nothing is new.
    """
    progress = lambda message: click.echo(f"release-tool: {message}", err=True)  # noqa: E731
    from ..hackathons.gather import HackathonView

    view = HackathonView(settings)
    branch = branch or view.integration
    if branch is None:
        from ..errors import InputError

        raise InputError("no integration branch here: give --branch")
    if hackathon is not None:
        from ..hackathons.records import find

        find(view.hackathons, hackathon)  # an unknown name fails before anything else
    alpha = AlphaOptions(phase=phase, if_changed=if_changed, hackathon=hackathon)
    if rehearse:
        summary = _rehearse(settings, branch, version, alpha, progress, keep_sandbox,
                            allow_unnoted)  # fmt: skip
        click.echo(f"{branch}: {summary}")
        return
    options = ReleaseOptions(branch=branch, version=version, dry_run=dry_run, resume=resume,
                             push=not no_push, publish=not no_publish, index_url=index_url,
                             replace_assets=replace_assets, upload=not no_upload,
                             allow_unnoted=allow_unnoted)  # fmt: skip

    def make(opts: ReleaseOptions) -> AlphaReleaser:
        return AlphaReleaser(settings, opts, alpha, builder=default_builder,
                             uploader=default_uploader, progress=progress)  # fmt: skip

    def confirm(plan) -> bool:
        if yes:
            return True
        click.echo(plan.describe())
        return click.confirm(f"Publish {plan.tag}?", default=False)

    outcome = run_alpha(settings, options, alpha, make_releaser=make, confirm=confirm,
                        say=progress)  # fmt: skip
    click.echo(outcome.summary)
    _report_to_ci(settings, outcome)


def _report_to_ci(settings, outcome: AlphaOutcome) -> None:
    """In GitHub Actions: the version to $GITHUB_OUTPUT, a job summary to $GITHUB_STEP_SUMMARY."""
    output = os.environ.get("GITHUB_OUTPUT")
    if output:
        dist = ""
        if outcome.tag:
            dist = str(settings.repo.git_dir / "release-tool" / "dist" / outcome.tag)
        with Path(output).open("a", encoding="utf-8") as handle:
            handle.write(f"published={'true' if outcome.published else 'false'}\n")
            handle.write(f"version={outcome.version or ''}\n")
            handle.write(f"tag={outcome.tag or ''}\n")
            handle.write(f"dist={dist}\n")
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with Path(summary).open("a", encoding="utf-8") as handle:
            handle.write(_job_summary(outcome))


def _job_summary(outcome: AlphaOutcome) -> str:
    """The Markdown job summary of one run."""
    if not outcome.published:
        return f"### release-tool alpha\n\n{_md(outcome.summary)}\n"
    hackathons = ", ".join(outcome.hackathons) or "none (between hackathons)"
    lines = [
        f"### Pre-release {_md(outcome.version or '')}",
        "",
        "| | |",
        "|---|---|",
        f"| version | `{outcome.version}` (tag `{outcome.tag}`) |",
        f"| PRs | {outcome.prs} |",
        f"| hackathon | {_md(hackathons)} |",
    ]
    if outcome.url:
        lines.append(f"| GitHub release | {outcome.url} |")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    """Escape text for a Markdown table cell."""
    return "".join("\\" + c if c in "\\`*_[]<>|#" else c for c in text)


def _rehearse(settings, branch, version, alpha, progress, keep, allow_unnoted) -> str:
    """The alpha in a sandbox (see :mod:`release_tool.release.rehearsal`)."""
    from ..release.rehearsal import rehearse, sandbox_settings, sandbox_uploader

    def run_release(sandbox: dict, line: str) -> str:
        inner = sandbox_settings(sandbox)
        options = ReleaseOptions(branch=line, version=version, index_url=sandbox["index_url"],
                                 allow_unnoted=allow_unnoted)  # fmt: skip

        def make(opts):
            return AlphaReleaser(inner, opts, alpha, builder=default_builder,
                                 uploader=sandbox_uploader, progress=progress)  # fmt: skip

        return run_alpha(inner, options, alpha, make_releaser=make, say=progress).summary

    return rehearse(settings, branch, version, run_release, progress, keep=keep)
