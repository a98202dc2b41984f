"""Rebuild a recorded commit history as a real git repository, with one ``git fast-import``.

A history is a sequence of records, the format of ``../shared/corpus/histories``:

* ``{"kind": "meta", ...}``: ignored;
* ``{"kind": "commit", "sha", "parents", "time", "author", "message"}``, parents always
  before their children;
* ``{"kind": "ref", "name": "refs/tags/..." | "refs/heads/...", "sha"}``.

Every commit is rebuilt with its original message, the author and committer
``<pseudonym> <pseudonym@example.invalid> <time> +0000``, its parents in order
(first parent first) and an empty tree; every ref becomes a branch or a
lightweight tag. The new hashes differ from the recorded ones:
:func:`import_history` returns the map from one to the other.
"""

from __future__ import annotations

import gzip
import json
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from .. import proc
from .gitbuild import ISOLATED_ENV

#: Where the commits are written while importing; deleted at the end of the stream.
TEMP_REF = "refs/import/history"
_NULL = "0" * 40
_UNSAFE_IDENT = re.compile(r"[<>\n\r\0]")


def load_jsonl(path: str | Path) -> Iterator[dict]:
    """The records of a JSON Lines file, plain or gzipped (told by its first bytes).

    Blank lines are skipped; a line that is not a JSON object raises
    ValueError naming the file and line.
    """
    path = Path(path)
    with path.open("rb") as probe:
        gzipped = probe.read(2) == b"\x1f\x8b"
    opener = gzip.open if gzipped else open
    with opener(path, "rt", encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not JSON: {exc}") from None
            if not isinstance(record, dict):
                raise ValueError(f"{path}:{number}: not a JSON object")
            yield record


def _ident(author: object, time: object) -> bytes:
    """``name <name@example.invalid> time +0000`` for a pseudonym and a Unix time."""
    name = _UNSAFE_IDENT.sub("", str(author or "")).strip() or "unknown"
    email = re.sub(r"\s+", "_", name)
    return f"{name} <{email}@example.invalid> {int(time)} +0000".encode()


def _data(text: str) -> bytes:
    """A fast-import ``data`` command holding ``text`` (exact byte count, UTF-8)."""
    payload = text.encode("utf-8", "replace")
    return b"data %d\n%s\n" % (len(payload), payload)


def fast_import_stream(records: Iterable[dict]) -> tuple[bytes, list[str]]:
    """The ``git fast-import`` input rebuilding ``records``, and the old hashes by mark - 1.

    Commits go to :data:`TEMP_REF`, which the stream deletes at its end; each
    ref becomes a ``reset``. Raises ValueError on a record that does not fit:
    an unknown kind, a repeated commit, a parent or ref naming a commit not
    seen before.
    """
    marks: dict[str, int] = {}
    olds: list[str] = []
    refs: list[tuple[str, str]] = []
    out: list[bytes] = []
    temp = TEMP_REF.encode()
    for record in records:
        kind = record.get("kind")
        if kind == "meta":
            continue
        if kind == "ref":
            refs.append((str(record["name"]), str(record["sha"])))
            continue
        if kind != "commit":
            raise ValueError(f"unknown record kind {kind!r}")
        sha = str(record["sha"])
        if sha in marks:
            raise ValueError(f"commit {sha} appears twice")
        parents = list(record.get("parents") or [])
        try:
            parent_marks = [marks[p] for p in parents]
        except KeyError as exc:
            raise ValueError(
                f"commit {sha}: parent {exc.args[0]} does not come before it"
            ) from None
        mark = len(olds) + 1
        marks[sha] = mark
        olds.append(sha)
        ident = _ident(record.get("author"), record.get("time", 0))
        if not parent_marks:
            out.append(b"reset %s\n\n" % temp)
        out.append(b"commit %s\nmark :%d\n" % (temp, mark))
        out.append(b"author %s\ncommitter %s\n" % (ident, ident))
        out.append(_data(str(record.get("message") or "")))
        if parent_marks:
            out.append(b"from :%d\n" % parent_marks[0])
            out.extend(b"merge :%d\n" % m for m in parent_marks[1:])
        out.append(b"\n")
    for name, sha in refs:
        if sha not in marks:
            raise ValueError(f"ref {name} points at {sha}, which is not among the commits")
        out.append(b"reset %s\nfrom :%d\n\n" % (name.encode(), marks[sha]))
    if olds:
        out.append(b"reset %s\nfrom %s\n\n" % (temp, _NULL.encode()))
    out.append(b"done\n")
    return b"".join(out), olds


def _initial_branch(records: list[dict]) -> str:
    """The branch HEAD should name: ``master`` or ``main`` when recorded, else the first one."""
    branches = [
        r["name"].removeprefix("refs/heads/")
        for r in records
        if r.get("kind") == "ref" and str(r.get("name", "")).startswith("refs/heads/")
    ]
    for preferred in ("master", "main"):
        if preferred in branches:
            return preferred
    return branches[0] if branches else "master"


def import_history(records: Iterable[dict], dest: Path) -> dict[str, str]:
    """Create a git repository at ``dest`` holding the history ``records``; map old -> new hash.

    ``dest`` is created with ``git init`` (it may exist but should be empty);
    HEAD names ``master`` or ``main`` when the history has it, else its first
    branch. The commits and refs are written by a single ``git fast-import``
    whose ``--export-marks`` give the new hashes. Raises ValueError on a
    malformed history and :class:`~release_tool.errors.CommandError` when git fails.
    """
    dest = Path(dest)
    records = list(records)
    stream, olds = fast_import_stream(records)
    dest.mkdir(parents=True, exist_ok=True)
    branch = _initial_branch(records)
    proc.run(["git", "init", "--quiet", f"--initial-branch={branch}", str(dest)], env=ISOLATED_ENV)
    with tempfile.TemporaryDirectory(prefix="history-import-") as tmp:
        marks_file = Path(tmp) / "marks"
        proc.run(
            ["git", "fast-import", "--quiet", "--done", f"--export-marks={marks_file}"],
            cwd=dest,
            env=ISOLATED_ENV,
            input=stream,
            text=False,
        )
        mapping: dict[str, str] = {}
        if marks_file.exists():
            for line in marks_file.read_text().splitlines():
                mark, new = line.split()
                mapping[olds[int(mark.lstrip(":")) - 1]] = new
    return mapping
