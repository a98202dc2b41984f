"""Existing release.notes files: the five real ones, odd inputs, the round trip, speed."""

from __future__ import annotations

import re
import time
from collections import Counter

import pytest
from conftest import corpus_file

from release_tool.notes import ReleaseNotes, parse_notes, render

CORPUS = [
    "COMDIRAC.release.notes",
    "CTADIRAC.release.notes",
    "ILCDIRAC.release.notes",
    "VMDIRAC.release.notes",
    "WebAppDIRAC.release.notes",
]
TYPES = {"NEW", "CHANGE", "FIX", "BUGFIX", "DEPRECATED", "REMOVED", "SECURITY"}
HEADER = re.compile(r"^\[[^\[\]\s]+\]\s*$")
TYPED_LINE = re.compile(
    r"^\s*\*?\s*(NEW|CHANGE|FIX|BUGFIX|DEPRECATED|REMOVED|SECURITY)\s*:(?!//)", re.I
)


def read(name: str) -> bytes:
    """A corpus file's bytes (skips when the corpus is absent)."""
    return corpus_file("release-notes", name).read_bytes()


def find(releases: list[ReleaseNotes], version: str) -> ReleaseNotes:
    """The first release of that version."""
    return next(r for r in releases if r.version == version)


# -- the five real files ---------------------------------------------------------------------


@pytest.mark.corpus
@pytest.mark.parametrize("name", CORPUS)
def test_corpus_parses_with_every_release_and_typed_line(name):
    data = read(name)
    text = data.decode("utf-8")
    releases = parse_notes(data)
    lines = text.split("\n")
    assert [r.version for r in releases] == [
        line.strip()[1:-1] for line in lines if HEADER.match(line)
    ]
    typed = [e for r in releases for e in r.entries if e.type is not None]
    assert len(typed) == sum(1 for line in lines if TYPED_LINE.match(line))
    assert all(e.type in TYPES - {"BUGFIX"} for e in typed)


@pytest.mark.corpus
def test_webappdirac_multi_refs_and_versions():
    releases = parse_notes(read("WebAppDIRAC.release.notes"))
    entries = [e for r in releases for e in r.entries]
    multi = [e for e in entries if len(e.refs) > 1]
    assert [(e.refs, e.text[:20]) for e in multi] == [
        (["#479", "#480"], "Convert datetime obj"),
        (["#585", "#586"], "Add sweep, labeler a"),
    ]
    assert releases[0].version == "v6.0.0a6"
    assert find(releases, "v5r0-pre2").entries[0].refs == ["#578"]
    assert find(releases, "v5.0.0a6").free_text == ["Please follow the template:"]
    assert all(r.sections == [] or r.sections[0].system is None for r in releases[:5])


@pytest.mark.corpus
def test_ilcdirac_gitlab_refs_dates_and_headings_as_written():
    releases = parse_notes(read("ILCDIRAC.release.notes"))
    first = releases[0]
    assert (first.version, first.date) == ("v29r0p4", "2019-03-19")
    assert first.entries[0].refs == ["!257"]
    assert [s.system for s in first.sections] == [
        "ILCTransformationSystem",
        "Interfaces",
        "Miscellaneous",
    ]
    assert sum(1 for r in releases if r.date) == 8
    assert first.as_dict()["date"] == "2019-03-19"
    assert releases[-1].as_dict()["date"] is None
    based = find(releases, "v23r0p10")
    assert based.free_text == ["Based on DIRAC v6r12p51"]
    assert [(s.system, len(s.entries)) for s in based.sections] == [
        ("WorkloadManagement", 1),
        ("ILCTransformation", 1),
        ("RequestManagement", 1),
    ]
    continued = find(releases, "v28r0p3").entries[0]
    assert continued.text.endswith("/ilc/prod/ilc/mc-opt")
    assert find(releases, "v28r0p3").sections[0].entries[1].text.startswith("and /ilc/prod")


@pytest.mark.corpus
def test_ctadirac_inline_entries_with_indented_continuations():
    releases = parse_notes(read("CTADIRAC.release.notes"))
    px = find(releases, "v1r61px")
    assert [(s.system, [(e.type, e.text) for e in s.entries]) for s in px.sections] == [
        (
            "JB",
            [
                (
                    None,
                    "new interface to ctapipe merge dl1 tool\ncone10 bug fix for Prod5b\n"
                    "new Job and run Interface EvnDispProd5SingJob",
                )
            ],
        )
    ]
    assert find(releases, "v1r59p2").sections[0].system == "JB/LA"
    assert find(releases, "v1r44p0").free_text == ["Start top posting release notes"]
    assert find(releases, "v1r47p4").entries[0].type == "FIX"
    assert [r.version for r in releases].count("v1r47p2") == 2
    separator = find(releases, "v1r44p0").sections[-1]
    assert (separator.system, separator.entries[-1].type) == ("LA", None)
    assert separator.entries[-1].text == "#" * 48


