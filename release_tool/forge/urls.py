"""GitHub API URLs (``--github-url``): checked up front, never holding credentials.

Pure functions. :func:`check_api_url` accepts ``http``/``https`` URLs with a
host and nothing else (``not-a-url``, ``ftp://x``, ``file:///...`` are one
clear error), and refuses credentials in the URL: the token belongs in
``GITHUB_TOKEN``, ``GH_TOKEN`` or ``--token-file``, where it is masked, never
in a URL that ends up in a cache, a log or an error. :func:`web_url` derives
the address of the web pages (PR links) from the API URL: ``api.github.com``
-> ``github.com``, Enterprise ``https://HOST/api/v3`` -> ``https://HOST``,
``https://api.SUB.ghe.com`` -> ``https://SUB.ghe.com``, the emulator -> itself.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from ..errors import InputError
from ..secrets import register

DEFAULT_API_URL = "https://api.github.com"
DEFAULT_WEB_URL = "https://github.com"


def without_credentials(url: str) -> str:
    """``url`` with any ``user:password@`` part removed (for storing and showing)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<invalid URL>"
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def check_api_url(url: str, *, option: str = "--github-url") -> str:
    """``url`` as a clean API base URL (no trailing slash), or an InputError saying why."""
    text = (url or "").strip()
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        raise InputError(f"{option}: not a URL: {without_credentials(text)!r} ({exc})") from None
    if parts.username is not None or parts.password is not None:
        for secret in (parts.username, parts.password):
            register(secret or "")
        raise InputError(
            f"{option} must not hold credentials ({without_credentials(text)}): "
            "give the token in GITHUB_TOKEN, GH_TOKEN or --token-file"
        )
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(
            f"{option}: not an http(s) URL with a host: {text!r} "
            "(e.g. https://github.example.org/api/v3)"
        )
    if parts.query or parts.fragment:
        raise InputError(f"{option}: a base URL has no query or fragment: {text!r}")
    return text.rstrip("/")


def web_url(api_url: str | None) -> str:
    """The web address matching a (checked) API URL; github.com for None."""
    if not api_url:
        return DEFAULT_WEB_URL
    parts = urlsplit(api_url.rstrip("/"))
    host = parts.netloc
    path = parts.path.rstrip("/")
    if path.endswith("/api/v3"):  # GitHub Enterprise Server
        path = path.removesuffix("/api/v3")
    elif host == "api.github.com" or host.endswith(".ghe.com") and host.startswith("api."):
        host = host.removeprefix("api.")
    return urlunsplit((parts.scheme, host, path, "", ""))
