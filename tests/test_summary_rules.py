"""The pure parts of summaries: headline rules, window arithmetic, notes sections, config."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from release_tool.core.config import config_from_mapping
from release_tool.core.versions import parse
from release_tool.errors import ConfigError, InputError
from release_tool.notes.model import Entry
from release_tool.summary.headline import (
    HeadlineRules,
    Override,
    components,
    find_override,
    headline,
    kind_words,
    rules_from_mapping,
)
from release_tool.summary.notes_source import body_notes, markdown_section, section_for
from release_tool.summary.window import (
    activity_words,
    parse_date,
    previous_meeting,
    previous_windows,
    subtract_period,
    usual,
    week_starts,
)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def fix(text: str, system: str | None = None, number: int = 1) -> Entry:
    return Entry("FIX", [f"#{number}"], text, system)


# -- headline ---------------------------------------------------------------------------


def test_no_entry_is_no_changes():
    told = headline([])
    assert told.text == "no changes" and told.subjects == []


@pytest.mark.parametrize(
    ("types", "expected"),
    [
        (["FIX"], "minor fixes"),
        (["FIX"] * 6, "fixes"),
        (["NEW", "FIX"], "new features and fixes"),
        (["FIX", "NEW"], "new features and fixes"),
        (["CHANGE", "FIX", "NEW"], "new features, changes and fixes"),
        (["NEW"], "new features"),
        ([None], "changes"),
        (["SECURITY", "FIX"], "security fixes and fixes"),
    ],
)
def test_kind_mix(types, expected):
    entries = [Entry(t, ["#1"], "text") for t in types]
    assert headline(entries).text == expected


def test_breaking_comes_first():
    entries = [Entry("CHANGE", ["#1"], "drop Python 2", breaking=True), fix("a")]
    assert kind_words(entries, HeadlineRules(), minor=True) == "breaking changes, changes and fixes"


def test_subjects_are_the_components_most_named():
    entries = [
        fix("AREXCE: use the token file", "Resources", 1),
        fix("RemoteRunner: HPC access", "Resources", 2),
        fix("AREXCE: retry delegation", "Resources", 3),
        fix("the JobAgent waits for the AREXCE", "WorkloadManagement", 4),
        fix("a typo in the docs", "Core", 5),
    ]
    told = headline(entries)
    assert told.text == "minor fixes"
    names = [s.name for s in told.subjects]
    assert names == ["AREXCE", "RemoteRunner", "Core"]  # JobAgent's entry goes to AREXCE
    assert [e.refs[0] for e in told.subjects[0].entries] == ["#1", "#3", "#4"]
    assert told.subjects[0].kinds == "fixes"


def test_components_ignore_acronyms_and_take_aliases():
    rules = rules_from_mapping(
        {"component_aliases": {"AREXComputingElement": "AREXCE"}, "ignore_components": ["HPC"]},
        "t",
    )
    entry = fix("AREXComputingElement: JSON over HTTP for HPC sites, see GitHub")
    assert components(entry, rules) == ["AREXCE"]
    assert components(fix("Resources/Computing/RemoteRunner.py: timeout"), rules) == [
        "RemoteRunner"
    ]


def test_systems_are_subjects_when_no_component_is_named():
    told = headline([fix("proxy renewal", "WorkloadManagementSystem"), fix("cache", "DMS", 2)])
    assert [s.name for s in told.subjects] == ["WorkloadManagementSystem", "DMS"]


def test_max_subjects_and_minor_max_are_configurable():
    rules = rules_from_mapping({"max_subjects": 1, "minor_max": 1}, "t")
    told = headline([fix("AlphaBeta x", number=1), fix("GammaDelta y", number=2)], rules)
    assert told.text == "fixes" and [s.name for s in told.subjects] == ["AlphaBeta"]


def test_override_replaces_headline_and_subjects():
    entries = [fix("AREXCE: x"), fix("RemoteRunner: y", number=2)]
    told = headline(entries, override=Override("fixes for AREX CE", ("RemoteRunner", "HPC")))
    assert told.text == "fixes for AREX CE" and told.overridden
    assert [s.name for s in told.subjects] == ["RemoteRunner", "HPC"]
    assert told.subjects[0].entries and not told.subjects[1].entries
    overrides = {"8.0.20": Override("x")}
    assert find_override(overrides, ["v8.0.20"]) is overrides["8.0.20"]
    assert find_override(overrides, ["v7r3p36"]) is None


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"summary": {"max_subjects": -1}}, "summary.max_subjects must be a whole number"),
        ({"summary": {"type_words": {"FIX": 3}}}, "summary.type_words must be a table"),
        ({"summary": {"headlines": {"8.0.1": 3}}}, "summary.headlines.8.0.1 must be"),
        ({"summary": {"headlines": {"8.0.1": {"title": "x"}}}}, "unknown key"),
        ({"summary": {"notes_files": ["../x"]}}, "paths inside the repository"),
        ({"summary": {"colour": 1}}, "unknown configuration key tool.release-tool.summary.colour"),
        ({"meeting_every": "fortnightly"}, 'meeting_every must be a period such as "2 weeks"'),
        ({"meetings": ["2026-13-01"]}, "meetings: not a date"),
    ],
)
def test_bad_configuration_names_the_key(table, message):
    with pytest.raises(ConfigError, match=None) as error:
        config_from_mapping(table)
    assert message in str(error.value)


# -- window -------------------------------------------------------------------------------


def test_dates_are_utc():
    assert parse_date("2026-11-16") == utc(2026, 11, 16)
    assert parse_date("2026-11-16T10:30") == utc(2026, 11, 16, 10, 30)
    assert parse_date("2026-11-16T10:30:00+02:00") == utc(2026, 11, 16, 8, 30)
    assert parse_date("v8.0.20") is None
    with pytest.raises(InputError, match="not a valid date"):
        parse_date("2026-02-30")


def test_previous_meeting():
    until = utc(2026, 11, 30, 12)
    assert previous_meeting(until) == utc(2026, 11, 16, 12)
    assert previous_meeting(until, every="1 week") == utc(2026, 11, 23, 12)
    assert previous_meeting(until, every="1 month") == utc(2026, 10, 30, 12)
    meetings = (utc(2026, 11, 2), utc(2026, 11, 23), utc(2026, 12, 7))
    assert previous_meeting(until, meetings, "2 weeks") == utc(2026, 11, 23)
    assert previous_meeting(utc(2026, 11, 1), meetings) == utc(2026, 10, 18)
    assert subtract_period(utc(2026, 3, 31), "1 month") == utc(2026, 2, 28)


def test_previous_windows_and_median():
    windows = previous_windows(utc(2026, 11, 16), utc(2026, 11, 30))
    assert len(windows) == 6 and windows[-1] == (utc(2026, 11, 2), utc(2026, 11, 16))
    assert windows[0][0] == utc(2026, 8, 24)
    assert usual([17, 20, 15, 17, 2, 30]) == 17
    assert usual([]) == 0


@pytest.mark.parametrize(
    ("merged", "typical", "expected"),
    [
        (3, 17, "little dev activity: 3 PRs merged, usually 17"),
        (16, 17, "usual dev activity: 16 PRs merged, usually 17"),
        (40, 17, "busy dev activity: 40 PRs merged, usually 17"),
        (1, 2.5, "little dev activity: 1 PR merged, usually 2.5"),
        (0, 0, "no dev activity: 0 PRs merged"),
        (2, 0, "dev activity: 2 PRs merged, usually none"),
    ],
)
def test_activity_in_words(merged, typical, expected):
    assert activity_words(merged, typical) == expected


def test_week_starts_are_mondays():
    weeks = week_starts(utc(2026, 11, 18, 15), utc(2026, 11, 30))
    assert weeks == [utc(2026, 11, 16), utc(2026, 11, 23)]


# -- notes sections -----------------------------------------------------------------------

DIRAC = """[v8.0.21]

