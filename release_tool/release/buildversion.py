"""Where a project's build takes its version from, and why a build saw the wrong one.

Pure functions over the text of ``pyproject.toml`` and ``setup.cfg``: the
release step reads the files and, when the built files carry another
version than the release's, turns :func:`explain_mismatch` into the error's
cause and fix (no PEP 440 tag for the scm plugin, a version file not
updated, ...).
"""

from __future__ import annotations

import configparser
import re
from dataclasses import dataclass

from packaging.version import InvalidVersion
from packaging.version import Version as PepVersion

from ..compat import tomllib
from ..core.versions import PEP440, try_parse

SCM = "scm"
FILE = "file"
STATIC = "static"
UNKNOWN = "unknown"

_SCM_REQUIREMENT = re.compile(r"^\s*(setuptools[-_]scm|hatch[-_]vcs|pdm[-_]backend|versioningit)\b",
                              re.IGNORECASE)  # fmt: skip


@dataclass(frozen=True)
class VersionSource:
    """Where the build reads the version: ``kind`` is scm, file, static or unknown."""

    kind: str
    where: str  # for a person: "setuptools_scm (git tags)", "src/pkg/__init__.py", ...
    path: str | None = None  # the file holding the version, when there is one


def version_source(pyproject: str | None, setup_cfg: str | None) -> VersionSource:
    """Where the build of a project with these files takes its version from."""
    data: dict = {}
    if pyproject:
        try:
            data = tomllib.loads(pyproject)
        except tomllib.TOMLDecodeError:
            data = {}
    tool = data.get("tool", {}) if isinstance(data.get("tool"), dict) else {}
    project = data.get("project", {}) if isinstance(data.get("project"), dict) else {}
    requires = data.get("build-system", {}).get("requires", [])
    hatch = tool.get("hatch", {}).get("version", {})
    if "setuptools_scm" in tool or "setuptools-scm" in tool:
        return VersionSource(SCM, "setuptools_scm (git tags)")
    if isinstance(hatch, dict) and hatch.get("source") == "vcs":
        return VersionSource(SCM, "hatch-vcs (git tags)")
    if isinstance(hatch, dict) and isinstance(hatch.get("path"), str):
        return VersionSource(FILE, hatch["path"], hatch["path"])
    if isinstance(project.get("version"), str) and "version" not in project.get("dynamic", []):
        return VersionSource(STATIC, "the [project] version of pyproject.toml", "pyproject.toml")
    dynamic = tool.get("setuptools", {}).get("dynamic", {}).get("version", {})
    found = _setuptools_dynamic(dynamic) if isinstance(dynamic, dict) else None
    if found is None and setup_cfg:
        found = _setup_cfg_version(setup_cfg)
    if found is not None:
        return found
    for requirement in requires if isinstance(requires, list) else []:
        match = _SCM_REQUIREMENT.match(str(requirement))
        if match:
            return VersionSource(SCM, f"{match.group(1)} (git tags)")
    return VersionSource(UNKNOWN, "the build backend")


def _setuptools_dynamic(table: dict) -> VersionSource | None:
    """``[tool.setuptools.dynamic] version = {attr = ...}`` or ``{file = ...}``."""
    if isinstance(table.get("file"), str):
        return VersionSource(FILE, table["file"], table["file"])
    if isinstance(table.get("attr"), str):
        return VersionSource(FILE, f"the attribute {table['attr']}")
    return None


def _setup_cfg_version(text: str) -> VersionSource | None:
    """``version`` of setup.cfg's ``[metadata]`` (a literal, ``attr:`` or ``file:``)."""
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return None
    value = parser.get("metadata", "version", fallback="").strip()
    if not value:
        return None
    if value.startswith("file:"):
        path = value.removeprefix("file:").strip()
        return VersionSource(FILE, path, path)
    if value.startswith("attr:"):
        return VersionSource(FILE, f"the attribute {value.removeprefix('attr:').strip()}")
    return VersionSource(STATIC, "the version of setup.cfg [metadata]", "setup.cfg")


def explain_mismatch(
    source: VersionSource,
    found: str,
    expected: str,
    tags: list[str],
    version_files: tuple[str, ...],
    branch: str,
) -> tuple[str, str]:
    """``(cause, fix)`` of a build that made version ``found`` for the release ``expected``.

    ``tags`` are the release's tag names, ``version_files`` the files the
    release writes the version into.
    """
    try:
        pep = PepVersion(found)
    except InvalidVersion:
        pep = None
    from_scm_describe = pep is not None and (pep.dev is not None or pep.local is not None)
    if source.kind == SCM:
        pep_tags = [t for t in tags if (v := try_parse(t)) is not None and v.scheme == PEP440]
        plugin = source.where.split(" ")[0]
        if not pep_tags:
            version = try_parse(tags[0]) if tags else None
            wanted = f"v{version.pep440}" if version is not None else f"v{expected}"
            return (
                f"{plugin} takes the version from git tags and ignores the legacy tag "
                f"{', '.join(tags)}: the release has no PEP 440 tag for it",
                f"tag the releases of {branch} twice ({tags[0] if tags else 'legacy'} and "
                f'{wanted}): set dual_tags = true in [tool.release-tool.lines."{branch}"], '
                "then release again",
            )
        if from_scm_describe:
            return (
                f"{plugin} did not take the release tag {pep_tags[0]} on the release commit "
                f"(it counted commits since an older tag)",
                f"make its tag_regex / git_describe_command match {pep_tags[0]}, and build "
                "from the git checkout",
            )
        return (
            f"{plugin} read {found} from the tags of the release commit",
            f"check which tags point at the release commit ({', '.join(tags)})",
        )
    if source.kind in (FILE, STATIC) and source.path is not None:
        if source.path not in version_files:
            return (
                f"the build reads the version from {source.where}, which the release does not "
                "update",
                f'add "{source.path}" to version_files in [tool.release-tool]',
            )
        return (
            f"the build reads the version from {source.where}, which the release updated, "
            f"yet it saw {found}",
            "check that the build does not read another file (a stale build directory?)",
        )
    if source.kind == FILE:
        listed = ", ".join(version_files) or "none"
        return (
            f"the build reads the version from {source.where}, which the release did not set "
            f"to {expected} (version_files: {listed})",
            "add the module that defines it to version_files in [tool.release-tool]",
        )
    return (
        f"the build saw version {found}" + (" (from git describe)" if from_scm_describe else ""),
        "write the version where the build reads it (version_files in [tool.release-tool])",
    )
