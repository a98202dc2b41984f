"""The REST routes of the emulator: GitHub's paths, parameters, errors and pagination.

Each route is a function ``handler(ctx, **path_params) -> Reply`` registered
with :func:`route` under a path template written as in GitHub's docs. The
server matches a request against :data:`ROUTES`, holds the state lock and
calls the handler; an :class:`ApiError` becomes GitHub's JSON error body.
Lists are paginated like GitHub (``per_page`` 30 by default, at most 100,
``page``, RFC 5988 ``Link`` headers with ``next``, ``last``, ``prev`` and
``first``).
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlencode

from ..errors import InputError
from . import shapes
from .data import parse_time
from .shapes import Urls
from .state import Asset, Comment, Milestone, PullRequest, Release, Repository, State, Status

DOCS = "https://docs.github.com/rest"
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 30


class ApiError(Exception):
    """An error answer: status, GitHub's message, and ``errors`` for validation failures."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        errors: list[dict] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Keep what the error body and headers will say."""
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors
        self.headers = headers or {}

    def body(self) -> dict:
        """GitHub's JSON error body."""
        data: dict[str, Any] = {"message": self.message}
        if self.errors is not None:
            data["errors"] = self.errors
        data["documentation_url"] = DOCS
        data["status"] = str(self.status)
        return data


def not_found() -> ApiError:
    """GitHub's 404."""
    return ApiError(404, "Not Found")


def invalid(resource: str, field_name: str, code: str = "invalid", **extra) -> ApiError:
    """A 422 ``Validation Failed`` with one error entry."""
    error = {"resource": resource, "code": code, "field": field_name, **extra}
    return ApiError(422, "Validation Failed", errors=[error])


@dataclass
class Reply:
    """A response: a JSON value (or raw bytes), a status and extra headers."""

    body: Any = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json; charset=utf-8"


@dataclass
class Ctx:
    """One request as the handlers see it."""

    state: State
    method: str
    path: str
    query: dict[str, str]
    headers: Mapping[str, str]
    body: bytes
    urls: Urls
    authenticated: bool

    def json(self) -> Any:
        """The request body as JSON (an empty body is ``{}``); 400 when it is not JSON."""
        if not self.body.strip():
            return {}
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError):
            raise ApiError(400, "Problems parsing JSON") from None

    def object(self) -> dict:
        """The request body as a JSON object; 400 otherwise."""
        data = self.json()
        if not isinstance(data, dict):
            raise ApiError(400, "Problems parsing JSON")
        return data

    def repository(self, owner: str, name: str) -> Repository:
        """The repository of the path; 404 when there is none."""
        repo = self.state.repository(owner, name)
        if repo is None:
            raise not_found()
        return repo

    def pull(self, repo: Repository, number: str) -> PullRequest:
        """The PR (or issue) of the path; 404 when there is none."""
        pr = repo.pulls.get(int(number))
        if pr is None:
            raise not_found()
        return pr

    def release(self, repo: Repository, release_id: str) -> Release:
        """The release of the path; 404 when there is none."""
        found = repo.releases.get(int(release_id))
        if found is None or (found.draft and not self.authenticated):
            raise not_found()
        return found

    def page(self, items: list, render: Callable[[Any], Any], wrap=None) -> Reply:
        """One page of ``items`` rendered, with GitHub's ``Link`` header."""
        per_page = _int(self.query.get("per_page"), DEFAULT_PER_PAGE)
        per_page = min(max(per_page, 1), MAX_PER_PAGE)
        page = max(_int(self.query.get("page"), 1), 1)
        last = max(math.ceil(len(items) / per_page), 1)
        chunk = [render(item) for item in items[(page - 1) * per_page : page * per_page]]
        links = []
        if page < last:
            links += [("next", page + 1), ("last", last)]
        if page > 1:
            links += [("prev", page - 1), ("first", 1)]
        headers = {}
        if links:
            base = self.urls.api + self.path
            headers["Link"] = ", ".join(
                f'<{base}?{urlencode({**self.query, "page": n})}>; rel="{rel}"' for rel, n in links
            )
        return Reply(wrap(chunk, len(items)) if wrap else chunk, headers=headers)


