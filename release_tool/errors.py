"""The one exception hierarchy of release-tool.

Every error the tool expects derives from :class:`ReleaseToolError`. The CLI
turns them into a single line on stderr and an exit code: 2 for bad input or
usage (:class:`InputError` and its children), 1 for an operation that failed.
Messages must never contain a token: build them from names, never from
request headers or URLs with credentials.
"""

from __future__ import annotations


class ReleaseToolError(Exception):
    """Base of every error release-tool reports to its user."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        """Keep the message and an optional hint saying what to do next."""
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        """The message, followed by the hint when there is one."""
        if self.hint:
            return f"{self.message} ({self.hint})"
        return self.message


class InputError(ReleaseToolError):
    """The user gave something the tool cannot accept (exit code 2)."""

    exit_code = 2


class VersionError(InputError):
    """A string is not a version, or a version has no form in the asked scheme."""


class BumpError(InputError):
    """A bump that cannot apply to the given version."""


class ConfigError(InputError):
    """The ``[tool.release-tool]`` configuration is invalid."""


class UnknownRefError(InputError):
    """A branch, tag or revision that does not exist in the repository."""


class PolicyError(ReleaseToolError):
    """A version breaks a release-line rule (exit code 1: the check failed)."""


class GitError(ReleaseToolError):
    """A git command failed, or the path is not a usable repository."""


class CommandError(ReleaseToolError):
    """An external command failed or timed out."""
