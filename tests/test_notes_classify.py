"""Classifying PRs: every source in order, exclusions, unclassified PRs, sweeps."""

from __future__ import annotations

import copy
from dataclasses import dataclass

import pytest

from release_tool.forge.base import PrInfo
from release_tool.history.index import PullRequest
from release_tool.notes import (
    Entry,
    NotesConfig,
    PullRequestNotes,
    as_pull_request,
    assemble,
    classify_pr,
    classify_prs,
    parse_title,
    release_notes,
)
from release_tool.notes.classify import ClassificationMemo, _copy_entry

BLOCK = "BEGINRELEASENOTES\n*WMS\nFIX: from the body\nENDRELEASENOTES"


def pr(number, title="Something", body=None, labels=(), **extra):
    """A PR as a plain mapping, the loosest input classify accepts."""
    return {"number": number, "title": title, "body": body, "labels": list(labels), **extra}


def summary(classification):
    """(status, source, [(system, type, text, refs, breaking)])."""
    return (
        classification.status,
        classification.source,
        [(e.system, e.type, e.text, e.refs, e.breaking) for e in classification.entries],
    )


def test_body_block_comes_first():
    c = classify_pr(pr(1, "fix(DMS): from the title", BLOCK, ["enhancement"]), fragments={1: []})
    assert summary(c) == ("noted", "body", [("WMS", "FIX", "from the body", ["#1"], False)])


def test_body_entries_without_heading_take_the_title_scope():
    body = "BEGINRELEASENOTES\nNEW: x\nENDRELEASENOTES"
    c = classify_pr(pr(2, "feat(RMS)!: y", body))
    assert summary(c) == ("noted", "body", [("RMS", "NEW", "x", ["#2"], True)])


def test_body_free_text_and_problems_are_kept():
    body = "BEGINRELEASENOTES\nNeeds a DB update.\n*Core\nFEAT: x\nFIX: y\nENDRELEASENOTES"
    c = classify_pr(pr(3, body=body))
    assert c.free_text == ["Needs a DB update."]
    assert [p.code for p in c.problems] == ["unknown-type"]


def test_empty_block_falls_through_to_the_next_source():
    body = "BEGINRELEASENOTES\n\nENDRELEASENOTES"
    c = classify_pr(pr(4, "fix: the title", body))
    assert summary(c) == ("noted", "title", [(None, "FIX", "the title", ["#4"], False)])
    assert [p.code for p in c.problems] == ["empty-block"]


def test_towncrier_fragments_come_second():
    fragments = {5: [("bugfix", "Fixed it."), ("feature", "Added it.")]}
    c = classify_pr(pr(5, "feat: title", "no block"), fragments=fragments)
    assert summary(c) == (
        "noted",
        "towncrier",
        [(None, "FIX", "Fixed it.", ["#5"], False), (None, "NEW", "Added it.", ["#5"], False)],
    )


def test_towncrier_types_map_dirac_types_and_keep_unknown_ones():
    fragments = {6: [("change", "a"), ("weird", "b")]}
    c = classify_pr(pr(6), fragments=fragments)
    assert [(e.type, e.text) for e in c.entries] == [("CHANGE", "a"), (None, "b")]


def test_towncrier_doc_fragment_only_falls_through():
    c = classify_pr(pr(7, "fix: title"), fragments={7: [("doc", "Docs.")]})
    assert c.source == "title"
    c = classify_pr(pr(7, "Untitled"), fragments={7: [("doc", "Docs.")]})
    assert (c.status, c.source) == ("excluded", "towncrier type doc")


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("fix(WMS): the cache", ("noted", "FIX", "WMS", "the cache", False)),
        ("feat!: big change", ("noted", "NEW", None, "big change", True)),
        ("feat(Core)!: big", ("noted", "NEW", "Core", "big", True)),
        ("feat: thing", ("noted", "NEW", None, "thing", False)),
        ("perf: faster", ("noted", "CHANGE", None, "faster", False)),
        ("refactor(DMS): tidy", ("noted", "CHANGE", "DMS", "tidy", False)),
        ("FIX: DIRAC type in a title", ("noted", "FIX", None, "DIRAC type in a title", False)),
        ("[sweep:integration] fix: swept", ("noted", "FIX", None, "swept", False)),
        ("[8.0] feat(WMS): targeted", ("noted", "NEW", "WMS", "targeted", False)),
        ("docs: readme", ("excluded", None, None, "readme", False)),
        ("Plain title", ("unclassified", None, None, "Plain title", False)),
        ("wip: unknown type", ("unclassified", None, None, "wip: unknown type", False)),
    ],
)
def test_parse_title(title, expected):
    assert tuple(parse_title(title))[:5] == expected


