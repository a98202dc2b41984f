"""The GraphQL endpoint of the emulator, executed by graphql-core over a subset of GitHub's schema.

The schema is ``schema.graphql`` beside this module, cut field for field from
GitHub's public schema. Resolvers are plain dicts whose callables graphql-core's
default resolver calls with the field's arguments. Answers follow GitHub:

* always HTTP 200; parse and validation errors come back as ``errors`` with
  no ``data``;
* an unknown repository or PR number is ``null`` plus an error with
  ``"type": "NOT_FOUND"`` and its ``path``, the rest of the data intact;
* connections need ``first`` or ``last`` (at most 100) and page with opaque
  cursors and ``pageInfo``;
* each query costs one point of the ``graphql`` rate limit (GitHub's own cost
  is one point per 100 nodes requested, at least one).
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from graphql import GraphQLError, GraphQLSchema, build_schema, execute, parse, validate

from .shapes import Urls
from .state import Label, PullRequest, Repository, State, iso, node_id, user_id

log = logging.getLogger(__name__)

SCHEMA_FILE = Path(__file__).with_name("schema.graphql")
MAX_PAGE = 100

Resolver = Callable[..., Any]


@cache
def schema() -> GraphQLSchema:
    """The executable schema (built once)."""
    return build_schema(SCHEMA_FILE.read_text(encoding="utf-8"))


def error(kind: str, message: str) -> GraphQLError:
    """An error GitHub reports with a ``type`` (``NOT_FOUND``, ``EXCESSIVE_PAGINATION``...)."""
    return GraphQLError(message, extensions={"type": kind})


def format_error(err: GraphQLError) -> dict:
    """An error as GitHub writes it: ``type``, ``path``, ``locations``, ``message``."""
    out: dict[str, Any] = {}
    extensions = dict(err.extensions or {})
    if "type" in extensions:
        out["type"] = extensions.pop("type")
    if err.path:
        out["path"] = list(err.path)
    if err.locations:
        out["locations"] = [{"line": loc.line, "column": loc.column} for loc in err.locations]
    out["message"] = err.message
    if extensions:
        out["extensions"] = extensions
    if err.original_error is not None and not isinstance(err.original_error, GraphQLError):
        log.error("sandbox GraphQL resolver failed", exc_info=err.original_error)
    return out


def run(state: State, urls: Urls, authenticated: bool, payload: Any) -> dict:
    """Execute one GraphQL request body (``query``, ``variables``, ``operationName``)."""
    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
        message = "A query attribute must be specified and must be a string."
        return {"errors": [{"message": message}]}
    variables = payload.get("variables") or {}
    if not isinstance(variables, dict):
        return {"errors": [{"message": "Variables are invalid JSON."}]}
    try:
        document = parse(payload["query"])
    except GraphQLError as exc:
        return {"errors": [format_error(exc)]}
    problems = validate(schema(), document)
    if problems:
        return {"errors": [format_error(p) for p in problems]}
    result = execute(
        schema(),
        document,
        root_value=_root(state, urls, authenticated),
        variable_values=variables,
        operation_name=payload.get("operationName"),
    )
    out: dict[str, Any] = {}
    if result.errors:
        out["errors"] = [format_error(e) for e in result.errors]
    if result.data is not None or not result.errors:
        out["data"] = result.data
    return out


# -- connections --------------------------------------------------------------------------


def _cursor(key: object) -> str:
    """An opaque cursor for the item with ``key``."""
    return base64.b64encode(f"cursor:v2:{key}".encode()).decode()


def _position(cursor: str, keys: list[str]) -> int:
    """The index of the item a cursor names; ``INVALID_CURSOR_ARGUMENTS`` otherwise."""
    try:
        text = base64.b64decode(cursor.encode(), validate=True).decode()
        if text.startswith("cursor:v2:"):
            return keys.index(text[len("cursor:v2:") :])
    except (ValueError, UnicodeDecodeError):
        pass
    raise error("INVALID_CURSOR_ARGUMENTS", f"`{cursor}` does not appear to be a valid cursor.")


def connection(
    name: str,
    items: list,
    key: Callable[[Any], object],
    render: Callable[[Any], dict],
    args: dict[str, Any],
) -> dict:
    """A Relay connection over ``items`` (``first``/``after``, ``last``/``before``)."""
    first, last = args.get("first"), args.get("last")
    if first is None and last is None:
        raise error(
            "MISSING_PAGINATION_BOUNDARIES",
            f"You must provide a `first` or `last` value to properly paginate the `{name}` "
            "connection.",
        )
    for arg, value in (("first", first), ("last", last)):
        if value is not None and value > MAX_PAGE:
            raise error(
                "EXCESSIVE_PAGINATION",
                f"Requesting {value} records on the `{name}` connection exceeds the `{arg}` "
                f"limit of {MAX_PAGE} records.",
            )
        if value is not None and value < 0:
            raise error("INVALID_ARGUMENTS", f"`{arg}` on `{name}` cannot be less than zero.")
    keys = [str(key(item)) for item in items]
    start, end = 0, len(items)
    if args.get("after"):
        start = _position(args["after"], keys) + 1
    if args.get("before"):
        end = _position(args["before"], keys)
    window = list(range(start, max(start, end)))
    if first is not None:
        window = window[:first]
    if last is not None:
        window = window[len(window) - last :] if last else []
    edges = [{"cursor": _cursor(keys[i]), "node": render(items[i])} for i in window]
    return {
        "edges": edges,
        "nodes": [edge["node"] for edge in edges],
        "totalCount": len(items),
        "pageInfo": {
            "hasNextPage": bool(window) and first is not None and window[-1] + 1 < end,
            "hasPreviousPage": bool(window) and last is not None and window[0] > start,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
    }


# -- objects ------------------------------------------------------------------------------


def _actor(urls: Urls, login: str, typename: str | None = None) -> dict:
    """A ``User`` (or ``Bot`` for ``name[bot]``) as an Actor / RepositoryOwner."""
    typename = typename or ("Bot" if login.endswith("[bot]") else "User")
    return {
        "__typename": typename,
        "id": node_id("U", login),
        "login": login,
        "name": None,
        "url": f"{urls.web}/{login}",
        "resourcePath": f"/{login}",
        "avatarUrl": lambda info, size=None: f"{urls.web}/avatars/{login}?u={user_id(login)}",
    }


def _label(item: Label) -> dict:
    """A ``Label``."""
    return {
        "id": node_id("LA", item.id),
        "name": item.name,
        "color": item.color,
        "description": item.description,
    }


def _pull(urls: Urls, repo: Repository, pr: PullRequest, repo_node: Resolver) -> dict:
    """A ``PullRequest``."""
    path = f"/{repo.full_name}/pull/{pr.number}"
    merge = pr.merge_commit_sha
    labels = [repo.label(name) for name in pr.labels]
    return {
        "id": node_id("PR", repo.id, pr.number),
        "number": pr.number,
        "title": pr.title,
        "body": pr.body or "",
        "url": urls.web + path,
        "permalink": urls.web + path,
        "resourcePath": path,
        "state": pr.graphql_state,
        "merged": pr.merged,
        "mergedAt": iso(pr.merged_at),
        "closed": pr.state != "open",
        "closedAt": iso(pr.closed_at),
        "createdAt": iso(pr.created_at),
        "updatedAt": iso(pr.updated_at),
        "isDraft": pr.draft,
        "baseRefName": pr.base,
        "headRefName": pr.head,
        "baseRefOid": pr.base_sha or "0" * 40,
        "headRefOid": pr.head_sha or "0" * 40,
        "mergeCommit": None
        if merge is None
        else {
            "id": node_id("C", repo.id, merge),
            "oid": merge,
            "abbreviatedOid": merge[:7],
            "url": f"{urls.web}/{repo.full_name}/commit/{merge}",
            "resourcePath": f"/{repo.full_name}/commit/{merge}",
        },
        "author": _actor(urls, pr.author),
        "labels": lambda info, **args: connection("labels", labels, lambda x: x.name, _label, args),
        "repository": repo_node,
    }


_ORDER = {
    "CREATED_AT": lambda pr: (pr.created_at, pr.number),
    "UPDATED_AT": lambda pr: (pr.updated_at, pr.number),
    "COMMENTS": lambda pr: (len(pr.comments), pr.number),
}


def _repository(state: State, urls: Urls, repo: Repository) -> dict:
    """A ``Repository`` with its ``pullRequest`` and ``pullRequests`` fields."""

    def node(info=None) -> dict:
        """This repository (a PR's ``repository`` field)."""
        return value

    def pull_request(info, number: int) -> dict | None:
        """One PR by number; NOT_FOUND (and null) when there is none."""
        pr = repo.pulls.get(number)
        if pr is None:
            raise error(
                "NOT_FOUND", f"Could not resolve to a PullRequest with the number of {number}."
            )
        return _pull(urls, repo, pr, node)

    def pull_requests(info, **args) -> dict:
        """The PR connection: states, baseRefName, headRefName, labels, orderBy filters."""
        prs = list(repo.pulls.values())
        if args.get("states"):
            prs = [pr for pr in prs if pr.graphql_state in args["states"]]
        for arg, attr in (("baseRefName", "base"), ("headRefName", "head")):
            if args.get(arg) is not None:
                prs = [pr for pr in prs if getattr(pr, attr) == args[arg]]
        if args.get("labels"):
            wanted = {name.lower() for name in args["labels"]}
            prs = [pr for pr in prs if wanted & {name.lower() for name in pr.labels}]
        order = args.get("orderBy") or {"field": "CREATED_AT", "direction": "ASC"}
        prs.sort(key=_ORDER[order["field"]], reverse=order["direction"] == "DESC")
        return connection(
            "pullRequests", prs, lambda pr: pr.number, lambda pr: _pull(urls, repo, pr, node), args
        )

    value = {
        "id": node_id("R", repo.id),
        "name": repo.name,
        "nameWithOwner": repo.full_name,
        "description": repo.description,
        "isPrivate": repo.private,
        "createdAt": iso(repo.created_at),
        "url": f"{urls.web}/{repo.full_name}",
        "resourcePath": f"/{repo.full_name}",
        "owner": _actor(urls, repo.owner),
        "pullRequest": pull_request,
        "pullRequests": pull_requests,
    }
    return value


def _root(state: State, urls: Urls, authenticated: bool) -> dict:
    """The ``Query`` root: ``repository``, ``rateLimit``, ``viewer``."""

    def repository(info, owner: str, name: str, followRenames: bool = True) -> dict:
        """A repository by owner and name; NOT_FOUND (and null) when there is none."""
        repo = state.repository(owner, name)
        if repo is None:
            raise error(
                "NOT_FOUND", f"Could not resolve to a Repository with the name '{owner}/{name}'."
            )
        return _repository(state, urls, repo)

    def rate_limit(info, dryRun: bool = False) -> dict:
        """The caller's GraphQL rate limit (this query already counted)."""
        snapshot = state.rate.snapshot("graphql", authenticated)
        return {
            "cost": 1,
            "limit": snapshot["limit"],
            "nodeCount": 1,
            "remaining": snapshot["remaining"],
            "resetAt": iso(snapshot["reset"]),
            "used": snapshot["used"],
        }

    return {
        "repository": repository,
        "rateLimit": rate_limit,
        "viewer": lambda info: _actor(urls, state.viewer, "User"),
    }
