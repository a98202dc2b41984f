"""The GitHub forge through the real PyGithub client, against the local emulator."""

from __future__ import annotations

import json
import math
import time

import pytest
from click.testing import CliRunner

from release_tool.cli import cli
from release_tool.demo import build_demo
from release_tool.forge.base import ForgeError
from release_tool.forge.github import GitHubForge, GitHubSettings
from release_tool.sandbox import GitHubEmulator

TOKEN = "ghp_KNOWNFAKEtoken0123456789abcdefXYZ"


def pulls(count: int) -> list[dict]:
    """``count`` merged PRs as emulator data."""
    return [
        {"number": n, "title": f"Fix number {n}", "body": f"BEGINRELEASENOTES\nFIX: {n}\n"
         "ENDRELEASENOTES", "labels": ["bug"] if n % 2 else [], "author": f"dev{n % 7}",
         "base": "integration", "merged_at": 1_600_000_000 + n}
        for n in range(1, count + 1)
    ]  # fmt: skip


@pytest.fixture
def emulator():
    """An emulator with 230 merged PRs, stopped after the test."""
    with GitHubEmulator.from_pulls(pulls(230), name="DIRACGrid/DIRAC") as gh:
        yield gh


@pytest.fixture
def sleeps():
    """The waits the forge asked for (the tests never really sleep long)."""
    return []


def make_forge(gh, tmp_path, sleeps, **overrides) -> GitHubForge:
    """A forge on the emulator with a cache in ``tmp_path`` and a recorded sleep."""

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    settings = GitHubSettings(
        slug=overrides.pop("slug", "DIRACGrid/DIRAC"),
        base_url=overrides.pop("base_url", gh.base_url),
        token=TOKEN,
        cache_dir=tmp_path / "cache",
        sleep=sleep,
        backoff=0.01,
        **overrides,
    )
    return GitHubForge(settings)


def test_cold_and_warm_request_budgets(emulator, tmp_path, sleeps):
    forge = make_forge(emulator, tmp_path, sleeps)
    wanted = range(1, 201)
    cold = forge.fetch_prs(wanted)
    assert cold.complete and len(cold.prs) == 200
    assert emulator.counts()["total"] <= math.ceil(200 / 50) + 3
    assert emulator.counts()["graphql"] == 4  # four batches of 50, nothing else
    pr = cold.prs[7]
    assert (pr.title, pr.labels, pr.author, pr.base) == (
        "Fix number 7",
        ["bug"],
        "dev0",
        "integration",
    )
    assert "FIX: 7" in pr.body and pr.merged_at.endswith("Z") and pr.state == "MERGED"

    emulator.reset_counts()
    warm = make_forge(emulator, tmp_path, sleeps).fetch_prs(wanted)
    assert warm.prs == cold.prs and warm.from_cache == 200
    assert emulator.counts()["total"] <= 1


def test_edited_prs_are_refetched(emulator, tmp_path, sleeps):
    forge = make_forge(emulator, tmp_path, sleeps)
    forge.fetch_prs(range(1, 101))
    edited = emulator.repo.pulls[42]
    edited.title = "Fix number 42, better"
    edited.updated_at = int(time.time()) + 5
    emulator.reset_counts()
    again = forge.fetch_prs(range(1, 101))
    assert again.prs[42].title == "Fix number 42, better"
    assert again.prs[41].title == "Fix number 41"
    assert emulator.counts()["total"] == 2  # what changed since, then the one PR


def test_missing_prs_are_reported_not_fatal(emulator, tmp_path, sleeps):
    result = make_forge(emulator, tmp_path, sleeps).fetch_prs([5, 999, 1000])
    assert sorted(result.prs) == [5] and result.missing == [999, 1000] and not result.complete
    emulator.reset_counts()
    warm = make_forge(emulator, tmp_path, sleeps).fetch_prs([5, 999, 1000])
    assert warm.missing == [999, 1000] and emulator.counts()["total"] <= 1


def test_enterprise_layout(emulator, tmp_path, sleeps):
    forge = make_forge(emulator, tmp_path, sleeps, base_url=emulator.enterprise_url)
    assert forge.fetch_prs([1, 2]).complete


def test_rate_limit_is_waited_out(emulator, tmp_path, sleeps):
    emulator.rate_limit(30, n=1)
    result = make_forge(emulator, tmp_path, sleeps).fetch_prs([1, 2, 3])
    assert result.complete
    assert len(sleeps) == 1 and 0 < sleeps[0] <= 32


def test_secondary_rate_limit_with_retry_after(emulator, tmp_path, sleeps):
    emulator.rate_limit(7, secondary=True, status=429, n=1)
    assert make_forge(emulator, tmp_path, sleeps).fetch_prs([1]).complete
    assert sleeps == [7.0]


