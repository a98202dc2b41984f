"""Rendering: the house formats exactly, escaping, PR text as data, sandbox, overrides."""

from __future__ import annotations

import json

import pytest

from release_tool.errors import InputError
from release_tool.notes import (
    Entry,
    ReleaseNotes,
    Section,
    available_formats,
    render,
    render_chunks,
)
from release_tool.notes.render import builtin_template_dir, md_escape, ref_url, rst_escape

URL = "https://github.com/DIRACGrid/DIRAC"


def sample() -> ReleaseNotes:
    """A release with every feature the templates show."""
    return ReleaseNotes(
        "v8.0.20",
        "2024-05-01",
        [
            Section(None, [Entry("NEW", ["#7001"], "top level", breaking=True)]),
            Section(
                "Core",
                [
                    Entry("NEW", ["#7002"], "a *new* thing"),
                    Entry("FIX", ["#7003", "#7009"], "first line\nsecond line"),
                ],
            ),
            Section(
                "WorkloadManagementSystem",
                [Entry("CHANGE", ["#7004"], "__init__ moved"), Entry(None, [], "untyped")],
            ),
        ],
        ["Needs a DB update."],
        unclassified=[Entry(None, ["#7005"], "No notes [here](x)", source="unclassified")],
        excluded=[Entry(None, ["#7006"], "docs: typo", source="title type docs")],
    )


def test_dirac_house_format_exactly():
    assert render(sample(), "dirac") == (
        "[v8.0.20]\n"
        "\n"
        "Release date: 2024-05-01\n"
        "\n"
        "Needs a DB update.\n"
        "\n"
        "NEW: (#7001) BREAKING: top level\n"
        "\n"
        "*Core\n"
        "\n"
        "NEW: (#7002) a *new* thing\n"
        "FIX: (#7003, #7009) first line\n"
        "     second line\n"
        "\n"
        "*WorkloadManagementSystem\n"
        "\n"
        "CHANGE: (#7004) __init__ moved\n"
        "untyped\n"
    )


def test_dirac_minimal_release_and_several_releases():
    one = ReleaseNotes("v8.0.21", None, [Section("Core", [Entry("FIX", ["#1"], "a")])])
    two = ReleaseNotes("v8.0.20", None, [])
    assert render([one, two], "dirac") == "[v8.0.21]\n\n*Core\n\nFIX: (#1) a\n\n[v8.0.20]\n"
    assert render([], "dirac") == ""


def test_dirac_shows_review_mode():
    plain = render(sample(), "dirac")
    review = render(sample(), "dirac", review=True)
    assert review.startswith(plain) and review != plain
    assert "Review of v8.0.20 (not part of the notes):" in review
    assert "Excluded on purpose\n  (#7006) docs: typo [title type docs]" in review


@pytest.mark.parametrize("fmt", ["dirac", "markdown", "rst", "json"])
def test_every_format_shows_the_review_lists(fmt):
    notes = sample()
    notes.unclassified = [Entry(None, ["#7100"], "Unnoted work")]
    notes.released_elsewhere = [Entry(None, ["#7101"], "Shipped before", source="v7r3p2")]
    plain = render(notes, fmt)
    review = render(notes, fmt, review=True)
    for text in ("Unnoted work", "Shipped before", "v7r3p2", "7006"):
        assert text not in plain and text in review


def test_markdown_with_links():
    text = render(sample(), "markdown", repo_url=URL + "/")
    assert text.startswith("## v8.0.20 (2024-05-01)\n\nNeeds a DB update.\n\n")
    assert (
        "- **NEW** (breaking): top level ([#7001](https://github.com/DIRACGrid/DIRAC/pull/7001))"
        in text
    )
    assert "### Core\n\n- **NEW**: a \\*new\\* thing ([#7002](" in text
    assert (
        "- **FIX**: first line\n  second line "
        "([#7003](https://github.com/DIRACGrid/DIRAC/pull/7003), "
        "[#7009](https://github.com/DIRACGrid/DIRAC/pull/7009))"
    ) in text
    assert "- **CHANGE**: \\_\\_init\\_\\_ moved" in text
    assert "- untyped\n" in text
    assert "Unclassified" not in text
    assert "#7005" not in text and "#7006" not in text


