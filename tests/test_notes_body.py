"""The DIRAC notes block of a PR body: markers, markdown around them, grammar inside."""

from __future__ import annotations

import pytest

from release_tool.notes import NotesConfig, parse_body


def codes(notes):
    """The problem codes of parsed notes, in order."""
    return [p.code for p in notes.problems]


def triples(notes):
    """(system, type, text) of every entry."""
    return [(e.system, e.type, e.text) for e in notes.entries]


def test_plain_block():
    body = "Some intro\n\nBEGINRELEASENOTES\n*WMS\nFIX: the cache\nNEW: a thing\nENDRELEASENOTES\n"
    notes = parse_body(body)
    assert notes.found
    assert triples(notes) == [("WMS", "FIX", "the cache"), ("WMS", "NEW", "a thing")]
    assert notes.problems == []


@pytest.mark.parametrize(
    ("begin", "end"),
    [
        ("BEGINRELEASENOTES", "ENDRELEASENOTES"),
        ("beginreleasenotes", "EndReleaseNotes"),
        ("**BEGINRELEASENOTES**", "**ENDRELEASENOTES**"),
        ("## BEGINRELEASENOTES", "## ENDRELEASENOTES"),
        ("BEGIN RELEASE NOTES", "END_RELEASE_NOTES"),
        ("`BEGINRELEASENOTES`", "`ENDRELEASENOTES`"),
        ("> BEGINRELEASENOTES", "> ENDRELEASENOTES"),
    ],
)
def test_markers_tolerate_case_and_markdown(begin, end):
    notes = parse_body(f"{begin}\n*Core\nCHANGE: x\n{end}")
    assert triples(notes) == [("Core", "CHANGE", "x")]
    assert notes.problems == []


def test_code_fences_inside_and_around_the_block():
    body = "```\nBEGINRELEASENOTES\n```text\n*Core\nFIX: a\n```\nENDRELEASENOTES\n```"
    notes = parse_body(body)
    assert triples(notes) == [("Core", "FIX", "a")]
    assert notes.problems == []


def test_crlf_and_cr_line_breaks():
    notes = parse_body("BEGINRELEASENOTES\r\n*Core\r\nFIX: a\r\n  more\rENDRELEASENOTES\r\n")
    assert triples(notes) == [("Core", "FIX", "a\nmore")]
    assert notes.problems == []


@pytest.mark.parametrize("heading", ["*WMS", "* WMS", "* WMS:", "*WMS :", "*  WMS  "])
def test_heading_forms(heading):
    notes = parse_body(f"BEGINRELEASENOTES\n{heading}\nFIX: a\nENDRELEASENOTES")
    assert triples(notes) == [("WMS", "FIX", "a")]


def test_resources_heading_with_colon_and_space():
    notes = parse_body(
        "BEGINRELEASENOTES\n* Resources:\nNEW: x\n*Resources\nFIX: y\nENDRELEASENOTES"
    )
    assert [(s.system, len(s.entries)) for s in notes.sections] == [("Resources", 1)] * 2


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("NEW: x", "NEW"),
        ("CHANGE: x", "CHANGE"),
        ("FIX: x", "FIX"),
        ("BUGFIX: x", "FIX"),
        ("DEPRECATED: x", "DEPRECATED"),
        ("REMOVED: x", "REMOVED"),
        ("SECURITY: x", "SECURITY"),
        ("fix: x", "FIX"),
        ("Fix : x", "FIX"),
        ("- FIX: x", "FIX"),
        ("* FIX: x", "FIX"),
        ("*BUGFIX: x", "FIX"),
    ],
)
def test_types_and_aliases(line, kind):
    notes = parse_body(f"BEGINRELEASENOTES\n*Core\n{line}\nENDRELEASENOTES")
    assert triples(notes) == [("Core", kind, "x")]
    assert notes.problems == []


