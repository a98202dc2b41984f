"""The version engine: parsing both schemes, one total order, conversion, bumps, describe.

Table cases cover every example of the issue; hypothesis property tests check that the
order is total and agrees with :mod:`packaging`, that conversions round-trip and that a
bump never goes backwards.
"""

from __future__ import annotations

import logging
import random
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.version import Version as PepVersion

from release_tool.core.versions import (
    LEGACY,
    OPENINGS,
    PARTS,
    PEP440,
    SCHEMES,
    Version,
    bump,
    describe,
    legacy_blocker,
    parse,
    series_of,
    sort_versions,
    try_parse,
)
from release_tool.errors import BumpError, InputError, VersionError

# --------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    ("text", "pep440", "canonical"),
    [
        ("8.0.20", "8.0.20", "8.0.20"),
        ("v8.0.20", "8.0.20", "8.0.20"),
        ("8.1.0a12", "8.1.0a12", "8.1.0a12"),
        ("v8.1.0a12", "8.1.0a12", "8.1.0a12"),
        ("9.0.0b1", "9.0.0b1", "9.0.0b1"),
        ("v9.0.0b1", "9.0.0b1", "9.0.0b1"),
        ("9.0.0rc2", "9.0.0rc2", "9.0.0rc2"),
        ("v9.0.0rc2", "9.0.0rc2", "9.0.0rc2"),
        ("v7.3.10", "7.3.10", "7.3.10"),
        ("8.0", "8.0", "8.0"),
        ("1.2.3.4", "1.2.3.4", "1.2.3.4"),
        ("8.0.1.post1", "8.0.1.post1", "8.0.1.post1"),
        ("8.1.0.dev3", "8.1.0.dev3", "8.1.0.dev3"),
        ("1!8.0.0", "1!8.0.0", "1!8.0.0"),
        ("8.0.0+local.1", "8.0.0+local.1", "8.0.0+local.1"),
    ],
)
def test_parse_pep440(text, pep440, canonical):
    version = parse(text)
    assert isinstance(version, Version)
    assert version.scheme == PEP440
    assert version.pep == PepVersion(pep440)
    assert version.pep440 == pep440
    assert version.canonical == canonical
    assert str(version) == canonical
    assert version.text == text


@pytest.mark.parametrize(
    ("text", "pep440", "series"),
    [
        ("v7r3", "7.3.0", (7, 3)),
        ("v7r3p36", "7.3.36", (7, 3)),
        ("v7r3-pre24", "7.3.0a24", (7, 3)),
        ("v6r22p33", "6.22.33", (6, 22)),
        ("v5r0-pre0", "5.0.0a0", (5, 0)),
        ("v10r0", "10.0.0", (10, 0)),
        ("v0r0", "0.0.0", (0, 0)),
    ],
)
def test_parse_legacy(text, pep440, series):
    version = parse(text)
    assert version.scheme == LEGACY
    assert version.pep440 == pep440
    assert version.pep == PepVersion(pep440)
    assert version.canonical == text
    assert version.legacy == text
    assert version.series == series
    assert version.text == text


def test_parse_legacy_p0_is_the_plain_release():
    version = parse("v7r3p0")
    assert version == parse("v7r3")
    assert version.canonical == "v7r3"


def test_parse_strips_whitespace():
    assert parse("  v7r3p36\n").text == "v7r3p36"
    assert parse(" 8.0.20 ").canonical == "8.0.20"


JUNK = [
    "grep",
    "v6e7p27",
    "v8.0.0.a18",
    "latest",
    "",
    "v",
    "vv1",
    "v7r03",
    "8.0.0-rc1",
    "8.0.0.rc1",
    "8.0.0RC1",
    "08.0.0",
    "V8.0.0",
    "v7r3p",
    "v7r3-pre",
    "v7r3pre1",
    "v7r3-rc1",
    "v07r3",
    "v7r3p036",
    "r3p1",
    "8.0.0+LOCAL",
    "   ",
]


@pytest.mark.parametrize("text", JUNK)
def test_parse_refuses_junk(text):
    with pytest.raises(VersionError) as info:
        parse(text)
    assert isinstance(info.value, InputError)
    assert info.value.exit_code == 2
    assert "not a version" in str(info.value)


