"""The ``release-tool`` command line: global options, command registration, error handling.

Commands live in :mod:`release_tool.commands`; this module only registers
them and turns every expected error into one line on stderr with exit code
2 (bad input or usage) or 1 (an operation failed).
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import sys
from pathlib import Path

import click

from . import __version__
from .errors import ReleaseToolError
from .sanitize import one_line
from .secrets import install_log_filter, redact

#: Every command, by name: ``module:attribute``, imported only when that command runs
#: (or when ``--help`` lists them), so a command pays only for the libraries it uses.
COMMANDS: dict[str, str] = {
    "version": "release_tool.commands.version:version_group",
    "lines": "release_tool.commands.lines:lines_command",
    "tags": "release_tool.commands.tags:tags_group",
    "prs": "release_tool.commands.prs:prs_command",
    "notes": "release_tool.commands.notes:notes_group",
    "release": "release_tool.commands.release:release_command",
    "demo": "release_tool.commands.demo:demo_command",
    "sandbox": "release_tool.commands.sandbox:sandbox_group",
    "cache": "release_tool.commands.cache:cache_group",
    "summary": "release_tool.commands.summary:summary_command",
    "hackathon": "release_tool.commands.hackathon:hackathon_group",
    "series": "release_tool.commands.series:series_command",
    "alpha": "release_tool.commands.alpha:alpha_command",
    "sweep": "release_tool.commands.sweep:sweep_command",
    "patches": "release_tool.commands.patches:patches_command",
}

#: Each command's help, first paragraph: what ``--help`` lists, without importing every
#: command (``tests/test_startup.py`` checks it against the commands' own help).
SUMMARIES: dict[str, str] = {
    "version": "Parse, order, convert and bump versions of both schemes.",
    "lines": "List the active release lines with their latest release and next version.",
    "tags": "Inspect the repository's version tags.",
    "prs": "List the PRs merged into a release or waiting on release lines.",
    "notes": "Render the release notes of a release or of a line's unreleased head.",
    "release": "Cut a release: notes commit, tag, build, push, GitHub release, index upload.",
    "demo": "Build a demo repository in DIRECTORY (default: a new temporary one) and tour it.",
    "sandbox": "A local GitHub API emulator for tests, demos and rehearsals.",
    "cache": "Inspect or clear the cache of PR metadata fetched from GitHub.",
    "summary": "Summarise releases, development and pending work on every active release line.",
    "hackathon": "Hackathon records (hackathons.toml) and the PRs and pre-releases of each.",
    "series": "Latest pre-release, hackathons passed and planned, PRs since (default: "
    "integration's).",
    "alpha": "Cut the next pre-release (alpha, beta, rc) through the steps of 'release'.",
    "sweep": "Sweep merged PRs labelled alsoTargeting:<branch> (or --pr N --to B) to other lines.",
    "patches": "Show the patch matrix: each fix of the window on each active line.",
}

PROG = "release-tool"
MAX_ERROR = 400  # characters of an error line


def _os_error(exc: OSError) -> str:
    """An operating-system error as one line: what failed, on which file."""
    what = exc.strerror or str(exc) or type(exc).__name__
    if exc.filename is not None:
        return f"cannot use {exc.filename}: {what}"
    return what


def _tolerant_streams() -> None:
    """Never fail on a character the terminal cannot show (a latin-1 or ASCII terminal).

    Such characters are written as backslash escapes instead of raising
    UnicodeEncodeError in the middle of the output.
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):  # a closed or detached stream
                reconfigure(errors="backslashreplace")


def _fail(message: str, code: int) -> None:
    """Print one error line on stderr (secrets masked) and exit with ``code``."""
    line = one_line(redact(message))
    if len(line) > MAX_ERROR:  # an echoed input may be megabytes long
        line = line[: MAX_ERROR - 1] + "…"
    click.echo(f"{PROG}: error: {line}", err=True)
    sys.exit(code)


class Interrupted(ReleaseToolError):
    """Ctrl-C: the run stops with exit code 130."""

    exit_code = 130