[v8.0.20]

*Resources
FIX: (#7005) AREXCE: token usage
FIX: (#7001) RemoteRunner: HPC access

[v7r3p36]
"""


def test_dirac_sections_match_any_spelling():
    section = section_for(DIRAC, parse("8.0.20"))
    assert [e.refs for e in section.entries] == [["#7005"], ["#7001"]]
    assert section_for(DIRAC, parse("v7.3.36")).entries == []
    assert section_for(DIRAC, parse("8.0.19")) is None


MARKDOWN = """# Changelog

## [0.4.0](https://example.invalid/compare) (2024-02-01)

### Features

* **db:** add the job table ([#12](https://example.invalid/pull/12)) ([abc1234](https://x))

### Bug Fixes

* fix RemoteRunner timeout (#13)
  on slow sites

## v0.3.0

* fix: old thing (#3)
"""


def test_markdown_changelog_sections():
    section = markdown_section(MARKDOWN, parse("0.4.0"))
    entries = [(e.type, e.refs, e.text, e.system) for e in section.entries]
    assert entries == [
        ("NEW", ["#12"], "add the job table", "db"),
        ("FIX", ["#13"], "fix RemoteRunner timeout on slow sites", None),
    ]
    old = markdown_section(MARKDOWN, parse("0.3.0"))
    assert [(e.type, e.text) for e in old.entries] == [("FIX", "old thing")]
    assert markdown_section(MARKDOWN, parse("0.5.0")) is None


def test_github_release_bodies():
    body = "## What's Changed\n* feat(WMS): matcher limits by @alice in #7\n"
    notes = body_notes(body, parse("8.1.0a1"))
    entries = [(e.type, e.system, e.refs, e.text) for e in notes.entries]
    assert entries == [("NEW", "WMS", ["#7"], "matcher limits")]
    dirac = body_notes("*DMS\nFIX: (#8) the cache\n", parse("8.0.1"))
    assert [(e.type, e.system) for e in dirac.entries] == [("FIX", "DMS")]  # as written


# -- hackathon counts -----------------------------------------------------------------------


def test_hackathons_without_series_count_for_the_series_then_in_development(tmp_path):
    from release_tool.core.config import Config
    from release_tool.summary.sources import hackathon_counts

    assert hackathon_counts(tmp_path, Config()) is None  # no records: no numbers
    (tmp_path / "hackathons.toml").write_text(
        "[[hackathon]]\nname = 'old'\nstart = 2023-01-10\nend = 2023-01-12\n\n"
        "[[hackathon]]\nname = 'a'\nstart = 2023-03-10\nend = 2023-03-12\n\n"
        "[[hackathon]]\nname = 'b'\nstart = 2023-05-10\nend = 2023-05-12\nseries = '8.1'\n\n"
        "[[hackathon]]\nname = 'c'\nstart = 2023-09-10\nend = 2023-09-12\n"
    )
    counts = hackathon_counts(tmp_path, Config())
    opened = utc(2023, 2, 1)  # 8.0.0 released: integration moved to 8.1
    assert counts("8.1", utc(2023, 6, 1), opened) == (2, 1)
    assert counts("8.1", utc(2023, 6, 1), None) == (3, 1)


def test_weekly_chart_draws_a_bar_per_week_with_prs_and_keeps_every_line():
    """A long span has a thousand weeks per line, mostly empty: only weeks with PRs are bars."""
    from datetime import timedelta

    from matplotlib.patches import Rectangle

    from release_tool.summary.charts import _pyplot, weekly
    from release_tool.summary.model import Activity, Summary

    start = datetime(2020, 1, 6, tzinfo=timezone.utc)
    weeks = [start + timedelta(weeks=n) for n in range(1000)]
    busy = [0] * 1000
    busy[3], busy[998] = 2, 5
    steady = [1] * 1000
    idle = [0] * 1000
    activity = Activity(0, [], 0.0, "", weeks, {"rel-v8r0": busy, "integration": steady, "x": idle})
    summary = Summary(weeks[900], weeks[-1], "a", "b", "t", activity=activity)
    with _pyplot() as plt:
        fig = weekly(summary, plt)
        ax = fig.axes[0]
        bars = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_width() < 6]
        assert len(bars) == 2 + 1000 + 1  # the idle line: one empty bar, for its legend entry
        stacked = {(round(float(p.get_x()), 3), float(p.get_y())) for p in bars if p.get_height()}
        x = [round(float(ax.convert_xunits(week)), 3) for week in weeks]
        assert (x[998], 5.0) in stacked and (x[3], 2.0) in stacked  # steady: on top of busy
        assert (x[500], 0.0) in stacked  # busy's empty weeks stack nothing
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert legend == ["rel-v8r0", "integration", "x"]
        plt.close(fig)
