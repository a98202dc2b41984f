"""``tags audit`` on real DIRAC-family histories, checked against git itself.

The histories of ../shared/corpus/histories are rebuilt with ``git fast-import``
and audited; the expected contradictions are computed independently, one
``git for-each-ref --merged`` per tagged commit, without release_tool's audit.
Run with ``-s`` to see what the audit finds.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import corpus_file

from release_tool.cli import cli
from release_tool.core.config import Config
from release_tool.core.tags import AuditReport
from release_tool.core.versions import try_parse
from release_tool.history.gitbuild import ISOLATED_ENV
from release_tool.history.gitrepo import GitRepo
from release_tool.history.history_import import import_history, load_jsonl
from release_tool.history.inventory import Inventory

pytestmark = pytest.mark.corpus

#: (ancestor tags, descendant tags) of a contradiction, each side sorted.
Pair = tuple[tuple[str, ...], tuple[str, ...]]


def git(path: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run git in ``path`` shielded from the user's configuration."""
    return subprocess.run(
        ["git", *args],
        cwd=path,
        env={**os.environ, **ISOLATED_ENV},
        capture_output=True,
        text=True,
        check=check,
    )


def rebuild(name: str, dest: Path) -> Path:
    """Rebuild the corpus history ``name`` at ``dest`` (skip when the corpus is absent)."""
    source = corpus_file("histories", f"{name}.jsonl.gz")
    import_history(load_jsonl(source), dest)
    return dest


def expected_audit(path: Path) -> tuple[set[Pair], list[str]]:
    """Contradictions and junk tags as git sees them, without release_tool's audit.

    A release is the set of tags of one version on one commit. For every
    tagged commit, ``git for-each-ref --merged`` lists the tags among its
    ancestors (itself included); an ancestor release on another commit with a
    higher version than a release of this commit is a contradiction.
    """
    listing = git(path, "for-each-ref", "--format=%(refname:strip=2) %(objectname)", "refs/tags")
    releases: dict[tuple[str, object], list[str]] = defaultdict(list)
    junk = []
    for line in listing.stdout.splitlines():
        name, commit = line.split()
        version = try_parse(name)
        if version is None:
            junk.append(name)
        else:
            releases[(commit, version.pep)].append(name)
    by_name = {name: key for key, names in releases.items() for name in names}
    commits = sorted({commit for commit, _ in releases})

    def merged(commit: str) -> set[str]:
        """Tag names reachable from ``commit``."""
        out = git(path, "for-each-ref", f"--merged={commit}", "--format=%(refname:strip=2)")
        return set(out.stdout.split())

    with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) as pool:
        reachable = dict(zip(commits, pool.map(merged, commits), strict=True))

    pairs: set[Pair] = set()
    for (commit, version), names in releases.items():
        for ancestor in {by_name[n] for n in reachable[commit] if n in by_name}:
            anc_commit, anc_version = ancestor
            if anc_commit != commit and version < anc_version:
                pairs.add((tuple(sorted(releases[ancestor])), tuple(sorted(names))))
    return pairs, sorted(junk)


def pairs_of(report: AuditReport) -> list[Pair]:
    """The report's contradictions as sorted tag-name tuples, in report order."""
    return [(tuple(sorted(a.tags)), tuple(sorted(d.tags))) for a, d in report.contradictions]


def show(name: str, report: AuditReport) -> None:
    """Print what the audit found, for ``pytest -s``."""
    print(
        f"\n{name}: {len(report.contradictions)} contradiction(s), "
        f"{len(report.duplicates)} duplicate version(s), {len(report.mixed)} mixed commit(s), "
        f"{len(report.junk)} junk tag(s)"
    )
    for ancestor, descendant in report.contradictions[:5]:
        print(f"  contradiction: {descendant.name} descends from {ancestor.name}")
    for group in report.duplicates[:5]:
        print(f"  duplicate: {group[0].version} tagged as {', '.join(r.name for r in group)}")
    for commit, group in report.mixed[:5]:
        print(f"  mixed: {commit[:10]} carries {', '.join(r.name for r in group)}")
    if report.junk:
        print(f"  junk: {', '.join(report.junk[:10])}")


@pytest.fixture(scope="module")
def webapp(tmp_path_factory) -> Path:
    """WebAppDIRAC's history rebuilt in a temporary directory."""
    return rebuild("WebAppDIRAC", tmp_path_factory.mktemp("corpus") / "WebAppDIRAC")


@pytest.fixture(scope="module")
def webapp_report(webapp) -> AuditReport:
    """The in-process audit of WebAppDIRAC."""
    return Inventory(GitRepo(webapp), Config()).audit()


@pytest.fixture(scope="module")
def webapp_expected(webapp) -> tuple[set[Pair], list[str]]:
    """WebAppDIRAC's contradictions and junk tags computed with git alone."""
    return expected_audit(webapp)


