"""Towncrier news fragments of a project, read with towncrier's own code.

The configuration is towncrier's (``towncrier.toml`` or ``[tool.towncrier]``
in ``pyproject.toml``, loaded by ``towncrier._settings.load_config``) and so
is the discovery of fragment files (``towncrier._builder.find_fragments``):
directories, sections, fragment types, ignored files and orphan prefixes all
behave as ``towncrier build`` would. This is the one I/O module of the notes
core besides template loading.
"""

from __future__ import annotations

import inspect
import os
from pathlib import Path

from ..errors import ConfigError


def _find(base: str, config) -> dict:
    """Call ``find_fragments`` with the signature of the installed towncrier.

    towncrier 24.7 and later take ``(base_directory, config, strict)``;
    23.x took ``(base_directory, sections, fragment_directory, types, orphan_prefix)``.
    """
    from towncrier._builder import find_fragments

    params = inspect.signature(find_fragments).parameters
    if "config" in params:
        content, _files = find_fragments(base, config, strict=False)
        return content
    if config.directory:  # pragma: no cover - towncrier < 24.7
        fragment_base = os.path.abspath(os.path.join(base, config.directory))
        fragment_dir = None
    else:  # pragma: no cover - towncrier < 24.7
        fragment_base = os.path.abspath(os.path.join(base, config.package_dir, config.package))
        fragment_dir = "newsfragments"
    content, _files = find_fragments(  # pragma: no cover - towncrier < 24.7
        fragment_base, config.sections, fragment_dir, config.types, config.orphan_prefix
    )
    return content  # pragma: no cover - towncrier < 24.7


def uses_towncrier(project_dir: str | os.PathLike) -> bool:
    """Whether the project configures towncrier (``towncrier.toml`` or ``[tool.towncrier]``)."""
    root = Path(project_dir)
    if (root / "towncrier.toml").is_file():
        return True
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file():
        return False
    from towncrier._settings.load import load_toml_from_file

    try:
        data = load_toml_from_file(str(pyproject))
    except Exception as exc:  # tomllib's error type differs between Python versions
        raise ConfigError(f"{pyproject}: not valid TOML: {exc}") from None
    tool = data.get("tool", {})
    return isinstance(tool, dict) and "towncrier" in tool


def towncrier_fragments(project_dir: str | os.PathLike) -> dict[int, list[tuple[str, str]]]:
    """The news fragments of a project by PR number: ``{7005: [("bugfix", "text"), ...]}``.

    Types are towncrier's names (``feature``, ``bugfix``, ...); map them with
    ``NotesConfig.towncrier_types``. Fragments whose name is not a number
    (orphans ``+name.feature``, ``fix-1.2.3.bugfix``) belong to no PR and are
    left out; so is an empty fragment. A project without towncrier
    configuration has no fragments. A broken configuration is a
    :class:`~release_tool.errors.ConfigError`.
    """
    if not uses_towncrier(project_dir):
        return {}
    from click import ClickException
    from towncrier._settings.load import load_config

    base = os.path.abspath(project_dir)
    try:
        config = load_config(base)
        if config is None:  # pragma: no cover - uses_towncrier said there is one
            return {}
        content = _find(base, config)
    except ClickException as exc:
        raise ConfigError(f"towncrier configuration in {base}: {exc.format_message()}") from None
    except ValueError as exc:  # two files for one fragment
        raise ConfigError(f"towncrier fragments in {base}: {exc}") from None
    result: dict[int, list[tuple[str, str]]] = {}
    for section in content.values():
        for (issue, kind, _counter), text in sorted(section.items()):
            number = issue.lstrip("#")
            if not number.isdigit() or not text.strip():
                continue
            result.setdefault(int(number), []).append((kind, text.strip()))
    return result
