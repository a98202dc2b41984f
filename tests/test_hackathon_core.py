"""The pure hackathon core: PR assignment, released_in, series status, alpha versions and
messages, and adding entries to hackathons.toml with its formatting kept."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from release_tool.core.versions import parse
from release_tool.errors import InputError
from release_tool.hackathons.alpha import (
    body_intro,
    compose_dirac,
    compose_markdown,
    next_prerelease,
    tag_message,
)
from release_tool.hackathons.assign import (
    MergedPr,
    PreRelease,
    assign,
    notes_groups,
    released_in,
    report,
    series_status,
)
from release_tool.hackathons.records import parse_hackathons
from release_tool.hackathons.store import add_entry

UTC = timezone.utc
RECORDS = """\
[[hackathon]]
name = "first"
start = 2023-01-10T00:00:00Z
end = 2023-01-12T23:59:59Z
series = "8.1"

[[hackathon]]
name = "second"
start = 2023-03-01
end = 2023-03-03
series = "8.1"
url = "https://indico.example/e/2"

[[hackathon]]
name = "third"
start = 2099-05-01
end = 2099-05-03
series = "8.1"
"""
HACKS = parse_hackathons(RECORDS)
NOW = datetime(2023, 4, 1, tzinfo=UTC)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def pr(number, when, *labels):
    return MergedPr(number, f"#{number}", f"PR {number}", at(when) if when else None, labels)


PRS = [
    pr(1, "2023-01-09T23:59:59"),  # one second before the first window
    pr(2, "2023-01-10T00:00:00"),  # on the start second: inside
    pr(3, "2023-01-12T23:59:59"),  # on the end second: inside
    pr(4, "2023-01-13T00:00:00"),  # one second after: between
    pr(5, "2023-03-20T10:00:00", "hackathon:second"),  # labelled, merged after it
    pr(6, "2023-03-02T10:00:00", "hackathon:first"),  # label beats the window
    pr(7, "2023-03-02T11:00:00"),
    pr(8, None, "hackathon:third"),  # labelled for the planned one
]


def test_assignment_by_label_then_by_window_with_inclusive_boundaries():
    owned, between = assign(HACKS, PRS)
    assert [p.number for p in owned["first"]] == [2, 3, 6]
    assert [p.number for p in owned["second"]] == [5, 7]
    assert [p.number for p in owned["third"]] == [8]
    assert [p.number for p in between] == [1, 4]


def prerelease(version, day, refs):
    return PreRelease(parse(version), f"v{version}", at(day), frozenset(refs))


PRES = [
    prerelease("8.1.0a1", "2023-01-20T00:00:00", {"#1", "#2", "#3", "#4"}),
    prerelease("8.1.0a2", "2023-03-10T00:00:00", {"#1", "#2", "#3", "#4", "#6", "#7"}),
    prerelease("8.1.0a3", "2023-03-25T00:00:00", {"#1", "#2", "#3", "#4", "#5", "#6", "#7"}),
]


def test_released_in_is_the_earliest_prerelease_holding_all():
    assert released_in(["#2", "#3"], PRES).version.canonical == "8.1.0a1"
    assert released_in(["#2", "#6"], PRES).version.canonical == "8.1.0a2"
    assert released_in(["#5"], reversed(PRES)).version.canonical == "8.1.0a3"
    assert released_in(["#99"], PRES) is None
    assert released_in([], PRES) is None


def test_report_json():
    reports = report(HACKS, PRS, PRES, NOW)
    data = [r.as_json() for r in reports]
    assert [(d["name"], d["state"], d["prs"], d["released_in"]) for d in data] == [
        ("first", "passed", [2, 3, 6], "8.1.0a2"),
        ("second", "passed", [5, 7], "8.1.0a3"),
        ("third", "upcoming", [8], None),
    ]
    assert data[0]["start"] == "2023-01-10T00:00:00Z"
    assert data[1]["end"] == "2023-03-03T23:59:59Z"
    assert data[1]["url"] == "https://indico.example/e/2"
    assert set(data[0]) >= {"name", "start", "end", "series", "state", "prs", "released_in"}


def test_series_status_text_reads_like_the_seed_sentence():
    pres = [prerelease(f"8.1.0a{n}", "2023-04-27T10:00:00", set()) for n in range(1, 13)]
    hacks = parse_hackathons(
        "".join(
            f'[[hackathon]]\nname = "h{n}"\nstart = 2023-0{n}-01\nend = 2023-0{n}-02\n'
            'series = "8.1"\n'
            for n in range(1, 8)
        )
    )
    status = series_status("8.1", "integration", hacks, pres, 14, at("2023-06-15T00:00:00"))
    assert (
        status.text()
        == "8.1.0a12 (2023-04-27); 6 hackathons passed, 1 planned; 14 PRs since 8.1.0a12"
    )
    data = status.as_json()
    assert data["latest"] == "8.1.0a12" and data["latest_date"] == "2023-04-27"
    assert data["prereleases"][0] == "8.1.0a1" and len(data["prereleases"]) == 12
    assert (data["hackathons_passed"], data["hackathons_planned"]) == (6, 1)
    assert data["prs_since_latest"] == 14 and data["series"] == "8.1"
    running = series_status("8.1", "integration", hacks, [], 1, at("2023-07-01T12:00:00"))
    assert running.text() == (
        "8.1: no pre-release yet; 6 hackathons passed, 1 running, 0 planned; "
        "1 PR since the start of the series"
    )
    other = series_status("8.2", "integration", hacks, [], 0, NOW)
    assert other.hackathons_passed == 0 and other.hackathons_planned == 0


def test_notes_groups_by_start_then_between():
    groups = notes_groups(HACKS, PRS)
    assert [(h.name if h else None, [p.number for p in prs]) for h, prs in groups] == [
        ("first", [2, 3, 6]),
        ("second", [5, 7]),
        ("third", [8]),
        (None, [1, 4]),
    ]
    assert notes_groups(HACKS, [pr(4, "2023-01-13T00:00:00")])[0][0] is None


@pytest.mark.parametrize(
    ("base", "latest", "phase", "expected"),
    [
        ("8.1.0a13", "8.1.0a12", None, "8.1.0a13"),
        ("8.1.0a13", "8.1.0a12", "alpha", "8.1.0a13"),
        ("8.1.0a13", "8.1.0a12", "beta", "8.1.0b1"),
        ("8.1.0a13", "8.1.0a12", "rc", "8.1.0rc1"),
        ("8.1.0b3", "8.1.0b2", None, "8.1.0b3"),
        ("8.2.0a1", "8.1.0a12", None, "8.2.0a1"),  # a new series opens with its first alpha
        ("8.2.0a1", "8.1.0a12", "beta", "8.2.0b1"),
        ("v7r3-pre3", "v7r3-pre2", None, "v7r3-pre3"),  # legacy lines: vXrY-preN
        ("8.1.0", "8.1.0rc1", None, "8.1.0rc2"),  # a release branch still in pre-releases
    ],
)
def test_next_prerelease(base, latest, phase, expected):
    assert next_prerelease(parse(base), parse(latest), phase).canonical == expected


@pytest.mark.parametrize(
    ("base", "latest", "phase", "fragment"),
    [
        ("8.0.21", "8.0.20", None, "8.0.21, a final release: alpha cuts pre-releases only"),
        ("8.1.0b2", "8.1.0b1", "alpha", "already past alpha"),
        ("v7r3-pre3", "v7r3-pre2", "beta", "no legacy form"),
        ("8.1.0a2", "8.1.0a1", "gamma", "--phase must be one of alpha, beta, rc"),
    ],
)
def test_next_prerelease_refusals(base, latest, phase, fragment):
    with pytest.raises(InputError, match=fragment):
        next_prerelease(parse(base), parse(latest), phase)


def test_messages_name_the_hackathon():
    first, second, _ = HACKS
    assert tag_message("v8.1.0a3", [second]) == (
        "Release v8.1.0a3\n\nHackathon second (2023-03-01 to 2023-03-03)"
    )
    assert tag_message("v8.1.0a3", []) == "Release v8.1.0a3"
    intro = body_intro([first, second])
    assert "hackathons **first** (2023-01-10 to 2023-01-12)" in intro
    assert "[second](https://indico.example/e/2) (2023-03-01 to 2023-03-03)" in intro
    assert body_intro([]) == ""


def test_composed_notes():
    first = HACKS[0]
    dirac = compose_dirac("v8.1.0a3", [(first, "*Core\n\nFIX: (#2) x\n"), (None, "NEW: (#4) y\n")])
    assert dirac == (
        "[v8.1.0a3]\n\nHackathon first (2023-01-10 to 2023-01-12)\n\n*Core\n\nFIX: (#2) x\n\n"
        "Between hackathons\n\nNEW: (#4) y\n"
    )
    markdown = compose_markdown("v8.1.0a3", "Intro.\n\n", [(first, "### Core\n\n- **FIX**: x\n")])
    assert markdown == (
        "## v8.1.0a3\n\nIntro.\n\n### Hackathon first (2023-01-10 to 2023-01-12)\n\n"
        "#### Core\n\n- **FIX**: x\n"
    )


ORIGINAL = """\
# Hackathons of DIRAC: reviewed like code.

