"""--github-url and --github-repo: checked up front, no credentials kept, fast failures.

Also: forge tokens never reach child processes (build backends, pip, twine, git).
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys

import pytest
from click.testing import CliRunner

from release_tool import proc, secrets
from release_tool.cli import cli
from release_tool.commands.notes import repo_url
from release_tool.errors import InputError
from release_tool.forge.base import ForgeError
from release_tool.forge.github import GitHubForge, GitHubSettings
from release_tool.forge.urls import check_api_url, web_url, without_credentials
from release_tool.settings import Settings

SECRET = "ghp_urlSECRET0123456789abcdef"

BAD_URLS = [
    "not-a-url",
    "ftp://x",
    "file:///tmp/github",
    "http://",
    "https://",
    "//host-only",
    "https://github.example.org:99999/api/v3",
    "https://github.example.org/api/v3?x=1",
    "https://github.example.org/api/v3#frag",
    f"https://{SECRET}@github.example.org/api/v3",
    f"https://user:{SECRET}@github.example.org/api/v3",
]


@pytest.mark.parametrize("url", BAD_URLS)
@pytest.mark.parametrize(
    "command", [["version", "show", "8.0.1"], ["prs", "--with-bodies"], ["notes", "-b", "x"]]
)
def test_bad_github_url_is_one_line_exit_2(tmp_path, url, command):
    result = CliRunner().invoke(cli, ["--repo", str(tmp_path), "--github-url", url, *command])
    assert result.exit_code == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("release-tool: error: --github-url")
    assert "internal error" not in result.stderr
    assert SECRET not in result.stderr + result.stdout


def test_bad_github_url_from_the_environment(tmp_path):
    result = CliRunner().invoke(
        cli, ["--repo", str(tmp_path), "lines"], env={"RELEASE_TOOL_GITHUB_URL": "ftp://x"}
    )
    assert result.exit_code == 2 and "--github-url" in result.stderr


@pytest.mark.parametrize(
    ("api", "web"),
    [
        (None, "https://github.com"),
        ("https://api.github.com", "https://github.com"),
        ("https://api.github.com/", "https://github.com"),
        ("https://github.example.org/api/v3", "https://github.example.org"),
        ("https://github.example.org/api/v3/", "https://github.example.org"),
        ("https://example.org/git/api/v3", "https://example.org/git"),
        ("https://api.octocorp.ghe.com", "https://octocorp.ghe.com"),
        ("http://127.0.0.1:8765", "http://127.0.0.1:8765"),
        ("http://127.0.0.1:8765/api/v3", "http://127.0.0.1:8765"),
    ],
)
def test_web_url_of_the_api(api, web):
    assert web_url(check_api_url(api) if api else None) == web


def test_pr_links_on_github_com_point_at_the_web():
    settings = Settings(github_url="https://api.github.com", github_repo="DIRACGrid/DIRAC")
    assert repo_url(settings) == "https://github.com/DIRACGrid/DIRAC"
    settings = Settings(github_url="https://ghe.example.org/api/v3", github_repo="o/n")
    assert repo_url(settings) == "https://ghe.example.org/o/n"


def test_credentials_are_refused_and_masked(tmp_path, caplog):
    assert without_credentials(f"https://u:{SECRET}@h/api/v3") == "https://h/api/v3"
    with pytest.raises(InputError) as caught:
        GitHubForge(GitHubSettings(slug="o/n", base_url=f"https://x:{SECRET}@h/api/v3",
                                   cache_dir=tmp_path))  # fmt: skip
    assert SECRET not in str(caught.value)
    assert secrets.redact(f"token {SECRET}") == "token ***"


def test_cache_metadata_never_holds_credentials(tmp_path):
    from release_tool.sandbox import GitHubEmulator

    pulls = [{"number": 1, "title": "Fix", "body": "", "base": "main", "merged_at": 1_600_000_000}]
    with GitHubEmulator.from_pulls(pulls, name="o/n") as gh:
        forge = GitHubForge(GitHubSettings(slug="o/n", base_url=gh.base_url + "/",
                                           token="t0ken-value", cache_dir=tmp_path))  # fmt: skip
        assert forge.fetch_prs([1]).complete
        url = gh.base_url
    data = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert b"t0ken-value" not in data
    assert url.encode() + b" o/n" in data


@pytest.fixture
def no_sleep():
    sleeps: list[float] = []
    return sleeps


def make_forge(url, tmp_path, sleeps):
    return GitHubForge(GitHubSettings(slug="o/n", base_url=url, token="t0ken-value",
                                      cache_dir=tmp_path, sleep=sleeps.append))  # fmt: skip


def test_unknown_host_fails_at_once(tmp_path, monkeypatch, no_sleep):
    def unresolvable(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", unresolvable)
    forge = make_forge("https://github.nowhere.invalid/api/v3", tmp_path, no_sleep)
    with pytest.raises(ForgeError, match="does not resolve"):
        forge.fetch_prs([1])
    assert no_sleep == []  # no retry, no backoff


def test_refused_connection_fails_at_once(tmp_path, no_sleep):
    with socket.socket() as sock:  # a port where nothing listens
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    forge = make_forge(f"http://127.0.0.1:{port}", tmp_path, no_sleep)
    with pytest.raises(ForgeError, match="connection refused"):
        forge.fetch_prs([1])
    assert no_sleep == []


@pytest.mark.parametrize(
    "command",
    [["prs", "--with-bodies", "-b", "integration"], ["notes", "-b", "integration", "--source",
     "github"], ["release", "-b", "integration", "--dry-run"]],
    ids=lambda c: c[0],
)  # fmt: skip
def test_missing_github_repo_is_reported_before_the_history_walk(make_repo, monkeypatch,
                                                                   command):  # fmt: skip
    repo = make_repo()
    repo.commit("Initial import")
    repo.tag("v8.0.0a1", message="v8.0.0a1")
    repo.merge_pr(1, "Fix something")
    repo.make_bare_origin(repo.path.parent / "elsewhere.git", ["integration"])
    monkeypatch.setenv("GITHUB_TOKEN", "t0ken-value")

    def no_walk(*args, **kwargs):
        raise AssertionError("the history was walked before the repository name was checked")

    monkeypatch.setattr("release_tool.history.discovery.Discovery.answer", no_walk)
    result = CliRunner().invoke(cli, ["--repo", str(repo.path), *command])
    assert result.exit_code == 2, result.stderr
    assert "--github-repo" in result.stderr and len(result.stderr.splitlines()) == 1


def test_children_get_no_forge_token(monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_childTOKEN0001")
    monkeypatch.setenv("GH_TOKEN", "ghp_childTOKEN0002")
    monkeypatch.setenv("GH_ENTERPRISE_TOKEN", "ghp_childTOKEN0003")
    monkeypatch.setenv("SOME_OTHER_NAME", "ghp_fromTokenFile0004")
    monkeypatch.setenv("TWINE_USERNAME", "kept")
    secrets.register("ghp_fromTokenFile0004")
    dump = [sys.executable, "-c", "import json, os; print(json.dumps(dict(os.environ)))"]
    seen = json.loads(proc.run(dump, env={"EXTRA": "1"}).stdout)
    with proc.stream(dump) as lines:
        streamed = json.loads(b"".join(lines))
    for env in (seen, streamed):
        assert "ghp_" not in json.dumps(env)
        assert env["TWINE_USERNAME"] == "kept"
    assert seen["EXTRA"] == "1"


@pytest.mark.parametrize("form", ["path", "relative", "file-url"])
def test_a_local_origin_is_named_after_its_github_upstream(make_repo, tmp_path, form):
    """A clone of a local mirror: the client and ``sandbox serve`` agree on owner/name."""
    from release_tool.sandbox import GitHubEmulator

    upstream = make_repo("upstream")
    upstream.commit("Initial import")
    upstream.tag("v8.0.0", message="v8.0.0")
    mirror = tmp_path / "mirror" / "DIRAC.git"
    subprocess.run(["git", "clone", "--quiet", "--bare", str(upstream.path), str(mirror)],
                   check=True)  # fmt: skip
    subprocess.run(["git", "-C", str(mirror), "remote", "set-url", "origin",
                    "https://github.com/DIRACGrid/DIRAC.git"], check=True)  # fmt: skip
    work = tmp_path / "work"
    subprocess.run(["git", "clone", "--quiet", str(mirror), str(work)], check=True)
    url = {"path": str(mirror), "relative": "../mirror/DIRAC.git",
           "file-url": mirror.as_uri()}[form]  # fmt: skip
    subprocess.run(["git", "-C", str(work), "remote", "set-url", "origin", url], check=True)
    assert Settings(repo_path=work).github_slug() == "DIRACGrid/DIRAC"
    with GitHubEmulator.from_repo(work) as gh:
        assert gh.repo.full_name == "DIRACGrid/DIRAC"


def test_a_local_origin_without_upstream_is_explained(make_repo, tmp_path):
    repo = make_repo()
    repo.commit("Initial import")
    repo.make_bare_origin(tmp_path / "origin.git", ["integration"])
    with pytest.raises(InputError, match="local repository without a GitHub origin"):
        Settings(repo_path=repo.path).github_slug()