def _int(value: str | None, default: int) -> int:
    """An integer query parameter; the default when absent or malformed (as GitHub does)."""
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _now() -> int:
    """The current Unix time."""
    return int(time.time())


@dataclass(frozen=True)
class Route:
    """A path template of one kind (``rest``, ``uploads``, ``web``) and its handler."""

    kind: str
    method: str
    template: str
    pattern: re.Pattern[str]
    handler: Callable[..., Reply]


ROUTES: list[Route] = []
_WIDE = {"tag", "ref"}  # parameters that may hold slashes


def _compile(template: str) -> re.Pattern[str]:
    """The regex of a path template: ids are digits, tags and refs may hold slashes."""

    def param(match: re.Match[str]) -> str:
        """The regex group of one ``{name}``."""
        name = match[1]
        if name.endswith(("_id", "_number")):
            return rf"(?P<{name}>\d+)"
        return rf"(?P<{name}>.+)" if name in _WIDE else rf"(?P<{name}>[^/]+)"

    return re.compile("^" + re.sub(r"\{(\w+)\}", param, template) + "$")


def route(
    method: str, template: str, kind: str = "rest"
) -> Callable[[Callable[..., Reply]], Callable[..., Reply]]:
    """Register a handler for ``method`` on ``template``."""

    def register(handler: Callable[..., Reply]) -> Callable[..., Reply]:
        """Add the handler to :data:`ROUTES`."""
        ROUTES.append(Route(kind, method, template, _compile(template), handler))
        return handler

    return register