@pytest.mark.parametrize(
    ("text", "normalised"),
    [("v8.0.0.a18", "8.0.0a18"), ("8.0.0-rc1", "8.0.0rc1"), ("1.0.0-1", "1.0.0.post1")],
)
def test_parse_non_normalised_names_the_normal_form(text, normalised):
    with pytest.raises(VersionError, match="normalised PEP 440") as info:
        parse(text)
    assert normalised in str(info.value)


@pytest.mark.parametrize("value", [None, 8, 8.0, b"8.0.0", ["8.0.0"]])
def test_parse_refuses_non_strings(value):
    with pytest.raises(VersionError, match="not a version"):
        parse(value)
    assert try_parse(value) is None


@pytest.mark.parametrize("text", JUNK)
def test_try_parse_returns_none_and_logs_at_debug(text, caplog):
    with caplog.at_level(logging.DEBUG, logger="release_tool.core.versions"):
        assert try_parse(text) is None
    records = [r for r in caplog.records if r.name == "release_tool.core.versions"]
    assert len(records) == 1
    assert records[0].levelno == logging.DEBUG
    assert "not a version" in records[0].getMessage()
    assert repr(text) in records[0].getMessage()


@pytest.mark.parametrize("text", ["v7r3p36", "8.0.20", "v9.0.0rc2"])
def test_try_parse_returns_the_version_and_logs_nothing(text, caplog):
    with caplog.at_level(logging.DEBUG, logger="release_tool.core.versions"):
        assert try_parse(text) == parse(text)
    assert not caplog.records


# --------------------------------------------------------------------------- order

ORDERED = [
    *(f"v7r3-pre{n}" for n in range(1, 25)),
    "v7r3",
    *(f"v7r3p{n}" for n in range(1, 39)),
    "8.0.0a1",
    "8.0.0a2",
    "v8.0.0a18",
    "8.0.0b1",
    "8.0.0rc1",
    "8.0.0rc2",
    "8.0.0",
    "8.0.1",
]


def test_total_order_across_schemes():
    versions = [parse(t) for t in ORDERED]
    for low, high in pairwise(versions):
        assert low < high, (low, high)
        assert high > low
        assert low <= high
        assert high >= low
        assert low != high
    shuffled = versions[:]
    random.Random(7).shuffle(shuffled)
    assert [v.text for v in sort_versions(shuffled)] == ORDERED


@pytest.mark.parametrize(
    ("low", "high"),
    [
        ("v7r3-pre1", "v7r3-pre2"),
        ("v7r3-pre9", "v7r3-pre10"),
        ("v7r3-pre24", "v7r3"),
        ("v7r3", "v7r3p1"),
        ("v7r3p9", "v7r3p10"),
        ("v7r3p38", "8.0.0a1"),
        ("8.0.0a1", "8.0.0"),
        ("8.0.0", "8.0.1"),
        ("v6r22p33", "v7r3-pre1"),
        ("v5r0-pre0", "v5r0-pre1"),
        ("7.3.36", "v7r3p37"),
        ("v7r3p36", "7.3.37"),
        ("8.1.0a12", "8.1.0b1"),
        ("8.1.0b1", "8.1.0rc1"),
        ("8.1.0rc2", "8.1.0"),
    ],
)
def test_pairwise_order(low, high):
    assert parse(low) < parse(high)
    assert not parse(high) < parse(low)
    assert parse(low) != parse(high)


@pytest.mark.parametrize(
    ("legacy", "pep440"),
    [
        ("v7r3p36", "7.3.36"),
        ("v7r3p10", "v7.3.10"),
        ("v7r3", "7.3.0"),
        ("v7r3", "7.3"),
        ("v7r3-pre12", "7.3.0a12"),
        ("v5r0-pre0", "5.0.0a0"),
        ("v6r22p33", "6.22.33"),
    ],
)
def test_dual_tagged_releases_are_one_release(legacy, pep440):
    a, b = parse(legacy), parse(pep440)
    assert a.scheme == LEGACY
    assert b.scheme == PEP440
    assert a == b
    assert b == a
    assert hash(a) == hash(b)
    assert len({a, b}) == 1
    assert not a < b
    assert not b < a


def test_comparison_with_other_types():
    version = parse("8.0.0")
    assert version != "8.0.0"
    assert version != PepVersion("8.0.0")
    with pytest.raises(TypeError):
        _ = version < "8.0.1"


