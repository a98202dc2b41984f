"""``summary --with-github`` against the GitHub emulator, through real PyGithub.

Open PRs per base branch, PRs waiting for review, failed sweeps, and a
release body as the notes of a release whose tag has no notes file: all
from listings and bulk fetches, never one request per PR.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from summary_helpers import SINCE, UNTIL, slide_demo

from release_tool.cli import cli
from release_tool.forge.github import GitHubForge, GitHubSettings
from release_tool.sandbox import GitHubEmulator

SLUG = "diracgrid/diracdemo"


def data_file(directory: Path) -> Path:
    """The demo's PR file plus the grown window's PRs and three open PRs."""
    pulls = json.loads((directory / "prs.json").read_text())
    merged = {13: "AREXCE: use the token file", 14: "RemoteRunner over ssh",
              15: "AREXCE: retry delegation", 16: "Add pilot monitoring"}  # fmt: skip
    for number, title in merged.items():
        pulls.append({
            "number": number, "title": title, "base": "integration" if number == 16 else "rel-v8r0",
            "merged_at": "2020-10-01T02:00:00Z",
            "labels": ["sweep:failed"] if number == 14 else [],
        })  # fmt: skip
    pulls += [
        {"number": 20, "title": "Old <b>open</b> fix", "base": "rel-v8r0", "state": "open",
         "created_at": "2020-09-20T10:00:00Z"},
        {"number": 21, "title": "New feature", "base": "integration", "state": "open",
         "created_at": "2020-10-12T10:00:00Z"},
        {"number": 22, "title": "Sweep that failed", "base": "integration", "state": "open",
         "created_at": "2020-10-12T10:00:00Z", "labels": ["sweep:failed"]},
    ]  # fmt: skip
    path = directory / "prs-github.json"
    path.write_text(json.dumps(pulls))
    return path


@pytest.fixture
def github_demo(tmp_path):
    directory = tmp_path / "demo"
    repo = slide_demo(directory, hackathons=False)
    with GitHubEmulator.from_repo(repo, prs_file=data_file(directory), name=SLUG) as gh:
        forge = GitHubForge(
            GitHubSettings(slug=SLUG, base_url=gh.base_url, token="t0ken", cache_dir=tmp_path)
        )
        release = forge.create_release(
            "v8.0.1", "v8.0.1", "*DMS\nFIX: (#8) the StorageElement cache\n", prerelease=False
        )
        forge.publish_release(release)
        gh.reset_counts()
        yield repo, gh


def summary(repo: Path, gh, tmp_path: Path, *args: str) -> dict:
    out = tmp_path / "summary.json"
    with pytest.raises(SystemExit) as done:
        cli.main(["--repo", str(repo), "--github-url", gh.base_url, "--github-repo", SLUG,
                  "--cache-dir", str(tmp_path / "cache"), "summary", "--with-github",
                  "--format", "json", "--output", str(out), *args])  # fmt: skip
    assert done.value.code == 0
    return json.loads(out.read_text())


def test_with_github(github_demo, tmp_path):
    repo, gh = github_demo
    data = summary(repo, gh, tmp_path, "--since", "2020-09-13", "--until", UNTIL)
    github = data["github"]
    assert {b: [p["number"] for p in prs] for b, prs in github["open_prs"].items()} == {
        "rel-v8r0": [20],
        "integration": [21, 22],
    }
    assert [p["number"] for p in github["waiting_review"]] == [20]  # 23 days > 7
    assert github["waiting_review"][0]["age_days"] == 23
    assert sorted(p["number"] for p in github["failed_sweeps"]) == [14, 22]
    releases = {r["version"]: r for line in data["lines"] for r in line["releases"]}
    assert releases["8.0.1"]["notes_source"] == "GitHub release"
    assert releases["8.0.1"]["subjects"][0]["name"] == "StorageElement"
    assert releases["8.0.2"]["notes_source"] == "release.notes at v8.0.2"
    # generated notes (8.0.0 has neither file nor release) use the PR bodies from GitHub
    assert releases["8.0.0"]["notes_source"] == "generated from PRs"
    routes = gh.counts()["by_route"]
    assert not any("/pulls/{number}" in route for route in routes), routes  # no per-PR calls
    assert gh.counts()["total"] <= 8, routes


def test_with_github_text_and_html_escape(github_demo, tmp_path):
    repo, gh = github_demo
    out = tmp_path / "s.html"
    with pytest.raises(SystemExit):
        cli.main(["--repo", str(repo), "--github-url", gh.base_url, "--github-repo", SLUG,
                  "--cache-dir", str(tmp_path / "c"), "summary", "--with-github", "--since",
                  SINCE, "--until", UNTIL, "--format", "html", "--output", str(out)])  # fmt: skip
    html = out.read_text()
    assert "Old &lt;b&gt;open&lt;/b&gt; fix" in html and "<b>open" not in html
    assert html.count("<section") == 5
    assert "1 PR waiting for review for more than 7 days" in html
