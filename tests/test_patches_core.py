"""The pure core of patch management: labels, names, the plan, presence, the matrix, rendering.

No git, no network: histories are written as lists of parents.
"""

from __future__ import annotations

import json

import pytest

from release_tool.errors import ConfigError
from release_tool.history.index import MAINLINE, PullRequest
from release_tool.patches import matrix as mx
from release_tool.patches.config import SweepConfig, sweep_config_from_mapping
from release_tool.patches.model import (
    FINISH,
    OPEN_PR,
    PICK,
    SKIP,
    Candidate,
    Existing,
    branch_name,
    commented,
    conflict_comment,
    is_candidate,
    original_label,
    plan_step,
    sweep_body,
    sweep_labels,
    sweep_title,
    targets_of,
)
from release_tool.patches.presence import Graph, Presence, compute_reach
from release_tool.patches.render import as_html, as_json, as_markdown, as_text

CONFIG = SweepConfig()


def candidate(**overrides) -> Candidate:
    data = dict(number=8, title="Fix the cache", body="BEGINRELEASENOTES\nFIX: x\nENDRELEASENOTES",
                labels=["bug", "alsoTargeting:integration"], base="rel-v8r0",
                commit="0123456789abcdef" * 2 + "01234567", is_merge=True)  # fmt: skip
    data.update(overrides)
    return Candidate(**data)


def test_labels_and_names():
    labels = ["bug", "alsoTargeting:integration", "AlsoTargeting:rel-v8r0", "alsotargeting:x"]
    assert targets_of(labels, CONFIG) == ["integration", "rel-v8r0", "x"]
    assert is_candidate(["alsoTargeting:integration"], CONFIG)
    for settled in ("sweep:done", "Sweep:Failed", "sweep:ignore"):
        assert not is_candidate(["alsoTargeting:integration", settled], CONFIG)
    assert not is_candidate(["bug"], CONFIG)
    c = candidate()
    assert branch_name(CONFIG, c.commit, "integration") == "cherry-pick-2-01234567-integration"
    assert sweep_title(CONFIG, "{evil} title", "integration", 8) == (
        "[sweep:integration] {evil} title"
    )  # PR text is data, never a template
    assert sweep_labels(c, CONFIG) == ["bug", "sweep:from rel-v8r0"]
    body = sweep_body(c, "integration")
    assert body.endswith(c.body) and body.startswith("Sweep of #8 from `rel-v8r0`")


def test_plan_step_actions():
    c = candidate()
    assert plan_step(c, "integration", Existing(), CONFIG).action == PICK
    step = plan_step(c, "integration", Existing(evidence="patch-id", via="abc"), CONFIG)
    assert (step.action, step.reason) == (SKIP, "already in integration (patch-id via abc)")
    assert plan_step(c, "integration", Existing(merged_pr=20), CONFIG).action == SKIP
    assert plan_step(c, "integration", Existing(open_pr=21), CONFIG).action == FINISH
    assert plan_step(c, "integration", Existing(branch_pushed=True), CONFIG).action == OPEN_PR
    assert "-m 1" not in plan_step(candidate(is_merge=False), "x", Existing(), CONFIG).reason


def test_original_label():
    assert original_label(["done", "done"], CONFIG) == "sweep:done"
    assert original_label(["done", "failed"], CONFIG) == "sweep:failed"
    assert original_label(["done", "error"], CONFIG) is None
    assert original_label([], CONFIG) is None