def test_sort_versions_is_stable_for_equal_versions():
    items = [parse("7.3.36"), parse("v7r3p36"), parse("v7r3"), parse("v7.3.36")]
    result = sort_versions(items)
    assert [v.text for v in result] == ["v7r3", "7.3.36", "v7r3p36", "v7.3.36"]
    assert items[0].text == "7.3.36"  # the input is left alone


def test_sort_versions_empty():
    assert sort_versions([]) == []


# --------------------------------------------------------------------------- conversion


@pytest.mark.parametrize(
    ("legacy", "pep440"),
    [
        ("v7r3p36", "7.3.36"),
        ("v7r3-pre12", "7.3.0a12"),
        ("v7r3", "7.3.0"),
        ("v6r22p33", "6.22.33"),
        ("v5r0-pre0", "5.0.0a0"),
        ("v7r3-pre24", "7.3.0a24"),
    ],
)
def test_conversion_both_ways(legacy, pep440):
    from_legacy = parse(legacy)
    to_pep = from_legacy.in_scheme(PEP440)
    assert to_pep.scheme == PEP440
    assert to_pep.canonical == pep440
    assert to_pep.text == pep440
    assert from_legacy.pep440 == pep440
    assert to_pep == from_legacy

    from_pep = parse(pep440)
    to_legacy = from_pep.in_scheme(LEGACY)
    assert to_legacy.scheme == LEGACY
    assert to_legacy.canonical == legacy
    assert to_legacy.text == legacy
    assert from_pep.legacy == legacy
    assert legacy_blocker(from_pep.pep) is None
    assert to_legacy == from_pep


@pytest.mark.parametrize(
    ("text", "legacy"), [("8.0", "v8r0"), ("8", "v8r0"), ("8.1a3", "v8r1-pre3")]
)
def test_short_pep440_releases_have_a_legacy_form(text, legacy):
    version = parse(text)
    assert version.legacy == legacy
    back = version.in_scheme(LEGACY).in_scheme(PEP440)
    assert back == version
    assert len(back.pep.release) == 3


@pytest.mark.parametrize("text", ["v7r3p36", "8.0.20", "9.0.0rc2"])
def test_in_own_scheme_is_identity(text):
    version = parse(text)
    assert version.in_scheme(version.scheme) is version


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("8.1.0b1", "no beta releases"),
        ("9.0.0rc2", "no rc releases"),
        ("1.2.3.4", "at most three release numbers"),
        ("8.0.1.post1", "no .post releases"),
        ("8.1.0.dev3", "no .dev releases"),
        ("8.1.0a1.dev3", "no .dev releases"),
        ("1!8.0.0", "no epochs"),
        ("8.0.0+local.1", "no local versions"),
        ("8.0.1a1", "pre-releases only of X.Y.0"),
    ],
)
def test_pep440_without_legacy_form(text, reason):
    version = parse(text)
    assert version.legacy is None
    blocker = legacy_blocker(version.pep)
    assert blocker is not None
    assert reason in blocker
    with pytest.raises(VersionError) as info:
        version.in_scheme(LEGACY)
    message = str(info.value)
    assert "no legacy form" in message
    assert version.canonical in message
    assert reason in message
    assert version.in_scheme(PEP440) is version


@pytest.mark.parametrize("scheme", ["semver", "", "PEP440", "Legacy"])
def test_in_scheme_unknown(scheme):
    with pytest.raises(VersionError, match="unknown scheme"):
        parse("8.0.0").in_scheme(scheme)


@pytest.mark.parametrize(
    ("text", "prefix", "tag"),
    [
        ("8.0.20", "v", "v8.0.20"),
        ("v8.0.20", "v", "v8.0.20"),
        ("8.0.20", "", "8.0.20"),
        ("8.0.20", "release-", "release-8.0.20"),
        ("v7r3p36", "v", "v7r3p36"),
        ("v7r3p36", "", "v7r3p36"),
        ("v7r3-pre2", "release-", "v7r3-pre2"),
    ],
)
def test_tag(text, prefix, tag):
    assert parse(text).tag(prefix) == tag


