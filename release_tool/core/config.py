"""The ``[tool.release-tool]`` configuration of a target repository.

Zero configuration describes a DIRAC-style repository: release branches
``rel-vXrY``, an ``integration`` branch (or ``main``/``master``), tags with a
``v``, new series opened with alphas, and the legacy scheme for series below
8.0 where the repository has legacy tags. Every key can be changed::

    [tool.release-tool]
    release_branch_pattern = "rel-v{major}r{minor}"
    integration_branches = ["integration", "main", "master"]
    pep440_from = "8.0"
    open_series_with = "alpha"
    tag_prefix = "v"
    remote = "origin"
    cumulative = false          # -preN and X.Y.0 list everything since the previous series
                                # (default: only for legacy vXrY-preN and vXrY releases)
    active_period_days = 365    # lines/prs show lines with a release or merge this recent
    allow_epochs = false        # release versions with an epoch (1!8.0.2)
    allow_post_releases = false # release .postN versions (8.0.2.post1)
    integration_finals = false  # the integration branch releases finals too (release-please
                                # style; default: true when open_series_with = "final")

    notes_file = "release.notes"
    version_files = ["src/pkg/__init__.py"]   # __version__ = "..." set at each release
    commit_message = "docs: Add release notes for {tag}"
    sign_tags = false
    require_ci = false          # the branch head's combined CI status must be green
    index_url = "https://upload.pypi.org/legacy/"
    build_isolation = true
    twine_check = "errors"      # "strict": twine's warnings fail the build step too
    templates = "release-templates"   # overrides of dirac.j2, markdown.j2, rst.j2
    hackathons_file = "hackathons.toml"   # hackathon records (release_tool.hackathons)

    [tool.release-tool.notes]          # see release_tool.notes.config
    system_order = ["Core"]

    meeting_every = "2 weeks"   # summary: the default --since (or meetings = [dates])

    [tool.release-tool.summary]        # see release_tool.summary.config

    [tool.release-tool.lines."rel-v7r3"]
    scheme = "legacy"
    cumulative = true
    dual_tags = true            # tag vXrYpZ and vX.Y.Z (default: as the line's latest release)

Unknown keys and wrong types are errors that name the key.
"""

from __future__ import annotations

import dataclasses
import re
import string
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..compat import tomllib
from ..errors import ConfigError
from ..patches.config import SweepConfig, sweep_config_from_mapping
from .versions import OPENINGS, SCHEMES

if TYPE_CHECKING:  # the notes package is imported when a configuration is built
    from ..notes.config import NotesConfig
    from ..summary.config import SummaryConfig

SECTION = "tool.release-tool"
#: The values of ``twine_check``.
TWINE_CHECKS = ("errors", "strict")


@dataclass(frozen=True)
class LineConfig:
    """Settings of one release line, keyed by branch name."""

    scheme: str | None = None
    cumulative: bool | None = None
    #: Tag each release twice (``v7r3p39`` and ``v7.3.39``); None: as the line's latest release.
    dual_tags: bool | None = None


