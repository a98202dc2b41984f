"""A whole release with every real part: git, the GitHub emulator, ``build``, twine, pypiserver.

Success means ``pip install diracdemo==8.0.2`` from the local index into a
fresh virtual environment gives version 8.0.2.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from release_tool.cli import cli
from release_tool.demo import build_demo
from release_tool.history.gitbuild import ISOLATED_ENV
from release_tool.release.artifacts import build_artifacts
from release_tool.release.rehearsal import local_index
from release_tool.release.upload import UploadError, upload
from release_tool.sandbox import GitHubEmulator

USER, PASSWORD = "uploader", "s3cret-index-password"


@pytest.fixture
def pypiserver(tmp_path):
    """A real pypiserver on 127.0.0.1 with an upload password; stopped after the test."""
    from passlib.apache import HtpasswdFile

    htpasswd = HtpasswdFile(str(tmp_path / "htpasswd"), new=True)
    htpasswd.set_password(USER, PASSWORD)
    htpasswd.save()
    with local_index(tmp_path / "packages", tmp_path / "htpasswd") as url:
        yield {"url": url, "packages": tmp_path / "packages"}


def release_ready_demo(tmp_path: Path) -> Path:
    """The demo on rel-v8r0, building without isolation (no index needed for hatchling)."""
    repo = build_demo(tmp_path / "demo")
    git(repo, "checkout", "--quiet", "rel-v8r0")
    pyproject = repo / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "build_isolation = false\n")
    git(repo, "commit", "--quiet", "-am", "build without isolation in tests")
    git(repo, "push", "--quiet", "origin", "rel-v8r0")
    return repo


def git(path: Path, *args: str) -> str:
    """git in ``path``, isolated from the user's configuration."""
    env = {**os.environ, **ISOLATED_ENV}
    return subprocess.run(["git", *args], cwd=path, env=env, check=True, capture_output=True,
                          text=True).stdout.strip()  # fmt: skip


def test_build_is_reproducible_and_checked(tmp_path):
    repo = build_demo(tmp_path / "demo")
    first = build_artifacts(repo, tmp_path / "a", source_date_epoch=1_600_000_000,
                            expected_version="8.0.0", isolation=False)  # fmt: skip
    second = build_artifacts(repo, tmp_path / "b", source_date_epoch=1_600_000_000,
                             expected_version="8.0.0", isolation=False)  # fmt: skip
    assert [a.sha256 for a in first] == [a.sha256 for a in second]
    assert sorted(a.kind for a in first) == ["sdist", "wheel"]
    from release_tool.release.artifacts import BuildError

    with pytest.raises(BuildError, match="says version 8.0.0, the release is 9.0.0"):
        build_artifacts(repo, tmp_path / "c", source_date_epoch=1, expected_version="9.0.0",
                        isolation=False)  # fmt: skip