@pytest.mark.parametrize(
    ("text", "is_prerelease", "is_dev", "series_text"),
    [
        ("8.0.20", False, False, "8.0"),
        ("8.1.0a12", True, False, "8.1"),
        ("9.0.0rc2", True, False, "9.0"),
        ("8.1.0.dev3", True, True, "8.1"),
        ("v7r3-pre24", True, False, "7.3"),
        ("v7r3p36", False, False, "7.3"),
        ("v6r22p33", False, False, "6.22"),
        ("8", False, False, "8.0"),
        ("8.0.1.post1", False, False, "8.0"),
    ],
)
def test_flags_and_series(text, is_prerelease, is_dev, series_text):
    version = parse(text)
    assert version.is_prerelease is is_prerelease
    assert version.is_dev is is_dev
    assert version.series_text == series_text
    assert version.series == series_of(version.pep)
    assert version.series == tuple(int(n) for n in series_text.split("."))


def test_repr_names_the_scheme():
    assert repr(parse("v7r3p36")) == "Version('v7r3p36', legacy)"
    assert repr(parse("v8.0.20")) == "Version('8.0.20', pep440)"


def test_version_is_frozen():
    version = parse("8.0.0")
    with pytest.raises(AttributeError):
        version.scheme = LEGACY  # type: ignore[misc]


# --------------------------------------------------------------------------- bumps


@pytest.mark.parametrize(
    ("text", "part", "kwargs", "expected"),
    [
        # patch
        ("8.0.20", "patch", {}, "8.0.21"),
        ("v8.0.20", "patch", {}, "8.0.21"),
        ("v7r3p36", "patch", {}, "v7r3p37"),
        ("v7r3", "patch", {}, "v7r3p1"),
        ("8.0.0", "patch", {}, "8.0.1"),
        ("v6r22p33", "patch", {}, "v6r22p34"),
        # pre
        ("8.1.0a12", "pre", {}, "8.1.0a13"),
        ("9.0.0b1", "pre", {}, "9.0.0b2"),
        ("9.0.0rc2", "pre", {}, "9.0.0rc3"),
        ("v7r3-pre24", "pre", {}, "v7r3-pre25"),
        ("v5r0-pre0", "pre", {}, "v5r0-pre1"),
        # phases
        ("8.1.0a12", "alpha", {}, "8.1.0a13"),
        ("8.1.0a12", "beta", {}, "8.1.0b1"),
        ("8.1.0b1", "rc", {}, "8.1.0rc1"),
        ("8.1.0a12", "rc", {}, "8.1.0rc1"),
        ("8.1.0b1", "beta", {}, "8.1.0b2"),
        ("8.1.0rc1", "rc", {}, "8.1.0rc2"),
        ("v7r3-pre2", "alpha", {}, "v7r3-pre3"),
        # final
        ("8.1.0rc2", "final", {}, "8.1.0"),
        ("8.1.0a12", "final", {}, "8.1.0"),
        ("8.1.0.dev3", "final", {}, "8.1.0"),
        ("v7r3-pre24", "final", {}, "v7r3"),
        # minor and major open a new series
        ("8.0.20", "minor", {}, "8.1.0a1"),
        ("8.0.20", "minor", {"open_series_with": "alpha"}, "8.1.0a1"),
        ("8.0.20", "minor", {"open_series_with": "beta"}, "8.1.0b1"),
        ("8.0.20", "minor", {"open_series_with": "rc"}, "8.1.0rc1"),
        ("8.0.20", "minor", {"open_series_with": "final"}, "8.1.0"),
        ("8.1.0a12", "minor", {}, "8.2.0a1"),
        ("8.0.20", "major", {}, "9.0.0a1"),
        ("8.0.20", "major", {"open_series_with": "final"}, "9.0.0"),
        ("v7r3p36", "minor", {}, "v7r4-pre1"),
        ("v7r3p36", "major", {}, "v8r0-pre1"),
        ("v7r3p36", "minor", {"open_series_with": "final"}, "v7r4"),
        ("v7r3-pre24", "minor", {}, "v7r4-pre1"),
        # scheme conversion
        ("v7r3p36", "patch", {"scheme": "pep440"}, "7.3.37"),
        ("v7r3-pre24", "pre", {"scheme": "pep440"}, "7.3.0a25"),
        ("v7r3-pre24", "beta", {"scheme": "pep440"}, "7.3.0b1"),
        ("v7r3p36", "major", {"scheme": "pep440"}, "8.0.0a1"),
        ("7.3.36", "patch", {"scheme": "legacy"}, "v7r3p37"),
        ("8.0.20", "minor", {"scheme": "legacy"}, "v8r1-pre1"),
        ("8.1.0a12", "pre", {"scheme": "legacy"}, "v8r1-pre13"),
        ("8.1.0rc2", "final", {"scheme": "legacy"}, "v8r1"),
        ("8.0.20", "patch", {"scheme": "pep440"}, "8.0.21"),
        ("v7r3p36", "patch", {"scheme": None}, "v7r3p37"),
        # beyond the plain three numbers: never backwards
        ("8.0", "patch", {}, "8.0.1"),
        ("8.0rc1", "final", {}, "8.0.0"),
        ("1.2.3.4", "patch", {}, "1.2.4"),
        ("1.2.3.4rc1", "final", {}, "1.2.3.4"),
        ("1.2.3.4a1", "pre", {}, "1.2.3.4a2"),
        ("1!2.0.0", "patch", {}, "1!2.0.1"),
        ("1!2.0.0", "minor", {}, "1!2.1.0a1"),
        ("8.0.1.post2", "patch", {}, "8.0.2"),
        ("8.0.0.post1.dev0", "final", {}, "8.0.0.post1"),
        ("8.0.0a1.post1.dev0", "final", {}, "8.0.0"),
    ],
)
def test_bump(text, part, kwargs, expected):
    version = parse(text)
    result = bump(version, part, **kwargs)
    assert result.canonical == expected
    assert result == parse(expected)
    assert result.scheme == parse(expected).scheme
    assert result.scheme == (kwargs.get("scheme") or version.scheme)
    assert result > version


