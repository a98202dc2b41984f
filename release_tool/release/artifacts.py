"""The builder adapter: sdist and wheel with ``build``, reproducible and verified.

``SOURCE_DATE_EPOCH`` comes from the release commit, so two builds of one
tag give byte-identical files (the resume after a lost journal relies on
it). Each artifact's metadata version must equal the release version, and
``twine check`` must pass: its errors always fail, its warnings fail only
with ``twine_check = "strict"`` (they are logged otherwise).
"""

from __future__ import annotations

import email.parser
import hashlib
import logging
import re
import shutil
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from packaging.version import Version as PepVersion

from .. import proc
from ..errors import CommandError, ReleaseToolError

log = logging.getLogger(__name__)


class BuildError(ReleaseToolError):
    """Building or checking the distribution files failed."""


class VersionMismatch(BuildError):
    """The build made files of another version than the release's."""

    def __init__(self, filename: str, found: str, expected: str) -> None:
        """``filename`` says version ``found``; the release is ``expected`` (PEP 440 forms)."""
        super().__init__(
            f"{filename} says version {found}, the release is {expected}",
            hint="is the version written where the build reads it (version_files)?",
        )
        self.filename, self.found, self.expected = filename, found, expected


@dataclass(frozen=True)
class Artifact:
    """A built distribution file."""

    path: Path
    kind: str  # "sdist" or "wheel"
    sha256: str
    size: int
    version: str


def sha256(path: Path) -> str:
    """The hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def metadata_version(path: Path) -> str:
    """The ``Version`` field of a wheel's METADATA or an sdist's PKG-INFO."""
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as wheel:
            name = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
            text = wheel.read(name).decode("utf-8")
    else:
        with tarfile.open(path) as sdist:
            member = next(m for m in sdist.getmembers() if m.name.count("/") == 1
                          and m.name.endswith("/PKG-INFO"))  # fmt: skip
            text = sdist.extractfile(member).read().decode("utf-8")
    return email.parser.HeaderParser().parsestr(text)["Version"]


def build_artifacts(
    project: Path,
    outdir: Path,
    *,
    source_date_epoch: int,
    expected_version: str,
    isolation: bool = True,
    twine_check: str = "errors",
    noop: bool = False,
) -> list[Artifact]:
    """Build sdist and wheel of ``project`` into ``outdir`` (emptied first) and verify them.

    ``expected_version`` is the PEP 440 form of the release version; a
    different version in the files raises :class:`VersionMismatch`.
    ``twine_check`` is ``"errors"`` (warnings are logged) or ``"strict"``.
    """
    if noop:
        return []
    outdir = Path(outdir)
    if outdir.exists():
        shutil.rmtree(outdir)
    outdir.mkdir(parents=True)
    args = [sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", str(outdir)]
    if not isolation:
        args.append("--no-isolation")
    env = {"SOURCE_DATE_EPOCH": str(source_date_epoch), "PYTHONHASHSEED": "0"}
    try:
        proc.run([*args, str(project)], cwd=project, env=env, timeout=900)
    except CommandError as exc:
        raise BuildError(f"building {project.name} failed: {exc.message}") from None
    artifacts = []
    for path in sorted(outdir.iterdir()):
        kind = "wheel" if path.suffix == ".whl" else "sdist"
        found = metadata_version(path)
        if PepVersion(found) != PepVersion(expected_version):
            raise VersionMismatch(path.name, found, expected_version)
        artifacts.append(Artifact(path, kind, sha256(path), path.stat().st_size, found))
    if {a.kind for a in artifacts} != {"sdist", "wheel"}:
        raise BuildError(f"the build of {project.name} did not make both an sdist and a wheel")
    twine_check_artifacts(project, artifacts, mode=twine_check)
    return artifacts


def twine_problems(output: str) -> tuple[list[str], list[str]]:
    """The distinct ``(errors, warnings)`` twine check printed."""
    errors, warnings = set(), set()
    for line in re.sub(r"\x1b\[[0-9;]*m", "", output).splitlines():
        if "ERROR" in line:
            errors.add(line.split("ERROR", 1)[1].strip())
        elif "WARNING" in line:
            warnings.add(line.split("WARNING", 1)[1].strip())
    return sorted(errors), sorted(warnings)


def twine_check_artifacts(project: Path, artifacts: list[Artifact], *, mode: str) -> None:
    """Run ``twine check``: errors always fail; warnings fail in ``strict`` mode, else logged."""
    strict = mode == "strict"
    check = proc.run([sys.executable, "-m", "twine", "check", *(["--strict"] if strict else []),
                      *[str(a.path) for a in artifacts]], cwd=project, check=False,
                     env={"NO_COLOR": "1", "COLUMNS": "200"})  # fmt: skip
    errors, warnings = twine_problems(check.stdout + check.stderr)
    if check.returncode != 0 and (errors or not warnings):
        raise BuildError(
            f"twine check failed: {'; '.join(errors) or 'see twine check'}",
            hint="fix the package metadata (the long description must render): the index "
            "would refuse these files",
        )
    if check.returncode != 0:
        raise BuildError(
            f"twine check --strict failed on warnings: {'; '.join(warnings)}",
            hint=f'{_fix_for(warnings)}, or relax the check with twine_check = "errors" '
            "in [tool.release-tool] (warnings are then printed, not fatal)",
        )
    for warning in warnings:
        log.warning("twine check warns: %s; the index accepts it (to fix: %s)", warning,
                    _fix_for([warning]))  # fmt: skip


def _fix_for(warnings: list[str]) -> str:
    """How to fix twine's warnings, for a person."""
    if any("long_description_content_type" in w for w in warnings):
        return (
            "set long_description_content_type = text/markdown (or text/x-rst) in setup.cfg "
            "[metadata], or give pyproject's [project] a readme"
        )
    if any("long_description" in w for w in warnings):
        return "give the package a long description (readme)"
    return "fix the package metadata"