@pytest.mark.corpus
def test_vmdirac_and_comdirac_oddities():
    vm = parse_notes(read("VMDIRAC.release.notes"))
    v1r4 = find(vm, "v1r4")
    assert any("Víctor Méndez" in e.text for e in v1r4.entries)
    assert "Bug fixes:" in v1r4.free_text
    assert any(
        e.text.endswith("\nrequires a VirtualMachine_DB update to the field size")
        for e in v1r4.entries
    )
    com = parse_notes(read("COMDIRAC.release.notes"))
    v0r3 = find(com, "v0r3")
    assert [(e.type, e.text) for e in v0r3.entries] == [
        ("CHANGE", "allow minimal session without config file"),
        ("FIX", "missing import in drepl"),
    ]
    assert v0r3.free_text == ["DOC: add examples in usage messages"]
    assert find(com, "v0r15").entries[0].type == "CHANGE"
    assert find(com, "2.0.0a2").sections == []


# -- odd inputs ------------------------------------------------------------------------------


def test_invalid_utf8_is_tolerated():
    releases = parse_notes(b"[v1r0]\n\nFIX: caf\xe9 \xff done\n*Core\nNEW: ok\n")
    assert releases[0].entries[0].text == "caf\ufffd \ufffd done"
    assert releases[0].entries[1].system == "Core"


def test_bytes_and_str_crlf_and_bom():
    data = "\ufeff[v2]\r\n\r\nRelease date: 2020-01-01\r\n*WMS\r\nFIX: (#1) x\r\n   more\r\n"
    for given in (data, data.encode("utf-8")):
        (release,) = parse_notes(given)
        assert (release.version, release.date) == ("v2", "2020-01-01")
        assert [(e.system, e.type, e.refs, e.text) for e in release.entries] == [
            ("WMS", "FIX", ["#1"], "x\nmore")
        ]


def test_empty_heading_and_empty_release_survive_rendering():
    text = "[v3]\n\n*Core\n\n*WMS\n\nFIX: x\n\n[v2]\n\n[v1]\n\nBUGFIX:\n"
    releases = parse_notes(text)
    assert [(s.system, len(s.entries)) for s in releases[0].sections] == [("Core", 0), ("WMS", 1)]
    assert render(releases, "dirac") == "[v3]\n\n*Core\n\n*WMS\n\nFIX: x\n\n[v2]\n\n[v1]\n\nFIX:\n"


def test_preamble_before_the_first_release():
    releases = parse_notes("Release notes of X\n\n[v1]\nNEW: a\n")
    assert [(r.version, r.free_text) for r in releases] == [
        ("", ["Release notes of X"]),
        ("v1", []),
    ]


def test_every_kind_of_line_is_accounted_for():
    text = (
        "[v1]\n"
        "Release date: 2021-02-03\n"
        "Based on DIRAC v6r7\n"
        "NEW: (!3) top level\n"
        "*Core\n"
        "FIX: (#1,#2) a\n"
        "    continued\n"
        "untyped line\n"
        "TODO: unknown type\n"
        "* JB : inline\n"
        "Release date: second one is text\n"
    )
    (release,) = parse_notes(text)
    assert release.as_dict() == {
        "version": "v1",
        "date": "2021-02-03",
        "sections": [
            {
                "system": None,
                "entries": [
                    {"type": "NEW", "refs": ["!3"], "text": "top level", "breaking": False}
                ],
            },
            {
                "system": "Core",
                "entries": [
                    {
                        "type": "FIX",
                        "refs": ["#1", "#2"],
                        "text": "a\ncontinued",
                        "breaking": False,
                    },
                    {"type": None, "refs": [], "text": "untyped line", "breaking": False},
                    {"type": None, "refs": [], "text": "TODO: unknown type", "breaking": False},
                ],
            },
            {
                "system": "JB",
                "entries": [
                    {"type": None, "refs": [], "text": "inline", "breaking": False},
                    {
                        "type": None,
                        "refs": [],
                        "text": "Release date: second one is text",
                        "breaking": False,
                    },
                ],
            },
        ],
        "free_text": ["Based on DIRAC v6r7"],
    }
    assert release.metadata == {"line": 1}


# -- round trip ------------------------------------------------------------------------------


def normalise_line(line: str) -> list[str]:
    """The allowed normalisation of one line (see the round-trip test); [] for a blank line."""
    text = line.strip()
    if not text:
        return []
    heading = re.match(r"^\*\s*([^\s*:][^*:]*?)\s*(?::\s*(.*))?$", text)
    if heading and heading.group(1).upper() not in TYPES:
        return [f"*{heading.group(1)}", *normalise_line(heading.group(2) or "")]
    typed = re.match(r"^\*?\s*([A-Za-z]+)\s*:(?!//)\s*(.*)$", text)
    if typed and typed.group(1).upper() in TYPES:
        kind = "FIX" if typed.group(1).upper() == "BUGFIX" else typed.group(1).upper()
        rest = re.sub(
            r"^\(\s*([#!]\d+(?:\s*,\s*[#!]\d+)*)\s*\)",
            lambda m: "(" + ", ".join(re.findall(r"[#!]\d+", m.group(1))) + ")",
            typed.group(2),
        )
        return [f"{kind}: {rest}".rstrip()]
    return [text]