def test_markdown_without_repo_url_has_plain_refs():
    text = render(sample(), "markdown")
    assert "(#7003, #7009)" in text
    assert "](" not in text


def test_markdown_review_mode_lists_unclassified_and_excluded():
    text = render(sample(), "markdown", repo_url=URL, review=True)
    assert "### Unclassified" in text
    assert "- [#7005](https://github.com/DIRACGrid/DIRAC/pull/7005) No notes \\[here\\](x)" in text
    assert (
        "### Excluded\n\n- [#7006](https://github.com/DIRACGrid/DIRAC/pull/7006) docs: typo" in text
    )
    empty = ReleaseNotes("v1", None, [Section(None, [Entry("FIX", ["#1"], "x")])])
    assert "Unclassified" not in render(empty, "markdown", review=True)


def test_gitlab_refs_link_to_merge_requests():
    notes = ReleaseNotes("v29r0p4", None, [Section("Core", [Entry("FIX", ["!257"], "x")])])
    text = render(notes, "markdown", repo_url="https://gitlab.cern.ch/CLICdp/iLCDirac/ILCDIRAC")
    assert "([!257](https://gitlab.cern.ch/CLICdp/iLCDirac/ILCDIRAC/-/merge_requests/257))" in text
    assert ref_url("#3", None) is None
    assert ref_url("weird", URL) is None


def test_rst():
    text = render(sample(), "rst", repo_url=URL, review=True)
    assert text.startswith("v8.0.20\n=======\n\nRelease date: 2024-05-01\n\nNeeds a DB update.\n\n")
    assert (
        "Core\n----\n\n- **NEW**: a \\*new\\* thing (`#7002 <https://github.com/DIRACGrid/DIRAC/pull/7002>`__)"
        in text
    )
    assert "WorkloadManagementSystem\n------------------------\n" in text
    assert "- **FIX**: first line\n  second line (" in text
    assert "Unclassified\n------------\n\n- `#7005 <" in text
    assert "Unclassified" not in render(sample(), "rst")
    assert "(#7003, #7009)" in render(sample(), "rst")


def test_json_stable_keys():
    data = json.loads(render(sample(), "json"))
    assert list(data) == ["version", "date", "sections", "free_text"]
    assert list(data["sections"][0]) == ["system", "entries"]
    assert list(data["sections"][0]["entries"][0]) == ["type", "refs", "text", "breaking"]
    assert data["sections"][1]["entries"][1] == {
        "type": "FIX",
        "refs": ["#7003", "#7009"],
        "text": "first line\nsecond line",
        "breaking": False,
    }
    review = json.loads(render(sample(), "json", review=True))
    assert list(review) == [
        "version", "date", "sections", "free_text", "unclassified", "excluded",
        "released_elsewhere",
    ]  # fmt: skip
    assert review["excluded"] == [
        {"refs": ["#7006"], "title": "docs: typo", "reason": "title type docs"}
    ]
    several = json.loads(render([sample(), ReleaseNotes("v8.0.19")], "json"))
    assert [r["version"] for r in several] == ["v8.0.20", "v8.0.19"]
    assert several[1] == {"version": "v8.0.19", "date": None, "sections": [], "free_text": []}


HOSTILE = "{{ 7*7 }} {% include 'dirac.j2' %} {# c #} {{ releases }}"


@pytest.mark.parametrize("fmt", ["dirac", "markdown", "rst", "json"])
def test_pr_text_is_data(fmt):
    notes = ReleaseNotes(
        "v1",
        None,
        [Section("Core", [Entry("FIX", ["#1"], HOSTILE)])],
        [HOSTILE],
        unclassified=[Entry(None, ["#2"], HOSTILE)],
    )
    text = render(notes, fmt, review=True)
    assert "49" not in text
    assert "[v1]" not in text.replace("[v1]\n\n", "", 1)  # the include did not run
    if fmt == "json":
        assert json.loads(text)["sections"][0]["entries"][0]["text"] == HOSTILE
    else:
        assert "7*7" in text.replace("\\", "")
        assert "{% include 'dirac.j2' %}" in text


