"""The PR data file of the emulator: pull requests described in a few lines of JSON.

``release-tool sandbox serve --prs FILE`` and ``GitHubEmulator.from_repo(path,
prs_file=FILE)`` serve exactly the PRs of the file (none are derived from
history then). The file holds a JSON list of PRs, or an object whose
``"pulls"`` key holds that list::

    [
      {
        "number": 12,                        # required, a positive integer, unique
        "title": "Add the Monitoring dashboard",   # required
        "body": "BEGINRELEASENOTES\\n...",   # default ""
        "labels": ["enhancement", {"name": "alert", "color": "ff0000",
                                   "description": "look at me"}],
        "author": "erin",                    # a login; default "ghost"
        "base": "integration",               # default: the repository's default branch
        "head": "monitoring",                # default "pr-<number>"
        "head_sha": "<40 hex digits>",       # default: the merge commit, else the base head
        "merge_commit": "v8.1.0a2",          # a full hash (used as is) or any git ref
        "merged_at": "2024-05-01T10:00:00Z", # ISO 8601 or Unix seconds
        "state": "merged",                   # "open", "closed" or "merged"
        "created_at": "...", "updated_at": "...", "closed_at": "...",
        "draft": false
      }
    ]

``state`` defaults to ``merged`` when ``merged_at`` or ``merge_commit`` is
given, else ``open``. A merged PR without ``merged_at`` is merged at its
``updated_at``, else ``created_at``, else when the file is loaded;
``created_at`` defaults to ``merged_at``, else ``updated_at``, else the load time, and
``updated_at`` to ``merged_at``, else ``created_at``. Unknown keys are
errors, so a misspelt key is never silently ignored. Errors are
:class:`~release_tool.errors.InputError` naming the file and the entry.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..errors import InputError

STATES = ("open", "closed", "merged")
_KEYS = {
    "number", "title", "body", "labels", "author", "base", "head", "head_sha", "merge_commit",
    "merged_at", "state", "created_at", "updated_at", "closed_at", "draft",
}  # fmt: skip


@dataclass
class LabelSpec:
    """A label as the data file gives it."""

    name: str
    color: str = "ededed"
    description: str | None = ""


@dataclass
class PullSpec:
    """One PR of the data file, validated; refs are resolved when it is loaded into a state."""

    number: int
    title: str
    body: str | None = ""
    labels: list[LabelSpec] = field(default_factory=list)
    author: str = "ghost"
    base: str | None = None
    head: str | None = None
    head_sha: str | None = None
    merge_commit: str | None = None
    merged_at: int | None = None
    state: str = "open"
    created_at: int | None = None
    updated_at: int | None = None
    closed_at: int | None = None
    draft: bool = False


#: Times the emulator can show as GitHub does (``YYYY-MM-DDTHH:MM:SSZ``): 1970 to 9999.
MIN_TIME, MAX_TIME = 0, 253_402_300_799
#: GitHub's PR numbers are GraphQL ``Int``: 32-bit signed.
MAX_NUMBER = 2**31 - 1
MAX_DEPTH = 32


def parse_time(value: Any, what: str) -> int | None:
    """ISO 8601 text (``Z`` allowed; UTC when no zone) or Unix seconds, as Unix seconds.

    Between 1970 and the end of 9999, the times GitHub's format can write.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise InputError(f"{what}: expected a time, got {value!r}")
    if isinstance(value, (int, float)):
        if not MIN_TIME <= value <= MAX_TIME:  # NaN compares false: refused too
            raise InputError(
                f"{what}: {_short(value)} is not a time between 1970 and 9999 (Unix seconds)"
            )
        return int(value)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise InputError(f"{what}: not an ISO 8601 time: {_short(value)}") from None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=timezone.utc)
        try:
            seconds = int(parsed.timestamp())
        except (OverflowError, ValueError):
            seconds = -1
        if not MIN_TIME <= seconds <= MAX_TIME:
            raise InputError(f"{what}: {_short(value)} is not a time between 1970 and 9999")
        return seconds
    raise InputError(f"{what}: expected a time, got {_short(value)}")


def _short(value: Any) -> str:
    """``repr(value)``, cut to a readable length (a value may be megabytes long)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _refuse_constant(name: str) -> Any:
    """``json.loads`` hook: NaN and Infinity are not JSON."""
    raise ValueError(f"{name} is not valid JSON")


def _depth(data: Any, limit: int = MAX_DEPTH) -> int:
    """How deeply ``data`` nests, counting up to ``limit + 1`` (without recursion)."""
    deepest = 0
    todo = [(data, 1)]
    while todo:
        item, depth = todo.pop()
        if isinstance(item, (list, dict)):
            deepest = max(deepest, depth)
            if deepest > limit:
                return deepest
            todo.extend((v, depth + 1) for v in (item.values() if isinstance(item, dict) else item))
    return deepest


def load_prs(path: str | Path) -> list[PullSpec]:
    """Read and validate a PR data file; InputError (one line) when it is unusable."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such PR data file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the PR data file: {exc}") from None
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path}: not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except RecursionError:
        raise InputError(f"{path}: the JSON nests too deeply") from None
    except ValueError as exc:  # NaN/Infinity, integers of thousands of digits
        raise InputError(f"{path}: not usable JSON: {exc}") from None
    return parse_prs(data, str(path))


