"""The builder adapter: sdist and wheel with ``build``, reproducible and verified.

``SOURCE_DATE_EPOCH`` comes from the release commit, so two builds of one
tag give byte-identical files (the resume after a lost journal relies on
it). Each artifact's metadata version must equal the release version, and
``twine check --strict`` must pass.
"""

from __future__ import annotations

import email.parser
import hashlib
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


class BuildError(ReleaseToolError):
    """Building or checking the distribution files failed."""


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
    noop: bool = False,
) -> list[Artifact]:
    """Build sdist and wheel of ``project`` into ``outdir`` (emptied first) and verify them.

    ``expected_version`` is the PEP 440 form of the release version.
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
            raise BuildError(
                f"{path.name} says version {found}, the release is {expected_version}: "
                "is the version written where the build reads it (version_files)?"
            )
        artifacts.append(Artifact(path, kind, sha256(path), path.stat().st_size, found))
    if {a.kind for a in artifacts} != {"sdist", "wheel"}:
        raise BuildError(f"the build of {project.name} did not make both an sdist and a wheel")
    check = proc.run([sys.executable, "-m", "twine", "check", "--strict",
                      *[str(a.path) for a in artifacts]], cwd=project, check=False,
                     env={"NO_COLOR": "1", "COLUMNS": "200"})  # fmt: skip
    if check.returncode != 0:
        output = re.sub(r"\x1b\[[0-9;]*m", "", check.stdout + check.stderr)
        problems = sorted(
            {
                line.split("WARNING", 1)[-1].split("ERROR", 1)[-1].strip()
                for line in output.splitlines()
                if "WARNING" in line or "ERROR" in line
            }
        )
        raise BuildError(f"twine check failed: {'; '.join(problems) or 'see twine check'}")
    return artifacts