@pytest.mark.parametrize(
    ("plain", "escaped"),
    [
        ("a *b* _c_", "a \\*b\\* \\_c\\_"),
        ("__init__", "\\_\\_init\\_\\_"),
        ("[link](http://x)", "\\[link\\](http://x)"),
        ("<script>alert(1)</script>", "\\<script\\>alert(1)\\</script\\>"),
        ("use `a_b*c` here", "use `a_b*c` here"),
        ("unbalanced ` tick", "unbalanced \\` tick"),
        ("see https://x.org/a_b_c for it", "see https://x.org/a_b_c for it"),
        ("# inline, not escaped", "# inline, not escaped"),
        ("a\n# not a heading", "a\n\\# not a heading"),
        ("a\n- not a list\n1. nor this", "a\n\\- not a list\n1\\. nor this"),
        ("~~strike~~ | pipe", "\\~\\~strike\\~\\~ \\| pipe"),
        ("&amp; stays, AT&T too", "\\&amp; stays, AT&T too"),
        ("back\\slash", "back\\\\slash"),
        ("plain words, #7005 and 1.5", "plain words, #7005 and 1.5"),
    ],
)
def test_md_escape(plain, escaped):
    assert md_escape(plain) == escaped


def test_escape_a_value_that_starts_a_line():
    assert md_escape("# heading? - no", line_start=True) == "\\# heading? - no"
    assert md_escape("2.0.0a2") == "2.0.0a2"
    assert md_escape("2. item", line_start=True) == "2\\. item"
    assert rst_escape(".. note::", line_start=True) == "\\.. note::"
    assert rst_escape("- x") == "- x"
    notes = ReleaseNotes("2.0.0", None, [], ["# Not a heading", "- nor a list"])
    assert render(notes, "markdown") == "## 2.0.0\n\n\\# Not a heading\n\n\\- nor a list\n"
    assert render(notes, "rst") == "2.0.0\n=====\n\n# Not a heading\n\n\\- nor a list\n"


@pytest.mark.parametrize(
    ("plain", "escaped"),
    [
        ("a *b* **c**", "a \\*b\\* \\*\\*c\\*\\*"),
        ("name_ ref", "name\\_ ref"),
        ("snake_case_word", "snake_case_word"),
        ("|sub|", "\\|sub\\|"),
        (":mod:`~ILCDIRAC.X` and ``code``", ":mod:`~ILCDIRAC.X` and ``code``"),
        ("`Link <http://x>`_ kept", "`Link <http://x>`_ kept"),
        ("unbalanced ` tick", "unbalanced \\` tick"),
        ("a\n.. directive::", "a\n\\.. directive::"),
        ("a\n- item\n2. item", "a\n\\- item\n\\2. item"),
    ],
)
def test_rst_escape(plain, escaped):
    assert rst_escape(plain) == escaped


def test_untyped_items_escape_their_first_line():
    entries = [
        Entry(None, [], "## not a heading"),
        Entry(None, [], "- nor a list"),
        Entry(None, [], "1. no"),
    ]
    notes = ReleaseNotes("v1", None, [Section("Core", entries)])
    assert "- \\## not a heading\n- \\- nor a list\n- 1\\. no\n" in render(notes, "markdown")
    assert "- \\- nor a list\n- \\1. no\n" in render(notes, "rst")
    typed = ReleaseNotes("v1", None, [Section(None, [Entry("FIX", [], "## inline")])])
    assert "- **FIX**: ## inline\n" in render(typed, "markdown")


def test_markdown_escapes_titles_that_would_change_the_rendering():
    notes = ReleaseNotes(
        "v1", None, [Section(None, [Entry("FIX", ["#1"], "fix **all** the `code_path`")])]
    )
    assert "- **FIX**: fix \\*\\*all\\*\\* the `code_path` (#1)" in render(notes, "markdown")


def test_override_directory(tmp_path):
    (tmp_path / "dirac.j2").write_text(
        "{% for r in releases %}Version {{ r.version }}: "
        "{{ r.entries | length }} entries\n{% endfor %}"
    )
    assert render(sample(), "dirac", template_dir=tmp_path) == "Version v8.0.20: 5 entries\n"
    assert render(sample(), "markdown", template_dir=tmp_path) == render(sample(), "markdown")
    (tmp_path / "slack.j2").write_text("{{ releases[0].version | md_escape }} {{ format }}")
    assert render(sample(), "slack", template_dir=tmp_path) == "v8.0.20 slack"
    assert "slack" in available_formats(tmp_path)