def find(kind: str, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    """The route and decoded path parameters of a request, or None."""
    for candidate in ROUTES:
        if candidate.kind != kind or candidate.method != method:
            continue
        match = candidate.pattern.match(path)
        if match:
            return candidate, {k: unquote(v) for k, v in match.groupdict().items()}
    return None


def require_token(ctx: Ctx) -> None:
    """401 for a write without a token (GitHub's answer on a public repository)."""
    if not ctx.authenticated:
        raise ApiError(401, "Requires authentication")


# -- repository, user, rate limit ---------------------------------------------------------


@route("GET", "/repos/{owner}/{repo}")
def get_repo(ctx: Ctx, owner: str, repo: str) -> Reply:
    """GET a repository."""
    return Reply(shapes.repository(ctx.urls, ctx.repository(owner, repo)))


@route("GET", "/user")
def get_user(ctx: Ctx) -> Reply:
    """GET the token's user."""
    require_token(ctx)
    viewer = ctx.state.viewer
    owned = sum(1 for repo in ctx.state.repos.values() if repo.owner == viewer)
    return Reply(shapes.viewer(ctx.urls, viewer, owned))


@route("GET", "/rate_limit")
def get_rate_limit(ctx: Ctx) -> Reply:
    """GET the rate limits of the caller (this request costs nothing)."""
    rate = ctx.state.rate
    resources = {
        name: dict(rate.snapshot(name, ctx.authenticated), resource=name)
        for name in ("core", "graphql", "search")
    }
    return Reply({"resources": resources, "rate": resources["core"]})


# -- pull requests ------------------------------------------------------------------------


@route("GET", "/repos/{owner}/{repo}/pulls")
def list_pulls(ctx: Ctx, owner: str, repo: str) -> Reply:
    """List PRs: state, base, head (``user:ref``), sort, direction, pages."""
    model = ctx.repository(owner, repo)
    state = ctx.query.get("state", "open")
    if state not in ("open", "closed", "all"):
        raise invalid("PullRequest", "state")
    prs = [pr for pr in model.pulls.values() if state in ("all", pr.state)]
    if "base" in ctx.query:
        prs = [pr for pr in prs if pr.base == ctx.query["base"]]
    if "head" in ctx.query:
        user, _, ref = ctx.query["head"].rpartition(":")
        prs = [pr for pr in prs if pr.head == ref and (not user or user == model.owner)]
    sort = ctx.query.get("sort", "created")
    keys = {
        "created": lambda pr: (pr.created_at, pr.number),
        "updated": lambda pr: (pr.updated_at, pr.number),
        "popularity": lambda pr: (len(pr.comments), pr.number),
        "long-running": lambda pr: (-pr.created_at, pr.number),
    }
    if sort not in keys:
        raise invalid("PullRequest", "sort")
    default = "desc" if sort == "created" else "asc"
    descending = ctx.query.get("direction", default) == "desc"
    prs.sort(key=keys[sort], reverse=descending)
    return ctx.page(prs, lambda pr: shapes.pull(ctx.urls, model, pr, full=False))


@route("GET", "/repos/{owner}/{repo}/pulls/{pull_number}")
def get_pull(ctx: Ctx, owner: str, repo: str, pull_number: str) -> Reply:
    """GET one PR."""
    model = ctx.repository(owner, repo)
    return Reply(shapes.pull(ctx.urls, model, ctx.pull(model, pull_number)))


@route("POST", "/repos/{owner}/{repo}/pulls")
def create_pull(ctx: Ctx, owner: str, repo: str) -> Reply:
    """Open a PR from a branch of the repository."""
    require_token(ctx)
    model = ctx.repository(owner, repo)
    data = ctx.object()
    for key in ("head", "base"):
        if not isinstance(data.get(key), str):
            raise invalid("PullRequest", key, "missing_field")
    head = data["head"].rpartition(":")[2]
    if model.branch_head(data["base"]) is None:
        raise invalid("PullRequest", "base")
    if model.branch_head(head) is None:
        raise invalid("PullRequest", "head")
    if not isinstance(data.get("title"), str) or not data["title"]:
        raise invalid("PullRequest", "title", "missing_field")
    for pr in model.pulls.values():
        if pr.state == "open" and pr.head == head and pr.base == data["base"]:
            raise ApiError(
                422,
                "Validation Failed",
                errors=[
                    {
                        "resource": "PullRequest",
                        "code": "custom",
                        "message": f"A pull request already exists for {model.owner}:{head}.",
                    }
                ],
            )
    pr = model.add_pull(
        title=data["title"],
        body=data.get("body"),
        author=ctx.state.viewer,
        base=data["base"],
        head=head,
        base_sha=model.branches[data["base"]],
        head_sha=model.branches[head],
        draft=bool(data.get("draft", False)),
    )
    return Reply(shapes.pull(ctx.urls, model, pr), status=201)


@route("PATCH", "/repos/{owner}/{repo}/pulls/{pull_number}")
def update_pull(ctx: Ctx, owner: str, repo: str, pull_number: str) -> Reply:
    """Edit a PR's title, body, state or base."""
    require_token(ctx)
    model = ctx.repository(owner, repo)
    pr = ctx.pull(model, pull_number)
    data = ctx.object()
    if data.get("state") not in (None, "open", "closed") or (pr.merged and "state" in data):
        raise invalid("PullRequest", "state")
    if "base" in data and data["base"] not in model.branches:
        raise invalid("PullRequest", "base")
    pr.title = data.get("title", pr.title)
    pr.body = data.get("body", pr.body)
    pr.base = data.get("base", pr.base)
    if data.get("state") and data["state"] != pr.state:
        pr.state = data["state"]
        pr.closed_at = _now() if pr.state == "closed" else None
    pr.updated_at = _now()
    return Reply(shapes.pull(ctx.urls, model, pr))


# -- issues: labels and comments ------------------------------------------------------------


@route("GET", "/repos/{owner}/{repo}/issues/{issue_number}")
def get_issue(ctx: Ctx, owner: str, repo: str, issue_number: str) -> Reply:
    """GET the issue side of a PR."""
    model = ctx.repository(owner, repo)
    return Reply(shapes.issue(ctx.urls, model, ctx.pull(model, issue_number)))


def _issue_labels(ctx: Ctx, model: Repository, pr: PullRequest) -> Reply:
    """The labels of an issue, as a page."""
    return ctx.page(pr.labels, lambda name: shapes.label(ctx.urls, model, model.label(name)))


@route("GET", "/repos/{owner}/{repo}/issues/{issue_number}/labels")
def list_issue_labels(ctx: Ctx, owner: str, repo: str, issue_number: str) -> Reply:
    """List the labels of a PR."""
    model = ctx.repository(owner, repo)
    return _issue_labels(ctx, model, ctx.pull(model, issue_number))


def _label_names(ctx: Ctx) -> list[str]:
    """Label names from ``["a", ...]``, ``{"labels": [...]}`` or ``[{"name": "a"}, ...]``."""
    data = ctx.json()
    if isinstance(data, dict):
        data = data.get("labels")
    if not isinstance(data, list):
        raise invalid("Label", "labels", "missing_field")
    names = []
    for item in data:
        name = item.get("name") if isinstance(item, dict) else item
        if not isinstance(name, str) or not name:
            raise invalid("Label", "name")
        names.append(name)
    return names


def _set_labels(ctx: Ctx, owner: str, repo: str, number: str, replace: bool) -> Reply:
    """Add labels to a PR (creating unknown ones, as GitHub does), or replace them."""
    require_token(ctx)
    model = ctx.repository(owner, repo)
    pr = ctx.pull(model, number)
    names = [] if replace else list(pr.labels)
    for name in _label_names(ctx):
        label = model.label(name)
        if label.name not in names:
            names.append(label.name)
    pr.labels = names
    pr.updated_at = _now()
    return Reply([shapes.label(ctx.urls, model, model.label(name)) for name in names])


@route("POST", "/repos/{owner}/{repo}/issues/{issue_number}/labels")
def add_issue_labels(ctx: Ctx, owner: str, repo: str, issue_number: str) -> Reply:
    """Add labels to a PR."""
    return _set_labels(ctx, owner, repo, issue_number, replace=False)


@route("PUT", "/repos/{owner}/{repo}/issues/{issue_number}/labels")
def set_issue_labels(ctx: Ctx, owner: str, repo: str, issue_number: str) -> Reply:
    """Replace the labels of a PR."""
    return _set_labels(ctx, owner, repo, issue_number, replace=True)


@route("DELETE", "/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}")
def remove_issue_label(ctx: Ctx, owner: str, repo: str, issue_number: str, name: str) -> Reply:
    """Remove one label from a PR; 404 ``Label does not exist`` when it is not there."""
    require_token(ctx)
    model = ctx.repository(owner, repo)
    pr = ctx.pull(model, issue_number)
    kept = [n for n in pr.labels if n.lower() != name.lower()]
    if len(kept) == len(pr.labels):
        raise ApiError(404, "Label does not exist")
    pr.labels = kept
    pr.updated_at = _now()
    return Reply([shapes.label(ctx.urls, model, model.label(n)) for n in kept])


@route("GET", "/repos/{owner}/{repo}/issues/{issue_number}/comments")
def list_comments(ctx: Ctx, owner: str, repo: str, issue_number: str) -> Reply:
    """List the comments of a PR, oldest first."""
    model = ctx.repository(owner, repo)
    pr = ctx.pull(model, issue_number)
    return ctx.page(pr.comments, lambda c: shapes.comment(ctx.urls, model, pr, c))


@route("POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments")
def create_comment(ctx: Ctx, owner: str, repo: str, issue_number: str) -> Reply:
    """Comment on a PR."""
    require_token(ctx)
    model = ctx.repository(owner, repo)
    pr = ctx.pull(model, issue_number)
    body = ctx.object().get("body")
    if not isinstance(body, str) or not body:
        raise invalid("IssueComment", "body", "missing_field")
    now = _now()
    item = Comment(model.next_id(), body, ctx.state.viewer, now, now)
    pr.comments.append(item)
    pr.updated_at = now
    return Reply(shapes.comment(ctx.urls, model, pr, item), status=201)


@route("GET", "/repos/{owner}/{repo}/labels")
def list_labels(ctx: Ctx, owner: str, repo: str) -> Reply:
    """List the repository's labels."""
    model = ctx.repository(owner, repo)
    return ctx.page(list(model.labels.values()), lambda x: shapes.label(ctx.urls, model, x))


@route("GET", "/repos/{owner}/{repo}/labels/{name}")
def get_label(ctx: Ctx, owner: str, repo: str, name: str) -> Reply:
    """GET one label by name."""
    model = ctx.repository(owner, repo)
    found = model.labels.get(name.lower())
    if found is None:
        raise not_found()
    return Reply(shapes.label(ctx.urls, model, found))


@route("POST", "/repos/{owner}/{repo}/labels")
def create_label(ctx: Ctx, owner: str, repo: str) -> Reply:
    """Create a label; 422 ``already_exists`` for a name in use."""
    require_token(ctx)
    model = ctx.repository(owner, repo)
    data = ctx.object()
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise invalid("Label", "name", "missing_field")
    if name.lower() in model.labels:
        raise invalid("Label", "name", "already_exists")
    color = str(data.get("color", "ededed")).lstrip("#")
    item = model.label(name, color, data.get("description"))
    return Reply(shapes.label(ctx.urls, model, item), status=201)


# -- releases and assets ------------------------------------------------------------------


@route("GET", "/repos/{owner}/{repo}/releases")
def list_releases(ctx: Ctx, owner: str, repo: str) -> Reply:
    """List releases, newest first; drafts only for a caller with a token."""
    model = ctx.repository(owner, repo)
    items = [r for r in model.releases.values() if ctx.authenticated or not r.draft]
    items.sort(key=lambda r: (r.created_at, r.id), reverse=True)
    return ctx.page(items, lambda r: shapes.release(ctx.urls, model, r))


@route("GET", "/repos/{owner}/{repo}/releases/latest")
def latest_release(ctx: Ctx, owner: str, repo: str) -> Reply:
    """The latest published full release."""
    model = ctx.repository(owner, repo)
    items = [r for r in model.releases.values() if not r.draft and not r.prerelease]
    if not items:
        raise not_found()
    found = max(items, key=lambda r: (r.published_at or 0, r.id))
    return Reply(shapes.release(ctx.urls, model, found))


@route("GET", "/repos/{owner}/{repo}/releases/tags/{tag}")
def release_by_tag(ctx: Ctx, owner: str, repo: str, tag: str) -> Reply:
    """The published release of a tag (drafts are not found, as on GitHub)."""
    model = ctx.repository(owner, repo)
    for item in model.releases.values():
        if item.tag_name == tag and not item.draft:
            return Reply(shapes.release(ctx.urls, model, item))
    raise not_found()


@route("GET", "/repos/{owner}/{repo}/releases/{release_id}")
def get_release(ctx: Ctx, owner: str, repo: str, release_id: str) -> Reply:
    """GET a release by id."""
    model = ctx.repository(owner, repo)
    return Reply(shapes.release(ctx.urls, model, ctx.release(model, release_id)))


def _release_fields(data: dict) -> None:
    """422 unless the release fields that are given have the right types."""
    for key in ("tag_name", "target_commitish", "name", "body"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise invalid("Release", key)
    for key in ("draft", "prerelease"):
        if key in data and not isinstance(data[key], bool):
            raise invalid("Release", key)


def _publish(model: Repository, item: Release) -> None:
    """Publish a release: stamp it and create its tag at the target when it is missing."""
    item.draft = False
    item.published_at = _now()
    if item.tag_name not in model.tags:
        target = model.resolve(item.target_commitish) or model.branches.get(model.default_branch)
        if target:
            model.tags[item.tag_name] = target


@route("POST", "/repos/{owner}/{repo}/releases")
def create_release(ctx: Ctx, owner: str, repo: str) -> Reply:
    """Create a release, draft or published; 422 ``already_exists`` for a tag in use."""
    require_token(ctx)
    model = ctx.repository(owner, repo)
    data = ctx.object()
    _release_fields(data)
    tag = data.get("tag_name")
    if not tag:
        raise invalid("Release", "tag_name", "missing_field")
    if any(r.tag_name == tag for r in model.releases.values()):
        raise invalid("Release", "tag_name", "already_exists")
    item = Release(
        id=model.next_id(),
        tag_name=tag,
        target_commitish=data.get("target_commitish") or model.default_branch,
        name=data.get("name"),
        body=data.get("body"),
        draft=bool(data.get("draft", False)),
        prerelease=bool(data.get("prerelease", False)),
        author=ctx.state.viewer,
        created_at=_now(),
        api_prefix=ctx.urls.api[len(ctx.urls.web) :],
    )
    if not item.draft:
        _publish(model, item)
    model.releases[item.id] = item
    return Reply(shapes.release(ctx.urls, model, item), status=201)


@route("PATCH", "/repos/{owner}/{repo}/releases/{release_id}")
def update_release(ctx: Ctx, owner: str, repo: str, release_id: str) -> Reply:
    """Edit a release; ``draft: false`` publishes it."""
    require_token(ctx)
    model = ctx.repository(owner, repo)
    item = ctx.release(model, release_id)
    data = ctx.object()
    _release_fields(data)
    tag = data.get("tag_name")
    if tag and any(r.tag_name == tag and r is not item for r in model.releases.values()):
        raise invalid("Release", "tag_name", "already_exists")
    for key in ("tag_name", "target_commitish", "name", "body", "prerelease"):
        if data.get(key) is not None:
            setattr(item, key, data[key])
    if data.get("draft") is False and item.draft:
        _publish(model, item)
    elif data.get("draft") is True:
        item.draft, item.published_at = True, None
    return Reply(shapes.release(ctx.urls, model, item))


@route("DELETE", "/repos/{owner}/{repo}/releases/{release_id}")
def delete_release(ctx: Ctx, owner: str, repo: str, release_id: str) -> Reply:
    """Delete a release (its tag stays)."""
    require_token(ctx)
    model = ctx.repository(owner, repo)
    del model.releases[ctx.release(model, release_id).id]
    return Reply(None, status=204)


@route("GET", "/repos/{owner}/{repo}/releases/{release_id}/assets")
def list_assets(ctx: Ctx, owner: str, repo: str, release_id: str) -> Reply:
    """List the assets of a release."""
    model = ctx.repository(owner, repo)
    item = ctx.release(model, release_id)
    return ctx.page(item.assets, lambda a: shapes.asset(ctx.urls, model, item, a))


def _find_asset(ctx: Ctx, model: Repository, asset_id: str) -> tuple[Release, Asset]:
    """The asset of the path and its release; 404 when there is none."""
    for item in model.releases.values():
        for found in item.assets:
            if found.id == int(asset_id) and (ctx.authenticated or not item.draft):
                return item, found
    raise not_found()


@route("GET", "/repos/{owner}/{repo}/releases/assets/{asset_id}")
def get_asset(ctx: Ctx, owner: str, repo: str, asset_id: str) -> Reply:
    """An asset's JSON, or its bytes with ``Accept: application/octet-stream``."""
    model = ctx.repository(owner, repo)
    item, found = _find_asset(ctx, model, asset_id)
    if "application/octet-stream" in ctx.headers.get("Accept", ""):
        found.download_count += 1
        return Reply(found.data, content_type=found.content_type)
    return Reply(shapes.asset(ctx.urls, model, item, found))


@route("DELETE", "/repos/{owner}/{repo}/releases/assets/{asset_id}")
def delete_asset(ctx: Ctx, owner: str, repo: str, asset_id: str) -> Reply:
    """Delete an asset."""
    require_token(ctx)
    model = ctx.repository(owner, repo)
    item, found = _find_asset(ctx, model, asset_id)
    item.assets.remove(found)
    return Reply(None, status=204)


@route("POST", "/repos/{owner}/{repo}/releases/{release_id}/assets", kind="uploads")
def upload_asset(ctx: Ctx, owner: str, repo: str, release_id: str) -> Reply:
    """Upload an asset: raw body, ``name`` (and ``label``) in the query."""
    require_token(ctx)
    model = ctx.repository(owner, repo)
    item = ctx.release(model, release_id)
    ctx.urls = Urls(ctx.urls.web, ctx.urls.web + item.api_prefix)
    name = ctx.query.get("name")
    if not name:
        raise invalid("ReleaseAsset", "name", "missing_field")
    if any(a.name == name for a in item.assets):
        raise invalid("ReleaseAsset", "name", "already_exists")
    found = Asset(
        id=model.next_id(),
        name=name,
        label=ctx.query.get("label") or None,
        content_type=ctx.headers.get("Content-Type") or "application/octet-stream",
        data=ctx.body,
        uploader=ctx.state.viewer,
        created_at=_now(),
    )
    item.assets.append(found)
    return Reply(shapes.asset(ctx.urls, model, item, found), status=201)


@route("GET", "/{owner}/{repo}/releases/download/{tag}/{name}", kind="web")
def download(ctx: Ctx, owner: str, repo: str, tag: str, name: str) -> Reply:
    """An asset's ``browser_download_url``: its bytes."""
    model = ctx.repository(owner, repo)
    for item in model.releases.values():
        if item.tag_name == tag and not item.draft:
            for found in item.assets:
                if found.name == name:
                    found.download_count += 1
                    return Reply(found.data, content_type=found.content_type)
    raise not_found()


# -- tags, statuses, check runs -------------------------------------------------------------


@route("GET", "/repos/{owner}/{repo}/tags")
def list_tags(ctx: Ctx, owner: str, repo: str) -> Reply:
    """List tags, by name in reverse order."""
    model = ctx.repository(owner, repo)
    items = sorted(model.tags.items(), reverse=True)
    return ctx.page(items, lambda t: shapes.tag(ctx.urls, model, *t))


@route("POST", "/repos/{owner}/{repo}/statuses/{sha}")
def create_status(ctx: Ctx, owner: str, repo: str, sha: str) -> Reply:
    """Set a commit status (state: error, failure, pending or success)."""
    require_token(ctx)
    model = ctx.repository(owner, repo)
    commit = _commit(model, sha)
    data = ctx.object()
    if data.get("state") not in ("error", "failure", "pending", "success"):
        raise invalid("Status", "state", "custom", message="state is not included in the list")
    item = Status(
        id=model.next_id(),
        sha=commit,
        state=data["state"],
        context=data.get("context") or "default",
        description=data.get("description"),
        target_url=data.get("target_url"),
        creator=ctx.state.viewer,
        created_at=_now(),
    )
    model.statuses.append(item)
    return Reply(shapes.status(ctx.urls, model, item), status=201)


def _commit(model: Repository, ref: str) -> str:
    """The commit hash of a ref in a path; 422 as GitHub when there is none."""
    info = model.commit(ref)
    if info is None:
        raise ApiError(422, f"No commit found for SHA: {ref}")
    return info.sha


@route("GET", "/repos/{owner}/{repo}/commits/{ref}/status")
def combined_status(ctx: Ctx, owner: str, repo: str, ref: str) -> Reply:
    """The combined status of a ref: the latest status of each context."""
    model = ctx.repository(owner, repo)
    sha = _commit(model, ref)
    latest: dict[str, Status] = {}
    for item in model.statuses:
        if item.sha == sha:
            latest[item.context] = item
    statuses = sorted(latest.values(), key=lambda s: s.id)
    page = ctx.page(statuses, lambda s: s)
    return Reply(shapes.combined_status(ctx.urls, model, sha, page.body), headers=page.headers)


@route("GET", "/repos/{owner}/{repo}/commits/{ref}/statuses")
@route("GET", "/repos/{owner}/{repo}/statuses/{ref}")
def list_statuses(ctx: Ctx, owner: str, repo: str, ref: str) -> Reply:
    """Every status of a ref, newest first."""
    model = ctx.repository(owner, repo)
    sha = _commit(model, ref)
    items = sorted((s for s in model.statuses if s.sha == sha), key=lambda s: -s.id)
    return ctx.page(items, lambda s: shapes.status(ctx.urls, model, s))


@route("GET", "/repos/{owner}/{repo}/commits/{ref}/check-runs")
def list_check_runs(ctx: Ctx, owner: str, repo: str, ref: str) -> Reply:
    """The check runs of a ref (filters: ``check_name``, ``status``)."""
    model = ctx.repository(owner, repo)
    sha = _commit(model, ref)
    runs = [r for r in model.check_runs if r.head_sha == sha]
    if "check_name" in ctx.query:
        runs = [r for r in runs if r.name == ctx.query["check_name"]]
    if "status" in ctx.query:
        runs = [r for r in runs if r.status == ctx.query["status"]]
    runs.sort(key=lambda r: -r.id)
    return ctx.page(
        runs,
        lambda r: shapes.check_run(ctx.urls, model, r),
        wrap=lambda chunk, total: {"total_count": total, "check_runs": chunk},
    )


@route("GET", "/repos/{owner}/{repo}/commits/{ref}")
def get_commit(ctx: Ctx, owner: str, repo: str, ref: str) -> Reply:
    """GET a commit (registered after the ``/commits/{ref}/...`` routes it would swallow)."""
    model = ctx.repository(owner, repo)
    info = model.commit(ref)
    if info is None:
        raise ApiError(422, f"No commit found for SHA: {ref}")
    return Reply(shapes.commit(ctx.urls, model, info))


# -- milestones ---------------------------------------------------------------------------


@route("GET", "/repos/{owner}/{repo}/milestones")
def list_milestones(ctx: Ctx, owner: str, repo: str) -> Reply:
    """List milestones: state (open), sort (due_on), direction (asc)."""
    model = ctx.repository(owner, repo)
    state = ctx.query.get("state", "open")
    items = [m for m in model.milestones.values() if state in ("all", m.state)]
    if ctx.query.get("sort", "due_on") == "completeness":
        items.sort(key=lambda m: m.number)
    else:
        items.sort(key=lambda m: (m.due_on is None, m.due_on or 0, m.number))
    if ctx.query.get("direction", "asc") == "desc":
        items.reverse()
    return ctx.page(items, lambda m: shapes.milestone(ctx.urls, model, m))


@route("GET", "/repos/{owner}/{repo}/milestones/{milestone_number}")
def get_milestone(ctx: Ctx, owner: str, repo: str, milestone_number: str) -> Reply:
    """GET one milestone by number."""
    model = ctx.repository(owner, repo)
    found = model.milestones.get(int(milestone_number))
    if found is None:
        raise not_found()
    return Reply(shapes.milestone(ctx.urls, model, found))


@route("POST", "/repos/{owner}/{repo}/milestones")
def create_milestone(ctx: Ctx, owner: str, repo: str) -> Reply:
    """Create a milestone; 422 ``already_exists`` for a title in use."""
    require_token(ctx)
    model = ctx.repository(owner, repo)
    data = ctx.object()
    title = data.get("title")
    if not isinstance(title, str) or not title:
        raise invalid("Milestone", "title", "missing_field")
    if any(m.title == title for m in model.milestones.values()):
        raise invalid("Milestone", "title", "already_exists")
    if data.get("state", "open") not in ("open", "closed"):
        raise invalid("Milestone", "state")
    try:
        due_on = parse_time(data.get("due_on"), "due_on")
    except InputError:
        raise invalid("Milestone", "due_on") from None
    now = _now()
    item = Milestone(
        number=max(model.milestones, default=0) + 1,
        id=model.next_id(),
        title=title,
        state=data.get("state", "open"),
        description=data.get("description"),
        due_on=due_on,
        creator=ctx.state.viewer,
        created_at=now,
        updated_at=now,
        closed_at=now if data.get("state") == "closed" else None,
    )
    model.milestones[item.number] = item
    return Reply(shapes.milestone(ctx.urls, model, item), status=201)
