"""Towncrier fragments, read through towncrier's own configuration and discovery."""

from __future__ import annotations

import pytest

from release_tool.errors import ConfigError
from release_tool.notes import PullRequestNotes, release_notes, towncrier_fragments
from release_tool.notes.fragments import uses_towncrier


def write(path, text):
    """Create ``path`` with its parents."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_fragments_by_pr_number(tmp_path):
    write(
        tmp_path / "pyproject.toml",
        '[project]\nname = "demo"\n\n[tool.towncrier]\ndirectory = "changes"\n',
    )
    write(tmp_path / "changes" / "12.bugfix", "Fix the cache.\n")
    write(tmp_path / "changes" / "12.feature.1", "Add a thing.\n")
    write(tmp_path / "changes" / "0013.removal", "Drop py2.\n")
    write(tmp_path / "changes" / "14.misc", "")  # no text: nothing to say
    write(tmp_path / "changes" / "+orphan.feature", "Belongs to no PR.\n")
    write(tmp_path / "changes" / "README.md", "Not a fragment.\n")
    assert towncrier_fragments(tmp_path) == {
        12: [("bugfix", "Fix the cache."), ("feature", "Add a thing.")],
        13: [("removal", "Drop py2.")],
    }


def test_default_directory_custom_types_and_towncrier_toml(tmp_path):
    write(
        tmp_path / "towncrier.toml",
        '[tool.towncrier]\npackage = "pkg"\npackage_dir = "src"\n\n'
        '[[tool.towncrier.type]]\ndirectory = "fix"\nname = "Fixes"\nshowcontent = true\n',
    )
    write(tmp_path / "src" / "pkg" / "newsfragments" / "7.fix", "Fixed.\n")
    write(tmp_path / "src" / "pkg" / "newsfragments" / "8.bugfix", "Not a type here.\n")
    assert towncrier_fragments(tmp_path) == {7: [("fix", "Fixed.")]}


def test_sections_are_all_read(tmp_path):
    write(
        tmp_path / "pyproject.toml",
        '[tool.towncrier]\ndirectory = "news"\n\n'
        '[[tool.towncrier.section]]\nname = ""\npath = ""\n\n'
        '[[tool.towncrier.section]]\nname = "WMS"\npath = "wms"\n',
    )
    write(tmp_path / "news" / "1.feature", "Top.\n")
    write(tmp_path / "news" / "wms" / "2.bugfix", "In WMS.\n")
    assert towncrier_fragments(tmp_path) == {
        1: [("feature", "Top.")],
        2: [("bugfix", "In WMS.")],
    }


def test_project_without_towncrier(tmp_path):
    assert towncrier_fragments(tmp_path) == {}
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n')
    write(tmp_path / "newsfragments" / "1.feature", "Ignored: towncrier is not configured.\n")
    assert not uses_towncrier(tmp_path)
    assert towncrier_fragments(tmp_path) == {}


def test_broken_configuration_is_a_config_error(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.towncrier]\ntemplate = "missing.rst.j2"\n')
    with pytest.raises(ConfigError, match="towncrier"):
        towncrier_fragments(tmp_path)
    write(tmp_path / "pyproject.toml", "[tool.towncrier\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        towncrier_fragments(tmp_path)


def test_fragments_feed_classification(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.towncrier]\ndirectory = "changes"\n')
    write(tmp_path / "changes" / "40.bugfix", "Fixed from a fragment.\n")
    write(tmp_path / "changes" / "41.doc", "Docs only.\n")
    prs = [PullRequestNotes(40, "Some title"), PullRequestNotes(41, "Other title")]
    notes = release_notes(prs, "2.0.1", fragments=towncrier_fragments(tmp_path))
    assert [(e.type, e.refs, e.text, e.source) for e in notes.entries] == [
        ("FIX", ["#40"], "Fixed from a fragment.", "towncrier")
    ]
    assert [(e.refs, e.source) for e in notes.excluded] == [(["#41"], "towncrier type doc")]
