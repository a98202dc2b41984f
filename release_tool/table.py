"""Plain-text tables and JSON for command output."""

from __future__ import annotations

import functools
import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from .sanitize import for_json, for_terminal


def format_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Rows in left-aligned columns under a header; None shows as ``-``.

    Cells are terminal text: control characters show as visible escapes.
    """
    cells = [[str(h) for h in headers]]
    cells += [["-" if c is None else for_terminal(str(c)) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    return "\n".join(lines)


def to_json(data: Any) -> str:
    """Stable, indented JSON for scripts and bots.

    The text of ``json.dumps(data, indent=2, ensure_ascii=False)``, written
    four to five times faster: with ``indent``, the json module falls back
    to its pure-Python encoder, which took most of ``prs --all-releases
    --json``; here containers are laid out in Python and every string goes
    through the C string encoder.
    """
    return for_json(_indented(data, "\n"))


_encode_string = json.encoder.encode_basestring  # the C encoder when available
_CONSTANTS = {None: "null", True: "true", False: "false"}
_FLAT = {str, int, float, bool, type(None)}
_EMPTY = {list, dict, tuple}


@functools.lru_cache(maxsize=64)
def _flat_encoder(inner: str) -> Callable[[Any], str]:
    """An encoder of flat dicts writing their items on lines indented by ``inner``.

    The C encoder itself when there is one (a ``JSONEncoder`` builds a new
    one on every call), else the pure-Python one.
    """
    separator = "," + inner
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        encoder = json.JSONEncoder(ensure_ascii=False, separators=(separator, ": "))
        return encoder.encode
    encode = make(None, None, _encode_string, None, ": ", separator, False, False, True)
    return lambda value: "".join(encode(value, 0))


def _indented(value: Any, newline: str) -> str:
    """``value`` as indented JSON; ``newline`` is a line break and the current indent."""
    if isinstance(value, str):
        return _encode_string(value)
    if value is None or value is True or value is False:
        return _CONSTANTS[value]
    if type(value) is int:
        return int.__repr__(value)
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = newline + "  "
        if all(type(v) in _FLAT or (type(v) in _EMPTY and not v) for v in value.values()):
            # no nesting: one call of the C encoder, its item separator carrying the indent
            text = _flat_encoder(inner)(value)
            return "{" + inner + text[1:-1] + newline + "}"
        items = []
        for k, v in value.items():
            if type(v) is str:
                v = _encode_string(v)
            elif v is None:
                v = "null"
            elif type(v) is int:
                v = int.__repr__(v)
            else:
                v = _indented(v, inner)
            items.append(f"{_encode_string(k) if type(k) is str else _key(k)}: {v}")
        return "{" + inner + ("," + inner).join(items) + newline + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        inner = newline + "  "
        body = _records(value, inner) if type(value[0]) is dict else None
        if body is None:
            body = ("," + inner).join(_indented(v, inner) for v in value)
        return "[" + inner + body + newline + "]"
    # floats, int subclasses, anything else: as the json module writes it (or refuses it)
    return json.dumps(value, ensure_ascii=False)


@functools.lru_cache(maxsize=1)
def _values_encoder() -> Callable[[Any], str]:
    """An encoder of a list of flat values, one per line, unindented (``[a\nb\nc]``)."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return json.JSONEncoder(ensure_ascii=False, separators=("\n", ": ")).encode
    encode = make(None, None, _encode_string, None, ": ", "\n", False, False, True)
    return lambda value: "".join(encode(value, 0))


#: Types whose values the encoder writes the same, indented or not (False); others: True.
_NESTING = dict.fromkeys(_FLAT, False)


def _records(items: Sequence[Any], newline: str) -> str | None:
    """The items of a list of non-empty dicts with string keys, as indented JSON; else None.

    A list of records (``prs --json``: tens of thousands of dicts of the
    same keys) is written with one call of the C encoder for all their flat
    values, one per line (a JSON string never holds a raw line break), each
    set of keys encoded once; nested values are written by
    :func:`_indented`. The text is the one the dicts give one by one,
    joined by ``,`` and ``newline``.
    """
    if not all(type(item) is dict and item for item in items):
        return None
    inner = newline + "  "
    heads: dict[tuple, tuple[list[str], list[str]]] = {}
    before: list[str] = []  # what comes before each value: a key, after a brace or a comma
    for item in items:
        keys = tuple(item)
        head = heads.get(keys)
        if head is None:
            if not all(type(k) is str for k in keys):
                return None
            first, *rest = (_encode_string(k) + ": " for k in keys)
            rest = ["," + inner + k for k in rest]
            head = heads[keys] = (
                ["{" + inner + first, *rest],
                [newline + "}," + newline + "{" + inner + first, *rest],
            )
        before.extend(head[1] if before else head[0])
    values = [v for item in items for v in item.values()]
    nested: dict[int, str] = {}
    maybe = itertools.compress(
        itertools.count(), map(_NESTING.get, map(type, values), itertools.repeat(True))
    )
    for n in list(maybe):
        value = values[n]
        if type(value) in _EMPTY and not value:
            continue  # [] and {}: the same, indented or not
        nested[n] = _indented(value, inner)
        values[n] = None
    parts = _values_encoder()(values)[1:-1].split("\n")
    if len(parts) != len(before):  # cannot be (flat values hold no line break): the slow way
        return None
    for n, text in nested.items():
        parts[n] = text
    text = before + before  # as long as both together: keys and values, interleaved
    text[0::2] = before
    text[1::2] = parts
    text.append(newline + "}")
    return "".join(text)


def _key(key: Any) -> str:
    """A dict key as JSON writes it: strings as they are, numbers and constants as strings."""
    if isinstance(key, str):
        return _encode_string(key)
    return _encode_string(json.dumps(key))


def json_list_chunks(items: Iterable[Any], batch: int = 2000) -> Iterator[str]:
    """The text of ``to_json(list(items))``, in pieces of ``batch`` items at a time.

    For long lists (``prs --all-releases --json`` writes a hundred megabytes
    on a long history): neither the items nor the text are ever held whole.
    """
    start = "["
    chunk: list[Any] = []
    for item in itertools.chain(items, [_END]):
        if item is not _END:
            chunk.append(item)
        if chunk and (len(chunk) == batch or item is _END):
            text = to_json(chunk)  # "[\n  item,\n  item\n]"
            yield start + text[1:-2]
            start, chunk = ",", []
    yield "[]" if start == "[" else "\n]"


_END = object()