def test_bump_phase_chain():
    chain = ["8.1.0a12"]
    for part in ("beta", "rc", "rc", "final"):
        chain.append(bump(parse(chain[-1]), part).canonical)
    assert chain == ["8.1.0a12", "8.1.0b1", "8.1.0rc1", "8.1.0rc2", "8.1.0"]


@pytest.mark.parametrize(
    ("text", "part", "kwargs", "why"),
    [
        ("8.1.0", "final", {}, "already a final release"),
        ("v7r3p36", "final", {}, "already a final release"),
        ("8.0.20", "pre", {}, "not an alpha, beta or rc"),
        ("v7r3", "pre", {}, "not an alpha, beta or rc"),
        ("8.1.0.dev3", "pre", {}, "not an alpha, beta or rc"),
        ("8.1.0a12", "patch", {}, "pre-release"),
        ("v7r3-pre24", "patch", {}, "pre-release"),
        ("8.1.0.dev3", "patch", {}, "pre-release"),
        ("8.1.0rc1", "alpha", {}, "already past alpha"),
        ("8.1.0rc1", "beta", {}, "already past beta"),
        ("8.1.0b2", "alpha", {}, "already past alpha"),
        ("8.0.20", "alpha", {}, "not a pre-release"),
        ("8.0.20", "rc", {}, "not a pre-release"),
        ("v7r3-pre2", "beta", {}, "no legacy form"),
        ("v7r3-pre2", "rc", {}, "no legacy form"),
        ("v7r3p36", "minor", {"open_series_with": "beta"}, "no legacy form"),
        ("9.0.0rc1", "rc", {"scheme": "legacy"}, "no legacy form"),
        ("1!2.0.0", "patch", {"scheme": "legacy"}, "no legacy form"),
        ("8.0.20", "gamma", {}, "unknown part"),
        ("v7r3p36", "", {}, "unknown part"),
        ("8.0.20", "Patch", {}, "unknown part"),
    ],
)
def test_bump_that_cannot_apply(text, part, kwargs, why):
    version = parse(text)
    with pytest.raises(BumpError) as info:
        bump(version, part, **kwargs)
    message = str(info.value)
    assert why in message
    assert version.canonical in message
    assert repr(part) in message
    assert isinstance(info.value, InputError)


def test_bump_without_legacy_form_says_what_to_do():
    with pytest.raises(BumpError) as info:
        bump(parse("v7r3-pre2"), "beta")
    message = str(info.value)
    assert "7.3.0b1" in message
    assert "no beta releases" in message
    assert "--scheme pep440" in message
    assert bump(parse("v7r3-pre2"), "beta", scheme="pep440").canonical == "7.3.0b1"


@pytest.mark.parametrize("scheme", ["semver", "PEP440"])
def test_bump_unknown_scheme(scheme):
    with pytest.raises(BumpError, match="unknown scheme"):
        bump(parse("8.0.20"), "patch", scheme=scheme)


