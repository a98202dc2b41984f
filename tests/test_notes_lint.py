"""Linting PR bodies: every problem with its line, and GitHub Actions annotations."""

from __future__ import annotations

from release_tool.notes import Problem, format_problems, github_annotations, lint_body
from release_tool.notes.systems import DIRAC_KNOWN_SYSTEMS

GOOD = "Fixes the cache.\n\nBEGINRELEASENOTES\n*WMS\nFIX: the cache\nENDRELEASENOTES\n"


def test_good_body_has_no_problem():
    assert lint_body(GOOD, known_systems=DIRAC_KNOWN_SYSTEMS) == []


def test_every_problem_with_its_line():
    body = (
        "intro\n"  # 1
        "BEGINRELEASENOTES\n"  # 2
        "*Nowhere\n"  # 3
        "FEAT: something\n"  # 4
        "FIX:\n"  # 5
        "\n"  # 6
        "*WMS\n"  # 7
        "NEW: fine\n"  # 8
    )
    problems = lint_body(body, known_systems=DIRAC_KNOWN_SYSTEMS)
    assert [(p.line, p.code) for p in problems] == [
        (2, "unclosed-block"),
        (3, "unknown-system"),
        (4, "unknown-type"),
        (5, "empty-entry"),
    ]


def test_missing_block():
    problems = lint_body("no notes here")
    assert [(p.line, p.code) for p in problems] == [(1, "missing-block")]
    assert "BEGINRELEASENOTES" in problems[0].message


def test_known_types_replace_the_configured_ones():
    body = "BEGINRELEASENOTES\nSECURITY: x\nBUGFIX: y\nENDRELEASENOTES"
    assert lint_body(body) == []
    problems = lint_body(body, known_types=["NEW", "FIX"])
    assert [(p.line, p.code) for p in problems] == [(2, "unknown-type")]


def test_format_problems():
    problems = [Problem(3, "unknown type 'FEAT'", "unknown-type")]
    assert format_problems(problems, "pr.md") == ["pr.md:3: unknown type 'FEAT'"]


def test_github_annotations():
    problems = lint_body("BEGINRELEASENOTES\nFEAT: x\nENDRELEASENOTES")
    lines = github_annotations(problems)
    assert len(lines) == 1
    assert lines[0].startswith("::error line=2::unknown type 'FEAT'")


def test_github_annotations_escape_injected_commands():
    problem = Problem(2, "unknown system 'x\n::set-output name=a::b' 100%", "unknown-system")
    (line,) = github_annotations([problem], file="body,1:md", title="notes")
    assert "\n" not in line
    assert line == (
        "::error file=body%2C1%3Amd,line=2,title=notes::"
        "unknown system 'x%0A::set-output name=a::b' 100%25"
    )
