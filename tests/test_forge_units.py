"""Forge pieces without a server: slugs, tokens, the cache, the git-only forge, queries."""

from __future__ import annotations

import logging
from functools import cache

import pytest
from conftest import SHARED, load_github_schema

from release_tool import secrets
from release_tool.errors import InputError
from release_tool.forge.base import PrInfo, UnsupportedOperation
from release_tool.forge.cache import PrCache, cache_file
from release_tool.forge.github import CHANGED_QUERY, _rate_limit_wait, batch_query
from release_tool.forge.gitonly import GitOnlyForge
from release_tool.forge.slug import check_slug, slug_from_url
from release_tool.history.index import HistoryIndex


@pytest.mark.parametrize(
    ("url", "slug"),
    [
        ("https://github.com/DIRACGrid/DIRAC.git", "DIRACGrid/DIRAC"),
        ("https://github.com/DIRACGrid/WebAppDIRAC", "DIRACGrid/WebAppDIRAC"),
        ("https://user@github.example.org:8443/grp/proj.git/", "grp/proj"),
        ("git@github.com:DIRACGrid/DIRAC.git", "DIRACGrid/DIRAC"),
        ("ssh://git@github.com/DIRACGrid/COMDIRAC.git", "DIRACGrid/COMDIRAC"),
        ("/srv/git/origin.git", None),
        ("file:///srv/git/origin.git", None),
        ("", None),
    ],
)
def test_slug_from_url(url, slug):
    assert slug_from_url(url) == slug


def test_check_slug():
    assert check_slug("a/b") == "a/b"
    with pytest.raises(InputError, match="expected owner/name"):
        check_slug("just-a-name")


def test_tokens_are_read_and_redacted(monkeypatch, tmp_path, caplog):
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.setenv("GH_TOKEN", "ghp_fromenvironment123")
    assert secrets.read_token() == ("ghp_fromenvironment123", "GH_TOKEN")
    token_file = tmp_path / "token"
    token_file.write_text("ghp_fromfile456\n")
    assert secrets.read_token(token_file) == ("ghp_fromfile456", f"the token file {token_file}")
    assert secrets.redact("x ghp_fromfile456 y ghp_fromenvironment123") == "x *** y ***"
    handler = logging.StreamHandler()
    handler.addFilter(secrets.RedactingFilter())
    record = logging.LogRecord(
        "t", logging.INFO, __file__, 1, "token %s", ("ghp_fromfile456",), None
    )
    handler.filter(record)
    assert record.getMessage() == "token ***"


def test_token_file_errors(tmp_path):
    with pytest.raises(InputError, match="cannot read the token file"):
        secrets.read_token(tmp_path / "absent")
    empty = tmp_path / "empty"
    empty.write_text("  \n")
    with pytest.raises(InputError, match="is empty"):
        secrets.read_token(empty)


def test_no_token(monkeypatch):
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("GH_TOKEN", raising=False)
    assert secrets.read_token() == (None, "GITHUB_TOKEN")


def test_cache_round_trip(tmp_path):
    path = cache_file(tmp_path / "cache", "DIRACGrid/DIRAC")
    assert path.name == "github-DIRACGrid--DIRAC.sqlite"
    cache = PrCache(path)
    cache.put([PrInfo(1, "one", body="b", labels=["bug"], updated_at="2024-01-01T00:00:00Z")])
    cache.put([PrInfo(2, "two"), PrInfo(1, "one again")])
    cache.set_meta("mark", "2024-01-02T00:00:00Z")
    assert cache.get([1, 2, 3]) == {1: PrInfo(1, "one again"), 2: PrInfo(2, "two")}
    assert cache.count() == 2 and cache.meta("mark") == "2024-01-02T00:00:00Z"
    assert cache.clear() == 2 and cache.count() == 0 and cache.meta("mark") is None
    cache.close()


def test_git_only_forge():
    index = HistoryIndex(
        [
            ("m", ["s", "b"], 3, "dev", "Merge pull request #5 from alice/fix\n\nFix it"),
            ("b", ["s"], 2, "alice", "work"),
            ("s", [], 1, "bob", "feat: thing (#4)"),
        ],
        ["m"],
    )
    forge = GitOnlyForge(index.entries)
    result = forge.fetch_prs([4, 5, 6])
    assert result.missing == [6] and not result.complete
    assert result.prs[5].title == "Fix it" and result.prs[5].author == "alice"
    assert result.prs[5].merge_commit == "m" and result.prs[4].title == "feat: thing"
    with pytest.raises(UnsupportedOperation, match="git-only forge cannot create releases"):
        forge.create_release("v1", "v1", "", prerelease=False)


@pytest.mark.parametrize(
    ("status", "headers", "data", "wait"),
    [
        (200, {}, None, None),
        (403, {"retry-after": "7"}, {}, 7.0),
        (429, {"retry-after": "3"}, {}, 3.0),
        (403, {}, {"message": "You have exceeded a secondary rate limit"}, 60.0),
        (403, {}, {"message": "Resource not accessible by integration"}, None),
        (500, {"retry-after": "1"}, {}, None),
    ],
)
def test_rate_limit_detection(status, headers, data, wait):
    assert _rate_limit_wait(status, headers, data) == wait


def test_reset_header_gives_the_wait(monkeypatch):
    monkeypatch.setattr("time.time", lambda: 1000.0)
    headers = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1030"}
    assert _rate_limit_wait(403, headers, {"message": "API rate limit exceeded"}) == 31.0


@cache
def github_schema():
    """GitHub's published GraphQL schema, built once."""
    path = SHARED / "github-api" / "schema.graphql"
    if not path.exists():
        pytest.skip(f"GitHub's schema is not available: {path} is absent")
    return load_github_schema(path)


@pytest.mark.parametrize(
    "document", [batch_query([1, 7005, 12345]), batch_query([42]), CHANGED_QUERY]
)
def test_queries_validate_against_githubs_schema(document):
    from graphql import parse, validate

    errors = validate(github_schema(), parse(document))
    assert errors == []
