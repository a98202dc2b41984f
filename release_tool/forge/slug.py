"""The ``owner/name`` of a hosted repository, from a git remote URL."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .. import proc
from ..errors import InputError

_PATTERNS = (
    re.compile(r"^(?:https?|git|ssh)://(?:[^@/]+@)?[^/]+(?::\d+)?/(?P<slug>[^/]+/[^/]+?)/?$"),
    re.compile(r"^(?:[^@/]+@)?[^:/]+:(?P<slug>[^/]+/[^/]+?)/?$"),  # scp-like: git@host:o/n
)


def slug_from_url(url: str) -> str | None:
    """``owner/name`` from an https or ssh remote URL (``.git`` dropped), or None."""
    url = url.strip()
    for pattern in _PATTERNS:
        match = pattern.match(url)
        if match:
            slug = match.group("slug")
            return slug[:-4] if slug.endswith(".git") else slug
    return None


def local_path(url: str) -> Path | None:
    """The directory a remote URL names on this machine (a path or ``file://``), else None."""
    url = url.strip()
    if url.startswith("file://"):
        return Path(unquote(urlsplit(url).path))
    if "://" in url or re.match(r"^[^/]+:", url):  # a network URL or scp-like host:path
        return None
    return Path(url) if url else None


def slug_from_remote(url: str, *, cwd: Path | None = None, hops: int = 3) -> str | None:
    """``owner/name`` of a remote: from its URL, or, for a local repository (a mirror or
    clone on this machine), from that repository's own ``origin``, up to ``hops`` deep.

    The client (``--github-repo`` by default) and ``sandbox serve`` both name a repository
    this way, so they agree.
    """
    slug = slug_from_url(url)
    if slug is not None or hops <= 0:
        return slug
    path = local_path(url)
    if path is None:
        return None
    if not path.is_absolute() and cwd is not None:
        path = cwd / path
    if not path.is_dir():
        return None
    result = proc.run(["git", "-C", str(path), "remote", "get-url", "origin"], check=False)
    upstream = result.stdout.strip() if result.returncode == 0 else ""
    return slug_from_remote(upstream, cwd=path, hops=hops - 1) if upstream else None


def check_slug(slug: str) -> str:
    """``slug`` if it reads ``owner/name``, else an InputError."""
    if not re.fullmatch(r"[\w.-]+/[\w.-]+", slug or ""):
        raise InputError(f"not a repository name: {slug!r} (expected owner/name)")
    return slug