@pytest.mark.parametrize("part", ["minor", "major"])
def test_bump_unknown_opening(part):
    with pytest.raises(BumpError, match="cannot open a series with 'gamma'"):
        bump(parse("8.0.20"), part, open_series_with="gamma")


def test_open_series_with_only_matters_for_new_series():
    version = parse("8.0.20")
    assert bump(version, "patch", open_series_with="gamma").canonical == "8.0.21"


def test_parts_and_openings_are_listed():
    assert PARTS == ("major", "minor", "patch", "pre", "alpha", "beta", "rc", "final")
    assert OPENINGS == ("alpha", "beta", "rc", "final")
    assert SCHEMES == ("pep440", "legacy")


# --------------------------------------------------------------------------- describe

DESCRIBE_KEYS = {
    "input",
    "scheme",
    "canonical",
    "pep440",
    "legacy",
    "legacy_blocker",
    "tag",
    "is_prerelease",
    "series",
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "v7r3p36",
            {
                "input": "v7r3p36",
                "scheme": "legacy",
                "canonical": "v7r3p36",
                "pep440": "7.3.36",
                "legacy": "v7r3p36",
                "legacy_blocker": None,
                "tag": "v7r3p36",
                "is_prerelease": False,
                "series": "7.3",
            },
        ),
        (
            "v7r3-pre24",
            {
                "input": "v7r3-pre24",
                "scheme": "legacy",
                "canonical": "v7r3-pre24",
                "pep440": "7.3.0a24",
                "legacy": "v7r3-pre24",
                "legacy_blocker": None,
                "tag": "v7r3-pre24",
                "is_prerelease": True,
                "series": "7.3",
            },
        ),
        (
            "v8.1.0b1",
            {
                "input": "v8.1.0b1",
                "scheme": "pep440",
                "canonical": "8.1.0b1",
                "pep440": "8.1.0b1",
                "legacy": None,
                "legacy_blocker": "the legacy scheme has no beta releases",
                "tag": "v8.1.0b1",
                "is_prerelease": True,
                "series": "8.1",
            },
        ),
        (
            "8.0.20",
            {
                "input": "8.0.20",
                "scheme": "pep440",
                "canonical": "8.0.20",
                "pep440": "8.0.20",
                "legacy": "v8r0p20",
                "legacy_blocker": None,
                "tag": "v8.0.20",
                "is_prerelease": False,
                "series": "8.0",
            },
        ),
    ],
)
def test_describe(text, expected):
    facts = describe(parse(text))
    assert set(facts) == DESCRIBE_KEYS
    assert facts == expected


def test_describe_with_explicit_input():
    facts = describe(parse("v7r3p36"), text=" v7r3p36 ")
    assert facts["input"] == " v7r3p36 "
    assert facts["canonical"] == "v7r3p36"


# --------------------------------------------------------------------------- properties

_small = st.integers(min_value=0, max_value=40)
_phase = st.sampled_from(["a", "b", "rc"])


@st.composite
def pep440_texts(draw) -> str:
    """Normalised PEP 440 strings with optional epoch, pre, post, dev and local parts."""
    text = ""
    if draw(st.booleans()) and draw(st.booleans()):
        text += f"{draw(st.integers(1, 3))}!"
    text += ".".join(str(n) for n in draw(st.lists(_small, min_size=1, max_size=4)))
    if draw(st.booleans()):
        text += f"{draw(_phase)}{draw(_small)}"
    if draw(st.integers(0, 3)) == 0:
        text += f".post{draw(_small)}"
    if draw(st.integers(0, 3)) == 0:
        text += f".dev{draw(_small)}"
    if draw(st.integers(0, 5)) == 0:
        text += f"+{draw(st.sampled_from(['local', 'ubuntu', 'abc']))}.{draw(_small)}"
    return str(PepVersion(text))


@st.composite
def legacy_texts(draw) -> str:
    """Canonical legacy strings: vXrY, vXrYpZ (Z >= 1) and vXrY-preN."""
    text = f"v{draw(_small)}r{draw(_small)}"
    kind = draw(st.sampled_from(["release", "patch", "pre"]))
    if kind == "patch":
        text += f"p{draw(st.integers(1, 60))}"
    elif kind == "pre":
        text += f"-pre{draw(_small)}"
    return text