def release_chunks(text: str) -> list[list[str]]:
    """Normalised non-blank lines, one list per release (a preamble is its own chunk)."""
    chunks: list[list[str]] = []
    for line in text.split("\n"):
        if HEADER.match(line) or not chunks:
            chunks.append([])
        chunks[-1].extend(normalise_line(line))
    return chunks


def without(lines: list[str], removed: list[str]) -> list[str]:
    """``lines`` with the first occurrence of each of ``removed`` taken out."""
    rest = list(lines)
    for item in removed:
        rest.remove(item)
    return rest


@pytest.mark.corpus
@pytest.mark.parametrize("name", CORPUS)
def test_round_trip_reproduces_every_entry(name):
    """Parse, render ``dirac``: every line of every release comes back, modulo this normalisation.

    Allowed, and nothing else:

    1. blank lines are not compared (their number and place follow the house
       format: one blank line after ``[version]``, after the date, after the
       free text, after each ``*System`` and between systems);
    2. leading and trailing whitespace of a line (continuation lines are
       re-indented under the text of their entry; trailing spaces and tabs go);
    3. the type word is upper-cased, loses a space before its colon and a
       stray ``*`` before it, and ``BUGFIX`` becomes ``FIX``
       (``Fix : x`` -> ``FIX: x``, ``*BUGFIX: x`` -> ``FIX: x``);
    4. refs lists get one space after each comma (``(#479,#480)`` -> ``(#479, #480)``);
    5. headings lose spaces and a colon (``* Interfaces:`` -> ``*Interfaces``), and an
       inline heading is split (``* JB : text`` -> ``*JB`` then ``text``);
    6. a release's free text lines (lines under no heading and without a
       type) move to the top of the release, after its date; the order of all
       other lines (headings, entries, continuations) is unchanged.

    Asserted per release: the same multiset of normalised lines, and the same
    sequence once free text is taken out. Also: the rendering is a fixed point
    (parsing it gives the same structure, rendering that gives the same text).
    """
    data = read(name)
    releases = parse_notes(data)
    rendered = render(releases, "dirac")
    original_chunks = release_chunks(data.decode("utf-8"))
    rendered_chunks = release_chunks(rendered)
    assert len(original_chunks) == len(rendered_chunks) == len(releases)
    for release, original, again in zip(releases, original_chunks, rendered_chunks, strict=True):
        assert Counter(original) == Counter(again), release.version
        free = [line.strip() for line in release.free_text]
        assert without(original, free) == without(again, free), release.version
    reparsed = parse_notes(rendered)
    assert [r.as_dict() for r in reparsed] == [r.as_dict() for r in releases]
    assert [[e.system for e in r.entries] for r in reparsed] == [
        [e.system for e in r.entries] for r in releases
    ]
    assert render(reparsed, "dirac") == rendered


@pytest.mark.corpus
@pytest.mark.parametrize("name", CORPUS)
@pytest.mark.parametrize("fmt", ["markdown", "rst", "json"])
def test_corpus_renders_in_every_format(name, fmt):
    releases = parse_notes(read(name))
    text = render(releases, fmt, repo_url="https://example.org/group/project")
    assert text.count("\n") > len(releases)
    if fmt != "json":
        assert all(release.version in text for release in releases)


# -- speed -----------------------------------------------------------------------------------


@pytest.mark.corpus
def test_a_dirac_sized_file_parses_well_under_a_second():
    corpus = "\n".join(read(name).decode("utf-8") for name in CORPUS)
    lines: list[str] = []
    while len(lines) < 12_600:
        lines.extend(corpus.split("\n"))
    text = "\n".join(lines[:12_600])
    start = time.perf_counter()
    releases = parse_notes(text)
    elapsed = time.perf_counter() - start
    assert len(releases) > 1000
    assert elapsed < 2.0, f"parsing 12,600 lines took {elapsed:.2f} s"


def test_a_synthetic_dirac_sized_file_parses_well_under_a_second():
    block = (
        "[v8.0.{n}]\n\nRelease date: 2024-01-01\n\n*Core\n\nFIX: (#{n}) a fix\n"
        "CHANGE: (#{n}, #1{n}) a change\n     continued\n\n*WMS\n\nNEW: (!{n}) x\nuntyped\n\n"
    )
    text = "".join(block.format(n=n) for n in range(900))
    assert text.count("\n") >= 12_600
    start = time.perf_counter()
    releases = parse_notes(text)
    elapsed = time.perf_counter() - start
    assert len(releases) == 900
    assert elapsed < 2.0, f"parsing {text.count(chr(10))} lines took {elapsed:.2f} s"