@pytest.mark.parametrize("kind", ["docs", "test", "chore", "ci", "build", "style"])
def test_title_types_not_release_noted_by_default(kind):
    c = classify_pr(pr(8, f"{kind}: something"))
    assert (c.status, c.source, c.entries) == ("excluded", f"title type {kind}", [])


def test_title_types_are_configurable():
    config = NotesConfig(title_types={"docs": "CHANGE", "fix": "FIX"})
    c = classify_pr(pr(9, "docs: now noted"), config)
    assert summary(c) == ("noted", "title", [(None, "CHANGE", "now noted", ["#9"], False)])
    assert classify_pr(pr(9, "feat: unknown here"), config).status == "unclassified"


def test_parsed_titles_are_kept_per_configuration():
    default, custom = NotesConfig(), NotesConfig(title_types={"docs": "CHANGE"})
    assert parse_title("docs: x", default).status == "excluded"
    assert parse_title("docs: x", custom)[:2] == ("noted", "CHANGE")
    assert parse_title("docs: x", default).status == "excluded"  # not the other's answer
    assert parse_title("docs: x", default) is parse_title("docs: x", default)
    assert "docs: x" in default.parsed_titles and "docs: x" in custom.parsed_titles


def test_labels_come_fourth():
    c = classify_pr(pr(10, "Fix the [thing]", labels=["area:wms", "bug"]))
    assert summary(c) == ("noted", "labels", [(None, "FIX", "Fix the [thing]", ["#10"], False)])
    c = classify_pr(pr(11, "Add thing", labels=["Enhancement"]))
    assert (c.source, c.entries[0].type) == ("labels", "NEW")


def test_label_map_is_configurable():
    config = NotesConfig(label_types={"kind/security": "SECURITY"})
    c = classify_pr(pr(12, "Patch", labels=["kind/security"]), config)
    assert (c.source, c.entries[0].type) == ("labels", "SECURITY")
    assert classify_pr(pr(12, "Patch", labels=["bug"]), config).status == "unclassified"
    config = NotesConfig(label_types={"internal": None, "bug": "FIX"})
    c = classify_pr(pr(12, "Patch", labels=["Internal", "bug"]), config)
    assert (c.status, c.source) == ("excluded", "label Internal")


def test_otherwise_unclassified():
    c = classify_pr(pr(13, "Improve things", None, ["question"]))
    assert summary(c) == ("unclassified", None, [])
    assert [p.code for p in c.problems] == ["missing-block"]


@pytest.mark.parametrize("label", ["no-release-notes", "sweep:ignore", "No-Release-Notes"])
def test_exclusion_labels_win_over_everything(label):
    c = classify_pr(pr(14, "fix: x", BLOCK, [label]))
    assert (c.status, c.source.lower(), c.entries) == ("excluded", f"label {label.lower()}", [])


def test_exclusion_labels_are_configurable():
    config = NotesConfig(exclude_labels=("skip-notes",))
    assert classify_pr(pr(15, "fix: x", labels=["skip-notes"]), config).status == "excluded"
    assert classify_pr(pr(15, "fix: x", labels=["no-release-notes"]), config).status == "noted"


def test_breaking_change_footer_marks_entries():
    c = classify_pr(pr(16, "feat: x", "Text\n\nBREAKING CHANGE: the API moved"))
    assert c.entries[0].breaking