def test_configurable_types():
    config = NotesConfig(types=("NEW", "FIX", "DOCS"), type_aliases={"BUGFIX": "FIX"})
    notes = parse_body("BEGINRELEASENOTES\nDOCS: x\nCHANGE: y\nENDRELEASENOTES", config)
    assert [e.type for e in notes.entries] == ["DOCS"]
    assert codes(notes) == ["unknown-type"]
    assert "'CHANGE'" in notes.problems[0].message


def test_continuation_lines_join_the_entry_above():
    body = (
        "BEGINRELEASENOTES\n*Core\nFIX: first line\nsecond line\n   third, indented\n\n"
        "NEW: other\nENDRELEASENOTES"
    )
    notes = parse_body(body)
    assert triples(notes) == [
        ("Core", "FIX", "first line\nsecond line\nthird, indented"),
        ("Core", "NEW", "other"),
    ]


def test_free_text_is_kept():
    body = "BEGINRELEASENOTES\nThis needs a DB update.\n\n*Core\nFIX: a\nENDRELEASENOTES"
    notes = parse_body(body)
    assert notes.free_text == ["This needs a DB update."]
    assert triples(notes) == [("Core", "FIX", "a")]


def test_untyped_line_under_a_heading_is_an_untyped_entry():
    notes = parse_body("BEGINRELEASENOTES\n*Core\nFIX: a\n\nsome words\nENDRELEASENOTES")
    assert triples(notes) == [("Core", "FIX", "a"), ("Core", None, "some words")]


def test_entries_without_heading_have_no_system():
    notes = parse_body("BEGINRELEASENOTES\nFIX: a\nENDRELEASENOTES")
    assert triples(notes) == [(None, "FIX", "a")]


def test_refs_in_a_block_are_read():
    notes = parse_body("BEGINRELEASENOTES\nFIX: (#12, #13) a\nENDRELEASENOTES")
    assert notes.entries[0].refs == ["#12", "#13"]
    assert notes.entries[0].text == "a"


def test_breaking_prefix():
    notes = parse_body("BEGINRELEASENOTES\nCHANGE: BREAKING: drop py2\nENDRELEASENOTES")
    assert notes.entries[0].breaking
    assert notes.entries[0].text == "drop py2"


def test_html_comments_are_not_notes():
    body = (
        "<!-- Write notes between BEGINRELEASENOTES and ENDRELEASENOTES\n"
        "BEGINRELEASENOTES\n*Sub\nNEW: example\nENDRELEASENOTES -->\n"
        "BEGINRELEASENOTES\n*Core\nFIX: real <!-- not this -->\nENDRELEASENOTES"
    )
    notes = parse_body(body)
    assert triples(notes) == [("Core", "FIX", "real")]
    assert notes.problems == []


def test_two_blocks_are_read_in_order_and_do_not_share_a_heading():
    body = (
        "BEGINRELEASENOTES\n*Core\nFIX: a\nENDRELEASENOTES\n"
        "BEGINRELEASENOTES\nNEW: b\nENDRELEASENOTES"
    )
    assert triples(parse_body(body)) == [("Core", "FIX", "a"), (None, "NEW", "b")]


@pytest.mark.parametrize("body", [None, "", "Just a description"])
def test_missing_block(body):
    notes = parse_body(body)
    assert not notes.found
    assert notes.entries == []
    assert codes(notes) == ["missing-block"]
    assert notes.problems[0].line == 1


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("BEGIN RELEASE<!-- c -->NOTES\n*Core\nFIX: a\nEND RELEASE NOTES", [("Core", "FIX", "a")]),
        ("BEGINRELEASE<!--\n-->NOTES\n*Core\nFIX: a\nENDRELEASENOTES", []),
        ("begin_release_notes\r*Core\r\nFIX: a\r\nEND-RELEASE-NOTES", [("Core", "FIX", "a")]),
    ],
)
def test_markers_found_after_comments_and_line_breaks(body, expected):
    """Bodies without a marker are read at once; comments and CRs must not hide one."""
    assert triples(parse_body(body)) == expected


