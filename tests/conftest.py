"""Shared fixtures: no network but loopback, isolated git, real temporary repositories."""

from __future__ import annotations

import ipaddress
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
