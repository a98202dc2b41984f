"""Writing a release section into release.notes: prepend, replace, idempotent, byte for byte."""

from __future__ import annotations

import pytest
from conftest import corpus_file

from release_tool.notes import Entry, ReleaseNotes, Section, parse_notes, prepend_release, render
from release_tool.notes.write import find_release

OLD = "[v8.0.19]\n\n*Core\n\nFIX: (#1) old  \n\n\n[v8.0.18]\nNEW: older\n"


def section(version: str = "v8.0.20", text: str = "new fix") -> str:
    """A rendered dirac section."""
    notes = ReleaseNotes(version, None, [Section("Core", [Entry("FIX", ["#2"], text)])])
    return render(notes, "dirac")


def test_prepend_keeps_the_rest_byte_for_byte():
    result = prepend_release(OLD, section(), "v8.0.20")
    assert result == "[v8.0.20]\n\n*Core\n\nFIX: (#2) new fix\n\n" + OLD
    assert result.endswith(OLD)


def test_idempotent():
    once = prepend_release(OLD, section(), "v8.0.20")
    assert prepend_release(once, section(), "v8.0.20") == once


def test_rendering_again_replaces_the_section():
    once = prepend_release(OLD, section(text="first wording"), "v8.0.20")
    twice = prepend_release(once, section(text="second wording"), "v8.0.20")
    assert twice.count("[v8.0.20]") == 1
    assert "first wording" not in twice
    assert twice == prepend_release(OLD, section(text="second wording"), "v8.0.20")


def test_replacing_a_middle_section_keeps_its_neighbours():
    result = prepend_release(OLD, section("v8.0.19", "rewritten"), "v8.0.19")
    assert result == "[v8.0.19]\n\n*Core\n\nFIX: (#2) rewritten\n\n[v8.0.18]\nNEW: older\n"
    last = prepend_release(OLD, section("v8.0.18", "last"), "v8.0.18")
    assert last == OLD.split("[v8.0.18]")[0] + "[v8.0.18]\n\n*Core\n\nFIX: (#2) last\n"


@pytest.mark.parametrize(
    ("existing", "expected"),
    [
        ("", "[v1]\n\n*Core\n\nFIX: (#2) new fix\n"),
        ("\n", "\n[v1]\n\n*Core\n\nFIX: (#2) new fix\n"),
        ("Notes of X\n", "Notes of X\n\n[v1]\n\n*Core\n\nFIX: (#2) new fix\n"),
        ("Notes of X", "Notes of X\n\n[v1]\n\n*Core\n\nFIX: (#2) new fix\n"),
        (
            "Notes of X\n\n[v0]\nNEW: a\n",
            "Notes of X\n\n[v1]\n\n*Core\n\nFIX: (#2) new fix\n\n[v0]\nNEW: a\n",
        ),
    ],
)
def test_preamble_and_empty_files(existing, expected):
    result = prepend_release(existing, section("v1"), "v1")
    assert result == expected
    assert prepend_release(result, section("v1"), "v1") == result


def test_crlf_file_gets_crlf_section():
    old = "[v1]\r\n\r\nFIX: a\r\n"
    result = prepend_release(old, section("v2"), "v2")
    assert result == "[v2]\r\n\r\n*Core\r\n\r\nFIX: (#2) new fix\r\n\r\n" + old
    assert prepend_release(result, section("v2"), "v2") == result


def test_bytes_with_invalid_utf8_are_kept():
    old = b"[v1]\n\nFIX: caf\xe9 \xff\n"
    result = prepend_release(old, section("v2"), "v2")
    assert isinstance(result, bytes)
    assert result.endswith(old)
    assert prepend_release(result, section("v2"), "v2") == result


def test_section_must_start_with_its_header():
    with pytest.raises(ValueError, match=r"\[v3\]"):
        prepend_release(OLD, section("v2"), "v3")


def test_find_release():
    assert find_release(OLD, "v8.0.18") == (OLD.index("[v8.0.18]"), len(OLD))
    assert find_release(OLD, "v8.0.17") is None


@pytest.mark.corpus
def test_write_into_a_real_file_is_idempotent_and_parses():
    data = corpus_file("release-notes", "WebAppDIRAC.release.notes").read_bytes()
    new = section("v6.0.0a7")
    once = prepend_release(data, new, "v6.0.0a7")
    assert once.endswith(data)
    assert prepend_release(once, new, "v6.0.0a7") == once
    releases = parse_notes(once)
    assert [r.version for r in releases[:2]] == ["v6.0.0a7", "v6.0.0a6"]
    replaced = prepend_release(data, section("v6.0.0a5", "again"), "v6.0.0a5")
    start, end = find_release(data.decode(), "v6.0.0a5")
    assert replaced[:start] == data[:start]
    assert replaced.endswith(data[end:])