def test_inputs_history_pull_request_and_forge_pr_info():
    history_pr = PullRequest(
        number=21, ref="#21", kind="sweep", title="[sweep:rel-v8r0] fix: x", commit="abc",
        merged_at=0, author=None, head=None, origin=20,
    )  # fmt: skip
    got = as_pull_request(history_pr)
    assert (got.number, got.ref, got.kind, got.origin, got.body, got.labels) == (
        21, "#21", "sweep", 20, None, [],
    )  # fmt: skip
    info = PrInfo(number=22, title="t", body="b", labels=["bug"])
    got = as_pull_request(info)
    assert (got.number, got.ref, got.body, got.labels) == (22, "#22", "b", ["bug"])


def test_inputs_gitlab_ref_and_label_objects():
    @dataclass
    class Label:
        name: str

    got = as_pull_request({"ref": "!257", "title": "t", "labels": [Label("bug")]})
    assert (got.number, got.ref, got.labels) == (257, "!257", ["bug"])
    c = classify_pr(got)
    assert c.entries[0].refs == ["!257"]
    with pytest.raises(ValueError, match="number or a ref"):
        as_pull_request({"title": "no number"})


def test_assemble_sorts_normalises_and_lists_the_rest():
    prs = [
        PullRequestNotes(30, "fix(WorkloadManagement): b"),
        PullRequestNotes(31, "feat(WMS): a"),
        PullRequestNotes(29, "fix(wms): c"),
        PullRequestNotes(32, "fix(Core): core first"),
        PullRequestNotes(33, "fix(Accounting): d"),
        PullRequestNotes(34, "fix: no system"),
        PullRequestNotes(35, "No notes at all"),
        PullRequestNotes(36, "docs: skipped"),
        PullRequestNotes(37, "Labelled", labels=["no-release-notes"]),
    ]
    notes = release_notes(prs, "v8.0.20", date="2024-05-01")
    layout = [(s.system, [(e.type, e.refs) for e in s.entries]) for s in notes.sections]
    assert layout == [
        (None, [("FIX", ["#34"])]),
        ("Core", [("FIX", ["#32"])]),
        ("AccountingSystem", [("FIX", ["#33"])]),
        ("WorkloadManagementSystem", [("NEW", ["#31"]), ("FIX", ["#29"]), ("FIX", ["#30"])]),
    ]
    assert [(e.refs, e.text) for e in notes.unclassified] == [(["#35"], "No notes at all")]
    assert [(e.refs, e.source) for e in notes.excluded] == [
        (["#36"], "title type docs"),
        (["#37"], "label no-release-notes"),
    ]
    assert (notes.version, notes.date) == ("v8.0.20", "2024-05-01")


def test_system_order_and_aliases_are_configurable():
    config = NotesConfig(system_order=("WMS", "Core"), system_aliases={"Web": "WebAppSystem"})
    prs = [
        PullRequestNotes(1, "fix(Core): a"),
        PullRequestNotes(2, "fix(web): b"),
        PullRequestNotes(3, "fix(WorkloadManagementSystem): c"),
        PullRequestNotes(4, "fix(Accounting): d"),
    ]
    notes = release_notes(prs, "1.0", config=config)
    assert [s.system for s in notes.sections] == [
        "WorkloadManagementSystem",
        "Core",
        "AccountingSystem",
        "WebAppSystem",
    ]


def test_sweep_and_origin_show_one_entry_with_both_refs():
    prs = [
        pr(7005, "Fix the SE cache", BLOCK),
        pr(7010, "[sweep:integration] Fix the SE cache", BLOCK, kind="sweep", origin=7005),
    ]
    notes = release_notes(prs, "v8.1.0a3")
    assert [(e.type, e.refs, e.text) for e in notes.entries] == [
        ("FIX", ["#7005", "#7010"], "from the body")
    ]