[[hackathon]]
name = "first"    # the kick-off
start = 2023-01-10
end = 2023-01-12

[[hackathon]]
name = "third"
start = 2023-05-01
end = 2023-05-03
"""


def test_add_keeps_formatting_and_sorts():
    updated = add_entry(ORIGINAL, name="second", start="2023-03-01", end="2023-03-03",
                        series="8.1", url="https://indico.example/e/2")  # fmt: skip
    assert updated.startswith(ORIGINAL.split('[[hackathon]]\nname = "third"')[0])
    assert "# the kick-off" in updated and updated.endswith(
        "start = 2023-05-01\nend = 2023-05-03\n"
    )
    assert [h.name for h in parse_hackathons(updated)] == ["first", "second", "third"]
    assert updated.index('"second"') < updated.index('"third"')
    assert (
        'start = 2023-03-01\nend = 2023-03-03\nseries = "8.1"\nurl = "https://indico.example/e/2"\n\n[[hackathon]]'
        in updated
    )


def test_add_at_the_end_and_to_an_empty_file():
    updated = add_entry(ORIGINAL, name="fourth", start="2023-07-01T08:00:00Z", end="2023-07-02")
    assert updated.startswith(ORIGINAL)
    assert updated.endswith(
        'end = 2023-05-03\n\n[[hackathon]]\nname = "fourth"\n'
        "start = 2023-07-01T08:00:00Z\nend = 2023-07-02\n"
    )
    assert parse_hackathons(updated)[-1].start == at("2023-07-01T08:00:00")
    fresh = add_entry("", name="only", start="2023-01-01", end="2023-01-01")
    assert parse_hackathons(fresh)[0].end == at("2023-01-01T23:59:59")


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"name": "first", "start": "2024-01-01", "end": "2024-01-02"}, "duplicate of entry"),
        ({"name": "x", "start": "2023-01-11", "end": "2023-01-20"}, 'overlaps hackathon "first"'),
        ({"name": "x", "start": "2023-02-05", "end": "2023-02-01"}, "is before 'start'"),
        ({"name": "x", "start": "soon", "end": "2023-02-01"}, "--start: 'soon' is not a date"),
        ({"name": "x", "start": "2023-02-01", "end": "2023-02-30"}, "--end: '2023-02-30'"),
        ({"name": "x y\n", "start": "2023-02-01", "end": "2023-02-02"}, "hackathon name must be"),
        (
            {"name": "x", "start": "2023-02-01", "end": "2023-02-02", "series": "9.9"},
            "unknown series '9.9'",
        ),
    ],
)
def test_add_refusals_are_one_line(kwargs, fragment):
    with pytest.raises(InputError) as info:
        add_entry(ORIGINAL, known_series={"8.0", "8.1"}, **kwargs)
    assert fragment in str(info.value) and "\n" not in str(info.value)


def test_window_length_is_inclusive():
    h = HACKS[1]
    assert h.end - h.start == timedelta(days=3) - timedelta(seconds=1)


def test_markdown_escapes_hackathon_names():
    (h,) = parse_hackathons(
        '[[hackathon]]\nname = "spring_2024"\nstart = 2024-03-18\nend = 2024-03-22\n'
    )
    assert "**spring\\_2024**" in body_intro([h])
    assert "### Hackathon spring\\_2024 (2024-03-18 to 2024-03-22)" in compose_markdown(
        "v1", "", [(h, "")]
    )
    assert tag_message("v1", [h]).endswith("Hackathon spring_2024 (2024-03-18 to 2024-03-22)")
