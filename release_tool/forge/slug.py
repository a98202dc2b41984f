"""The ``owner/name`` of a hosted repository, from a git remote URL."""

from __future__ import annotations

import re

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


def check_slug(slug: str) -> str:
    """``slug`` if it reads ``owner/name``, else an InputError."""
    if not re.fullmatch(r"[\w.-]+/[\w.-]+", slug or ""):
        raise InputError(f"not a repository name: {slug!r} (expected owner/name)")
    return slug
