"""A repository that packages like DIRAC: setuptools + setuptools_scm, legacy tags ignored.

DIRAC 7.3 and later take their version from git tags with setuptools_scm,
whose ``git_describe_command`` / ``tag_regex`` skip the legacy ``vXrYpZ``
tags; 7.3 releases are therefore dual-tagged (``v7r3p1`` and ``v7.3.1`` on
one commit). ``setup.cfg`` has no ``long_description_content_type`` (twine
check warns). The work tree builds without isolation from the test
environment (setuptools, setuptools_scm and wheel are in the ``test`` extra).

Lines: ``rel-v7r3`` (dual-tagged, latest ``v7r3p1=v7.3.1``, one fix
unreleased), ``rel-v8r0`` (PEP 440, latest ``v8.0.1``, one fix unreleased)
and ``integration``; a bare ``origin`` beside the work tree.
"""

from __future__ import annotations

from pathlib import Path

from release_tool.history.gitbuild import RepoBuilder

PYPROJECT = r'''[build-system]
requires = ["setuptools>=61", "wheel", "setuptools_scm[toml]>=3.4"]
build-backend = "setuptools.build_meta"

[tool.setuptools_scm]
# As DIRAC: avoid letting setuptools_scm use the old style tags (vXrYpZ)
tag_regex = '^(?:[\w-]+-)?(?P<version>[vV]?\d+(?:\.\d+){0,2}[^\+]*)(?:\+.*)?$'
git_describe_command = """git describe --dirty --tags --long --match *[0-9].[0-9]* \
    --exclude v[0-9]r* --exclude v[0-9][0-9]r*"""

[tool.release-tool]
build_isolation = false
'''

SETUP_CFG = """[metadata]
name = diracscm
description = A project packaged like DIRAC
long_description = file: README.md
license = GPL-3.0-only

[options]
package_dir =
    =src
packages = find:
python_requires = >=3.9

[options.packages.find]
where = src
"""

FILES = {
    "pyproject.toml": PYPROJECT,
    "setup.cfg": SETUP_CFG,
    "README.md": "diracscm\n========\n\nPackaged like DIRAC.\n",
    ".gitignore": "*.egg-info/\nbuild/\ndist/\n",
    "src/diracscm/__init__.py": '"""Packaged like DIRAC: the version comes from git tags."""\n',
}


def build_scm_project(directory: Path) -> Path:
    """Build the repository under ``directory``; the work tree's path (``directory/repo``).

    The work tree is left on ``rel-v7r3``.
    """
    repo = RepoBuilder(directory / "repo", branch="integration")
    repo.commit("Initial import", FILES)
    repo.merge_pr(1, "feat(WMS): a new matcher")
    repo.checkout("rel-v7r3", create_from="integration")
    repo.tag("v7r3", message="v7r3")
    repo.tag("v7.3.0", message="v7.3.0")
    repo.merge_pr(2, "fix(WMS): the matcher limits", head="73_fix1")
    repo.tag("v7r3p1", message="v7r3p1")
    repo.tag("v7.3.1", message="v7.3.1")
    repo.merge_pr(3, "fix(DMS): retry failed transfers", head="73_fix2")
    repo.checkout("integration")
    repo.merge("rel-v7r3", "Merge branch 'rel-v7r3' into integration")
    repo.merge_pr(4, "feat(Core): Python 3 only", head="py3")
    repo.tag("v8.0.0a1", message="v8.0.0a1")
    repo.checkout("rel-v8r0", create_from="integration")
    repo.tag("v8.0.0", message="v8.0.0")
    repo.merge_pr(5, "fix(DMS): the StorageElement cache", head="80_fix1")
    repo.tag("v8.0.1", message="v8.0.1")
    repo.merge_pr(6, "fix(WMS): pilot logging", head="80_fix2")
    repo.checkout("rel-v7r3")
    repo.make_bare_origin(directory / "origin.git", ["integration", "rel-v7r3", "rel-v8r0"])
    return repo.path