def test_sweep_without_notes_adds_its_ref_to_the_origin_entries():
    prs = [
        pr(7010, "[sweep:rel-v8r0] Fix things", None, kind="sweep", origin=7005),
        pr(7005, "Fix things", "BEGINRELEASENOTES\n*Core\nFIX: a\nNEW: b\nENDRELEASENOTES"),
    ]
    notes = release_notes(prs, "v8.0.21")
    assert [(e.type, e.refs) for e in notes.entries] == [
        ("NEW", ["#7005", "#7010"]),
        ("FIX", ["#7005", "#7010"]),
    ]
    assert notes.unclassified == []


def test_sweep_of_an_absent_origin_stands_alone():
    notes = release_notes([pr(11, "[sweep:rel-v8r0] fix: x", origin=8)], "v8.0.2")
    assert [(e.type, e.refs, e.text) for e in notes.entries] == [("FIX", ["#11"], "x")]


def test_sweeps_without_notes_are_one_unclassified_item():
    prs = [pr(8, "Fix a thing"), pr(11, "[sweep:rel-v8r0] Fix a thing", origin=8)]
    notes = release_notes(prs, "v8.0.2")
    assert [(e.refs, e.text) for e in notes.unclassified] == [(["#8", "#11"], "Fix a thing")]


def test_different_entries_of_sweep_and_origin_are_both_kept():
    prs = [
        pr(1, "fix: original wording"),
        pr(2, "[sweep:integration] fix: other wording", origin=1),
    ]
    notes = release_notes(prs, "v1")
    assert sorted((e.text, tuple(e.refs)) for e in notes.entries) == [
        ("original wording", ("#1",)),
        ("other wording", ("#2",)),
    ]


def test_unrelated_prs_with_the_same_text_are_not_merged():
    notes = release_notes([pr(1, "fix: typo"), pr(2, "fix: typo")], "v1")
    assert [e.refs for e in notes.entries] == [["#1"], ["#2"]]


def test_free_text_is_prefixed_with_its_refs_and_deduplicated():
    body = "BEGINRELEASENOTES\nRun the DB migration.\n*Core\nFIX: a\nENDRELEASENOTES"
    prs = [pr(1, "x", body), pr(2, "[sweep:integration] x", body, origin=1)]
    notes = release_notes(prs, "v1")
    assert notes.free_text == ["(#1, #2) Run the DB migration."]


# --------------------------------------------------------------------------- DIRAC-style settings


def test_without_title_fallback_titles_and_labels_give_no_notes():
    config = NotesConfig(title_fallback=False)
    assert summary(classify_pr(pr(1, "fix: new pylint version fixes"), config)) == (
        "unclassified", None, []
    )  # fmt: skip
    assert classify_pr(pr(2, "Something", labels=["bug"]), config).status == "unclassified"
    # exclusions still apply, and bodies still come first
    assert classify_pr(pr(3, "docs: typo"), config).status == "excluded"
    assert classify_pr(pr(4, "x", labels=["no-release-notes"]), config).status == "excluded"
    assert classify_pr(pr(5, "fix: t", BLOCK), config).source == "body"
    # the default (None) keeps titles
    assert classify_pr(pr(1, "fix: new pylint version fixes")).source == "title"


def test_pr_template_left_as_it_was_is_no_note():
    template = "BEGINRELEASENOTES\n\n*Subsystem\nNEW:\n\nENDRELEASENOTES\n"
    c = classify_pr(pr(6, "Improve things", template), NotesConfig(title_fallback=False))
    assert c.status == "unclassified"
    notes = release_notes([pr(6, "Improve things", template)], "v1", config=NotesConfig())
    assert notes.entries == [] and [e.refs for e in notes.unclassified] == [["#6"]]
    kept = classify_pr(pr(7, "x", "BEGINRELEASENOTES\n*Subsystem\nFIX: real\nENDRELEASENOTES"))
    assert summary(kept) == ("noted", "body", [(None, "FIX", "real", ["#7"], False)])