def test_conflict_comment_is_found_again():
    text = conflict_comment(candidate(), "integration", ["a.py", "b.py"], "origin", CONFIG)
    assert "- `a.py`\n- `b.py`" in text
    assert "git switch -c cherry-pick-2-01234567-integration origin/integration" in text
    assert "git cherry-pick -x -m 1 " in text
    assert commented(["hello", text], "integration")
    assert not commented([text], "rel-v8r0")


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"target_label": "also"}, "target_label must contain {branch} once"),
        ({"target_label": "a:{branch}:{branch}"}, "target_label must contain {branch} once"),
        ({"title": "{target}"}, "title must contain {title} once"),
        ({"branch": "{sha}-{target}-{user}"}, "unknown placeholder {user}"),
        ({"from_label": 3}, "from_label must be a non-empty string"),
        ({"done_label": " "}, "done_label must be a non-empty label name"),
        ({"window_days": 0}, "window_days must be a whole number"),
        ({"window_days": True}, "window_days must be a whole number"),
        ({"done_label": "x", "ignore_label": "X"}, "must differ"),
        ({"target_label": "sweep:{branch}"}, "would match the done/failed/ignore labels"),
        ({"nope": 1}, "unknown configuration key t.nope"),
    ],
)
def test_bad_sweep_config(table, message):
    with pytest.raises(ConfigError, match=message.replace("{", r"\{").replace("}", r"\}")):
        sweep_config_from_mapping(table, "t")


def test_custom_sweep_config():
    config = sweep_config_from_mapping(
        {"target_label": "backport/{branch}", "branch": "bp-{target}-{sha}", "window_days": 7},
        "t",
    )
    assert targets_of(["backport/rel-1"], config) == ["rel-1"]
    assert branch_name(config, "abcdef0123456789", "rel-1") == "bp-rel-1-abcdef01"


# -- presence and the matrix -----------------------------------------------------------------


def pr(number, kind, commit, origin=None) -> PullRequest:
    return PullRequest(number, f"#{number}", kind, f"PR {number}", commit, 0, None, None, origin)


def history() -> Graph:
    """Two lines, children first.

    old: o2 (cherry-pick of f1) - q (#6) - o1 (release v1r0p1) - root
    new: s (sweep #9 of #5) - p (same patch as #6) - m5 (merge of #5: f1) - n1 - root
    with #7 (squash, r7) below n1 on new only.
    """
    shas = ["o2", "s", "p", "q", "m5", "f1", "n1", "o1", "r7", "root"]
    graph = Graph(
        shas=shas,
        parents=[[shas.index(p) for p in ps] for ps in [
            ["q"], ["p"], ["m5"], ["o1"], ["n1", "f1"], ["root"], ["r7"], ["root"], ["root"], [],
        ]],
        times=list(range(10, 0, -1)),
        owner=[MAINLINE, MAINLINE, MAINLINE, MAINLINE, MAINLINE, 4, MAINLINE, MAINLINE,
               MAINLINE, MAINLINE],
        prs={4: pr(5, "merge", "m5"), 1: pr(9, "sweep", "s", origin=5),
             3: pr(6, "squash", "q"), 8: pr(7, "squash", "r7")},
        cherries={0: ["f1"]},
        points=["o2", "s", "o1"],
        patch_ids={2: "P6", 3: "P6", 4: "P5"},
    )  # fmt: skip
    return graph


def test_compute_reach():
    assert compute_reach([[1], [2], []], [0, None, 2]) == [1, 1, 0b101]


def test_presence_evidences():
    graph = history()
    presence = Presence(graph)
    old, new = graph.bit("o2"), graph.bit("s")
    assert presence.find(4, 5, new).evidence == "ancestry"
    found = presence.find(4, 5, old)
    assert (found.evidence, found.via) == ("cherry-pick", "o2")  # f1 is #5's branch commit
    found = presence.find(3, 6, new)
    assert (found.evidence, found.via) == ("patch-id", "p")
    assert presence.find(8, 7, old) is None
    # The sweep evidence: #5 swept to a line that has neither its merge nor a trailer.
    graph.cherries = {}
    presence = Presence(graph)
    graph.reach[4] = graph.reach[5] = 0  # pretend the merge is not under "new"
    found = presence.find(4, 5, new)
    assert (found.evidence, found.via) == ("sweep", "#9")


