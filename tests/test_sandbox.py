"""The GitHub emulator, exercised by the real PyGithub client and by raw HTTP requests."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time

import pytest
import requests
from github import Auth, Github, GithubException, GithubRetry
from github.GithubException import (
    BadCredentialsException,
    RateLimitExceededException,
    UnknownObjectException,
)

from release_tool import proc
from release_tool.demo import build_demo
from release_tool.errors import InputError
from release_tool.sandbox import GitHubEmulator
from release_tool.sandbox.data import load_prs
from release_tool.sandbox.loader import slug_from_url

TOKEN = "ghp_sandboxFAKEtoken0123456789abcdefABCDEF"
SLUG = "local/repo"  # the demo's origin is a local path: local/<folder name>

PR_FIELDS = """
fragment PrFields on PullRequest {
  number title body url state merged mergedAt updatedAt createdAt baseRefName headRefName
  mergeCommit { oid }
  author { login }
  labels(first: 20) { nodes { name } }
}
"""

BATCH_QUERY = (
    """
query($owner: String!, $name: String!) {
  repository(owner: $owner, name: $name) {
    pr1: pullRequest(number: 1) { ...PrFields }
    pr3: pullRequest(number: 3) { ...PrFields }
    pr12: pullRequest(number: 12) { ...PrFields }
  }
  rateLimit { limit cost remaining resetAt used }
}
"""
    + PR_FIELDS
)

MISSING_QUERY = (
    """
query($owner: String!, $name: String!) {
  repository(owner: $owner, name: $name) {
    pr2: pullRequest(number: 2) { ...PrFields }
    pr999: pullRequest(number: 999) { ...PrFields }
  }
}
"""
    + PR_FIELDS
)

CONNECTION_QUERY = """
query($owner: String!, $name: String!, $after: String, $states: [PullRequestState!],
      $base: String) {
  repository(owner: $owner, name: $name) {
    pullRequests(first: 100, after: $after, states: $states, baseRefName: $base,
                 orderBy: {field: UPDATED_AT, direction: DESC}) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { number updatedAt } }
      nodes { number state }
    }
  }
}
"""

EXCESSIVE_QUERY = """
query { repository(owner: "local", name: "repo") { pullRequests(first: 101) { totalCount } } }
"""

UNKNOWN_REPO_QUERY = """
query { repository(owner: "nobody", name: "nothing") { name } }
"""

#: Every valid GraphQL document these tests send (test_sandbox_schema checks them against GitHub's).
GRAPHQL_DOCUMENTS = {
    "batch": BATCH_QUERY,
    "missing": MISSING_QUERY,
    "connection": CONNECTION_QUERY,
    "excessive": EXCESSIVE_QUERY,
    "unknown_repo": UNKNOWN_REPO_QUERY,
}

#: Not valid against the schema: the emulator must say so as GitHub does.
INVALID_QUERY = 'query { repository(owner: "local", name: "repo") { nosuchfield } }'

EXPECTED_BASES = {
    1: "integration",
    2: "integration",
    3: "rel-v7r3",
    4: "rel-v7r3",
    5: "rel-v7r3",
    6: "integration",
    7: "integration",
    8: "rel-v8r0",
    9: "rel-v8r0",
    10: "integration",
    11: "integration",
    12: "integration",
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo repository (PRs #1..#12 on three release lines), built once."""
    return build_demo(tmp_path_factory.mktemp("demo") / "d")


@pytest.fixture
def gh(demo):
    """A running emulator of the demo repository, fresh for each test."""
    with GitHubEmulator.from_repo(demo) as emulator:
        yield emulator


def client(url: str, token: str | None = TOKEN, **options) -> Github:
    """A PyGithub client of the emulator without retries or throttling (tests stay fast)."""
    options.setdefault("retry", None)
    return Github(
        base_url=url,
        auth=Auth.Token(token) if token else None,
        seconds_between_requests=None,
        seconds_between_writes=None,
        **options,
    )


def get(url: str, token: str | None = TOKEN, **headers) -> requests.Response:
    """A raw GET."""
    if token:
        headers["Authorization"] = f"token {token}"
    return requests.get(url, headers=headers, timeout=10)


def graphql(gh: GitHubEmulator, query: str, token: str | None = TOKEN, **variables):
    """A raw GraphQL POST; the response."""
    headers = {"Authorization": f"bearer {token}"} if token else {}
    payload = {"query": query, "variables": {"owner": "local", "name": "repo", **variables}}
    return requests.post(gh.graphql_url, json=payload, headers=headers, timeout=10)