@dataclass(frozen=True)
class Config:
    """The validated configuration; the defaults fit a DIRAC-style repository."""

    release_branch_pattern: str = "rel-v{major}r{minor}"
    integration_branches: tuple[str, ...] = ("integration", "main", "master")
    pep440_from: tuple[int, int] = (8, 0)
    open_series_with: str = "alpha"
    tag_prefix: str = "v"
    remote: str = "origin"
    cumulative: bool | None = None
    active_period_days: int = 365
    allow_epochs: bool = False
    allow_post_releases: bool = False
    integration_finals: bool | None = None
    lines: dict[str, LineConfig] = field(default_factory=dict)
    # -- cutting a release
    notes_file: str = "release.notes"
    version_files: tuple[str, ...] = ()
    commit_message: str = "docs: Add release notes for {tag}"
    sign_tags: bool = False
    require_ci: bool = False
    index_url: str = "https://upload.pypi.org/legacy/"
    build_isolation: bool = True
    #: ``"errors"``: twine check's errors fail the build step, its warnings are printed;
    #: ``"strict"``: warnings fail it too (``twine check --strict``).
    twine_check: str = "errors"
    notes: NotesConfig = field(default_factory=lambda: _notes_config())
    sweep: SweepConfig = field(default_factory=SweepConfig)
    # -- meeting summaries (release_tool.summary)
    meeting_every: str | None = None
    meetings: tuple[datetime, ...] = ()
    #: None: the defaults, made by :meth:`summary_settings` (the summary's modules are
    #: imported only by the commands that use them).
    summary: SummaryConfig | None = None
    # -- hackathon records
    hackathons_file: str = "hackathons.toml"

    def summary_settings(self) -> SummaryConfig:
        """The ``[tool.release-tool.summary]`` settings, or their defaults."""
        return self.summary if self.summary is not None else _summary_config()

    def integration_releases_finals(self, release_branches: bool = False) -> bool:
        """Whether the integration line releases final versions (a single-branch project).

        ``integration_finals`` when set; else when new series open with a
        final and the repository has no release branch (``release_branches``).
        """
        if self.integration_finals is not None:
            return self.integration_finals
        return self.open_series_with == "final" and not release_branches

    def is_cumulative(self, branch: str) -> bool | None:
        """Whether the line on ``branch`` writes cumulative notes (``-preN`` and ``X.Y.0``).

        None when not configured: legacy releases (``vXrY-preN``, ``vXrY``) are
        cumulative, PEP 440 ones are not (see the history's discovery).
        """
        line = self.lines.get(branch)
        if line is not None and line.cumulative is not None:
            return line.cumulative
        return self.cumulative

    @property
    def release_branch_regex(self) -> re.Pattern[str]:
        """The release-branch pattern as a regex with ``major`` and ``minor`` groups."""
        return pattern_regex(self.release_branch_pattern)

    def release_branch(self, series: tuple[int, int]) -> str:
        """The release-branch name of a series (``rel-v8r1`` for ``(8, 1)``)."""
        return self.release_branch_pattern.format(major=series[0], minor=series[1])


def pattern_regex(pattern: str) -> re.Pattern[str]:
    """Compile a branch pattern with ``{major}`` and ``{minor}`` into a regex."""
    parts = re.split(r"(\{major\}|\{minor\})", pattern)
    regex = ""
    for part in parts:
        if part == "{major}":
            regex += r"(?P<major>0|[1-9][0-9]{0,8})"  # at most 9 digits: no absurd series
        elif part == "{minor}":
            regex += r"(?P<minor>0|[1-9][0-9]{0,8})"
        else:
            regex += re.escape(part)
    return re.compile(f"^{regex}\\Z")


def _key(name: str) -> str:
    """The full dotted name of a key, for error messages."""
    return f"{SECTION}.{name}"


def _expect_str(name: str, value: Any) -> str:
    """A non-empty string, or a ConfigError naming the key."""
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{_key(name)} must be a non-empty string, not {value!r}")
    return value


def _expect_choice(name: str, value: Any, choices: tuple[str, ...]) -> str:
    """One of ``choices``, or a ConfigError naming the key and the choices."""
    if value not in choices:
        raise ConfigError(f"{_key(name)} must be one of {', '.join(choices)}, not {value!r}")
    return value


def _expect_bool(name: str, value: Any) -> bool:
    """true or false, or a ConfigError naming the key."""
    if not isinstance(value, bool):
        raise ConfigError(f"{_key(name)} must be true or false, not {value!r}")
    return value


def _expect_days(name: str, value: Any) -> int:
    """A whole number of days, zero or more, or a ConfigError naming the key."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"{_key(name)} must be a whole number of days (0 or more), not {value!r}")
    return value


def _parse_series(name: str, value: Any) -> tuple[int, int]:
    """A series written ``"X.Y"``."""
    match = re.fullmatch(r"(\d{1,9})\.(\d{1,9})", value) if isinstance(value, str) else None
    if not match:
        raise ConfigError(f'{_key(name)} must be a series such as "8.0", not {value!r}')
    return int(match.group(1)), int(match.group(2))


def _parse_pattern(name: str, value: Any) -> str:
    """A branch pattern holding ``{major}`` and ``{minor}`` once each."""
    value = _expect_str(name, value)
    if value.count("{major}") != 1 or value.count("{minor}") != 1:
        raise ConfigError(
            f"{_key(name)} must contain {{major}} and {{minor}} once each, not {value!r}"
        )
    rest = value.replace("{major}", "").replace("{minor}", "")
    if "{" in rest or "}" in rest:
        raise ConfigError(f"{_key(name)} may only use the placeholders {{major}} and {{minor}}")
    return value


def _parse_branches(name: str, value: Any) -> tuple[str, ...]:
    """A branch name or a list of them; ``[]`` means none (no integration line)."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"{_key(name)} must be a branch name or a list of branch names")
    return tuple(value)