def test_rebuilt_history_has_the_recorded_refs(webapp):
    """The rebuilt WebAppDIRAC has the 258 tags and 7 branches the README lists."""
    tags = git(webapp, "tag").stdout.split()
    branches = git(webapp, "for-each-ref", "--format=%(refname:strip=2)", "refs/heads")
    assert len(tags) == 258
    assert set(branches.stdout.split()) == {
        "integration", "master", "rel-v3r1", "rel-v4r0", "rel-v4r2", "rel-v4r3", "rel-v5r0",
    }  # fmt: skip


def test_contradictions_match_git(webapp_expected, webapp_report):
    """The audit's contradictions are exactly those git's reachability gives, each once."""
    expected, _ = webapp_expected
    found = pairs_of(webapp_report)
    assert len(found) == len(set(found)), "a contradiction is listed twice"
    assert set(found) == expected


def test_every_contradiction_is_a_real_ancestry(webapp, webapp_report):
    """git merge-base confirms every reported ancestor/descendant pair."""
    for ancestor, descendant in webapp_report.contradictions:
        assert descendant.version < ancestor.version
        assert ancestor.commit != descendant.commit
        result = git(
            webapp, "merge-base", "--is-ancestor", ancestor.tags[0], descendant.tags[0], check=False
        )
        assert result.returncode == 0, f"{ancestor.name} is not an ancestor of {descendant.name}"


def test_known_slips_are_found(webapp_report):
    """The misplaced v4.3.3 twin is found as a contradiction, a duplicate and a mixed commit."""
    show("WebAppDIRAC", webapp_report)
    found = set(pairs_of(webapp_report))
    # v4.3.3, the PEP 440 twin of v4r3p3, was put on an integration commit (the one
    # tagged v5r0-pre0) that already contains the v4.4.0a1 pre-release.
    assert (("v4.4.0a1", "v4r4-pre1"), ("v4.3.3",)) in found
    # The twins of v4r3 and v4r3p3 sit on other commits than the legacy tags.
    twins = {tuple(sorted(r.name for r in group)) for group in webapp_report.duplicates}
    assert {("v4.3.0", "v4r3"), ("v4.3.3", "v4r3p3")} <= twins
    mixed = {frozenset(r.name for r in group) for _, group in webapp_report.mixed}
    assert frozenset({"v4.3.3", "v5r0-pre0"}) in mixed


def test_junk_and_duplicates_match_git(webapp, webapp_expected, webapp_report):
    """Junk tags and versions tagged on several commits agree with git's tag list."""
    _, junk = webapp_expected
    assert webapp_report.junk == junk
    print(f"\nWebAppDIRAC junk tags: {junk or 'none'}")
    listing = git(webapp, "for-each-ref", "--format=%(refname:strip=2) %(objectname)", "refs/tags")
    commits_of: dict[object, set[str]] = defaultdict(set)
    for line in listing.stdout.splitlines():
        name, commit = line.split()
        version = try_parse(name)
        if version is not None:
            commits_of[version.pep].add(commit)
    duplicated = {pep for pep, commits in commits_of.items() if len(commits) > 1}
    assert {group[0].version.pep for group in webapp_report.duplicates} == duplicated


def test_cli_json_agrees_with_in_process_audit(webapp, webapp_report):
    """'tags audit --json' exits 0 and lists the in-process contradictions."""
    result = CliRunner().invoke(cli, ["--repo", str(webapp), "tags", "audit", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    from_cli = [
        (tuple(c["ancestor"]["tags"]), c["ancestor"]["commit"],
         tuple(c["descendant"]["tags"]), c["descendant"]["commit"])
        for c in data["contradictions"]
    ]  # fmt: skip
    in_process = [(a.tags, a.commit, d.tags, d.commit) for a, d in webapp_report.contradictions]
    assert from_cli == in_process
    assert data["junk"] == webapp_report.junk
    assert len(data["duplicates"]) == len(webapp_report.duplicates)


def test_comdirac_audits_without_error(tmp_path):
    """COMDIRAC audits cleanly, in-process and from the CLI, in agreement with git."""
    path = rebuild("COMDIRAC", tmp_path / "COMDIRAC")
    report = Inventory(GitRepo(path), Config()).audit()
    show("COMDIRAC", report)
    expected, junk = expected_audit(path)
    assert set(pairs_of(report)) == expected
    assert report.junk == junk


def test_junk_tags_on_a_real_history_are_reported(tmp_path):
    """Neither corpus history has junk tags, so add some to a rebuilt one."""
    path = rebuild("COMDIRAC", tmp_path / "COMDIRAC")
    for name in ("latest", "v1r3.old", "v8.0.0.a18"):
        git(path, "tag", name, "integration")
    report = Inventory(GitRepo(path), Config()).audit()
    _, junk = expected_audit(path)
    assert report.junk == junk == ["latest", "v1r3.old", "v8.0.0.a18"]
    result = CliRunner().invoke(cli, ["--repo", str(path), "tags", "audit", "--json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["contradictions"]) == len(report.contradictions)
