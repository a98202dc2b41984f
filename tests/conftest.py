"""Shared fixtures: no network but loopback, isolated git, real temporary repositories."""

from __future__ import annotations

import ipaddress
import re
import socket
from pathlib import Path

import pytest

from release_tool.history.gitbuild import ISOLATED_ENV, RepoBuilder

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = SHARED / "corpus"


def _loopback(address) -> bool:
    """Whether a socket address is on this machine (loopback or a Unix socket)."""
    if isinstance(address, (str, bytes)):  # AF_UNIX path
        return True
    host = address[0]
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Forbid every connection that does not go to 127.0.0.0/8, ::1 or a Unix socket."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def guarded(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _loopback(address):
            raise OSError(f"network access outside loopback is forbidden in tests: {address!r}")
        return real_connect(self, address)

    def guarded_ex(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _loopback(address):
            raise OSError(f"network access outside loopback is forbidden in tests: {address!r}")
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_ex)


@pytest.fixture(autouse=True)
def isolated_git(monkeypatch, tmp_path_factory):
    """Shield git from the user's configuration: own HOME, no global or system config."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for key, value in ISOLATED_ENV.items():
        monkeypatch.setenv(key, value)


@pytest.fixture
def make_repo(tmp_path):
    """A factory of real git repositories: ``make_repo(name="repo", branch="integration")``."""

    def factory(name: str = "repo", branch: str = "integration") -> RepoBuilder:
        return RepoBuilder(tmp_path / name, branch=branch)

    return factory


def corpus_file(*parts: str) -> Path:
    """A file of ../shared/corpus, or skip the test saying it is absent."""
    path = CORPUS.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared corpus not available: {path} is absent")
    return path


#: The one schema rule graphql-core 3.3 added (from graphql-js 17) that GitHub's own published
#: schema breaks: a few implementation fields are deprecated where their interface field is not.
#: Every other rule still applies.
_GITHUB_SCHEMA_KNOWN_BREACH = re.compile(
    r"Interface field \S+ is not deprecated, so implementation field \S+ must not be deprecated\."
)


def load_github_schema(path: Path):
    """GitHub's published GraphQL schema at ``path``, built for validating documents.

    Works with graphql-core 3.2 and 3.3. The SDL repeats a few Enterprise fields, so the SDL
    check is skipped; the schema itself is validated, tolerating only the breach above, which
    graphql-core 3.3 reports and GitHub's schema has (GitHub itself serves it).
    """
    from graphql import GraphQLSchema, build_schema, validate_schema

    schema = build_schema(
        path.read_text(encoding="utf-8"), assume_valid_sdl=True, assume_valid=True
    )
    checked = GraphQLSchema(**{**schema.to_kwargs(), "assume_valid": False})
    errors = [
        e.message
        for e in validate_schema(checked)
        if not _GITHUB_SCHEMA_KNOWN_BREACH.fullmatch(e.message)
    ]
    assert errors == [], f"GitHub's schema {path} is invalid: {errors[:3]}"
    return schema
