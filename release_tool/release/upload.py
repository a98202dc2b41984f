"""The index adapter: upload with twine what the package index does not have yet.

Before uploading, the index's PEP 503 simple page says which files it has
and their SHA-256: the same file counts as done, a different file under the
same name is an error (a rebuild must never silently replace a published
file). The page is read without following redirects off the index's host:
an index that sends an unknown project elsewhere (pypiserver's fallback to
the public index) does not have it. After the upload the page is read back,
and the upload fails unless every file is there with the digest built.
Credentials go to twine through its environment only.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

from packaging.utils import canonicalize_name, parse_sdist_filename, parse_wheel_filename

from .. import proc
from ..errors import ReleaseToolError
from ..secrets import redact, register
from .artifacts import sha256

log = logging.getLogger(__name__)


class UploadError(ReleaseToolError):
    """The index refused an upload, or holds a different file of the same name."""


class _Links(HTMLParser):
    """The ``<a href>`` targets of a simple-API page."""

    def __init__(self) -> None:
        """Start with no links."""
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        """Collect anchors."""
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Report redirects instead of following them (to another index, say)."""

    def redirect_request(self, *args, **kwargs):
        """Follow nothing."""
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def project_name(path: Path) -> str:
    """The normalised project name of a wheel or sdist file name."""
    name = path.name
    parsed = parse_wheel_filename(name) if name.endswith(".whl") else parse_sdist_filename(name)
    return canonicalize_name(parsed[0])


def simple_url_for(upload_url: str) -> str:
    """The simple index next to an upload URL (pypiserver: same root; PyPI: pypi.org/simple)."""
    if "upload.pypi.org" in upload_url:
        return "https://pypi.org/simple/"
    if "test.pypi.org" in upload_url:
        return "https://test.pypi.org/simple/"
    return re.sub(r"(/legacy)?/?$", "", upload_url) + "/simple/"


def _origin(url: str) -> tuple[str, str, int | None]:
    """Scheme, host and port of a URL (the port made explicit)."""
    parts = urllib.parse.urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port


def published_files(simple_url: str, project: str, timeout: float = 30) -> dict[str, str | None]:
    """File name -> SHA-256 (or None when unknown) of what the index has for ``project``.

    Redirects within the index's host are followed (a few); a redirect to
    another host means the index does not have the project (pypiserver
    sends unknown projects to the public index): never read as "present".
    """
    url = f"{simple_url.rstrip('/')}/{project}/"
    home = _origin(url)
    for _ in range(5):
        try:
            with _OPENER.open(url, timeout=timeout) as answer:
                page = answer.read().decode("utf-8", "replace")
            break
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return {}
            location = exc.headers.get("Location") if 300 <= exc.code < 400 else None
            if not location:
                raise UploadError(f"the index answered {exc.code} for {url}") from None
            target = urllib.parse.urljoin(url, location)
            if _origin(target) != home:
                log.info("the index sends %s to another host (%s): not on this index",
                         project, _origin(target)[1])  # fmt: skip
                return {}
            url = target
        except OSError as exc:
            raise UploadError(f"cannot read the index at {url}: {exc}") from None
    else:
        raise UploadError(f"the index at {simple_url} redirects {project} in a loop")
    parser = _Links()
    parser.feed(page)
    files: dict[str, str | None] = {}
    for href in parser.links:
        path, _, fragment = href.partition("#")
        name = path.rstrip("/").rsplit("/", 1)[-1]
        digest = fragment[len("sha256=") :] if fragment.startswith("sha256=") else None
        files[name] = digest
    return files


