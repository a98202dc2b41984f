"""``to_json`` writes exactly what ``json.dumps(indent=2, ensure_ascii=False)`` writes."""

from __future__ import annotations

import enum
import json

import pytest

from release_tool.sanitize import for_json
from release_tool.table import json_list_chunks, to_json


class Level(enum.IntEnum):
    LOW = 1


VALUES = [
    None, True, False, 0, -7, 2**70, 1.5, 1e100, float("nan"), "", "plain",
    "quote \" backslash \\ tab \t newline \n nul \x00 del \x7f c1 \x85 bidi \u202e é 漢 😀",
    [], {}, [[]], [{}], {"a": []}, {"a": {}}, (1, 2), [1, [2, [3, {"x": None}]]],
    {"number": 1, "origin": {"number": 2, "ref": "#2"}, "excluding": [], "labels": ["a", "b"]},
    {1: "int key", 2.5: "float key", None: "null key"}, {True: "bool key", False: 0},
    {"enum": Level.LOW}, [Level.LOW],
    # lists of records: one encoder call for their flat values, keys once per set of keys
    [{"a": 1, "b": "x\ny"}, {"a": 2, "b": None}, {"b": True, "a": 1.5}, {"c": []}],
    [{"n": i, "origin": {"number": i} if i % 2 else None, "excluding": ["v1"] * (i % 3),
      "rows": [{"deep": [i, {}]}], "t": "\u202e\x7f\n"} for i in range(7)],
    [{"a": 1}, {}, {"a": 2}], [{"a": 1}, {1: "int key"}], [{"a": 1}, "not a dict", [2]],
    [{"a": 1}, {"a": {"b": [{"c": 1}, {"c": {}}]}}], [{"x": float("nan"), "y": Level.LOW}],
    [{"a": (), "b": ("t",)}], [{"k": "same"}] * 3,
]  # fmt: skip


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_same_text_as_json_dumps(value):
    expected = for_json(json.dumps(value, indent=2, sort_keys=False, ensure_ascii=False))
    assert to_json(value) == expected


def test_unserialisable_values_are_refused_as_json_does():
    with pytest.raises(TypeError):
        to_json({"a": object()})


@pytest.mark.parametrize("size", [0, 1, 2, 4, 5, 9])
def test_json_list_chunks_join_to_the_whole_text(size):
    """Written in pieces, a list is the same text as written at once."""
    items = [
        {"n": n, "title": f"fix \u202e{n} \x7f é", "nested": {"a": [n, None]}, "empty": []}
        for n in range(size)
    ]
    assert "".join(json_list_chunks(iter(items), batch=2)) == to_json(items)
    assert "".join(json_list_chunks(items, batch=4)) == to_json(items)