class ToolGroup(click.Group):
    """The root group: runs a command and reports errors in one line, never a traceback.

    Commands are loaded lazily from :data:`COMMANDS`.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command name, in the order of :data:`COMMANDS`."""
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Import the command's module on first use."""
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, _, attribute = target.partition(":")
        return getattr(importlib.import_module(module_name), attribute)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of ``--help``, as click writes it, from :data:`SUMMARIES`.

        click would import every command (PyGithub, matplotlib, the sandbox)
        to read its help: ``--help`` took half a second. Each summary is
        shortened by click itself, through a stand-in command.
        """
        stand_ins = [(name, click.Command(name, help=SUMMARIES[name])) for name in COMMANDS]
        limit = formatter.width - 6 - max(len(name) for name, _ in stand_ins)
        rows = [(name, command.get_short_help_str(limit)) for name, command in stand_ins]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context):
        """Run the command; Ctrl-C (even while its module loads) is one line, exit 130.

        click would turn the interrupt into an "Aborted!" after an empty line.
        """
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise Interrupted("interrupted") from None

    def main(self, args=None, prog_name=None, **extra):  # type: ignore[override]
        """Run the CLI; expected errors become one stderr line and an exit code."""
        extra.pop("standalone_mode", None)
        _tolerant_streams()
        debug = "--debug" in (sys.argv[1:] if args is None else list(args))
        try:
            code = super().main(args, prog_name or PROG, standalone_mode=False, **extra)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.exceptions.Abort:
            _fail("aborted", 130)
        except click.ClickException as exc:  # usage errors: exit 2
            hint = ""
            ctx = getattr(exc, "ctx", None)
            if isinstance(exc, click.UsageError) and ctx is not None:
                hint = f" (see '{ctx.command_path} --help')"
            _fail(exc.format_message() + hint, exc.exit_code)
        except ReleaseToolError as exc:
            if debug:
                raise
            _fail(str(exc), exc.exit_code)
        except KeyboardInterrupt:
            _fail("interrupted", 130)
        except OSError as exc:  # the machine, not the input: a directory we may not write...
            if debug:
                raise
            _fail(_os_error(exc), 1)
        except Exception as exc:
            if debug:
                raise
            _fail(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug)", 1)
        sys.exit(code if isinstance(code, int) else 0)


@click.group(cls=ToolGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name=PROG)
@click.option(
    "--repo",
    type=click.Path(path_type=Path, file_okay=False),
    help="The target git repository (default: the current directory).",
)
@click.option(
    "--github-url",
    envvar="RELEASE_TOOL_GITHUB_URL",
    help="GitHub API URL: GitHub Enterprise, or the emulator of 'sandbox serve'.",
)
@click.option("--github-repo", help="owner/name on GitHub (default: from the origin remote).")
@click.option(
    "--token-file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Read the GitHub token from this file (default: GITHUB_TOKEN or GH_TOKEN).",
)
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Where to keep the PR cache (default: .git/release-tool of the repository).",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Neither read nor write the history index kept in .git/release-tool.",
)
@click.option("-v", "--verbose", is_flag=True, help="Log what the tool does.")
@click.option("--debug", is_flag=True, help="Log every command run; show tracebacks.")
@click.pass_context
def cli(
    ctx: click.Context,
    repo: Path | None,
    github_url: str | None,
    github_repo: str | None,
    token_file: Path | None,
    cache_dir: Path | None,
    no_cache: bool,
    verbose: bool,
    debug: bool,
) -> None:
    """Release engineering for projects with several release lines."""
    level = logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING
    logging.basicConfig(level=level, format=f"{PROG}: %(levelname)s: %(message)s", force=True)
    install_log_filter()
    from .settings import Settings

    ctx.obj = Settings(
        repo_path=repo,
        debug=debug,
        github_url=github_url,
        github_repo=github_repo,
        token_file=token_file,
        cache_dir=cache_dir,
        no_cache=no_cache,
    )


def main() -> None:
    """Console-script entry point."""
    cli.main(prog_name=PROG)