def test_rate_limit_beyond_the_bound_stops(emulator, tmp_path, sleeps):
    emulator.rate_limit(3600)
    forge = make_forge(emulator, tmp_path, sleeps, max_wait=60)
    with pytest.raises(ForgeError, match=r"rate limit is exhausted until \d\d:\d\d:\d\d UTC"):
        forge.fetch_prs([1])
    assert sleeps == []


def test_server_errors_are_retried_with_backoff(emulator, tmp_path, sleeps):
    emulator.fail(2, status=502)
    assert make_forge(emulator, tmp_path, sleeps).fetch_prs([1]).complete
    assert sleeps == [0.01, 0.02]


def test_persistent_server_errors_end_in_a_clear_error(emulator, tmp_path, sleeps):
    emulator.fail(50, status=503)
    with pytest.raises(ForgeError, match="GitHub answered 503 .* 5 times; try again later"):
        make_forge(emulator, tmp_path, sleeps).fetch_prs([1])
    assert len(sleeps) == 4


def test_connection_resets_are_retried(emulator, tmp_path, sleeps):
    emulator.reset(1)
    assert make_forge(emulator, tmp_path, sleeps).fetch_prs([1, 2]).complete
    assert len(sleeps) == 1


def test_bad_credentials_name_the_variable(emulator, tmp_path, sleeps):
    emulator.bad_credentials()
    with pytest.raises(ForgeError, match="token from GITHUB_TOKEN .*401 Bad credentials"):
        make_forge(emulator, tmp_path, sleeps).fetch_prs([1])


def test_unknown_repository_is_named(emulator, tmp_path, sleeps):
    forge = make_forge(emulator, tmp_path, sleeps, slug="DIRACGrid/Nope")
    with pytest.raises(ForgeError, match="repository DIRACGrid/Nope not found"):
        forge.fetch_prs([1])


def test_rest_operations(emulator, tmp_path, sleeps):
    forge = make_forge(emulator, tmp_path, sleeps)
    emulator.repo.branches["feature-x"] = "1" * 40
    number = forge.create_pr("main", "feature-x", "Add X", "body")
    assert [p.number for p in forge.open_prs("main")] == [number]
    forge.comment(number, "thanks")
    forge.add_labels(number, ["sweep:done"])
    assert emulator.repo.pulls[number].labels == ["sweep:done"]
    assert [c.body for c in forge.comments(number)] == ["thanks"]
    assert forge.comments(number)[0].author == "sandbox-user"
    forge.remove_label(number, "sweep:done")
    forge.remove_label(number, "sweep:done")  # not there any more: no error
    assert emulator.repo.pulls[number].labels == []
    assert forge.find_release("v8.0.1") is None
    release = forge.create_release("v8.0.1", "v8.0.1", "notes", prerelease=False)
    assert release.draft and forge.find_release("v8.0.1").id == release.id
    wheel = tmp_path / "demo-8.0.1-py3-none-any.whl"
    wheel.write_bytes(b"wheel bytes")
    assert forge.upload_asset(release, wheel).assets == {wheel.name: len(b"wheel bytes")}
    published = forge.publish_release(release)
    assert not published.draft
    assert forge.create_release("v9", "v9", "", prerelease=True, noop=True) is None
    assert forge.find_release("v9") is None


def test_cli_with_bodies_and_cache(tmp_path, monkeypatch, caplog):
    """prs --with-bodies through the CLI; the token shows up nowhere."""
    repo = build_demo(tmp_path / "demo")
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    with GitHubEmulator.from_repo(repo, name="DIRACGrid/diracdemo") as gh:
        common = ["--repo", str(repo), "--github-url", gh.base_url, "--github-repo",
                  "DIRACGrid/diracdemo", "--debug"]  # fmt: skip
        runner = CliRunner()
        result = runner.invoke(
            cli, [*common, "prs", "--until", "v8.1.0a2", "--json", "--with-bodies"]
        )
        assert result.exit_code == 0, result.stderr
        (entry,) = json.loads(result.stdout)
        assert entry["ref"] == "#11" and entry["body"] is not None and entry["labels"] == []
        assert entry["base"] == "integration"
        info = runner.invoke(cli, [*common, "cache", "info"])
        assert "PRs:        1" in info.stdout
        gh.reset_counts()
        again = runner.invoke(
            cli, [*common, "prs", "--until", "v8.1.0a2", "--json", "--with-bodies"]
        )
        assert json.loads(again.stdout) == [entry] and gh.counts()["total"] <= 1
        cleared = runner.invoke(cli, [*common, "cache", "clear"])
        assert "cleared 1 PR(s)" in cleared.stdout
        gh.bad_credentials()
        failed = runner.invoke(cli, [*common[:-1], "prs", "--until", "v8.1.0a2", "--with-bodies"])
        assert failed.exit_code == 1 and "GITHUB_TOKEN" in failed.stderr
    cache_bytes = b"".join(p.read_bytes() for p in (repo / ".git" / "release-tool").iterdir())
    outputs = [result.stdout, result.stderr, again.stdout, again.stderr, info.stdout,
               failed.stderr, caplog.text]  # fmt: skip
    assert all(TOKEN not in text for text in outputs)
    assert TOKEN.encode() not in cache_bytes


