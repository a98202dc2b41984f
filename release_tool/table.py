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
        return "[" + inner + ("," + inner).join(_indented(v, inner) for v in value) + newline + "]"
    # floats, int subclasses, anything else: as the json module writes it (or refuses it)
    return json.dumps(value, ensure_ascii=False)


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