def test_html_targets_are_autoescaped(tmp_path):
    (tmp_path / "html.j2").write_text(
        "{% for e in releases[0].entries %}<li>{{ e.text }}</li>{% endfor %}"
    )
    notes = ReleaseNotes("v1", None, [Section(None, [Entry("FIX", ["#1"], "<b>x</b> & y")])])
    assert render(notes, "html", template_dir=tmp_path) == "<li>&lt;b&gt;x&lt;/b&gt; &amp; y</li>"
    (tmp_path / "plain.j2").write_text("{{ releases[0].entries[0].text }}")
    assert render(notes, "plain", template_dir=tmp_path) == "<b>x</b> & y"


@pytest.mark.parametrize(
    "source",
    [
        "{{ releases.__class__.__mro__ }}",
        "{{ ''.__class__.__subclasses__() }}",
        "{{ releases[0].as_dict.__globals__ }}",
    ],
)
def test_templates_run_in_the_sandbox(tmp_path, source):
    (tmp_path / "evil.j2").write_text(source)
    with pytest.raises(InputError, match="evil.j2"):
        render(sample(), "evil", template_dir=tmp_path)


@pytest.mark.parametrize(
    "source",
    [
        "{{ releases[0].sections[0].entries[0].text.__globals__ }}",
        "{{ releases[0].sections[0].__class__.__mro__ }}",
        "{{ releases[0].sections[0].entries[0].__dict__ }}",
        "{{ releases[0].date.__self__ }}",
    ],
)
def test_model_fields_hold_no_way_out_of_the_sandbox(tmp_path, source):
    """The model's fields are read directly only when they hold plain data."""
    notes = ReleaseNotes("v1", None, [Section("Core", [Entry("FIX", ["#1"], lambda: 0)])])
    notes.date = "2024-01-01".upper
    (tmp_path / "evil.j2").write_text(source)
    with pytest.raises(InputError, match="evil.j2"):
        render(notes, "evil", template_dir=tmp_path)


def test_model_fields_read_as_the_sandbox_reads_them():
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    from release_tool.notes.render import make_environment

    fast, sandbox = make_environment(), SandboxedEnvironment(undefined=StrictUndefined)
    notes = sample()
    objects = [notes, *notes.sections, *notes.entries, *notes.unclassified]
    for obj in objects:
        for name in [*vars(obj), "entries", "number", "as_dict", "__class__", "missing"]:
            ours, theirs = fast.getattr(obj, name), sandbox.getattr(obj, name)
            assert type(ours) is type(theirs), (obj, name)
            if name in vars(obj):
                assert ours is theirs or ours == theirs


def test_template_errors_are_input_errors(tmp_path):
    with pytest.raises(
        InputError, match=r"unknown notes format 'pdf' \(known: dirac, json, markdown, rst\)"
    ):
        render(sample(), "pdf")
    with pytest.raises(InputError, match="does not exist"):
        render(sample(), "dirac", template_dir=tmp_path / "absent")
    (tmp_path / "broken.j2").write_text("{% for x in %}")
    with pytest.raises(InputError, match="broken.j2, line 1"):
        render(sample(), "broken", template_dir=tmp_path)
    (tmp_path / "typo.j2").write_text("{{ releasez }}")
    with pytest.raises(InputError, match="releasez"):
        render(sample(), "typo", template_dir=tmp_path)


def test_builtin_templates_are_found():
    directory = builtin_template_dir()
    assert {p.name for p in directory.glob("*.j2")} >= {"dirac.j2", "markdown.j2", "rst.j2"}
    assert available_formats() == ["dirac", "json", "markdown", "rst"]


