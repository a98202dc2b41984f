"""A small DIRAC-shaped repository to try every command on, with no network.

Three release lines (``rel-v7r3`` with legacy tags, ``rel-v8r0`` with PEP
440 tags, ``integration`` with alphas of 8.1), forward merges between them,
a dual-tagged release, a sweep, a squash-merged PR, unreleased PRs on every
line, junk tags, and a local bare repository as ``origin``. The work tree
is a buildable Python project (``diracdemo``). ``prs.json`` beside it holds
the PRs' GitHub side (bodies with release-notes blocks, labels, authors) in
the emulator's data-file format, so every command can run against
``release-tool sandbox serve --prs prs.json``.
"""

from __future__ import annotations

import json
from pathlib import Path

from .errors import InputError
from .history.gitbuild import RepoBuilder

PYPROJECT = """\
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "diracdemo"
dynamic = ["version"]
description = "A DIRAC-shaped demo project for release-tool"
readme = "README.md"
requires-python = ">=3.9"

[tool.hatch.version]
path = "src/diracdemo/__init__.py"

[tool.release-tool]
version_files = ["src/diracdemo/__init__.py"]
"""


def _version_file(version: str) -> dict[str, str]:
    """The package's ``__init__.py`` holding ``version``."""
    return {"src/diracdemo/__init__.py": f'"""DIRAC demo."""\n\n__version__ = "{version}"\n'}


def build_demo(directory: str | Path, *, sweeps: bool = False) -> Path:
    """Build the demo under ``directory`` (which must be empty or absent); return the repo path.

    ``directory/repo`` is the working repository, ``directory/origin.git`` its remote.
    ``sweeps`` adds PRs to sweep (see :func:`_add_sweep_examples`).
    """
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise InputError(f"{directory}: directory is not empty; give a new or empty one")
    repo = _DemoBuilder(directory / "repo", branch="integration")
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
    tokens_start = repo.clock  # the tokens hackathon starts before the forward merge
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
    tokens_end = repo.clock  # ends on the very second #11 is merged: inclusive
    repo.merge_pr(12, "Add the Monitoring dashboard", author="erin", head="monitoring")
    repo.commit(
        "Record the hackathons of the 8.1 series",
        {"hackathons.toml": hackathons_toml(tokens_start, tokens_end, repo.clock)},
    )
    if sweeps:
        _add_sweep_examples(repo)
    # Tags that are not versions: ignored everywhere, listed by 'tags audit'.
    repo.tag("latest")
    repo.tag("v8.0.0.a18", "v8.0.0a2")
    repo.make_bare_origin(directory / "origin.git", ["integration", "rel-v7r3", "rel-v8r0"])
    write_prs_file(directory / "prs.json", repo.prs)
    return repo.path


def _add_sweep_examples(repo: RepoBuilder) -> None:
    """Two fixes on rel-v8r0 labelled ``alsoTargeting:integration``: one sweeps cleanly,
    the other conflicts with a README rewrite merged into integration (#15)."""
    repo.merge_pr(15, "Rewrite the README", author="erin", head="readme",
                  files={"README.md": "# diracdemo: a DIRAC-shaped demo project\n"})  # fmt: skip
    repo.checkout("rel-v8r0")
    repo.merge_pr(13, "Fix the proxy lifetime check", author="carol", head="80_fixes2")
    repo.merge_pr(14, "Fix the README title", author="bob", head="80_fixes3",
                  files={"README.md": "# diracdemo (DIRAC demo)\n"})  # fmt: skip
    repo.checkout("integration")


def hackathons_toml(tokens_start: int, tokens_end: int, monitoring_end: int) -> str:
    """The demo's hackathons: two passed (tokens, monitoring), one planned (in 60 days)."""
    from datetime import date, datetime, timedelta, timezone

    def stamp(seconds: int) -> str:
        return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    planned = date.today() + timedelta(days=60)
    return f"""\
# The developer hackathons of diracdemo (see 'release-tool hackathon list').

[[hackathon]]
name = "tokens"
start = {stamp(tokens_start)}
end = {stamp(tokens_end)}
url = "https://indico.example.invalid/event/1"

[[hackathon]]
name = "monitoring"
start = {stamp(tokens_end + 1)}
end = {stamp(monitoring_end + 1800)}
series = "8.1"

[[hackathon]]
name = "next"
start = {planned.isoformat()}
end = {(planned + timedelta(days=2)).isoformat()}
series = "8.1"
"""


#: Release-note blocks of the demo PRs, as their authors wrote them on GitHub
#: (#7 and #9 rely on their conventional-commit titles, #12 has none at all).
BODIES = {
    1: "*WMS\nNEW: the WorkloadManagement agent",
    2: "* DMS:\nNEW: a catalogue plugin\n  with bulk queries",
    3: "*WorkloadManagement\nFIX: proxy renewal in the JobAgent",
    4: "*WorkloadManagementSystem\nBUGFIX: pilot logging of failed jobs",
    5: "*DataManagement\nFIX: typo in the FTS3 agent",
    6: "*Core\nCHANGE: Python 3 only\nREMOVED: Python 2 compatibility code",
    8: "*DMS\nFIX: the StorageElement cache",
    10: "*Framework\nNEW: token support in the pilot",
    11: "*DMS\nFIX: the StorageElement cache",
    13: "*Framework\nFIX: the proxy lifetime check",
    14: "*Core\nFIX: the README title",
    15: "*Core\nCHANGE: a new README",
}
LABELS = {
    8: ["bug"],
    11: ["sweep"],
    13: ["bug", "alsoTargeting:integration"],
    14: ["alsoTargeting:integration"],
}


class _DemoBuilder(RepoBuilder):
    """A RepoBuilder that remembers every PR it merges, for the emulator's data file."""

    def __init__(self, *args, **kwargs) -> None:
        """Start with no PRs."""
        super().__init__(*args, **kwargs)
        self.prs: list[dict] = []

    def _remember(self, number: int, title: str, commit: str, author: str, head: str) -> None:
        """Record a merged PR with its notes block and labels."""
        body = BODIES.get(number)
        self.prs.append(
            {
                "number": number,
                "title": title,
                "body": f"BEGINRELEASENOTES\n{body}\nENDRELEASENOTES\n" if body else "",
                "labels": LABELS.get(number, []),
                "author": author,
                "base": self.current_branch,
                "head": head,
                "merge_commit": commit,
                "merged_at": self.clock,
            }
        )

    def merge_pr(self, number: int, title: str, *, author: str = "dev", **kwargs) -> str:
        """Merge as GitHub does, and remember the PR."""
        commit = super().merge_pr(number, title, author=author, **kwargs)
        self._remember(number, title, commit, author, kwargs.get("head") or f"pr-{number}")
        return commit

    def squash_pr(self, number: int, title: str, files=None) -> str:
        """Squash-merge, and remember the PR."""
        commit = super().squash_pr(number, title, files)
        self._remember(number, title, commit, "dev", f"pr-{number}")
        return commit


def write_prs_file(path: Path, prs: list[dict]) -> None:
    """The emulator's PR data file (see :mod:`release_tool.sandbox.data`)."""
    path.write_text(json.dumps(prs, indent=2) + "\n", encoding="utf-8")
