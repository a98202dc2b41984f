"""Release-line rules as pure functions: classification, next version, policy."""

from __future__ import annotations

import pytest

from release_tool.core.config import Config, LineConfig
from release_tool.core.lines import (
    INTEGRATION,
    RELEASE,
    ReleaseLine,
    check_version,
    classify_branch,
    find_lines,
    latest_release,
    next_version,
)
from release_tool.core.tags import Tag
from release_tool.core.versions import parse
from release_tool.errors import InputError

CFG = Config()
REL73 = ReleaseLine("rel-v7r3", RELEASE, (7, 3))
REL80 = ReleaseLine("rel-v8r0", RELEASE, (8, 0))
INTEG = ReleaseLine("integration", INTEGRATION)


def tags(*names: str) -> list[Tag]:
    """Version tags on made-up commits (one commit per version)."""
    return [Tag(n, f"c-{parse(n).pep440}", parse(n)) for n in names]


@pytest.mark.parametrize(
    ("branch", "expected"),
    [
        ("rel-v7r3", REL73),
        ("rel-v8r0", REL80),
        ("rel-v10r12", ReleaseLine("rel-v10r12", RELEASE, (10, 12))),
        ("integration", INTEG),
        ("master", ReleaseLine("master", INTEGRATION)),
        ("rel-v07r3", None),
        ("rel-v7r3-fixes", None),
        ("feature/x", None),
    ],
)
def test_classify_branch(branch, expected):
    assert classify_branch(branch, CFG) == expected


def test_find_lines_orders_release_branches_and_takes_first_integration():
    lines = find_lines(["master", "rel-v8r0", "integration", "rel-v7r3", "feature"], CFG)
    assert [line.branch for line in lines] == ["rel-v7r3", "rel-v8r0", "integration"]


def test_find_lines_with_main_only():
    assert [line.branch for line in find_lines(["main"], CFG)] == ["main"]


def test_custom_pattern():
    cfg = Config(release_branch_pattern="release/{major}.{minor}", integration_branches=("dev",))
    assert classify_branch("release/2.4", cfg) == ReleaseLine("release/2.4", RELEASE, (2, 4))
    assert classify_branch("dev", cfg).kind == INTEGRATION
    assert classify_branch("integration", cfg) is None


def test_latest_release_prefers_legacy_twin():
    assert latest_release(tags("v7.3.10", "v7r3p10", "v7r3p9")).name == "v7r3p10"
    assert latest_release([]) is None


@pytest.mark.parametrize(
    ("line", "reachable", "expected"),
    [
        (REL80, ("v8.0.0", "v8.0.19", "v8.0.20", "v8.0.0a3"), "8.0.21"),
        (REL73, ("v7r3", "v7r3p35", "v7r3p36", "v7r2p40"), "v7r3p37"),
        (REL73, ("v7r3p10", "v7.3.10"), "v7r3p11"),
        (REL80, ("v8.0.0a5", "v7r3p36"), "8.0.0"),
        (REL80, ("v7r3p36",), "8.0.0"),
        (INTEG, ("v8.0.20", "v8.1.0a12", "v8.1.0a11"), "8.1.0a13"),
        (INTEG, ("v7r3-pre23", "v7r3-pre24"), "v7r3-pre25"),
        (INTEG, ("v8.1.0b2",), "8.1.0b3"),
    ],
)
def test_next_version(line, reachable, expected):
    reach = tags(*reachable)
    assert next_version(line, reach, reach, [], CFG).canonical == expected


def test_next_version_skips_versions_tagged_elsewhere():
    reach = tags("v8.0.20")
    everywhere = reach + tags("v8.0.21")
    assert next_version(REL80, reach, everywhere, [(8, 0)], CFG).canonical == "8.0.22"


def test_integration_opens_next_series_once_branched():
    reach = tags("v8.0.20", "v8.1.0a12")
    assert next_version(INTEG, reach, reach, [(8, 0), (8, 1)], CFG).canonical == "8.2.0a1"


def test_integration_opens_next_series_after_final():
    reach = tags("v8.0.20")
    assert next_version(INTEG, reach, reach, [(8, 0)], CFG).canonical == "8.1.0a1"


def test_integration_opens_with_configured_phase():
    cfg = Config(open_series_with="beta")
    reach = tags("v8.0.20")
    assert next_version(INTEG, reach, reach, [(8, 0)], cfg).canonical == "8.1.0b1"


def test_integration_without_anything_asks_for_a_version():
    with pytest.raises(InputError, match="give the first version"):
        next_version(INTEG, [], [], [], CFG)


def test_new_line_scheme_follows_pep440_from():
    legacy = tags("v7r2p40")
    rel74 = ReleaseLine("rel-v7r4", RELEASE, (7, 4))
    assert next_version(rel74, [], legacy, [], CFG).canonical == "v7r4"
    rel81 = ReleaseLine("rel-v8r1", RELEASE, (8, 1))
    assert next_version(rel81, [], legacy, [], CFG).canonical == "8.1.0"
    # A repository with no legacy tag never gets legacy versions.
    assert next_version(rel74, [], tags("v7.2.40"), [], CFG).canonical == "7.4.0"


def test_per_line_scheme_configuration_wins():
    cfg = Config(lines={"rel-v8r0": LineConfig(scheme="legacy")})
    reach = tags("v8.0.20")
    assert next_version(REL80, reach, reach, [], cfg).canonical == "v8r0p21"


@pytest.mark.parametrize(
    ("version", "line", "reachable", "fragment"),
    [
        ("8.1.0.dev1", INTEG, (), ".dev versions are never released"),
        ("8.1.0", INTEG, (), "integration releases only pre-releases"),
        ("8.1.1", REL80, ("v8.0.20",), "releases only 8.0 versions"),
        ("8.0.20", REL80, ("v8.0.20",), "tag v8.0.20 already exists"),
        ("7.3.36", REL73, ("v7r3p36",), "already released as v7r3p36"),
        ("8.0.19", REL80, ("v8.0.20",), "not greater than v8.0.20"),
        ("v7r3p30", REL73, ("v7r3p36",), "not greater than v7r3p36"),
        ("8.1.0a3", INTEG, ("v8.1.0a12",), "not greater than v8.1.0a12"),
    ],
)
def test_check_version_rules(version, line, reachable, fragment):
    reach = tags(*reachable)
    problems = check_version(parse(version), line, reach, reach, CFG)
    assert any(fragment in p for p in problems), problems


@pytest.mark.parametrize(
    ("version", "line", "reachable"),
    [
        ("8.0.21", REL80, ("v8.0.20",)),
        ("v7r3p37", REL73, ("v7r3p36", "v7.3.36")),
        ("8.1.0a13", INTEG, ("v8.0.20", "v8.1.0a12")),
        ("8.1.0rc1", INTEG, ("v8.1.0a12",)),
        ("8.0.0", REL80, ("v8.0.0a3",)),
    ],
)
def test_check_version_allows(version, line, reachable):
    reach = tags(*reachable)
    assert check_version(parse(version), line, reach, reach, CFG) == []


def test_check_counts_tags_of_the_series_outside_the_branch():
    everywhere = tags("v8.0.20", "v8.0.22")
    problems = check_version(parse("8.0.21"), REL80, everywhere[:1], everywhere, CFG)
    assert problems == ["8.0.21 is not greater than v8.0.22, already released on rel-v8r0"]