def upload(
    paths: list[Path],
    url: str,
    *,
    simple_url: str | None = None,
    username: str | None = None,
    password: str | None = None,
    retries: int = 3,
    backoff: float = 2.0,
    sleep=time.sleep,
    noop: bool = False,
    verify_attempts: int = 4,
) -> dict:
    """Upload the files ``url``'s index lacks; ``{"uploaded": [...], "skipped": [...]}``.

    Then read the index back: an UploadError unless every file is listed
    with the SHA-256 of the file built (re-read ``verify_attempts`` times,
    for indexes whose pages lag behind an upload).

    Credentials: arguments, else ``TWINE_USERNAME``/``TWINE_PASSWORD``, else
    none: the upload is then anonymous, which an index without
    authentication (``pypi-server -a . -P .``) accepts and PyPI refuses.
    """
    simple_url = simple_url or simple_url_for(url)
    username = username or os.environ.get("TWINE_USERNAME")
    password = password or os.environ.get("TWINE_PASSWORD")
    if password:
        register(password)
    skipped: list[str] = []
    uploaded: list[str] = []
    env = {"TWINE_NON_INTERACTIVE": "1", "NO_COLOR": "1"}
    if username:
        env["TWINE_USERNAME"] = username
    if password:
        env["TWINE_PASSWORD"] = password
    anonymous = not username and not password
    if anonymous:  # twine would stop asking for a user name: send empty credentials instead
        env.update(TWINE_USERNAME="", TWINE_PASSWORD="")
    for attempt in range(retries + 1):
        # What the index has is read again before each attempt: a failed upload
        # may still have stored some of the files.
        todo = _missing(paths, simple_url, skipped)
        if noop or not todo:
            break
        args = [sys.executable, "-m", "twine", "upload", "--non-interactive",
                "--disable-progress-bar", "--repository-url", url,
                *[str(p) for p in todo]]  # fmt: skip
        result = proc.run(args, env=env, timeout=900, check=False)
        if result.returncode == 0:
            uploaded += [p.name for p in todo]
            break
        output = re.sub(
            r"\x1b\[[0-9;]*m", "", redact((result.stdout or "") + (result.stderr or ""))
        )
        reason = _reason(output)
        if attempt < retries and re.search(r"\b5\d\d\b", reason):
            delay = backoff * 2**attempt
            log.warning("the index failed (%s); retrying in %.0fs", reason, delay)
            sleep(delay)
            continue
        refused = anonymous and re.search(r"\b40[13]\b", reason)
        raise UploadError(
            f"uploading to {url} failed: {reason}",
            hint="set TWINE_USERNAME and TWINE_PASSWORD, then run the release again with --resume"
            if refused
            else "run the release again with --resume",
        )
    result = {"uploaded": uploaded, "skipped": sorted(set(skipped))}
    if noop:
        result["would_upload"] = [p.name for p in _missing(paths, simple_url, [])]
        return result
    verify(paths, simple_url, attempts=verify_attempts, backoff=backoff, sleep=sleep)
    return result


def verify(
    paths: list[Path],
    simple_url: str,
    *,
    attempts: int = 4,
    backoff: float = 2.0,
    sleep=time.sleep,
) -> None:
    """Fail unless the index lists every file of ``paths`` with its SHA-256."""
    digests = {path.name: sha256(path) for path in paths}
    problems: list[str] = []
    for attempt in range(max(attempts, 1)):
        listed: dict[str, str | None] = {}
        for project in sorted({project_name(p) for p in paths}):
            listed.update(published_files(simple_url, project))
        problems = []
        for name, digest in digests.items():
            if name not in listed:
                problems.append(f"{name} is missing")
            elif listed[name] is None:
                problems.append(f"{name} is listed without a sha256 digest")
            elif listed[name] != digest:
                problems.append(f"{name} has sha256 {listed[name][:12]}..., not {digest[:12]}...")
        if not problems:
            return
        if attempt + 1 < attempts:
            sleep(backoff * 2**attempt)
    raise UploadError(
        f"after the upload, the index at {simple_url} does not hold what was built: "
        + "; ".join(problems),
        hint="check the index, then run the release again with --resume",
    )


def _missing(paths: list[Path], simple_url: str, skipped: list[str]) -> list[Path]:
    """The files the index lacks; identical ones go to ``skipped``, different ones fail."""
    by_project: dict[str, dict[str, str | None]] = {}
    todo = []
    for path in paths:
        project = project_name(path)
        if project not in by_project:
            by_project[project] = published_files(simple_url, project)
        have = by_project[project]
        if path.name not in have:
            todo.append(path)
            continue
        digest = have[path.name]
        if digest is not None and digest != sha256(path):
            raise UploadError(
                f"the index already has {path.name} with another content "
                f"(sha256 {digest[:12]}...); a published file is never replaced"
            )
        skipped.append(path.name)
    return todo


def _reason(output: str) -> str:
    """The telling line of twine's output (its ``ERROR`` line, else the last one)."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    for line in lines:
        if "ERROR" in line or "HTTPError" in line:
            return line
    return lines[-1] if lines else "no output"