def seeded(count: int) -> GitHubEmulator:
    """An emulator (not started) of ``octo/big`` with ``count`` merged PRs on main."""
    pulls = [
        {
            "number": n,
            "title": f"Change {n}",
            "merge_commit": f"{n:040x}",
            "merged_at": 1_700_000_000 + n * 60,
            "updated_at": 1_700_000_000 + ((n * 7919) % count) * 60,
            "labels": ["bug"] if n % 2 else [],
            "base": "main" if n % 3 else "rel-1",
        }
        for n in range(1, count + 1)
    ]
    return GitHubEmulator.from_pulls(pulls, name="octo/big")


# -- repository, PRs --------------------------------------------------------------------------


def test_repository_under_both_layouts(gh):
    """PyGithub reads the repository with github.com's and GitHub Enterprise's base URLs."""
    for url in (gh.base_url, gh.enterprise_url):
        repo = client(url).get_repo(SLUG)
        assert repo.full_name == SLUG
        assert repo.default_branch == "integration"
        assert repo.url == f"{url}/repos/{SLUG}"
    assert gh.counts()["rest"] == 2


def test_unknown_repository_and_pr_are_404(gh):
    """Unknown repositories and PR numbers answer GitHub's 404 body."""
    with pytest.raises(UnknownObjectException):
        client(gh.base_url).get_repo("nobody/nothing")
    with pytest.raises(UnknownObjectException):
        client(gh.base_url).get_repo(SLUG).get_pull(999)
    body = get(f"{gh.base_url}/repos/{SLUG}/pulls/999").json()
    assert body["message"] == "Not Found"
    assert body["documentation_url"].startswith("https://docs.github.com/")


