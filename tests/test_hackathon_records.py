"""Hackathon records: parsing, validation, window semantics, loading and the config key."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from release_tool.core.config import config_from_mapping, load_config
from release_tool.errors import ConfigError, InputError
from release_tool.hackathons.records import (
    PASSED,
    RUNNING,
    UPCOMING,
    Hackathon,
    find,
    load_hackathons,
    parse_hackathons,
    state,
    window_text,
)

UTC = timezone.utc

THREE = """\
# reviewed like code
[[hackathon]]
name = "winter"
start = 2023-01-16
end = 2023-01-18
series = "8.1"

[[hackathon]]
name = "autumn"
start = 2022-10-03T09:00:00Z
end = 2022-10-05T17:00:00
url = "https://indico.example/event/7"

[[hackathon]]
name = "spring"
start = "2023-04-17"
end = "2023-04-19T12:00:00+02:00"
label = "hack-spring"
"""


def test_three_entries_sorted_by_start_with_utc_windows():
    hackathons = parse_hackathons(THREE)
    assert [h.name for h in hackathons] == ["autumn", "winter", "spring"]
    autumn, winter, spring = hackathons
    assert autumn.start == datetime(2022, 10, 3, 9, 0, 0, tzinfo=UTC)
    # a naive date-time is UTC
    assert autumn.end == datetime(2022, 10, 5, 17, 0, 0, tzinfo=UTC)
    assert autumn.url == "https://indico.example/event/7"
    assert autumn.series is None
    assert autumn.label == "hackathon:autumn"
    # a date-only start is the first second, a date-only end the last second of the day
    assert winter.start == datetime(2023, 1, 16, 0, 0, 0, tzinfo=UTC)
    assert winter.end == datetime(2023, 1, 18, 23, 59, 59, tzinfo=UTC)
    assert winter.series == "8.1"
    # strings in ISO 8601; offsets converted to UTC
    assert spring.start == datetime(2023, 4, 17, tzinfo=UTC)
    assert spring.end == datetime(2023, 4, 19, 10, 0, 0, tzinfo=UTC)
    assert spring.label == "hack-spring"
    for h in hackathons:
        assert h.start.tzinfo is not None and h.end.utcoffset().total_seconds() == 0


def test_empty_and_absent_entries():
    assert parse_hackathons("") == []
    assert parse_hackathons("hackathon = []\n") == []


def test_window_is_closed_to_the_second():
    h = parse_hackathons(THREE)[1]
    assert h.contains(datetime(2023, 1, 16, 0, 0, 0, tzinfo=UTC))
    assert h.contains(datetime(2023, 1, 18, 23, 59, 59, tzinfo=UTC))
    assert not h.contains(datetime(2023, 1, 15, 23, 59, 59, tzinfo=UTC))
    assert not h.contains(datetime(2023, 1, 19, 0, 0, 0, tzinfo=UTC))


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2023, 1, 15, 23, 59, 59, tzinfo=UTC), UPCOMING),
        (datetime(2023, 1, 16, 0, 0, 0, tzinfo=UTC), RUNNING),
        (datetime(2023, 1, 18, 23, 59, 59, tzinfo=UTC), RUNNING),
        (datetime(2023, 1, 19, 0, 0, 0, tzinfo=UTC), PASSED),
    ],
)
def test_state(now, expected):
    assert state(parse_hackathons(THREE)[1], now) == expected


def test_records_are_frozen():
    h = parse_hackathons(THREE)[0]
    assert isinstance(h, Hackathon)
    with pytest.raises(AttributeError):
        h.name = "other"  # type: ignore[misc]


def test_window_text():
    autumn, winter, _ = parse_hackathons(THREE)
    assert window_text(winter) == "2023-01-16 to 2023-01-18"
    assert window_text(autumn) == "2022-10-03 09:00:00Z to 2022-10-05 17:00:00Z"


def test_find():
    assert find(parse_hackathons(THREE), "spring").label == "hack-spring"
    with pytest.raises(InputError, match="no hackathon named 'summer'.*autumn, winter, spring"):
        find(parse_hackathons(THREE), "summer")


ENTRY = '[[hackathon]]\nname = "a"\nstart = 2023-01-01\nend = 2023-01-02\n'


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[[hackathon]\n", "hackathons.toml: not valid TOML"),
        ("hackathons = []\n", "unknown top-level key 'hackathons'"),
        ("hackathon = 3\n", "must be an array of tables"),
        ("hackathon = [1]\n", "hackathon entry 1: must be a table"),
        ("[[hackathon]]\nstart = 2023-01-01\nend = 2023-01-02\n", "field 'name' is missing"),
        ('[[hackathon]]\nname = ""\nstart = 2023-01-01\nend = 2023-01-02\n', "field 'name'"),
        ('[[hackathon]]\nname = "a\\nb"\nstart = 2023-01-01\nend = 2023-01-02\n', "field 'name'"),
        ("[[hackathon]]\nname = 7\nstart = 2023-01-01\nend = 2023-01-02\n", "field 'name'"),
        ('[[hackathon]]\nname = "a"\nend = 2023-01-02\n', "(entry 1): field 'start' is missing"),
        ('[[hackathon]]\nname = "a"\nstart = 2023-01-01\n', "(entry 1): field 'end' is missing"),
        (
            '[[hackathon]]\nname = "a"\nstart = "2023-13-01"\nend = 2023-01-02\n',
            "\"a\" (entry 1): field 'start': '2023-13-01' is not a date",
        ),
        (
            '[[hackathon]]\nname = "a"\nstart = "tomorrow"\nend = 2023-01-02\n',
            "field 'start': 'tomorrow' is not a date",
        ),
        ('[[hackathon]]\nname = "a"\nstart = 10:00:00\nend = 2023-01-02\n', "time without a date"),
        ('[[hackathon]]\nname = "a"\nstart = 20230101\nend = 2023-01-02\n', "field 'start'"),
        (
            '[[hackathon]]\nname = "a"\nstart = 2023-01-03\nend = 2023-01-02\n',
            "\"a\" (entry 1): field 'end' (2023-01-02T23:59:59+00:00) is before 'start'",
        ),
        (ENTRY + 'series = "8"\n', "field 'series' must be a series such as \"8.1\""),
        (ENTRY + "series = 8.1\n", "field 'series'"),
        (ENTRY + 'url = "javascript:alert(1)"\n', "field 'url' must be an http(s) URL"),
        (ENTRY + 'label = ""\n', "field 'label'"),
        (ENTRY + 'colour = "red"\n', "\"a\" (entry 1): unknown field 'colour'"),
        (
            ENTRY + ENTRY.replace("2023-01-01", "2023-02-01").replace("2023-01-02", "2023-02-02"),
            "\"a\" (entry 2): field 'name': duplicate of entry 1",
        ),
        (
            ENTRY + '[[hackathon]]\nname = "b"\nstart = 2023-01-02T23:59:59Z\nend = 2023-01-05\n',
            '"b" (entry 2): field \'start\' (2023-01-02T23:59:59+00:00) overlaps hackathon "a"',
        ),
        (
            '[[hackathon]]\nname = "b"\nstart = 2023-01-02\nend = 2023-01-05\n' + ENTRY,
            '"b" (entry 1): field \'start\' (2023-01-02T00:00:00+00:00) overlaps hackathon "a"',
        ),
        (
            ENTRY + '[[hackathon]]\nname = "b"\nstart = 2023-02-02\nend = 2023-02-05\n'
            'label = "hackathon:a"\n',
            "\"b\" (entry 2): field 'label': 'hackathon:a' is already the label",
        ),
    ],
)
def test_invalid_entries_are_one_line_errors_naming_entry_and_field(text, fragment):
    with pytest.raises(InputError) as info:
        parse_hackathons(text)
    message = str(info.value)
    assert fragment in message
    assert "\n" not in message.strip()
    assert message.startswith("hackathons.toml:")


def test_adjacent_days_do_not_overlap():
    text = ENTRY + '[[hackathon]]\nname = "b"\nstart = 2023-01-03\nend = 2023-01-05\n'
    assert [h.name for h in parse_hackathons(text)] == ["a", "b"]


def test_unknown_series_is_refused_when_the_series_are_known():
    text = ENTRY + 'series = "9.4"\n'
    assert parse_hackathons(text)[0].series == "9.4"
    expected = r"field 'series': unknown series '9.4' \(known: 8.0, 8.1\)"
    with pytest.raises(InputError, match=expected):
        parse_hackathons(text, known_series={"8.1", "8.0"})


def test_source_names_the_file_in_errors():
    with pytest.raises(InputError, match=r"^etc/hack.toml: hackathon entry 1"):
        parse_hackathons("hackathon = [1]\n", "etc/hack.toml")


def test_load_absent_file_is_empty(tmp_path):
    assert load_hackathons(tmp_path) == []


def test_load_default_and_configured_paths(tmp_path):
    (tmp_path / "hackathons.toml").write_text(THREE, encoding="utf-8")
    assert len(load_hackathons(tmp_path)) == 3
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "h.toml").write_text(ENTRY, encoding="utf-8")
    assert [h.name for h in load_hackathons(tmp_path, "etc/h.toml")] == ["a"]
    (tmp_path / "pyproject.toml").write_text(
        '[tool.release-tool]\nhackathons_file = "etc/h.toml"\n', encoding="utf-8"
    )
    assert [h.name for h in load_hackathons(tmp_path)] == ["a"]


def test_load_bad_file_names_its_path(tmp_path):
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "h.toml").write_text("hackathon = [1]\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"^etc/h.toml: hackathon entry 1"):
        load_hackathons(tmp_path, "etc/h.toml")


def test_config_key():
    assert load_config_default().hackathons_file == "hackathons.toml"
    assert config_from_mapping({"hackathons_file": "a/b.toml"}).hackathons_file == "a/b.toml"
    for bad in (3, "", "/etc/h.toml", "../h.toml"):
        with pytest.raises(ConfigError, match="tool.release-tool.hackathons_file"):
            config_from_mapping({"hackathons_file": bad})


def load_config_default():
    from pathlib import Path

    return load_config(Path("/nonexistent-directory"))
