"""``release --rehearse``: every step of a release for real, inside a throw-away sandbox.

The sandbox is a temporary directory holding a bare copy of the repository
as ``origin``, a clone of it on the release branch, the GitHub emulator
loaded with the repository's PRs (bodies from the PR cache when there is
one, titles from history otherwise) and a local pypiserver as the index.
The release runs there, then the released version is installed from that
index into a fresh virtual environment. Nothing outside the sandbox changes.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .. import proc
from ..errors import ReleaseToolError
from ..forge.cache import PrCache
from ..history.gitbuild import ISOLATED_ENV
from ..sandbox import GitHubEmulator

SLUG = "rehearsal/sandbox"


class RehearsalError(ReleaseToolError):
    """The sandbox could not be set up, or the rehearsed release failed."""


def _free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def local_index(
    directory: Path, htpasswd: Path | None = None, *, fallback_url: str | None = None
) -> Iterator[str]:
    """A pypiserver on 127.0.0.1; its URL. Uploads need the ``htpasswd`` users, or nothing.

    Unknown projects get 404, or with ``fallback_url`` a redirect there
    (pypiserver's default behaviour, towards the public index).
    """
    if importlib.util.find_spec("pypiserver") is None:
        raise RehearsalError("rehearsing needs pypiserver: pip install pypiserver")
    directory.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - argument list
        [sys.executable, "-m", "pypiserver", "run", "-p", str(port), "-i", "127.0.0.1",
         *(["-a", "update", "-P", str(htpasswd)] if htpasswd else ["-a", ".", "-P", "."]),
         *(["--fallback-url", fallback_url] if fallback_url else ["--disable-fallback"]),
         str(directory)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=proc.clean_env(),
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):  # bounded: 15 s
            try:
                urllib.request.urlopen(f"{url}/simple/", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RehearsalError("the local package index did not start")
        yield url
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()


def prs_from_cache(git_dir: Path) -> list[dict] | None:
    """The cached PRs of the repository as an emulator data file, or None without a cache."""
    caches = sorted((git_dir / "release-tool").glob("github-*.sqlite"))
    if not caches:
        return None
    cache = PrCache(caches[0])
    try:
        rows = cache._db.execute("SELECT data FROM prs").fetchall()
    finally:
        cache.close()
    prs = []
    for (data,) in rows:
        pr = json.loads(data)
        if not pr.get("merge_commit"):
            continue
        prs.append({
            "number": pr["number"], "title": pr["title"] or f"PR {pr['number']}",
            "body": pr.get("body") or "", "labels": pr.get("labels") or [],
            "author": pr.get("author") or "ghost", "base": pr.get("base") or "main",
            "head": pr.get("head") or f"pr-{pr['number']}",
            "merge_commit": pr["merge_commit"], "merged_at": pr.get("merged_at"),
        })  # fmt: skip
    return prs or None


def install_check(index_url: str, name: str, version: str, workdir: Path) -> str:
    """Install ``name==version`` from the index into a fresh venv; the version it reports."""
    venv = workdir / "venv"
    proc.run([sys.executable, "-m", "venv", str(venv)], timeout=300)
    python = venv / "bin" / "python"
    proc.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--index-url",
              f"{index_url}/simple/", f"{name}=={version}"], timeout=600)  # fmt: skip
    out = proc.run([str(python), "-c",
                    f"import importlib.metadata as m; print(m.version({name!r}))"])  # fmt: skip
    return out.stdout.strip()


def sandbox_settings(sandbox: dict):
    """The settings of a run in the sandbox: its clone, GitHub emulator, token and cache."""
    from ..settings import Settings

    return Settings(repo_path=sandbox["repo"], github_url=sandbox["github_url"],
                    github_repo=sandbox["github_repo"], token=sandbox["token"],
                    cache_dir=sandbox["repo"] / ".git" / "release-tool")  # fmt: skip


def sandbox_uploader(paths, url: str):
    """Upload to the sandbox index, which takes any credentials."""
    from .upload import upload

    return upload(paths, url, username="rehearsal", password="rehearsal")


def rehearse(
    settings,
    branch: str,
    version: str | None,
    run_release: Callable[[object, str], str],
    say: Callable[[str], None],
    *,
    keep: bool = False,
) -> str:
    """Rehearse the release of ``branch`` in a sandbox; a summary of what happened."""
    source = settings.repo
    work = Path(tempfile.mkdtemp(prefix="release-tool-rehearsal-"))
    try:
        remote = work / "origin.git"
        clone = work / "clone"
        env = ISOLATED_ENV
        proc.run(["git", "clone", "--quiet", "--bare", "--", str(source.root), str(remote)],
                 env=env)  # fmt: skip
        proc.run(["git", "clone", "--quiet", "--branch", branch, "--", str(remote), str(clone)],
                 env=env)  # fmt: skip
        for key, value in (("user.name", "release-tool rehearsal"),
                           ("user.email", "rehearsal@example.invalid"),
                           ("commit.gpgSign", "false"), ("tag.gpgSign", "false")):  # fmt: skip
            proc.run(["git", "config", key, value], cwd=clone, env=env)
        prs = prs_from_cache(source.git_dir)
        prs_file = None
        if prs:
            prs_file = work / "prs.json"
            prs_file.write_text(json.dumps(prs), encoding="utf-8")
        say(f"sandbox: {work} (clone, bare origin, GitHub emulator, local index)")
        with GitHubEmulator.from_repo(clone, prs_file=prs_file, name=SLUG) as gh, \
                local_index(work / "index") as index_url:  # fmt: skip
            say(f"GitHub emulator at {gh.base_url}; package index at {index_url}")
            tags_before = set(proc.run(["git", "tag"], cwd=remote, env=env).stdout.split())
            outcome = run_release(
                {"repo": clone, "github_url": gh.base_url, "github_repo": SLUG,
                 "token": "rehearsal-token", "index_url": index_url}, branch,
            )  # fmt: skip
            tag_release = next(iter(gh.repo.releases.values()), None)
            published = sorted(p.name for p in (work / "index").iterdir())
            say(outcome)
            pushed = set(proc.run(["git", "tag"], cwd=remote, env=env).stdout.split())
            say(f"tags pushed: {', '.join(sorted(pushed - tags_before)) or 'none'}")
            say(f"GitHub release: {tag_release.tag_name if tag_release else 'none'}; "
                f"index: {', '.join(published) or 'nothing'}")  # fmt: skip
            if not published:
                raise RehearsalError("the rehearsal uploaded nothing to the index")
            name = published[0].split("-")[0]
            released = published[0].split("-")[1].removesuffix(".tar.gz")
            installed = install_check(index_url, name, released, work)
        return f"rehearsal passed: pip installed {name}=={installed} from the sandbox index"
    finally:
        if keep:
            say(f"kept the sandbox in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
