"""Typed settings of one CLI run; they build the clients the commands use.

Commands parse options into a :class:`Settings` and ask it for the
repository, configuration and inventory, so tests swap a client in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .config import Config, load_config
from .errors import InputError
from .gitrepo import GitRepo
from .inventory import Inventory


@dataclass
class Settings:
    """Global options: the repository path (``--repo``) and log verbosity."""

    repo_path: Path | None = None
    debug: bool = False

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
        return Inventory(self.repo, self.config)