def test_memo_classifies_each_pr_once_and_assemble_leaves_its_answers_alone():
    config = NotesConfig()
    prs = [
        pr(1, "fix(WMS)!: a"),
        pr(2, "Body", body=BLOCK),
        pr(3, "docs: x"),
        pr(4, "Plain", labels=["bug"]),
        pr(5, "[sweep] fix: a", origin=1),
    ]
    fragments = {4: [("feature", "from a fragment")]}
    memo = ClassificationMemo(config)
    first = classify_prs(prs, config, fragments, memo=memo)
    again = classify_prs(prs, config, fragments, memo=memo)
    assert first == again == classify_prs(prs, config, fragments)
    assert all(a is b for a, b in zip(first, again, strict=True))  # one answer, shared
    before = copy.deepcopy(first)
    family = classify_prs([pr(6, "[sweep:rel] fix(WMS)!: a", origin=1)], config, memo=memo)
    notes = assemble(first + family, "v1.0.0", config=config)  # merges #1 and #6, organises
    assert assemble(again + family, "v1.0.0", config=config) == notes
    assert first == before  # the shared answers are left as they were
    assert [e.refs for s in notes.sections for e in s.entries] == [
        ["#4"],
        ["#5"],
        ["#1", "#6"],
        ["#2"],
    ]
    assert notes.sections[1].system == "WorkloadManagementSystem"  # organised: "WMS" in the PR
    assert first[0].entries[0].system == "WMS" and family[0].entries[0].refs == ["#6"]
    kept = {id(e) for c in first + family for e in c.entries}
    assert not kept & {id(e) for s in notes.sections for e in s.entries}  # new entries
    # a PR that changed (body, title, labels, fragments) is classified anew
    changed = classify_prs([pr(2, "Body", body=None)], config, memo=memo)[0]
    assert changed == classify_pr(pr(2, "Body", body=None), config)
    assert classify_prs(prs[3:4], config, {}, memo=memo)[0].source == "labels"
    with pytest.raises(ValueError, match="another configuration"):
        classify_prs(prs, NotesConfig(), memo=memo)


@dataclass
class Label:
    name: str


def test_memo_takes_prs_of_any_form():
    config = NotesConfig()
    memo = ClassificationMemo(config)
    odd = [
        {"ref": "#7", "title": "fix: from the ref"},  # no number: made from the ref
        {"number": 8, "title": "Plain", "labels": [Label("bug")]},  # a label object
        {"number": "9", "title": "feat: a string number"},
        PullRequestNotes(10, "fix(WMS): an object", labels=["x"]),
        {"number": 11, "title": 11},
    ]
    for _ in range(2):
        got = classify_prs(odd, config, memo=memo)
        assert got == classify_prs(odd, config)
    assert [c.pr.number for c in got] == [7, 8, 9, 10, 11]
    assert got[1].source == "labels" and got[4].pr.title == "11"


def test_memo_copies_every_field_of_an_entry():
    entry = Entry("FIX", ["#1", "#2"], "text", "Core", True, "body")
    copy = _copy_entry(entry)
    assert copy == entry and copy is not entry and copy.refs is not entry.refs


def test_memo_with_uses_forgets_a_pr_after_its_last_use():
    """Told how often each PR comes, the memo keeps only what is still to be reused."""
    config = NotesConfig()
    prs = [pr(1, "fix(WMS): a"), pr(2, "Body", body=BLOCK), pr(3, "docs: x")]
    memo = ClassificationMemo(config, {"#1": 2, "#2": 1, "#3": 3})
    expected = classify_prs(prs, config)
    assert classify_prs(prs, config, memo=memo) == expected
    assert sorted(key[1] for key in memo._known) == ["#1", "#3"]  # #2 asked for once: not kept
    assert classify_prs(prs[:1], config, memo=memo) == expected[:1]
    assert sorted(key[1] for key in memo._known) == ["#3"]  # #1's last use
    assert classify_prs(prs, config, memo=memo) == expected  # past the count: still right
    assert sorted(key[1] for key in memo._known) == ["#3"]  # one use of #3 left
    assert classify_prs(prs[2:], config, memo=memo) == expected[2:]
    assert not memo._known
