"""``release-tool cache info|clear``: the PR cache of the repository."""

from __future__ import annotations

import click

from ..forge.cache import PrCache, cache_file
from . import pass_settings


@click.group("cache")
def cache_group() -> None:
    """Inspect or clear the cache of PR metadata fetched from GitHub."""


def _cache_path(settings):
    """Where the cache of this repository's GitHub PRs lives."""
    directory = settings.cache_dir or (settings.repo.git_dir / "release-tool")
    return cache_file(directory, settings.github_slug())


@cache_group.command("info")
@pass_settings
def info(settings) -> None:
    """Show the cache file, how many PRs it holds and when it was last synced."""
    path = _cache_path(settings)
    if not path.exists():
        click.echo(f"no cache yet at {path}")
        return
    cache = PrCache(path)
    try:
        click.echo(f"file:       {path}")
        click.echo(f"repository: {cache.meta('repository') or settings.github_slug()}")
        click.echo(f"PRs:        {cache.count()}")
        click.echo(f"synced to:  {cache.meta('mark') or 'never'}")
    finally:
        cache.close()


@cache_group.command("clear")
@pass_settings
def clear(settings) -> None:
    """Forget every cached PR of this repository, its stored history index and templates."""
    import shutil

    from ..history.indexcache import clear as clear_index

    directory = settings.index_cache_dir()
    if clear_index(directory):
        click.echo(f"removed the history index from {directory}")
    compiled = directory / "templates"
    if compiled.is_dir() and not compiled.is_symlink():
        shutil.rmtree(compiled)
        click.echo(f"removed the compiled templates from {compiled}")
    path = _cache_path(settings)
    if not path.exists():
        click.echo(f"no cache at {path}")
        return
    cache = PrCache(path)
    try:
        dropped = cache.clear()
    finally:
        cache.close()
    click.echo(f"cleared {dropped} PR(s) from {path}")
