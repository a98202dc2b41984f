"""Previous releases and cumulative ranges as pure logic."""

from __future__ import annotations

import pytest

from release_tool.core.tags import Release
from release_tool.core.versions import parse
from release_tool.history.ranges import is_cumulative_kind, line_key, previous_release

NAMES = ["v7r3-pre23", "v7r3-pre24", "v7r3", "v7r3p1", "v7r3p2", "v8.0.0a1", "v8.0.0a2",
         "v8.0.0", "v8.0.1", "v8.1.0a1", "v8.0.2", "v8.0.3.dev1"]  # fmt: skip
RELEASES = sorted((Release(parse(n), f"c-{n}", (n,)) for n in NAMES), key=lambda r: r.version.pep)
BY_NAME = {r.tags[0]: r for r in RELEASES}


def everything_reachable(ancestor: str, descendant: str) -> bool:
    """A history where every release descends from every lower one."""
    return True


@pytest.mark.parametrize(
    ("target", "cumulative", "expected"),
    [
        ("v8.0.2", False, "v8.0.1"),
        ("v8.0.0", False, "v8.0.0a2"),  # first final: after the last alpha of its series
        ("v8.1.0a1", False, "v8.0.0a2"),  # a pre-release follows the previous pre-release
        ("v8.0.0a1", False, "v7r3-pre24"),
        ("v7r3p1", False, "v7r3"),
        ("v7r3-pre23", False, None),
        ("v8.0.0", True, "v7r3p2"),  # cumulative: since the previous series
        ("v8.1.0a1", True, "v8.0.2"),
        ("v7r3-pre24", True, None),
        ("v8.0.2", True, "v8.0.1"),  # patches are never cumulative
    ],
)
def test_previous_release(target, cumulative, expected):
    found = previous_release(BY_NAME[target], RELEASES, everything_reachable, cumulative=cumulative)
    assert (found.tags[0] if found else None) == expected


def test_previous_release_needs_reachability():
    """A patch tagged on another branch (not an ancestor) is not the previous release."""

    def reachable(ancestor: str, descendant: str) -> bool:
        return ancestor != "c-v8.0.1"

    assert previous_release(BY_NAME["v8.0.2"], RELEASES, reachable).tags[0] == "v8.0.0"


def test_falls_back_to_any_lower_release():
    """A series with no earlier release of its own starts after the highest lower release."""
    releases = [BY_NAME["v7r3p2"], Release(parse("v9.0.0"), "c-9", ("v9.0.0",))]
    found = previous_release(releases[1], releases, everything_reachable)
    assert found.tags[0] == "v7r3p2"


def test_line_keys_and_cumulative_kinds():
    assert line_key(parse("v8.1.0a1")) == "pre"
    assert line_key(parse("v7r3p2")) == (7, 3)
    assert is_cumulative_kind(parse("v7r3")) and is_cumulative_kind(parse("v7r3-pre2"))
    assert not is_cumulative_kind(parse("v7r3p2"))
