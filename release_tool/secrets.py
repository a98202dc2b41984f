"""Keep tokens out of every output: stdout, stderr, logs and exception text.

Every secret the tool reads is registered here; :func:`redact` replaces it in
any text, and :class:`RedactingFilter` does so for every log record.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from .errors import InputError

TOKEN_VARIABLES = ("GITHUB_TOKEN", "GH_TOKEN")
MASK = "***"
_secrets: set[str] = set()


def register(secret: str) -> None:
    """Remember a secret so that it is masked wherever it would be shown."""
    if secret and len(secret) >= 4:
        _secrets.add(secret)


def is_secret(value: str) -> bool:
    """Whether ``value`` (stripped) is a registered secret."""
    return value.strip() in _secrets


def redact(text: str) -> str:
    """``text`` with every registered secret masked."""
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


class RedactingFilter(logging.Filter):
    """A logging filter that masks secrets in messages and their arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Render the message, mask it, and keep the record."""
        if _secrets:
            record.msg = redact(record.getMessage())
            record.args = ()
        return True


def install_log_filter() -> None:
    """Mask secrets in every log record, whichever logger emits it."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())


def read_token(token_file: Path | None = None) -> tuple[str | None, str]:
    """The token and where it came from (``--token-file``, ``GITHUB_TOKEN`` or ``GH_TOKEN``).

    Returns ``(None, "GITHUB_TOKEN")`` when there is none: read-only calls
    then run anonymously.
    """
    if token_file is not None:
        try:
            token = Path(token_file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise InputError(f"cannot read the token file {token_file}: {exc.strerror}") from None
        if not token:
            raise InputError(f"the token file {token_file} is empty")
        register(token)
        return token, f"the token file {token_file}"
    for variable in TOKEN_VARIABLES:
        token = os.environ.get(variable, "").strip()
        if token:
            register(token)
            return token, variable
    return None, TOKEN_VARIABLES[0]