def test_end_without_begin_is_a_missing_block():
    notes = parse_body("text\n*Core\nFIX: a\nENDRELEASENOTES\n")
    assert codes(notes) == ["missing-block"]
    assert notes.problems[0].line == 4
    assert notes.entries == []


def test_block_not_closed_keeps_its_entries():
    notes = parse_body("intro\nBEGINRELEASENOTES\n*Core\nFIX: a\n")
    assert triples(notes) == [("Core", "FIX", "a")]
    assert codes(notes) == ["unclosed-block"]
    assert notes.problems[0].line == 2


def test_empty_block():
    notes = parse_body("BEGINRELEASENOTES\n\nENDRELEASENOTES")
    assert codes(notes) == ["empty-block"]


def test_unknown_type_is_reported_and_kept_as_its_own_item():
    notes = parse_body("BEGINRELEASENOTES\n*Core\nFIX: a\nFEAT: b\nENDRELEASENOTES")
    assert triples(notes) == [("Core", "FIX", "a"), ("Core", None, "FEAT: b")]
    assert codes(notes) == ["unknown-type"]
    assert notes.problems[0].line == 4


def test_template_placeholder_is_an_unknown_type_and_system():
    body = "BEGINRELEASENOTES\n*Subsystem\nNEW/CHANGE/FIX: explanation\nENDRELEASENOTES"
    notes = parse_body(body, known_systems=("Core", "WorkloadManagementSystem"))
    assert codes(notes) == ["placeholder", "unknown-type"]
    assert [p.line for p in notes.problems] == [2, 3]


@pytest.mark.parametrize(
    "body",
    [
        "BEGINRELEASENOTES\n*Subsystem\nNEW:\nENDRELEASENOTES",
        "BEGINRELEASENOTES\n\n*Subsystem\n\nNEW:\n\nENDRELEASENOTES\n",
        "BEGINRELEASENOTES\n*subsystem\nFIX: a real fix\nENDRELEASENOTES",
    ],
)
def test_pr_template_placeholders_are_problems_without_known_systems(body):
    problems = parse_body(body).problems
    assert "placeholder" in {p.code for p in problems}
    assert "'*Subsystem' is the PR template's placeholder" in problems[0].message.replace(
        "subsystem", "Subsystem"
    )


def test_unknown_system_only_with_known_systems():
    body = "BEGINRELEASENOTES\n*WMS\nFIX: a\n*Nope\nFIX: b\nENDRELEASENOTES"
    assert parse_body(body).problems == []
    notes = parse_body(body, known_systems=("WorkloadManagementSystem",))
    assert codes(notes) == ["unknown-system"]
    assert notes.problems[0].line == 4
    assert "'Nope'" in notes.problems[0].message


def test_known_systems_from_config():
    config = NotesConfig(known_systems=("Core",))
    assert codes(parse_body("BEGINRELEASENOTES\n*core\nFIX: a\nENDRELEASENOTES", config)) == []
    assert codes(parse_body("BEGINRELEASENOTES\n*WMS\nFIX: a\nENDRELEASENOTES", config)) == [
        "unknown-system"
    ]


def test_empty_entry():
    notes = parse_body("BEGINRELEASENOTES\n*Core\nFIX:\n\nNEW: ok\nENDRELEASENOTES")
    assert codes(notes) == ["empty-entry"]
    assert notes.problems[0].line == 3


def test_entry_filled_by_its_continuation_is_not_empty():
    notes = parse_body("BEGINRELEASENOTES\nFIX:\n  the text below\nENDRELEASENOTES")
    assert notes.problems == []
    assert notes.entries[0].text == "the text below"


def test_ctadirac_inline_heading():
    notes = parse_body("BEGINRELEASENOTES\n* JB : new interface\n   and more\nENDRELEASENOTES")
    assert triples(notes) == [("JB", None, "new interface\nand more")]