def test_without_a_token_the_rest_listing_is_used(emulator, tmp_path, sleeps, caplog):
    forge = make_forge(emulator, tmp_path, sleeps)
    forge.settings.token = None
    result = forge.fetch_prs([229, 230, 999])
    assert sorted(result.prs) == [229, 230] and result.missing == [999]
    assert result.prs[230].title == "Fix number 230" and result.prs[229].labels == ["bug"]
    assert emulator.counts()["graphql"] == 0
    assert "no token" in caplog.text and caplog.text.count("no token") == 1
    emulator.reset_counts()
    warm = forge.fetch_prs([229, 230])
    assert warm.complete and emulator.counts()["total"] <= 1


def test_progress_when_fetching_many_batches(emulator, tmp_path, sleeps):
    messages = []
    forge = make_forge(emulator, tmp_path, sleeps, progress=messages.append)
    assert forge.fetch_prs(range(1, 231)).complete
    assert messages == [f"fetching PRs from GitHub: batch {k}/5" for k in range(1, 6)]


def test_a_release_not_visible_yet_is_retried(emulator, tmp_path, sleeps):
    forge = make_forge(emulator, tmp_path, sleeps)
    release = forge.create_release("v1.0.0", "v1.0.0", "", prerelease=False)
    asset = tmp_path / "pkg-1.0.0.tar.gz"
    asset.write_bytes(b"sdist")
    emulator.fail(2, status=404, path=f"/repos/DIRACGrid/DIRAC/releases/{release.id}", kind="rest")
    assert forge.upload_asset(release, asset).assets == {asset.name: 5}
    assert len(sleeps) == 2
    emulator.fail(50, status=404, path=f"/repos/DIRACGrid/DIRAC/releases/{release.id}", kind="rest")
    with pytest.raises(ForgeError, match="may still appear .*--resume"):
        forge.publish_release(release)


def test_list_prs_by_base_and_head_in_bulk(emulator, tmp_path, sleeps):
    """One listing request per 100 PRs, with labels, author and creation time; cached."""
    forge = make_forge(emulator, tmp_path, sleeps)
    repo = emulator.repo
    for n in range(150):
        repo.branches[f"topic-{n}"] = "1" * 40
        repo.add_pull(
            title=f"Topic {n}", base="main" if n % 3 else "rel-v8r0", head=f"topic-{n}",
            labels=["alsoTargeting:integration"] if n == 4 else [], author=f"dev{n}",
        )  # fmt: skip
    emulator.reset_counts()
    open_all = forge.list_prs()
    assert len(open_all) == 150 and emulator.counts()["rest"] == 2
    into_main = forge.list_prs(base="main")
    assert len(into_main) == 100 and all(p.base == "main" for p in into_main)
    (four,) = forge.list_prs(head="topic-4")
    assert four.labels == ["alsoTargeting:integration"] and four.author == "dev4"
    assert four.created_at and four.base == "main" and four.head == "topic-4"
    assert forge.list_prs(base="rel-v8r0", head="topic-4") == []
    before = emulator.counts()["rest"]
    assert len(forge.list_prs()) == 150 and emulator.counts()["rest"] == before  # cached
    forge.add_labels(four.number, ["sweep:done"])  # a write forgets the listings
    (four,) = forge.list_prs(head="topic-4")
    assert "sweep:done" in four.labels
    merged = forge.list_prs(state="closed", base="integration")
    assert len(merged) == 230 and all(p.merged_at for p in merged)


def test_git_only_forge_says_what_it_cannot_do():
    from release_tool.forge.base import UnsupportedOperation
    from release_tool.forge.gitonly import GitOnlyForge

    forge = GitOnlyForge([])
    for call in (
        lambda: forge.list_prs(base="main"),
        lambda: forge.create_pr("main", "x", "t", "b"),
        lambda: forge.add_labels(1, ["a"]),
        lambda: forge.remove_label(1, "a"),
        lambda: forge.comment(1, "hi"),
        lambda: forge.comments(1),
    ):
        with pytest.raises(UnsupportedOperation, match="^the git-only forge cannot [a-z ]+$"):
            call()
