"""System names, section order, and the notes configuration."""

from __future__ import annotations

import pytest

from release_tool.errors import ConfigError
from release_tool.notes import Entry, NotesConfig, normalise_system, notes_config_from_mapping
from release_tool.notes.systems import alias_table, is_known_system, organise


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("WMS", "WorkloadManagementSystem"),
        ("DMS", "DataManagementSystem"),
        ("RMS", "RequestManagementSystem"),
        ("RSS", "ResourceStatusSystem"),
        ("TS", "TransformationSystem"),
        ("FS", "FrameworkSystem"),
        ("CS", "ConfigurationSystem"),
        ("AS", "AccountingSystem"),
        ("MS", "MonitoringSystem"),
        ("SMS", "StorageManagementSystem"),
        ("WorkloadManagement", "WorkloadManagementSystem"),
        ("DataManagement", "DataManagementSystem"),
        ("Framework", "FrameworkSystem"),
        ("Transformation", "TransformationSystem"),
        ("WorkloadManagementSystem", "WorkloadManagementSystem"),
        ("wms", "WorkloadManagementSystem"),
        ("* WMS:", "WorkloadManagementSystem"),
        ("core", "Core"),
        ("Resources", "Resources"),
        ("ILCTransformationSystem", "ILCTransformationSystem"),
        ("", None),
        (None, None),
    ],
)
def test_normalise_system(name, canonical):
    assert normalise_system(name) == canonical


def test_alias_table_is_extendable():
    table = alias_table({"WMC": "WorkloadManagementSystem", "Web": "WebApp"})
    assert normalise_system("wmc", table) == "WorkloadManagementSystem"
    assert normalise_system("web", table) == "WebApp"
    assert normalise_system("webapp", table) == "WebApp"
    config = NotesConfig(system_aliases={"Web": "WebApp"})
    table = alias_table(config.all_system_aliases())
    assert normalise_system("WMS", table) == "WorkloadManagementSystem"
    assert normalise_system("Web", table) == "WebApp"


def test_is_known_system():
    assert is_known_system("WMS", ["WorkloadManagementSystem"])
    assert is_known_system("WorkloadManagement", ["WMS"])
    assert not is_known_system("Nope", ["WMS"])


def test_one_heading_per_system_and_stable_order():
    entries = [
        Entry("FIX", ["#5"], "e", "WorkloadManagementSystem"),
        Entry("FIX", ["#3"], "c", "WMS"),
        Entry("NEW", ["#9"], "n", "WorkloadManagement"),
        Entry("FIX", ["#1"], "a", "Core"),
        Entry("CHANGE", ["#2"], "b", "accounting"),
        Entry(None, ["#4"], "untyped", "WMS"),
        Entry("SECURITY", ["#8"], "s", "WMS"),
        Entry("FIX", [], "no ref", "WMS"),
        Entry("NEW", ["#7"], "top", None),
    ]
    sections = organise(entries)
    assert [(s.system, [e.text for e in s.entries]) for s in sections] == [
        (None, ["top"]),
        ("Core", ["a"]),
        ("AccountingSystem", ["b"]),
        ("WorkloadManagementSystem", ["n", "c", "e", "no ref", "s", "untyped"]),
    ]
    assert all(e.system == s.system for s in sections for e in s.entries)


def test_configured_order_then_alphabetical():
    entries = [Entry("FIX", ["#1"], x, x) for x in ("Zeta", "alpha", "Core", "Mid", "Beta")]
    sections = organise(entries, order=("Mid", "core"))
    assert [s.system for s in sections] == ["Mid", "Core", "alpha", "Beta", "Zeta"]


def test_configured_type_order():
    entries = [Entry(t, ["#1"], t) for t in ("NEW", "FIX", "CHANGE", "ODD")]
    (section,) = organise(entries, types=("FIX", "CHANGE", "NEW"))
    assert [e.type for e in section.entries] == ["FIX", "CHANGE", "NEW", "ODD"]


def test_config_defaults():
    config = NotesConfig()
    assert config.types == ("NEW", "CHANGE", "FIX", "DEPRECATED", "REMOVED", "SECURITY")
    assert config.canonical_type("bugfix") == "FIX"
    assert config.canonical_type("Feat") is None


def test_config_from_mapping():
    config = notes_config_from_mapping(
        {
            "types": ["new", "fix", "docs"],
            "type_aliases": {"BUGFIX": "FIX"},
            "system_aliases": {"Web": "WebApp"},
            "known_systems": ["Core", "WebApp"],
            "system_order": ["WebApp"],
            "title_types": {"feat": "NEW", "docs": "DOCS", "chore": False},
            "label_types": {"bug": "bugfix"},
            "exclude_labels": ["skip"],
            "towncrier_types": {"doc": ""},
            "templates": "tpl",
        }
    )
    assert config.types == ("NEW", "FIX", "DOCS")
    assert config.title_types == {"feat": "NEW", "docs": "DOCS", "chore": None}
    assert config.label_types == {"bug": "FIX"}
    assert config.towncrier_types == {"doc": None}
    assert config.known_systems == ("Core", "WebApp")
    assert str(config.templates) == "tpl"
    assert notes_config_from_mapping(None) == NotesConfig()


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"colour": 1}, "unknown configuration key tool.release-tool.notes.colour"),
        ({"types": "NEW"}, "tool.release-tool.notes.types must be a list"),
        ({"title_types": {"feat": "FEATURE"}}, "tool.release-tool.notes.title_types.feat"),
        ({"type_aliases": {"BUG": "NOPE"}}, "tool.release-tool.notes.type_aliases.BUG"),
        ({"system_aliases": {"a": 1}}, "system_aliases must be a table of strings"),
        ({"templates": 3}, "tool.release-tool.notes.templates must be a path"),
        ([], r"\[tool.release-tool.notes\] must be a table"),
    ],
)
def test_config_errors_name_the_key(table, message):
    with pytest.raises(ConfigError, match=message):
        notes_config_from_mapping(table)