def test_matrix_cells_and_summary():
    graph = history()
    presence = Presence(graph)
    lines = [
        mx.Line("rel-v1r0", (1, 0), "o2", (("v1r0p1", "o1"),)),
        mx.Line("integration", (float("inf"), float("inf")), "s"),
    ]
    fixes = [
        mx.Fix(5, "Fix <b>five</b>", 4, "integration", 100, ["alsoTargeting:rel-v1r0"]),
        mx.Fix(6, "Fix | six", 3, "rel-v1r0", 200, ["alsoTargeting:integration"]),
        mx.Fix(7, "Fix seven", 8, "integration", 300, []),
        mx.Fix(8, "Fix eight", 8, "integration", 300, ["alsoTargeting:rel-v1r0", "sweep:failed"]),
        mx.Fix(10, "Fix ten", 8, "integration", 300, ["alsoTargeting:rel-v1r0"]),
        mx.Fix(11, "Fix eleven", 8, "integration", 300, ["alsoTargeting:rel-v1r0",
                                                         "sweep:ignore"]),
    ]  # fmt: skip
    matrix = mx.build_matrix(lines, fixes, presence, {(10, "rel-v1r0"): 42}, CONFIG)
    cell = matrix.cells
    assert cell[(5, "rel-v1r0")] == mx.Cell("merged", None, "cherry-pick", "o2")
    assert cell[(5, "integration")] == mx.Cell("merged", None, "ancestry", None)
    assert cell[(6, "rel-v1r0")].state == "merged"  # q is above the release
    assert cell[(6, "integration")] == mx.Cell("merged", None, "patch-id", "p")
    assert cell[(7, "rel-v1r0")].state == "n/a"  # older line, not targeted
    assert cell[(8, "rel-v1r0")].state == "sweep-failed"
    assert cell[(10, "rel-v1r0")] == mx.Cell("sweep-open", via="#42")
    assert cell[(11, "rel-v1r0")].state == "n/a"  # sweep:ignore
    fixes.append(mx.Fix(12, "Fix twelve", 8, "integration", 300, ["alsoTargeting:rel-v1r0"]))
    matrix = mx.build_matrix(lines, fixes, presence, {}, CONFIG)
    assert matrix.cells[(12, "rel-v1r0")].state == "missing"
    assert matrix.summary()["rel-v1r0"] == {"missing": 2, "failed": 1, "open": 0}
    released = mx.build_matrix(lines, [mx.Fix(1, "t", 9, "rel-v1r0", 1, [])], presence, {}, CONFIG)
    assert released.cells[(1, "rel-v1r0")] == mx.Cell("released", "v1r0p1", "ancestry", None)
    # Renderings: untrusted titles escaped everywhere.
    page = as_html(matrix)
    assert "<b>five</b>" not in page and "&lt;b&gt;five&lt;/b&gt;" in page
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page and "http" not in page
    assert 'class="sweep-failed"' in page and "rel-v1r0: 2 missing, 1 sweeps failed" in page
    markdown = as_markdown(matrix)
    assert "Fix \\<b\\>five\\</b\\>" in markdown and "Fix \\| six" in markdown
    text = as_text(matrix)
    assert "rel-v1r0: 2 missing, 1 sweeps failed, 0 sweeps open" in text
    assert "merged (cherry-pick o2)" in text
    data = json.loads(as_json(matrix))
    assert data["lines"] == ["rel-v1r0", "integration"]
    first = data["fixes"][0]
    assert {"number", "title", "merged_into", "merged_at", "cells"} <= set(first)
    assert first["cells"]["rel-v1r0"] == {
        "state": "merged", "version": None, "evidence": "cherry-pick", "via": "o2",
    }  # fmt: skip
    states = {c["state"] for f in data["fixes"] for c in f["cells"].values()}
    assert states <= set(mx.STATES)


def test_terminal_text_drops_control_characters():
    graph = history()
    lines = [mx.Line("integration", (9, 9), "s")]
    fix = mx.Fix(5, "Fix\x1b[31m red\u202e", 4, "integration", 1, [])
    text = as_text(mx.build_matrix(lines, [fix], Presence(graph), {}, CONFIG))
    assert "\x1b" not in text and "\u202e" not in text and "Fix [31m red" in text