def test_compiled_templates_are_kept_and_follow_their_source(tmp_path):
    """A kept compiled template gives the same text; an edited template is compiled again."""
    from release_tool.notes.render import cached_environment

    compiled, mine = tmp_path / "compiled", tmp_path / "templates"
    mine.mkdir()
    expected = render(sample(), "dirac")
    assert render(sample(), "dirac", compiled_dir=compiled) == expected
    assert [p.suffix for p in compiled.iterdir()] == [".jinja"]
    cached_environment.cache_clear()  # another run: the kept compiled template is read
    assert render(sample(), "dirac", compiled_dir=compiled) == expected
    (mine / "dirac.j2").write_text("first {{ releases[0].version }}\n")
    assert render(sample(), "dirac", template_dir=mine, compiled_dir=compiled) == "first v8.0.20\n"
    (mine / "dirac.j2").write_text("second {{ releases[0].version }}\n")
    cached_environment.cache_clear()
    assert render(sample(), "dirac", template_dir=mine, compiled_dir=compiled) == "second v8.0.20\n"
    # a directory that cannot be made: templates are compiled each time, nothing fails
    blocked = tmp_path / "file"
    blocked.write_text("")
    assert render(sample(), "dirac", compiled_dir=blocked / "sub") == expected


@pytest.mark.parametrize("fmt", ["dirac", "markdown", "rst", "json"])
@pytest.mark.parametrize("size", [1, 40, 1 << 16])
def test_pieces_are_the_rendered_text_cut_at_line_ends(fmt, size):
    """``notes --all-releases`` writes the text in pieces: the same text, whole lines each."""
    releases = [sample(), ReleaseNotes("v8.0.19", None, []), sample()]
    whole = render(releases, fmt, repo_url=URL, review=True)
    pieces = list(render_chunks(releases, fmt, repo_url=URL, review=True, size=size))
    assert "".join(pieces) == whole
    assert all(piece.endswith("\n") for piece in pieces[:-1])
    if fmt == "json" and size == 1:  # (the built-in templates filter the whole text: tidy)
        assert len(pieces) > 1
    assert render_chunks([], "json") and "".join(render_chunks([], "json")) == render([], "json")


def test_pieces_fail_like_the_whole(tmp_path):
    """A bad format or template fails before any piece; a failure part way is an InputError."""
    with pytest.raises(InputError, match="unknown notes format 'pdf'"):
        render_chunks([sample()], "pdf")
    (tmp_path / "broken.j2").write_text("{% for x in %}")
    with pytest.raises(InputError, match="broken.j2, line 1"):
        render_chunks([sample()], "broken", template_dir=tmp_path)
    (tmp_path / "late.j2").write_text("{% for r in releases %}{{ r.version }}\n{% endfor %}{{ x }}")
    pieces = render_chunks([sample()], "late", template_dir=tmp_path, size=1)
    assert next(pieces) == "v8.0.20\n"
    with pytest.raises(InputError, match="late.j2: 'x' is undefined"):
        list(pieces)


@pytest.mark.parametrize(
    "value",
    ["one line", "two\nlines", "cr\rsplit", "form\x0cfeed", "sep\u2028line", "", "\n", 7, None],
)
@pytest.mark.parametrize("first", [False, True])
@pytest.mark.parametrize("blank", [False, True])
def test_quick_indent_is_jinja2s_indent(value, first, blank):
    """The built-in templates' fast ``indent`` answers what jinja2's own filter answers."""
    import jinja2

    from release_tool.notes.render import make_environment

    ours = make_environment().filters["indent"]
    theirs = jinja2.Environment().filters["indent"]
    for width in (2, "> "):
        try:
            expected = theirs(value, width, first, blank)
        except TypeError:
            with pytest.raises(TypeError):
                ours(value, width, first, blank)
            continue
        assert ours(value, width, first, blank) == expected
    from markupsafe import Markup

    assert ours(Markup("a\nb"), 2) == theirs(Markup("a\nb"), 2)


@pytest.mark.parametrize("value", [["#1", "#2"], [], ["<b>"], [1, 2], ("#1", "#2"), [{"n": "x"}]])
@pytest.mark.parametrize("autoescape", [False, True])
def test_quick_join_is_jinja2s_join(value, autoescape):
    """The built-in templates' fast ``join`` answers what jinja2's own filter answers."""
    import jinja2

    from release_tool.notes.render import make_environment

    source = "{{ value | join(', ') }}|{{ value | join }}"
    if value and isinstance(value[0], dict):
        source = "{{ value | join(', ', attribute='n') }}"
    ours = make_environment().from_string(source)
    theirs = jinja2.sandbox.SandboxedEnvironment(autoescape=autoescape).from_string(source)
    ours.environment.autoescape = autoescape
    ours = ours.environment.from_string(source)
    assert ours.render(value=value) == theirs.render(value=value)