def test_full_release_installs_from_the_index(tmp_path, pypiserver, monkeypatch, caplog):
    repo = release_ready_demo(tmp_path)
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_e2etoken0123456789")
    monkeypatch.setenv("TWINE_USERNAME", USER)
    monkeypatch.setenv("TWINE_PASSWORD", PASSWORD)
    with GitHubEmulator.from_repo(repo, prs_file=tmp_path / "demo" / "prs.json",
                                  name="diracgrid/diracdemo") as gh:  # fmt: skip
        result = CliRunner().invoke(cli, [
            "--repo", str(repo), "--github-url", gh.base_url, "--github-repo",
            "diracgrid/diracdemo", "release", "-b", "rel-v8r0", "--yes",
            "--index", pypiserver["url"],
        ])  # fmt: skip
        assert result.exit_code == 0, result.stderr
        (published,) = gh.repo.releases.values()
        assert sorted(a.name for a in published.assets) == [
            "diracdemo-8.0.2-py3-none-any.whl", "diracdemo-8.0.2.tar.gz"
        ]  # fmt: skip
    assert sorted(p.name for p in pypiserver["packages"].iterdir()) == [
        "diracdemo-8.0.2-py3-none-any.whl", "diracdemo-8.0.2.tar.gz"
    ]  # fmt: skip
    assert PASSWORD not in result.stdout + result.stderr + caplog.text
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--index-url",
         f"{pypiserver['url']}/simple/", "diracdemo==8.0.2"],
        check=True,
    )  # fmt: skip
    installed = subprocess.run(
        [str(python), "-c", "import importlib.metadata as m; print(m.version('diracdemo'))"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    assert installed == "8.0.2"


def test_upload_is_idempotent_and_never_replaces(tmp_path, pypiserver):
    repo = build_demo(tmp_path / "demo")
    built = build_artifacts(repo, tmp_path / "dist", source_date_epoch=1_600_000_000,
                            expected_version="8.0.0", isolation=False)  # fmt: skip
    wheel = next(a.path for a in built if a.kind == "wheel")
    sdist = next(a.path for a in built if a.kind == "sdist")
    first = upload([wheel], pypiserver["url"], username=USER, password=PASSWORD)
    assert first["uploaded"] == [wheel.name]
    both = upload([wheel, sdist], pypiserver["url"], username=USER, password=PASSWORD)
    assert both == {"uploaded": [sdist.name], "skipped": [wheel.name]}  # only what was missing
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(wheel, other / wheel.name)
    (other / wheel.name).write_bytes(wheel.read_bytes() + b"\0")
    with pytest.raises(UploadError, match=f"already has {wheel.name} with another content"):
        upload([other / wheel.name], pypiserver["url"], username=USER, password=PASSWORD)


def test_wrong_password_is_not_shown(tmp_path, pypiserver):
    repo = build_demo(tmp_path / "demo")
    built = build_artifacts(repo, tmp_path / "dist", source_date_epoch=1,
                            expected_version="8.0.0", isolation=False)  # fmt: skip
    with pytest.raises(UploadError) as failure:
        upload([a.path for a in built], pypiserver["url"], username=USER,
               password="wrong-pass-word-123", retries=0)  # fmt: skip
    assert "wrong-pass-word-123" not in str(failure.value)


def test_index_5xx_is_retried_then_reported(tmp_path):
    """An index that answers 502 to uploads: bounded retries, then a resumable error."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    posts = []

    class Broken(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_POST(self):
            posts.append(self.path)
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(502)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Broken)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        repo = build_demo(tmp_path / "demo")
        built = build_artifacts(repo, tmp_path / "dist", source_date_epoch=1,
                                expected_version="8.0.0", isolation=False)  # fmt: skip
        waits = []
        url = f"http://127.0.0.1:{server.server_port}/"
        with pytest.raises(UploadError, match="502") as failure:
            upload([a.path for a in built], url, username=USER, password=PASSWORD,
                   retries=2, sleep=waits.append)  # fmt: skip
        assert waits == [2.0, 4.0] and len(posts) >= 3  # twine may retry inside an attempt
        assert "--resume" in str(failure.value)
    finally:
        server.shutdown()
        server.server_close()


def test_rehearsal_changes_nothing_outside_its_sandbox(tmp_path):
    repo = release_ready_demo(tmp_path)

    def snapshot() -> tuple[str, str, str]:
        return (git(repo, "for-each-ref"), git(tmp_path / "demo" / "origin.git", "for-each-ref"),
                git(repo, "status", "--porcelain"))  # fmt: skip

    before = snapshot()
    result = CliRunner().invoke(cli, ["--repo", str(repo), "release", "-b", "rel-v8r0",
                                      "--rehearse"])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "rel-v8r0: rehearsal passed: pip installed diracdemo==8.0.2" in result.stdout
    assert snapshot() == before
    assert not (repo / ".git" / "release-tool" / "releases").exists()