def _relative_path(name: str, value: Any) -> str:
    """A path relative to the repository that stays inside it (no ``/...``, no ``..``)."""
    value = _expect_str(name, value)
    parts = Path(value).parts
    if Path(value).is_absolute() or ".." in parts or value.startswith("~"):
        raise ConfigError(f"{_key(name)} must be a path inside the repository, not {value!r}")
    if value.endswith(("/", "\\")) or parts in ((), (".",)):
        raise ConfigError(f"{_key(name)} must name a file, not the directory {value!r}")
    return value


#: The placeholders of ``commit_message`` and the sample values it is checked with.
COMMIT_FIELDS = {"tag": "v8.0.1", "version": "8.0.1"}


def _parse_commit_message(name: str, value: Any) -> str:
    """A template using only ``{tag}`` and ``{version}``; formatted once with sample values."""
    value = _expect_str(name, value)
    allowed = ", ".join(f"{{{f}}}" for f in COMMIT_FIELDS)
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(value) if f is not None]
    except ValueError as exc:
        raise ConfigError(
            f"{_key(name)} is not a valid template ({exc}): write {{{{ and }}}} for braces"
        ) from None
    for field_name in fields:
        if field_name not in COMMIT_FIELDS:
            raise ConfigError(f"{_key(name)} uses {{{field_name}}}; it may use only {allowed}")
    try:
        sample = value.format(**COMMIT_FIELDS)
    except (ValueError, KeyError, IndexError) as exc:
        raise ConfigError(f"{_key(name)} is not a valid template: {exc}") from None
    if not sample.strip():
        raise ConfigError(f"{_key(name)} gives an empty commit message")
    return value


def _parse_paths(name: str, value: Any) -> tuple[str, ...]:
    """A list of relative file paths (possibly empty)."""
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"{_key(name)} must be a list of file paths")
    if any(v.startswith("/") or ".." in Path(v).parts for v in value):
        raise ConfigError(f"{_key(name)} must hold paths inside the repository")
    return tuple(value)


def _parse_path(name: str, value: Any) -> str:
    """One relative file path inside the repository."""
    value = _expect_str(name, value)
    if value.startswith("/") or ".." in Path(value).parts:
        raise ConfigError(f"{_key(name)} must be a path inside the repository, not {value!r}")
    return value


def _parse_lines(value: Any) -> dict[str, LineConfig]:
    """The per-branch tables of ``[tool.release-tool.lines]``."""
    if not isinstance(value, dict):
        raise ConfigError(f"{_key('lines')} must be a table of branch names")
    lines = {}
    for branch, table in value.items():
        where = f"lines.{branch}"
        if not isinstance(table, dict):
            raise ConfigError(f"{_key(where)} must be a table")
        for key in table:
            if key not in {"scheme", "cumulative", "dual_tags"}:
                raise ConfigError(f"unknown configuration key {_key(where + '.' + key)}")
        scheme = table.get("scheme")
        if scheme is not None:
            _expect_choice(f"{where}.scheme", scheme, SCHEMES)
        cumulative = table.get("cumulative")
        if cumulative is not None:
            _expect_bool(f"{where}.cumulative", cumulative)
        dual_tags = table.get("dual_tags")
        if dual_tags is not None:
            _expect_bool(f"{where}.dual_tags", dual_tags)
        lines[branch] = LineConfig(scheme=scheme, cumulative=cumulative, dual_tags=dual_tags)
    return lines


_PARSERS = {
    "release_branch_pattern": _parse_pattern,
    "integration_branches": _parse_branches,
    "pep440_from": _parse_series,
    "open_series_with": lambda n, v: _expect_choice(n, v, OPENINGS),
    "tag_prefix": lambda n, v: v if isinstance(v, str) else _expect_str(n, v),
    "remote": _expect_str,
    "cumulative": _expect_bool,
    "active_period_days": _expect_days,
    "allow_epochs": _expect_bool,
    "allow_post_releases": _expect_bool,
    "integration_finals": _expect_bool,
    "notes_file": _relative_path,
    "version_files": lambda n, v: _parse_paths(n, v),
    "commit_message": _parse_commit_message,
    "sign_tags": _expect_bool,
    "require_ci": _expect_bool,
    "index_url": _expect_str,
    "build_isolation": _expect_bool,
    "twine_check": lambda n, v: _expect_choice(n, v, TWINE_CHECKS),
    "notes": lambda n, v: _notes_config(v),
    "sweep": lambda n, v: sweep_config_from_mapping(v, prefix=_key("sweep")),
    "templates": lambda n, v: Path(_expect_str(n, v)),
    "lines": lambda n, v: _parse_lines(v),
    "meeting_every": lambda n, v: _meeting_key(n, v),
    "meetings": lambda n, v: _meeting_key(n, v),
    "summary": lambda n, v: _summary_config(v),
    "hackathons_file": lambda n, v: _parse_path(n, v),
}


