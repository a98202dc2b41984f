"""The hosting service ("forge") behind one small interface.

Core code talks to a :class:`Forge` and never checks which one it has: an
operation a forge cannot do raises :class:`UnsupportedOperation`, which says
so. Every side-effecting call takes ``noop``: when true it reports what it
would do and changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import ReleaseToolError

log = logging.getLogger(__name__)


class ForgeError(ReleaseToolError):
    """The forge answered with an error, or could not be reached (exit code 1)."""


class UnsupportedOperation(ForgeError):
    """This forge cannot do that (the git-only forge has no releases, say)."""


@dataclass
class PrInfo:
    """A pull request's metadata as the forge knows it."""

    number: int
    title: str
    body: str = ""
    labels: list[str] = field(default_factory=list)
    author: str | None = None
    base: str | None = None
    head: str | None = None
    merged_at: str | None = None
    merge_commit: str | None = None
    updated_at: str | None = None
    state: str | None = None
    url: str | None = None
    created_at: str | None = None

    def as_dict(self) -> dict:
        """A plain dict (for the cache and JSON output)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> PrInfo:
        """Rebuild from :meth:`as_dict` output, ignoring unknown keys."""
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


@dataclass
class FetchResult:
    """PR metadata for a set of numbers: every one found, or named as missing."""

    prs: dict[int, PrInfo]
    missing: list[int] = field(default_factory=list)
    requests: int = 0
    from_cache: int = 0

    @property
    def complete(self) -> bool:
        """Whether every requested PR is here."""
        return not self.missing


@dataclass
class CommentInfo:
    """A comment on a PR (GitHub: an issue comment)."""

    id: int
    body: str
    author: str | None = None
    created_at: str | None = None


@dataclass
class ReleaseInfo:
    """A release on the forge."""

    id: int
    tag: str
    name: str
    draft: bool
    prerelease: bool
    url: str | None = None
    assets: dict[str, int] = field(default_factory=dict)  # name -> size


class Forge:
    """What release-tool asks of a hosting service. Subclasses implement what they can."""

    name = "forge"

    def _unsupported(self, what: str) -> UnsupportedOperation:
        """The error for an operation this forge cannot do."""
        return UnsupportedOperation(f"the {self.name} forge cannot {what}")

    def fetch_prs(self, numbers: Iterable[int]) -> FetchResult:
        """Metadata of the PRs ``numbers``, with those that do not exist listed as missing."""
        raise self._unsupported("fetch pull requests")

    def open_prs(self, branch: str) -> list[PrInfo]:
        """The open PRs whose base is ``branch``."""
        raise self._unsupported("list open pull requests")

    def list_prs(
        self, *, base: str | None = None, head: str | None = None, state: str = "open"
    ) -> list[PrInfo]:
        """PRs by base and/or head branch (``state``: ``open``, ``closed`` or ``all``).

        One listing (paginated, 100 to a page), with labels, author and
        creation time: never one request per PR.
        """
        raise self._unsupported("list pull requests")

    def find_release(self, tag: str) -> ReleaseInfo | None:
        """The release of ``tag``, drafts included, or None."""
        raise self._unsupported("find releases")

    def create_release(
        self, tag: str, name: str, body: str, *, prerelease: bool, noop: bool = False
    ) -> ReleaseInfo | None:
        """Create a draft release of ``tag``."""
        raise self._unsupported("create releases")

    def upload_asset(
        self, release: ReleaseInfo, path: Path, *, noop: bool = False
    ) -> ReleaseInfo | None:
        """Attach a file to a release."""
        raise self._unsupported("upload release assets")

    def delete_asset(
        self, release: ReleaseInfo, name: str, *, noop: bool = False
    ) -> ReleaseInfo | None:
        """Remove an asset from a release (only on explicit request: ``--replace-assets``)."""
        raise self._unsupported("delete release assets")

    def publish_release(self, release: ReleaseInfo, *, noop: bool = False) -> ReleaseInfo | None:
        """Turn a draft release into a published one."""
        raise self._unsupported("publish releases")

    def combined_status(self, sha: str) -> str:
        """The combined CI state of a commit: ``success``, ``pending``, ``failure``..."""
        raise self._unsupported("read commit statuses")

    def comment(self, number: int, body: str, *, noop: bool = False) -> None:
        """Comment on PR ``number``."""
        raise self._unsupported("comment on pull requests")

    def comments(self, number: int) -> list[CommentInfo]:
        """The comments of PR ``number``, oldest first."""
        raise self._unsupported("read pull request comments")

    def add_labels(self, number: int, labels: list[str], *, noop: bool = False) -> None:
        """Add labels to PR ``number``."""
        raise self._unsupported("label pull requests")

    def remove_label(self, number: int, label: str, *, noop: bool = False) -> None:
        """Remove ``label`` from PR ``number`` (nothing happens when it is not there)."""
        raise self._unsupported("remove labels from pull requests")

    def create_pr(
        self, base: str, head: str, title: str, body: str, *, noop: bool = False
    ) -> int | None:
        """Open a PR from ``head`` into ``base``; its number."""
        raise self._unsupported("create pull requests")
