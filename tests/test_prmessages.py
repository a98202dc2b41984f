"""Recognising pull requests in single commit messages."""

from __future__ import annotations

import pytest

from release_tool.history.prmessages import cherry_picked_from, classify

SHA = "0123456789abcdef0123456789abcdef01234567"


@pytest.mark.parametrize(
    ("message", "parents", "expected"),
    [
        (
            "Merge pull request #7005 from fstagni/80_fixes58\n\n[8.0] fixes for the WMS\n",
            2,
            {"number": 7005, "ref": "#7005", "kind": "merge", "title": "[8.0] fixes for the WMS",
             "owner": "fstagni", "head": "80_fixes58", "merge_commit": True},
        ),
        (
            "Merge pull request #12 from user/feature/deep/name\n\n\n  Title after blanks  \n",
            2,
            {"number": 12, "title": "Title after blanks", "owner": "user",
             "head": "feature/deep/name"},
        ),
        (
            "Merge pull request #13 from user/x\n",  # no body: the subject stands in
            2,
            {"number": 13, "title": "Merge pull request #13 from user/x"},
        ),
        (
            "fix(WMS): something (#7402)\n\n* squashed commit 1\n* squashed commit 2\n",
            1,
            {"number": 7402, "ref": "#7402", "kind": "squash", "title": "fix(WMS): something",
             "merge_commit": False},
        ),
        (
            "Merge branch 'fix-jobs' into 'master'\n\nFix the job submission\n\n"
            "See merge request ilcdirac/ILCDIRAC!257\n",
            2,
            {"number": 257, "ref": "!257", "kind": "merge", "title": "Fix the job submission",
             "head": "fix-jobs"},
        ),
        (
            "sweep: #5500 Fixes for VMDIRAC\n",
            1,
            {"number": 5500, "ref": "#5500", "kind": "sweep", "title": "Fixes for VMDIRAC",
             "origin": 5500},
        ),
        (
            "Merge pull request #7410 from DIRACGridBot/cherry-pick-2-abcdef12-integration\n\n"
            "[sweep:integration] Fix the cache\n\nSweep #7402 `Fix the cache` to `integration`.\n",
            2,
            {"number": 7410, "kind": "sweep", "origin": 7402, "origin_sha": "abcdef12"},
        ),
        (
            "Merge pull request #7411 from bot/sweep-branch\n\n[sweep:rel-v8r0] Fix the cache\n\n"
            f"(cherry picked from commit {SHA})\n",
            2,
            {"number": 7411, "kind": "sweep", "origin": None, "origin_sha": SHA},
        ),
        (
            "[sweep:integration] fix: the cache (#7412)\n",
            1,
            {"number": 7412, "kind": "sweep", "title": "[sweep:integration] fix: the cache"},
        ),
        (
            'Revert "fix: bad idea (#20)" (#21)\n\nThis reverts commit ' + SHA + ".\n",
            1,
            {"number": 21, "kind": "squash", "reverts": 20, "reverts_sha": SHA},
        ),
        (
            "Merge pull request #22 from u/revert-20\n\n"
            'Revert "Bad idea"\n\nReverts DIRACGrid/DIRAC#20\n',
            2,
            {"number": 22, "kind": "merge", "reverts": 20},
        ),
    ],
)  # fmt: skip
def test_recognised(message, parents, expected):
    mark = classify(message, parents)
    assert mark is not None
    for key, value in expected.items():
        assert getattr(mark, key) == value, key


@pytest.mark.parametrize(
    ("message", "parents"),
    [
        ("Merge branch 'rel-v8r0' into integration\n", 2),
        ("Merge pull request #7005 from x/y\n\ntitle\n", 1),  # a merge message on a plain commit
        ('Revert "fix: something (#7402)"\n\nThis reverts commit ' + SHA + ".\n", 1),
        ("fix #432 setSrc-->updateSrc\n", 1),
        ("Add a feature (see #12 for details)\n", 1),
        ("\n\n", 1),
        ("", 0),
        ("Sweeping the floor\n", 1),
    ],
)
def test_ordinary_commits(message, parents):
    assert classify(message, parents) is None


def test_cherry_picked_from():
    message = f"fix\n\n(cherry picked from commit {SHA})\n(cherry picked from commit abcdef1)\n"
    assert cherry_picked_from(message) == [SHA, "abcdef1"]