def _meeting_key(name: str, value: Any) -> Any:
    """``meeting_every`` (a period) or ``meetings`` (dates), validated by the summary's rules."""
    from ..summary.window import parse_meetings, parse_period

    if name == "meeting_every":
        return parse_period(value, _key(name))
    return parse_meetings(value, _key(name))


def _summary_config(table: Any = None) -> SummaryConfig:
    """The summary settings: defaults, or validated from ``[tool.release-tool.summary]``."""
    from ..summary.config import SummaryConfig, summary_config_from_mapping

    if table is None:
        return SummaryConfig()
    return summary_config_from_mapping(table, _key("summary"))


def _notes_config(table: Any = None) -> NotesConfig:
    """The notes settings: defaults, or validated from ``[tool.release-tool.notes]``."""
    from ..notes.config import NotesConfig, notes_config_from_mapping

    if table is None:
        return NotesConfig()
    return notes_config_from_mapping(table, prefix=_key("notes"))


def config_from_mapping(table: Any, root: Path | None = None) -> Config:
    """Validate the ``[tool.release-tool]`` table and build a :class:`Config`.

    ``templates`` (a directory overriding the notes templates) is taken
    relative to ``root``, the repository, when given.
    """
    if not isinstance(table, dict):
        raise ConfigError(f"[{SECTION}] must be a table")
    values = {}
    for key, value in table.items():
        parser = _PARSERS.get(key)
        if parser is None:
            known = ", ".join(sorted(_PARSERS))
            raise ConfigError(f"unknown configuration key {_key(key)} (known keys: {known})")
        values[key] = parser(key, value)
    templates = values.pop("templates", None)
    if templates is not None:
        if root is not None and not templates.is_absolute():
            templates = Path(root) / templates
        notes = values.get("notes") or _notes_config()
        values["notes"] = dataclasses.replace(notes, templates=templates)
    return Config(**values)


def load_config(root: Path) -> Config:
    """Read ``[tool.release-tool]`` from ``root/pyproject.toml``; defaults when absent."""
    path = Path(root) / "pyproject.toml"
    if not path.is_file():
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"{path}: [tool] must be a table, not {tool!r}")
    table = tool.get("release-tool")
    if table is None:
        return Config()
    config = config_from_mapping(table, root=Path(root))
    check_against_repository(config, Path(root), table)
    return config


def check_against_repository(config: Config, root: Path, table: dict) -> None:
    """The checks that need the repository: files inside it, names git accepts as refs.

    ``notes_file`` and ``version_files`` must stay inside ``root`` once symbolic links are
    resolved and must not be directories; the configured tag prefix, release-branch pattern
    and integration branches must give names that ``git check-ref-format`` accepts.
    """
    from .. import proc

    real_root = root.resolve()
    for name, paths in (("notes_file", [config.notes_file]),
                        ("version_files", config.version_files)):  # fmt: skip
        for relative in paths:
            target = (root / relative).resolve()
            if target != real_root and real_root not in target.parents:
                raise ConfigError(
                    f"{_key(name)}: {relative} leads outside the repository (to {target})"
                )
            if target.is_dir():
                raise ConfigError(f"{_key(name)}: {relative} is a directory, not a file")
        if name == "notes_file" and (root / config.notes_file).is_symlink():
            raise ConfigError(
                f"{_key(name)}: {config.notes_file} is a symbolic link; name the file itself "
                "(notes files are never written through links)"
            )
    refs = []
    if "tag_prefix" in table:
        refs += [("tag_prefix", f"refs/tags/{config.tag_prefix}{v}") for v in ("8.0.1", "8.1.0a1")]
    if "release_branch_pattern" in table:
        refs.append(("release_branch_pattern",
                     f"refs/heads/{config.release_branch((8, 0))}"))  # fmt: skip
    if "integration_branches" in table:
        refs += [("integration_branches", f"refs/heads/{b}") for b in config.integration_branches]
    for name, ref in refs:
        result = proc.run(["git", "check-ref-format", ref], check=False)
        if result.returncode != 0:
            shown = ref.split("/", 2)[2]
            raise ConfigError(f"{_key(name)} gives {shown!r}, which git refuses as a ref name")