def test_derived_prs_follow_history(gh, demo):
    """Without a data file, PRs #1..#12 come from history, with their base lines."""
    pulls = gh.repo.pulls
    assert sorted(pulls) == list(range(1, 13))
    assert {n: pr.base for n, pr in pulls.items()} == EXPECTED_BASES
    pr = client(gh.base_url).get_repo(SLUG).get_pull(3)
    merge = subprocess.run(
        ["git", "log", "-1", "--format=%H", "--grep=Merge pull request #3 "],
        cwd=demo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert (pr.title, pr.user.login, pr.head.ref, pr.base.ref) == (
        "Fix proxy renewal in the JobAgent",
        "carol",
        "73_fixes1",
        "rel-v7r3",
    )
    assert pr.merged and pr.merge_commit_sha == merge and pr.state == "closed"
    assert pr.merged_at is not None and pr.updated_at == pr.merged_at
    assert "v7r3p1" in gh.repo.tags


def test_pull_pagination_with_link_headers():
    """per_page is capped at 100; Link headers carry next, last, prev and first."""
    with seeded(250) as gh:
        repo = client(gh.base_url, per_page=100).get_repo("octo/big")
        numbers = [pr.number for pr in repo.get_pulls(state="all")]
        assert sorted(numbers) == list(range(1, 251))
        assert numbers[0] == 250  # sort=created, direction=desc by default
        assert gh.counts()["by_route"]["GET /repos/{owner}/{repo}/pulls"] == 3
        url = f"{gh.base_url}/repos/octo/big/pulls"
        first = requests.get(url, params={"state": "all", "per_page": 500}, timeout=10)
        assert len(first.json()) == 100
        assert 'rel="next"' in first.headers["Link"] and "page=3" in first.headers["Link"]
        middle = get(f"{url}?state=all&per_page=100&page=2")
        links = dict(
            (part.split("; ")[1][5:-1], part.split("; ")[0][1:-1])
            for part in middle.headers["Link"].split(", ")
        )
        assert set(links) == {"next", "last", "prev", "first"}
        assert "page=3" in links["next"] and "state=all" in links["next"]
        assert len(get(links["last"]).json()) == 50
        assert repo.get_pulls(state="all").totalCount == 250


def test_pull_filters_and_sorting():
    """state, base, head, sort and direction filter and order the list."""
    with seeded(30) as gh:
        repo = client(gh.base_url).get_repo("octo/big")
        rel = [pr.number for pr in repo.get_pulls(state="closed", base="rel-1")]
        assert sorted(rel) == [3, 6, 9, 12, 15, 18, 21, 24, 27, 30]
        assert [pr.number for pr in repo.get_pulls(state="closed", head="octo:pr-7")] == [7]
        assert list(repo.get_pulls()) == []  # state=open by default
        updated = list(repo.get_pulls(state="all", sort="updated", direction="asc"))
        stamps = [pr.updated_at for pr in updated]
        assert stamps == sorted(stamps)


def test_create_pull(gh):
    """A PR opens from a branch; duplicates and unknown branches are 422."""
    gh.repo.branches["feature"] = gh.repo.branches["integration"]
    repo = client(gh.base_url).get_repo(SLUG)
    pr = repo.create_pull(base="integration", head="feature", title="New feature", body="Body")
    assert (pr.number, pr.state, pr.user.login, pr.merged) == (13, "open", "sandbox-user", False)
    assert [p.number for p in repo.get_pulls(state="open")] == [13]
    with pytest.raises(GithubException) as duplicate:
        repo.create_pull(base="integration", head="feature", title="Again")
    assert duplicate.value.status == 422
    with pytest.raises(GithubException) as unknown:
        repo.create_pull(base="integration", head="nosuchbranch", title="Nope")
    assert unknown.value.status == 422
    assert gh.repo.pulls[13].body == "Body"


def test_a_branch_pushed_after_loading_can_head_a_pull(tmp_path):
    """The emulator reads branches it does not know yet from git (as pushed to origin)."""
    repo = build_demo(tmp_path / "d")
    with GitHubEmulator.from_repo(repo) as emulator:
        proc.run(["git", "branch", "late", "rel-v8r0"], cwd=repo)
        proc.run(["git", "push", "--quiet", "origin", "late"], cwd=repo)
        proc.run(["git", "branch", "-D", "late"], cwd=repo)
        pulls = client(emulator.base_url).get_repo(SLUG)
        pr = pulls.create_pull(base="integration", head="late", title="Late")
        pushed = proc.run(["git", "rev-parse", "origin/late"], cwd=repo).stdout.strip()
        assert pr.head.sha == pushed and emulator.repo.branches["late"] == pushed


def test_writes_need_a_token(gh):
    """Reads work without a token; writes answer 401 Requires authentication."""
    repo = client(gh.base_url, token=None).get_repo(SLUG)
    assert repo.get_pull(1).number == 1
    with pytest.raises(GithubException) as error:
        repo.get_pull(1).create_issue_comment("anonymous")
    assert error.value.status == 401
    assert gh.counts()["without_token"] == 4


def test_labels_and_comments(gh):
    """Labels are added (created when new), listed and removed; comments are kept."""
    repo = client(gh.base_url).get_repo(SLUG)
    repo.create_label("alert", "ff0000", "look at me")
    with pytest.raises(GithubException) as duplicate:
        repo.create_label("alert", "00ff00")
    assert duplicate.value.status == 422
    assert duplicate.value.data["errors"][0]["code"] == "already_exists"
    pr = repo.get_pull(5)
    pr.add_to_labels("alert", "sweep:integration")
    assert [label.name for label in pr.get_labels()] == ["alert", "sweep:integration"]
    assert repo.get_pull(5).labels[0].color == "ff0000"
    pr.remove_from_labels("alert")
    assert [label.name for label in pr.get_labels()] == ["sweep:integration"]
    assert {label.name for label in repo.get_labels()} == {"alert", "sweep:integration"}
    pr.create_issue_comment("First")
    pr.create_issue_comment("Second")
    comments = list(pr.get_issue_comments())
    assert [c.body for c in comments] == ["First", "Second"]
    assert comments[0].user.login == "sandbox-user"
    assert repo.get_pull(5).comments == 2


def test_release_draft_upload_publish(gh, tmp_path):
    """Draft release, asset upload (duplicate 422), publish, then found by tag."""
    repo = client(gh.base_url).get_repo(SLUG)
    release = repo.create_git_release("v8.1.0a3", "v8.1.0a3", "Notes", draft=True)
    assert release.draft and release.upload_url.startswith(f"{gh.base_url}/api/uploads/")
    with pytest.raises(UnknownObjectException):
        repo.get_release("v8.1.0a3")  # by tag: published releases only
    anonymous = client(gh.base_url, token=None).get_repo(SLUG)
    assert list(anonymous.get_releases()) == []
    wheel = tmp_path / "diracdemo-8.1.0a3-py3-none-any.whl"
    wheel.write_bytes(b"PK\x03\x04 wheel bytes")
    asset = release.upload_asset(str(wheel), content_type="application/zip")
    size = wheel.stat().st_size
    assert (asset.name, asset.size, asset.content_type) == (wheel.name, size, "application/zip")
    with pytest.raises(GithubException) as duplicate:
        release.upload_asset(str(wheel))
    assert duplicate.value.status == 422
    assert duplicate.value.data["errors"][0]["code"] == "already_exists"
    published = release.update_release("v8.1.0a3", "Notes", draft=False)
    assert not published.draft and published.published_at is not None
    found = repo.get_release("v8.1.0a3")
    assert found.id == release.id
    assert [a.name for a in found.get_assets()] == [wheel.name]
    assert [r.tag_name for r in anonymous.get_releases()] == ["v8.1.0a3"]
    _, _, chunks = found.assets[0].download_asset(chunk_size=None)
    assert b"".join(chunks) == wheel.read_bytes()
    assert get(found.assets[0].browser_download_url, token=None).content == wheel.read_bytes()
    assert gh.repo.tags["v8.1.0a3"] == gh.repo.branches["integration"]
    assert "v8.1.0a3" in [t.name for t in repo.get_tags()]
    assert gh.counts()["uploads"] == 2


def test_release_under_enterprise_layout(gh, tmp_path):
    """The uploads URL and the asset URLs work for a GitHub Enterprise client too."""
    repo = client(gh.enterprise_url).get_repo(SLUG)
    release = repo.create_git_release("v9.0.0", "v9.0.0", "", draft=True)
    (tmp_path / "notes.md").write_text("notes")
    asset = release.upload_asset(str(tmp_path / "notes.md"))
    assert asset.url.startswith(f"{gh.enterprise_url}/repos/")
    assert [a.id for a in release.get_assets()] == [asset.id]


def test_tags(gh):
    """Tags come from git, every one (junk included), newest names first."""
    names = [t.name for t in client(gh.base_url).get_repo(SLUG).get_tags()]
    assert set(names) == set(gh.repo.tags) and "latest" in names and "v7r3p2" in names
    assert names == sorted(names, reverse=True)


def test_statuses_and_check_runs(gh):
    """Statuses combine per context (latest wins); check runs list per commit."""
    repo = client(gh.base_url).get_repo(SLUG)
    sha = gh.repo.branches["rel-v8r0"]
    commit = repo.get_commit("rel-v8r0")
    assert commit.sha == sha and commit.commit.message.startswith("fix(DMS)")
    assert commit.get_combined_status().state == "pending"
    commit.create_status("failure", context="ci/tests")
    commit.create_status("success", context="ci/lint")
    assert commit.get_combined_status().state == "failure"
    commit.create_status("success", context="ci/tests", target_url="http://ci.invalid/1")
    combined = commit.get_combined_status()
    assert combined.state == "success" and combined.total_count == 2
    assert [s.state for s in commit.get_statuses()] == ["success", "success", "failure"]
    gh.repo.add_check_run(sha, "pytest", conclusion="failure")
    gh.repo.add_check_run(sha, "ruff")
    runs = commit.get_check_runs()
    assert runs.totalCount == 2
    assert {(r.name, r.conclusion) for r in runs} == {("pytest", "failure"), ("ruff", "success")}
    assert [r.name for r in commit.get_check_runs(check_name="ruff")] == ["ruff"]
    bad = requests.post(
        f"{gh.base_url}/repos/{SLUG}/statuses/{'f' * 40}",
        json={"state": "success"},
        headers={"Authorization": f"token {TOKEN}"},
        timeout=10,
    )
    assert bad.status_code == 422  # not a commit of the repository


def test_milestones(gh):
    """Milestones are created, numbered, listed and found; duplicates are 422."""
    repo = client(gh.base_url).get_repo(SLUG)
    first = repo.create_milestone("v8.1.0", description="Next minor")
    second = repo.create_milestone("v8.0.2", state="closed")
    assert (first.number, second.number) == (1, 2)
    assert [m.title for m in repo.get_milestones()] == ["v8.1.0"]
    assert [m.title for m in repo.get_milestones(state="all")] == ["v8.1.0", "v8.0.2"]
    assert repo.get_milestone(2).state == "closed"
    with pytest.raises(GithubException) as duplicate:
        repo.create_milestone("v8.1.0")
    assert duplicate.value.status == 422


# -- wire behaviour: rate limits, ETags ---------------------------------------------------------


def test_rate_limit_headers_count_down(gh):
    """Every answer has GitHub's rate-limit headers; each request spends one."""
    url = f"{gh.base_url}/repos/{SLUG}"
    first, second = get(url), get(url)
    assert first.headers["X-RateLimit-Limit"] == "5000"
    assert first.headers["X-RateLimit-Resource"] == "core"
    assert int(first.headers["X-RateLimit-Reset"]) > time.time()
    assert int(first.headers["X-RateLimit-Remaining"]) - 1 == int(
        second.headers["X-RateLimit-Remaining"]
    )
    assert second.headers["X-RateLimit-Used"] == "2"
    anonymous = get(url, token=None)
    assert anonymous.headers["X-RateLimit-Limit"] == "60"
    overview = client(gh.base_url).get_rate_limit()  # free, as on GitHub
    assert overview.resources.core.remaining == 4998
    assert overview.resources.graphql.limit == 5000


def test_exhausted_limit_answers_403(gh):
    """An empty bucket answers 403 until its reset; PyGithub raises RateLimitExceeded."""
    gh.state.rate.set_limit(2)
    repo = client(gh.base_url).get_repo(SLUG)
    repo.get_pull(1)
    with pytest.raises(RateLimitExceededException):
        repo.get_pull(2)
    answer = get(f"{gh.base_url}/repos/{SLUG}")
    assert answer.status_code == 403 and answer.headers["X-RateLimit-Remaining"] == "0"


def test_etag_and_not_modified(gh):
    """GET answers carry an ETag; If-None-Match gets 304, free with a token."""
    url = f"{gh.base_url}/repos/{SLUG}/pulls/4"
    first = get(url)
    etag = first.headers["ETag"]
    again = get(url, **{"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["X-RateLimit-Remaining"] == first.headers["X-RateLimit-Remaining"]
    gh.repo.pulls[4].title = "Edited"
    changed = get(url, **{"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert gh.counts()["not_modified"] == 1


# -- faults -------------------------------------------------------------------------------------


def test_fault_fail_then_recover(gh):
    """fail(n) answers the next n requests with a 5xx, then serves normally."""
    gh.fail(2)
    url = f"{gh.base_url}/repos/{SLUG}"
    assert [get(url).status_code for _ in range(3)] == [502, 502, 200]
    gh.fail(1, status=503)
    with pytest.raises(GithubException) as error:
        client(gh.base_url).get_repo(SLUG)
    assert error.value.status == 503
    assert gh.counts()["faulted"] == 3


def test_fault_fail_is_retried_by_pygithub(gh):
    """PyGithub's own retry sees every failed attempt: three requests for one call."""
    gh.fail(2)
    repo = client(gh.base_url, retry=GithubRetry(total=3, backoff_factor=0)).get_repo(SLUG)
    assert repo.full_name == SLUG
    assert gh.counts()["total"] == 3


def test_fault_primary_rate_limit(gh):
    """rate_limit(): 403 with Remaining 0 and the reset time; GraphQL: 200 + RATE_LIMIT."""
    gh.rate_limit(30)
    answer = get(f"{gh.base_url}/repos/{SLUG}")
    assert answer.status_code == 403
    assert answer.headers["X-RateLimit-Remaining"] == "0"
    assert time.time() + 25 < int(answer.headers["X-RateLimit-Reset"]) <= time.time() + 31
    assert answer.json()["message"].startswith("API rate limit exceeded")
    with pytest.raises(RateLimitExceededException):
        client(gh.base_url).get_repo(SLUG)
    limited = graphql(gh, BATCH_QUERY)
    assert limited.status_code == 200 and limited.headers["X-RateLimit-Remaining"] == "0"
    assert limited.json()["errors"][0]["type"] == "RATE_LIMIT"
    gh.clear_faults()
    assert get(f"{gh.base_url}/repos/{SLUG}").status_code == 200


def test_primary_rate_limit_is_waited_out_by_pygithub(gh):
    """A short limit: PyGithub's GithubRetry sleeps until X-RateLimit-Reset and succeeds."""
    gh.rate_limit(0.5)
    start = time.monotonic()
    repo = client(gh.base_url, retry=GithubRetry(total=2)).get_repo(SLUG)
    assert repo.name == "repo"
    assert time.monotonic() - start < 5
    assert gh.counts()["total"] == 2


def test_fault_secondary_rate_limit(gh):
    """Secondary limits: 403 or 429 with Retry-After and GitHub's message."""
    gh.rate_limit(5, secondary=True, status=429, n=1)
    answer = get(f"{gh.base_url}/repos/{SLUG}")
    assert answer.status_code == 429 and answer.headers["Retry-After"] in ("4", "5")
    assert answer.json()["message"].startswith("You have exceeded a secondary rate limit")
    gh.rate_limit(5, secondary=True, n=1)
    with pytest.raises(RateLimitExceededException) as error:
        client(gh.base_url).get_repo(SLUG)
    assert error.value.status == 403
    assert get(f"{gh.base_url}/repos/{SLUG}").status_code == 200


def test_fault_slow(gh):
    """slow() delays answers."""
    gh.slow(0.3, n=1)
    start = time.monotonic()
    assert get(f"{gh.base_url}/repos/{SLUG}").status_code == 200
    assert time.monotonic() - start >= 0.3
    start = time.monotonic()
    get(f"{gh.base_url}/repos/{SLUG}")
    assert time.monotonic() - start < 0.3


def test_fault_reset(gh):
    """reset() drops the connection without an answer."""
    gh.reset(1)
    with pytest.raises(requests.ConnectionError):
        get(f"{gh.base_url}/repos/{SLUG}")
    assert get(f"{gh.base_url}/repos/{SLUG}").status_code == 200
    assert gh.requests()[0]["status"] == "reset"


def test_fault_bad_credentials(gh):
    """bad_credentials() answers 401 Bad credentials until cleared."""
    gh.bad_credentials()
    with pytest.raises(BadCredentialsException):
        client(gh.base_url).get_repo(SLUG)
    assert graphql(gh, BATCH_QUERY).status_code == 401
    gh.clear_faults()
    assert client(gh.base_url).get_repo(SLUG).name == "repo"


def test_faults_are_scoped(gh):
    """Faults apply to one kind of request or one path prefix only."""
    gh.fail(1, kind="graphql")
    gh.fail(1, path=f"/repos/{SLUG}/pulls")
    assert get(f"{gh.base_url}/repos/{SLUG}").status_code == 200
    assert get(f"{gh.enterprise_url}/repos/{SLUG}/pulls").status_code == 502
    assert get(f"{gh.base_url}/repos/{SLUG}/pulls").status_code == 200
    assert graphql(gh, BATCH_QUERY).status_code == 502
    assert graphql(gh, BATCH_QUERY).status_code == 200


def test_faults_over_http(gh):
    """POST /_sandbox/faults injects a fault; DELETE clears them."""
    url = f"{gh.base_url}/_sandbox/faults"
    assert requests.post(url, json={"kind": "fail", "n": 1, "status": 503}, timeout=10).ok
    assert get(f"{gh.base_url}/repos/{SLUG}").status_code == 503
    requests.post(url, json={"kind": "bad_credentials"}, timeout=10)
    assert get(f"{gh.base_url}/repos/{SLUG}").status_code == 401
    assert requests.delete(url, timeout=10).status_code == 204
    assert get(f"{gh.base_url}/repos/{SLUG}").status_code == 200
    assert requests.post(url, json={"kind": "nonsense"}, timeout=10).status_code == 400


# -- counts and tokens -------------------------------------------------------------------------


def test_counts_endpoint(gh, tmp_path):
    """GET /_sandbox/requests counts by kind and route; DELETE resets; control is free."""
    repo = client(gh.base_url).get_repo(SLUG)
    release = repo.create_git_release("v0.0.1", "", "", draft=True)
    (tmp_path / "a.txt").write_text("a")
    release.upload_asset(str(tmp_path / "a.txt"))
    graphql(gh, BATCH_QUERY)
    url = f"{gh.base_url}/_sandbox/requests"
    counts = requests.get(url, timeout=10).json()
    assert {k: counts[k] for k in ("total", "rest", "graphql", "uploads")} == {
        "total": 4,
        "rest": 2,
        "graphql": 1,
        "uploads": 1,
    }
    assert counts["by_route"]["POST /graphql"] == 1
    assert counts["by_route"]["POST /repos/{owner}/{repo}/releases"] == 1
    assert gh.counts() == counts
    assert requests.delete(url, timeout=10).status_code == 204
    assert requests.get(f"{gh.enterprise_url}/_sandbox/requests", timeout=10).json()["total"] == 0
    assert gh.counts()["total"] == 0
    get(f"{gh.base_url}/repos/{SLUG}")
    gh.reset_counts()
    assert gh.counts()["by_route"] == {}


def test_token_is_recorded_as_present_never_stored(gh, caplog):
    """The emulator knows whether a request had a token, and nothing of its value."""
    caplog.set_level("DEBUG")
    client(gh.base_url).get_repo(SLUG).get_pull(1)
    get(f"{gh.base_url}/repos/{SLUG}", token=None)
    records = gh.requests()
    assert [r["authenticated"] for r in records] == [True, True, False]
    seen = json.dumps(records) + json.dumps(gh.counts()) + caplog.text + repr(gh.state.__dict__)
    assert TOKEN not in seen and TOKEN[4:20] not in seen


# -- GraphQL ----------------------------------------------------------------------------------


def test_graphql_aliased_batch(gh):
    """Aliased pullRequest(number:) fields answer many PRs in one request."""
    gh.repo.pulls[3].labels = ["bug"]
    github = client(gh.base_url)
    _, data = github.requester.graphql_query(BATCH_QUERY, {"owner": "local", "name": "repo"})
    repository = data["data"]["repository"]
    assert [repository[k]["number"] for k in ("pr1", "pr3", "pr12")] == [1, 3, 12]
    pr3 = repository["pr3"]
    assert pr3["state"] == "MERGED" and pr3["merged"] is True
    assert pr3["baseRefName"] == "rel-v7r3" and pr3["headRefName"] == "73_fixes1"
    assert pr3["author"] == {"login": "carol"}
    assert pr3["labels"] == {"nodes": [{"name": "bug"}]}
    assert pr3["mergeCommit"]["oid"] == gh.repo.pulls[3].merge_commit_sha
    assert pr3["url"] == f"{gh.base_url}/{SLUG}/pull/3"
    assert data["data"]["rateLimit"]["cost"] == 1
    assert gh.counts()["graphql"] == 1


def test_graphql_under_enterprise_layout(gh):
    """PyGithub with the /api/v3 base URL posts GraphQL to /api/graphql."""
    github = client(gh.enterprise_url)
    _, data = github.requester.graphql_query(BATCH_QUERY, {"owner": "local", "name": "repo"})
    assert data["data"]["repository"]["pr1"]["number"] == 1
    assert gh.counts()["by_route"] == {"POST /api/graphql": 1}


def test_graphql_unknown_pr_is_null_with_not_found(gh):
    """An unknown number is null plus a NOT_FOUND error with its path; the rest is intact."""
    answer = graphql(gh, MISSING_QUERY)
    assert answer.status_code == 200
    body = answer.json()
    assert body["data"]["repository"]["pr2"]["number"] == 2
    assert body["data"]["repository"]["pr999"] is None
    (error,) = body["errors"]
    assert error["type"] == "NOT_FOUND" and error["path"] == ["repository", "pr999"]
    assert error["message"] == "Could not resolve to a PullRequest with the number of 999."
    assert error["locations"]
    with pytest.raises(UnknownObjectException):  # PyGithub raises on any error
        client(gh.base_url).requester.graphql_query(
            MISSING_QUERY, {"owner": "local", "name": "repo"}
        )


def test_graphql_pull_requests_connection():
    """The pullRequests connection pages by cursor, filters, orders and counts."""
    with seeded(250) as gh:
        seen, after, pages = [], None, 0
        while pages < 5:
            pages += 1
            answer = graphql(gh, CONNECTION_QUERY, after=after, owner="octo", name="big")
            connection = answer.json()["data"]["repository"]["pullRequests"]
            assert connection["totalCount"] == 250
            seen += [edge["node"] for edge in connection["edges"]]
            if not connection["pageInfo"]["hasNextPage"]:
                break
            after = connection["pageInfo"]["endCursor"]
        assert pages == 3 and len({n["number"] for n in seen}) == 250
        stamps = [n["updatedAt"] for n in seen]
        assert stamps == sorted(stamps, reverse=True)
        merged = graphql(gh, CONNECTION_QUERY, owner="octo", name="big", states=["OPEN"])
        assert merged.json()["data"]["repository"]["pullRequests"]["totalCount"] == 0
        rel = graphql(gh, CONNECTION_QUERY, owner="octo", name="big", base="rel-1")
        nodes = rel.json()["data"]["repository"]["pullRequests"]["nodes"]
        assert len(nodes) == 83 and {n["state"] for n in nodes} == {"MERGED"}


def test_graphql_errors_like_github(gh):
    """Validation errors, excessive pages, unknown repositories, no token: as GitHub says."""
    invalid = graphql(gh, INVALID_QUERY)
    assert invalid.status_code == 200
    assert "data" not in invalid.json() and "nosuchfield" in invalid.json()["errors"][0]["message"]
    excessive = graphql(gh, EXCESSIVE_QUERY).json()
    assert excessive["errors"][0]["type"] == "EXCESSIVE_PAGINATION"
    assert excessive["data"] == {"repository": None}
    unknown = graphql(gh, UNKNOWN_REPO_QUERY).json()
    assert unknown["data"] == {"repository": None}
    assert unknown["errors"][0]["type"] == "NOT_FOUND"
    assert graphql(gh, BATCH_QUERY, token=None).status_code == 401
    auth = {"Authorization": f"bearer {TOKEN}"}
    broken = requests.post(gh.graphql_url, data=b"{", headers=auth, timeout=10)
    assert broken.status_code == 400 and broken.json()["message"] == "Problems parsing JSON"


# -- loading ----------------------------------------------------------------------------------


def test_pr_data_file(demo, tmp_path):
    """A data file describes PRs in a few lines; refs in it are resolved through git."""
    data = tmp_path / "prs.json"
    data.write_text(
        json.dumps(
            [
                {
                    "number": 40,
                    "title": "Monitoring",
                    "body": "BEGINRELEASENOTES\n*Monitoring\nNEW: dashboard\nENDRELEASENOTES",
                    "labels": ["enhancement", {"name": "alert", "color": "ff0000"}],
                    "author": "erin",
                    "base": "integration",
                    "head": "monitoring",
                    "merge_commit": "v8.1.0a2",
                    "merged_at": "2024-05-01T10:00:00Z",
                },
                {"number": 41, "title": "Open one", "updated_at": 1714557600},
            ]
        )
    )
    with GitHubEmulator.from_repo(demo, prs_file=data, name="DIRACGrid/demo") as gh:
        repo = client(gh.base_url).get_repo("diracgrid/DEMO")  # case-insensitive, as GitHub
        assert repo.full_name == "DIRACGrid/demo"
        pr = repo.get_pull(40)
        assert pr.body.startswith("BEGINRELEASENOTES") and pr.user.login == "erin"
        assert [label.name for label in pr.labels] == ["enhancement", "alert"]
        assert pr.merge_commit_sha == gh.repo.tags["v8.1.0a2"]
        assert pr.merged_at.isoformat() == "2024-05-01T10:00:00+00:00"
        assert pr.updated_at == pr.merged_at
        opened = repo.get_pull(41)
        assert opened.state == "open" and not opened.merged
        assert sorted(gh.repo.pulls) == [40, 41]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[{", "not valid JSON"),
        ('{"prs": []}', "expected a list of PRs"),
        ('[{"title": "x"}]', "'number' must be a positive integer"),
        ('[{"number": 1}]', "'title' must be a non-empty string"),
        ('[{"number": 1, "title": "x", "titel": 2}]', "unknown key 'titel'"),
        ('[{"number": 1, "title": "a"}, {"number": 1, "title": "b"}]', "appears twice"),
        ('[{"number": 1, "title": "x", "merged_at": "yesterday"}]', "not an ISO 8601 time"),
        ('[{"number": 1, "title": "x", "state": "draft"}]', "'state' must be one of"),
    ],
)
def test_bad_data_files(tmp_path, content, message):
    """Each problem of a data file is one InputError naming the file and the entry."""
    path = tmp_path / "prs.json"
    path.write_text(content)
    with pytest.raises(InputError, match=message) as error:
        load_prs(path)
    assert str(path) in str(error.value)


@pytest.mark.parametrize(
    ("url", "slug"),
    [
        ("https://github.com/DIRACGrid/DIRAC.git", "DIRACGrid/DIRAC"),
        ("https://github.com/DIRACGrid/DIRAC", "DIRACGrid/DIRAC"),
        ("https://user@github.example.org/org/repo.git/", "org/repo"),
        ("git@github.com:DIRACGrid/WebAppDIRAC.git", "DIRACGrid/WebAppDIRAC"),
        ("ssh://git@github.com/DIRACGrid/COMDIRAC.git", "DIRACGrid/COMDIRAC"),
        ("/tmp/demo/origin.git", None),
        ("https://github.com/only-owner", None),
    ],
)
def test_slug_from_remote_url(url, slug):
    """https and ssh remote URLs give owner/name; local paths give none."""
    assert slug_from_url(url) == slug


def test_name_from_origin_remote(make_repo):
    """The repository is served under its origin's slug."""
    builder = make_repo()
    builder.commit("Initial")
    builder.git("remote", "add", "origin", "git@github.com:DIRACGrid/DIRAC.git")
    with GitHubEmulator.from_repo(builder.path) as gh:
        assert gh.repo.full_name == "DIRACGrid/DIRAC"
        assert client(gh.base_url).get_repo("DIRACGrid/DIRAC").default_branch == "integration"
        assert gh.repo.pulls == {}


# -- the command --------------------------------------------------------------------------------


def _first_line(process: subprocess.Popen, timeout: float = 20) -> str:
    """The first stdout line of a process, waiting at most ``timeout`` seconds."""
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.append(process.stdout.readline()))
    reader.start()
    reader.join(timeout)
    if not lines:
        process.kill()
        pytest.fail("sandbox serve printed nothing")
    return lines[0].strip()


def test_serve_command(demo):
    """sandbox serve prints its URL first, serves, and stops cleanly on Ctrl-C."""
    command = [sys.executable, "-m", "release_tool", "--repo", str(demo), "sandbox", "serve"]
    process = subprocess.Popen(
        [*command, "--name", "octo/demo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = _first_line(process)
        assert url.startswith("http://127.0.0.1:")
        assert client(url).get_repo("octo/demo").get_pull(12).user.login == "erin"
        assert requests.get(f"{url}/_sandbox/requests", timeout=10).json()["rest"] == 2
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr


def test_serve_command_rejects_a_bad_data_file(demo, tmp_path):
    """A bad --prs file is one error line and exit code 2."""
    bad = tmp_path / "prs.json"
    bad.write_text('[{"number": 1}]')
    result = subprocess.run(
        [sys.executable, "-m", "release_tool", "--repo", str(demo), "sandbox", "serve"]
        + ["--prs", str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip().count("\n") == 0
    assert result.stderr.startswith("release-tool: error: ") and "'title'" in result.stderr