@st.composite
def pep440_with_legacy_form(draw) -> str:
    """Three-number PEP 440 strings that have a legacy form: X.Y.Z or X.Y.0aN."""
    major, minor = draw(_small), draw(_small)
    if draw(st.booleans()):
        return f"{major}.{minor}.0a{draw(_small)}"
    return f"{major}.{minor}.{draw(_small)}"


any_text = st.one_of(pep440_texts(), legacy_texts())
FAST = settings(max_examples=150, deadline=None)


@FAST
@given(pep440_texts())
def test_property_pep440_text_parses_in_its_own_scheme(text):
    version = parse(text)
    assert version.scheme == PEP440
    assert version.pep440 == text
    assert parse(f"v{text}") == version


@FAST
@given(pep440_texts(), pep440_texts())
def test_property_order_agrees_with_packaging(a, b):
    va, vb = parse(a), parse(b)
    pa, pb = PepVersion(a), PepVersion(b)
    assert (va < vb) == (pa < pb)
    assert (va == vb) == (pa == pb)
    assert (va > vb) == (pa > pb)
    assert (va <= vb) == (pa <= pb)
    assert (va >= vb) == (pa >= pb)
    if va == vb:
        assert hash(va) == hash(vb)


@FAST
@given(any_text, any_text)
def test_property_order_is_total(a, b):
    va, vb = parse(a), parse(b)
    assert [va < vb, va == vb, va > vb].count(True) == 1
    assert (va < vb) == (vb > va)
    assert (va == vb) == (vb == va)


@FAST
@given(any_text, any_text, any_text)
def test_property_order_is_transitive(a, b, c):
    va, vb, vc = sorted([parse(a), parse(b), parse(c)])
    assert va <= vb <= vc
    assert va <= vc
    if va < vb or vb < vc:
        assert va < vc


@FAST
@given(legacy_texts())
def test_property_legacy_round_trip(text):
    version = parse(text)
    assert version.scheme == LEGACY
    assert version.canonical == text
    pep = version.in_scheme(PEP440)
    assert pep.scheme == PEP440
    assert pep == version
    assert parse(pep.pep440) == version
    back = parse(pep.pep440).in_scheme(LEGACY)
    assert back.canonical == text
    assert back.scheme == LEGACY
    assert pep.legacy == text


@FAST
@given(pep440_with_legacy_form())
def test_property_pep440_round_trip(text):
    version = parse(text)
    assert legacy_blocker(version.pep) is None
    legacy = version.in_scheme(LEGACY)
    assert legacy == version
    assert parse(legacy.canonical) == version
    back = parse(legacy.canonical).in_scheme(PEP440)
    assert back.canonical == text
    assert version.legacy == legacy.canonical


@FAST
@given(pep440_texts())
def test_property_legacy_form_exists_exactly_when_no_blocker(text):
    version = parse(text)
    blocker = legacy_blocker(version.pep)
    if blocker is None:
        legacy = version.in_scheme(LEGACY)
        assert legacy == version
        assert version.legacy == legacy.canonical
        assert parse(legacy.canonical) == version
    else:
        assert version.legacy is None
        with pytest.raises(VersionError, match="no legacy form"):
            version.in_scheme(LEGACY)


@FAST
@given(
    any_text,
    st.sampled_from(PARTS),
    st.sampled_from([None, *SCHEMES]),
    st.sampled_from(OPENINGS),
)
def test_property_bump_goes_forwards(text, part, scheme, opening):
    version = parse(text)
    try:
        result = bump(version, part, scheme=scheme, open_series_with=opening)
    except BumpError as exc:
        message = str(exc)
        assert version.canonical in message
        assert repr(part) in message
        return
    assert result > version
    assert result.scheme == (scheme or version.scheme)
    assert parse(result.canonical) == result
    assert parse(result.canonical).scheme == result.scheme


@FAST
@given(st.lists(any_text, max_size=25))
def test_property_sort_versions_sorted_permutation(texts):
    versions = [parse(t) for t in texts]
    result = sort_versions(versions)
    assert len(result) == len(versions)
    assert sorted(map(id, result)) == sorted(map(id, versions))
    assert all(a <= b for a, b in pairwise(result))
    assert [v.pep for v in result] == sorted(PepVersion(str(v.pep)) for v in versions)
