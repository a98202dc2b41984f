"""The real builder and uploader the release steps use (tests inject fakes instead).

Both are imported lazily, so a command that only plans never loads ``build``
or twine.
"""

from __future__ import annotations

from pathlib import Path


def default_builder(root: Path, outdir: Path, *, source_date_epoch: int, expected_version: str,
                    isolation: bool, twine_check: str = "errors") -> list[Path]:  # fmt: skip
    """Build sdist and wheel with :mod:`release_tool.release.artifacts`."""
    from .artifacts import build_artifacts

    return build_artifacts(
        root, outdir, source_date_epoch=source_date_epoch,
        expected_version=expected_version, isolation=isolation, twine_check=twine_check,
    )  # fmt: skip


def default_uploader(paths: list[Path], url: str) -> dict:
    """Upload with :mod:`release_tool.release.upload` (what the index has already is skipped)."""
    from .upload import upload

    return upload(paths, url)