def parse_prs(data: Any, source: str = "PR data") -> list[PullSpec]:
    """Validate decoded PR data (a list, or ``{"pulls": [...]}``) into :class:`PullSpec`s."""
    if isinstance(data, dict) and set(data) == {"pulls"}:
        data = data["pulls"]
    if not isinstance(data, list):
        raise InputError(f"{source}: expected a list of PRs (or an object with a 'pulls' list)")
    if _depth(data) > MAX_DEPTH:
        raise InputError(f"{source}: the data nests more than {MAX_DEPTH} levels deep")
    specs: list[PullSpec] = []
    seen: set[int] = set()
    for n, entry in enumerate(data, start=1):
        spec = _entry(entry, f"{source}: PR entry {n}")
        if spec.number in seen:
            raise InputError(f"{source}: PR entry {n}: number {spec.number} appears twice")
        seen.add(spec.number)
        specs.append(spec)
    return specs


def _entry(entry: Any, where: str) -> PullSpec:
    """One validated PR entry."""
    if not isinstance(entry, dict):
        raise InputError(f"{where}: expected an object, got {type(entry).__name__}")
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        raise InputError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(_KEYS))})")
    number = entry.get("number")
    if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= MAX_NUMBER:
        raise InputError(
            f"{where}: 'number' must be a positive integer (at most {MAX_NUMBER}), "
            f"got {_short(number)}"
        )
    where = f"{where} (#{number})"
    title = entry.get("title")
    if not isinstance(title, str) or not title:
        raise InputError(f"{where}: 'title' must be a non-empty string")
    for key in ("body", "author", "base", "head", "head_sha", "merge_commit"):
        value = entry.get(key)
        if value is not None and not isinstance(value, str):
            raise InputError(f"{where}: {key!r} must be a string, got {_short(value)}")
    if not isinstance(entry.get("draft", False), bool):
        raise InputError(f"{where}: 'draft' must be true or false")
    times = {
        key: parse_time(entry.get(key), f"{where}: {key!r}")
        for key in ("merged_at", "created_at", "updated_at", "closed_at")
    }
    state = entry.get("state")
    if state is None:
        state = "merged" if times["merged_at"] or entry.get("merge_commit") else "open"
    if state not in STATES:
        raise InputError(
            f"{where}: 'state' must be one of {', '.join(STATES)}, got {_short(state)}"
        )
    now = int(time.time())
    if state == "merged" and times["merged_at"] is None:
        times["merged_at"] = times["updated_at"] or times["created_at"] or now
    if state != "merged" and times["merged_at"] is not None:
        raise InputError(f"{where}: 'merged_at' is given but 'state' is {state!r}")
    created = times["created_at"] or times["merged_at"] or times["updated_at"] or now
    return PullSpec(
        number=number,
        title=title,
        body=entry.get("body", ""),
        labels=_labels(entry.get("labels", []), where),
        author=entry.get("author") or "ghost",
        base=entry.get("base"),
        head=entry.get("head"),
        head_sha=entry.get("head_sha"),
        merge_commit=entry.get("merge_commit"),
        merged_at=times["merged_at"],
        state=state,
        created_at=created,
        updated_at=times["updated_at"] or times["merged_at"] or created,
        closed_at=times["closed_at"],
        draft=entry.get("draft", False),
    )


def _labels(value: Any, where: str) -> list[LabelSpec]:
    """The labels of an entry: names, or objects with name, color and description."""
    if not isinstance(value, list):
        raise InputError(f"{where}: 'labels' must be a list")
    labels = []
    for item in value:
        if isinstance(item, str) and item:
            labels.append(LabelSpec(item))
        elif isinstance(item, dict) and isinstance(item.get("name"), str) and item["name"]:
            extra = set(item) - {"name", "color", "description"}
            if extra:
                raise InputError(f"{where}: unknown label key {sorted(extra)[0]!r}")
            color = item.get("color", "ededed")
            if not isinstance(color, str) or not re.fullmatch(r"[0-9a-fA-F]{6}", color):
                raise InputError(f"{where}: a label color is 6 hex digits, got {_short(color)}")
            description = item.get("description", "")
            if description is not None and not isinstance(description, str):
                raise InputError(f"{where}: a label description must be a string")
            labels.append(
                LabelSpec(item["name"], item.get("color", "ededed"), item.get("description", ""))
            )
        else:
            raise InputError(f"{where}: a label must be a name or an object with a 'name'")
    return labels
