"""Typed settings of one CLI run; they build the clients the commands use.

Commands parse options into a :class:`Settings` and ask it for the
repository, configuration and inventory, so tests swap a client in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .core.config import Config, load_config
from .errors import InputError
from .forge.slug import check_slug, local_path, slug_from_remote
from .history.gitrepo import GitRepo
from .secrets import read_token

if TYPE_CHECKING:  # imported where used: a command pays only for what it needs
    from .forge.github import GitHubForge
    from .history.inventory import Inventory


@dataclass
class Settings:
    """Global options: the repository path (``--repo``) and log verbosity."""

    repo_path: Path | None = None
    debug: bool = False
    github_url: str | None = None
    github_repo: str | None = None
    token_file: Path | None = None
    cache_dir: Path | None = None
    no_cache: bool = False  # --no-cache: no persistent history index
    token: str | None = field(default=None, repr=False)  # set by code, never by an option

    def __post_init__(self) -> None:
        """Check ``--github-url`` up front: one clear line, before any work."""
        if self.github_url is not None:
            from .forge.urls import check_api_url

            self.github_url = check_api_url(self.github_url)

    @cached_property
    def _opened(self) -> GitRepo:
        """The repository at ``--repo`` (default: the current directory), as opened."""
        return GitRepo(self.repo_path or Path.cwd())

    @cached_property
    def config(self) -> Config:
        """The configuration of the repository (its ``pyproject.toml``)."""
        return load_config(self._opened.root)

    @cached_property
    def repo(self) -> GitRepo:
        """The git repository, set up with the configured remote."""
        self._opened.remote = self.config.remote
        return self._opened

    def config_or_default(self) -> Config:
        """The repository's configuration, or the defaults outside any repository.

        Commands that need no repository (``version bump``) still honour the
        configuration of the one they run in; an explicit ``--repo`` must exist.
        """
        if self.repo_path is not None:
            return self.config
        try:
            return self.config
        except InputError:
            return Config()

    @cached_property
    def inventory(self) -> Inventory:
        """Tags, branches and release lines of the repository."""
        from .history.inventory import Inventory

        inventory = Inventory(self.repo, self.config)
        if not self.no_cache:
            inventory.index_cache = self.index_cache_dir()
        return inventory

    def template_cache_dir(self) -> Path | None:
        """Where compiled notes templates are kept between runs (None with ``--no-cache``)."""
        return None if self.no_cache else self.index_cache_dir() / "templates"

    def index_cache_dir(self) -> Path:
        """Where the persistent history index lives: ``--cache-dir``, else .git/release-tool."""
        return self.cache_dir or (self.repo.git_dir / "release-tool")

    def github_slug(self) -> str:
        """``owner/name`` on GitHub: ``--github-repo``, else from the remote's URL."""
        if self.github_repo:
            return check_slug(self.github_repo)
        url = self.repo.remote_url()
        slug = slug_from_remote(url, cwd=self.repo.root) if url else None
        if slug is None:
            why = "does not exist"
            if url:
                local = local_path(url) is not None
                why = "is a local repository without a GitHub origin" if local else (
                    "has no usable URL")  # fmt: skip
            raise InputError(
                f"cannot tell the GitHub repository: remote {self.repo.remote!r} {why}; "
                "give --github-repo owner/name"
            )
        return slug

    def github_forge(self, progress=None) -> GitHubForge:
        """The GitHub forge of the repository (``--github-url`` for Enterprise or the emulator)."""
        from .forge.github import DEFAULT_URL, GitHubForge, GitHubSettings

        token, source = (self.token, "the demo") if self.token else read_token(self.token_file)
        cache_dir = self.cache_dir or (self.repo.git_dir / "release-tool")
        return GitHubForge(
            GitHubSettings(
                slug=self.github_slug(),
                base_url=self.github_url or DEFAULT_URL,
                token=token,
                token_source=source,
                cache_dir=cache_dir,
                progress=progress,
            )
        )
