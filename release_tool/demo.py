"""A small DIRAC-shaped repository to try every command on, with no network.

Three release lines (``rel-v7r3`` with legacy tags, ``rel-v8r0`` with PEP
440 tags, ``integration`` with alphas of 8.1), forward merges between them,
a dual-tagged release, a sweep, a squash-merged PR, unreleased PRs on every
line, junk tags, and a local bare repository as ``origin``. The work tree
is a buildable Python project (``diracdemo``).
"""

from __future__ import annotations

from pathlib import Path

from .errors import InputError
from .gitbuild import RepoBuilder

PYPROJECT = """\
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "diracdemo"
dynamic = ["version"]
description = "A DIRAC-shaped demo project for release-tool"
requires-python = ">=3.9"

[tool.hatch.version]
path = "src/diracdemo/__init__.py"
"""


def _version_file(version: str) -> dict[str, str]:
    """The package's ``__init__.py`` holding ``version``."""
    return {"src/diracdemo/__init__.py": f'"""DIRAC demo."""\n\n__version__ = "{version}"\n'}


def build_demo(directory: str | Path) -> Path:
    """Build the demo under ``directory`` (which must be empty or absent); return the repo path.

    ``directory/repo`` is the working repository, ``directory/origin.git`` its remote.
    """
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise InputError(f"{directory}: directory is not empty; give a new or empty one")
    repo = RepoBuilder(directory / "repo", branch="integration")
    repo.commit(
        "Initial import of the demo project",
        {"pyproject.toml": PYPROJECT, "README.md": "# diracdemo\n", **_version_file("7.3.0a0")},
    )
    # 7.3 series: pre-releases on integration, then a release branch.
    repo.merge_pr(1, "Add the WorkloadManagement agent", author="alice")
    repo.tag("v7r3-pre1", message="v7r3-pre1")
    repo.merge_pr(2, "Add DataManagement catalogue plugin", author="bob")
    repo.tag("v7r3-pre2", message="v7r3-pre2")
    repo.checkout("rel-v7r3", create_from="integration")
    repo.commit("docs: Add release notes for v7r3", _version_file("7.3.0"))
    repo.tag("v7r3", message="v7r3")
    repo.merge_pr(3, "Fix proxy renewal in the JobAgent", author="carol", head="73_fixes1")
    repo.tag("v7r3p1", message="v7r3p1")
    repo.merge_pr(4, "Fix pilot logging of failed jobs", author="alice", head="73_fixes2")
    repo.commit("docs: Add release notes for v7r3p2", _version_file("7.3.2"))
    repo.tag("v7r3p2", message="v7r3p2")
    repo.tag("v7.3.2", message="v7.3.2")  # DIRAC dual-tags: one release, two names
    repo.merge_pr(5, "Fix a typo in the FTS3 agent", author="dave", head="73_fixes3")
    # 8.0 series: forward merge, alphas, release branch.
    repo.checkout("integration")
    repo.merge("rel-v7r3", "Merge branch 'rel-v7r3' into integration")
    repo.merge_pr(6, "Move to Python 3", author="bob", head="py3")
    repo.tag("v8.0.0a1", message="v8.0.0a1")
    repo.squash_pr(7, "feat(WMS): new matcher limits")
    repo.tag("v8.0.0a2", message="v8.0.0a2")
    repo.checkout("rel-v8r0", create_from="integration")
    repo.commit("docs: Add release notes for v8.0.0", _version_file("8.0.0"))
    repo.tag("v8.0.0", message="v8.0.0")
    fix = repo.merge_pr(8, "Fix the StorageElement cache", author="carol", head="80_fixes1")
    repo.tag("v8.0.1", message="v8.0.1")
    repo.squash_pr(9, "fix(DMS): retry failed transfers")
    # 8.1 alphas on integration, with a sweep of #8.
    repo.checkout("integration")
    repo.merge("rel-v8r0", "Merge branch 'rel-v8r0' into integration")
    repo.merge_pr(10, "Add token support to the pilot", author="dave", head="tokens")
    repo.tag("v8.1.0a1", message="v8.1.0a1")
    repo.merge_pr(
        11,
        "[sweep:integration] Fix the StorageElement cache",
        author="release-bot",
        head=f"cherry-pick-2-{fix[:8]}-integration",
        body=(
            "Sweep #8 `Fix the StorageElement cache` to `integration`.\n"
            f"(cherry picked from commit {fix})"
        ),
    )
    repo.tag("v8.1.0a2", message="v8.1.0a2")
    repo.merge_pr(12, "Add the Monitoring dashboard", author="erin", head="monitoring")
    # Tags that are not versions: ignored everywhere, listed by 'tags audit'.
    repo.tag("latest")
    repo.tag("v8.0.0.a18", "v8.0.0a2")
    repo.make_bare_origin(directory / "origin.git", ["integration", "rel-v7r3", "rel-v8r0"])
    return repo.path
