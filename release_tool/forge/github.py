"""GitHub through PyGithub: PR metadata in bulk over GraphQL, writes over REST.

Reads of many PRs use aliased ``pullRequest(number:)`` fields, 50 to a
query, so N PRs cost ceil(N/50) requests; a cache makes a second run cost
one request (what changed since the last sync). Every request goes through
:meth:`GitHubForge._send`, which waits out rate limits (up to a bound),
retries 5xx answers and dropped connections with exponential backoff, and
turns the rest into one clear :class:`ForgeError`. The token is never put in
a message.
"""

from __future__ import annotations

import email.utils
import json
import logging
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import github
from github import Auth, Github, GithubException

from ..sanitize import for_file
from ..secrets import redact
from .base import CommentInfo, FetchResult, Forge, ForgeError, PrInfo, ReleaseInfo
from .cache import PrCache
from .urls import check_api_url, without_credentials

log = logging.getLogger(__name__)

DEFAULT_URL = "https://api.github.com"
BATCH = 50

PR_FIELDS = """
fragment PrFields on PullRequest {
  number title body url state merged mergedAt updatedAt baseRefName headRefName
  mergeCommit { oid }
  author { login }
  labels(first: 100) { nodes { name } }
}
"""

CHANGED_QUERY = """
query($owner: String!, $name: String!, $after: String) {
  repository(owner: $owner, name: $name) {
    pullRequests(first: 100, after: $after, orderBy: {field: UPDATED_AT, direction: DESC}) {
      nodes { number updatedAt }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""


def batch_query(numbers: list[int]) -> str:
    """One GraphQL document asking for the PRs ``numbers`` as aliased fields."""
    fields = "\n".join(f"    pr{n}: pullRequest(number: {n}) {{ ...PrFields }}" for n in numbers)
    return (
        "query($owner: String!, $name: String!) {\n"
        "  repository(owner: $owner, name: $name) {\n"
        f"{fields}\n"
        "  }\n"
        "}\n" + PR_FIELDS
    )


@dataclass
class GitHubSettings:
    """How to reach one GitHub repository."""

    slug: str
    base_url: str = DEFAULT_URL
    token: str | None = field(default=None, repr=False)
    token_source: str = "GITHUB_TOKEN"
    cache_dir: Path | None = None
    max_wait: float = 900.0  # longest rate-limit wait, seconds
    retries: int = 4  # attempts after the first, for 5xx and dropped connections
    backoff: float = 1.0  # first backoff, doubled each retry
    timeout: int = 30
    progress: Callable[[str], None] | None = None
    sleep: Callable[[float], None] = time.sleep


class GitHubForge(Forge):
    """GitHub (or GitHub Enterprise, or the local emulator) through PyGithub."""

    name = "GitHub"

    def __init__(self, settings: GitHubSettings) -> None:
        """Build the PyGithub client for ``settings.base_url``; no request is sent yet."""
        settings.base_url = check_api_url(settings.base_url)  # never with credentials
        self.settings = settings
        self.owner, self.repo_name = settings.slug.split("/", 1)
        auth = Auth.Token(settings.token) if settings.token else None
        self._gh = Github(
            base_url=settings.base_url.rstrip("/"),
            auth=auth,
            timeout=settings.timeout,
            retry=None,  # retries are ours: bounded, logged, rate-limit aware
            seconds_between_requests=None,
            seconds_between_writes=None,
            lazy=True,  # no request until one is needed
        )
        self.requests = 0
        self._anonymous_said = False
        self._listings: dict[tuple[str | None, str | None, str], list[PrInfo]] = {}

    # -- transport --------------------------------------------------------------

    def _send(self, verb: str, url: str, payload: dict | None = None) -> tuple[int, dict, object]:
        """One request with waiting, retries and error mapping; ``(status, headers, json)``.

        2xx and 404 are returned; everything else that persists is a ForgeError.
        """
        settings = self.settings
        if settings.token is None and not self._anonymous_said:
            log.warning(
                "no token (%s or GH_TOKEN): asking GitHub anonymously, with its lower rate limit",
                settings.token_source,
            )
            self._anonymous_said = True
        failures = 0
        while True:
            self.requests += 1
            try:
                status, headers, body = self._gh.requester.requestJson(verb, url, input=payload)
            except Exception as exc:
                if not _is_connection_error(exc):
                    raise
                unreachable = _unreachable(exc)
                if unreachable is not None:  # no retry helps: say so at once
                    raise ForgeError(
                        f"cannot reach GitHub at {settings.base_url}: {unreachable}",
                        hint="check --github-url and the network",
                    ) from None
                failures += 1
                if failures > settings.retries:
                    raise ForgeError(
                        f"cannot reach GitHub at {settings.base_url}: "
                        f"{redact(type(exc).__name__)} after {failures} attempts"
                    ) from None
                self._pause(settings.backoff * 2 ** (failures - 1), "connection dropped")
                continue
            headers = {k.lower(): v for k, v in headers.items()}
            data = _json(body)
            if 200 <= status < 300 or status in (304, 404):
                return status, headers, data
            if status == 401:
                raise ForgeError(
                    f"GitHub rejected the token from {settings.token_source} (401 Bad credentials)"
                    if settings.token
                    else "GitHub requires a token here (401): set GITHUB_TOKEN or GH_TOKEN"
                )
            wait = _rate_limit_wait(status, headers, data)
            if wait is not None:
                self._wait_rate_limit(wait)
                continue
            if status >= 500:
                failures += 1
                if failures > settings.retries:
                    raise ForgeError(
                        f"GitHub answered {status} to {verb} {_path(url)} "
                        f"{failures} times; try again later"
                    )
                self._pause(settings.backoff * 2 ** (failures - 1), f"GitHub answered {status}")
                continue
            message = data.get("message") if isinstance(data, dict) else None
            raise ForgeError(f"GitHub answered {status} to {verb} {_path(url)}: {message}")

    def _pause(self, seconds: float, why: str) -> None:
        """Sleep before a retry, saying why."""
        log.warning("%s; retrying in %.1fs", why, seconds)
        self.settings.sleep(seconds)

    def _wait_rate_limit(self, seconds: float) -> None:
        """Wait out a rate limit, or stop when that would take longer than allowed."""
        until = datetime.now(timezone.utc).timestamp() + seconds
        when = datetime.fromtimestamp(until, tz=timezone.utc).strftime("%H:%M:%S UTC")
        if seconds > self.settings.max_wait:
            raise ForgeError(
                f"GitHub's rate limit is exhausted until {when}, longer than the "
                f"{self.settings.max_wait:.0f}s this run may wait; try again then"
            )
        message = f"GitHub rate limit reached: waiting until {when} ({seconds:.0f}s)"
        log.warning(message)
        if self.settings.progress:
            self.settings.progress(message)
        self.settings.sleep(seconds)

    def _graphql(self, query: str, variables: dict) -> tuple[dict, list[dict], dict]:
        """Send a GraphQL document; ``(data, errors, headers)``.

        GitHub answers an exhausted GraphQL rate limit with HTTP 200 and a
        ``RATE_LIMIT`` error: that is waited out like the REST one.
        """
        variables = {"owner": self.owner, "name": self.repo_name, **variables}
        payload = {"query": query, "variables": variables}
        while True:
            status, headers, body = self._send("POST", self._gh.requester.graphql_url, payload)
            if status == 404 or not isinstance(body, dict):
                raise ForgeError(f"no GraphQL API at {self.settings.base_url} (status {status})")
            errors = body.get("errors") or []
            if any(e.get("type") in ("RATE_LIMIT", "RATE_LIMITED") for e in errors):
                limited = dict(headers, **{"x-ratelimit-remaining": "0"})
                wait = _rate_limit_wait(403, limited, {"message": "rate limit"})
                self._wait_rate_limit(wait if wait is not None else 60.0)
                continue
            break
        data = body.get("data") or {}
        if data.get("repository") is None:
            if any(e.get("type") == "NOT_FOUND" for e in errors) or "repository" in data:
                raise ForgeError(
                    f"repository {self.settings.slug} not found on {self.settings.base_url} "
                    "(or the token cannot see it)"
                )
            if errors:
                raise ForgeError(f"GitHub GraphQL error: {errors[0].get('message')}")
        return data, errors, headers

    # -- reading PRs -------------------------------------------------------------

    def fetch_prs(self, numbers: Iterable[int]) -> FetchResult:
        """Metadata of ``numbers``: cached ones checked in one request, the rest in batches."""
        wanted = sorted(set(numbers))
        start_requests = self.requests
        cache = self._cache()
        try:
            cached = cache.get(wanted) if cache else {}
            absent = cache.missing(wanted) if cache else set()
            mark = cache.meta("mark") if cache else None
            stale: set[int] = set()
            new_mark = None
            anonymous = self.settings.token is None  # GraphQL needs a token: REST listing
            if cached or absent:
                scan = self._changed_since_rest if anonymous else self._changed_since
                changed, new_mark = scan(mark, set(cached) | absent)
                stale = changed & (set(cached) | absent)
            known = (set(cached) | absent) - stale
            to_fetch = [n for n in wanted if n not in known]
            fetch = self._fetch_listing if anonymous else self._fetch_batches
            fetched, missing, fetch_mark = fetch(to_fetch)
            new_mark = new_mark or fetch_mark
            missing = sorted(set(missing) | (absent - stale))
            if cache:
                cache.put(fetched.values())
                cache.set_missing(fetched, missing)
                if new_mark and (mark is None or not cached or new_mark > mark):
                    cache.set_meta("mark", new_mark)
                where = without_credentials(self.settings.base_url)
                cache.set_meta("repository", f"{where} {self.settings.slug}")
            prs = {n: cached[n] for n in cached if n not in stale} | fetched
            return FetchResult(
                prs={n: prs[n] for n in wanted if n in prs},
                missing=missing,
                requests=self.requests - start_requests,
                from_cache=len(cached) - len(stale),
            )
        finally:
            if cache:
                cache.close()

    def _cache(self) -> PrCache | None:
        """The PR cache of this repository, when a cache directory is set."""
        if self.settings.cache_dir is None:
            return None
        from .cache import cache_file

        return PrCache(cache_file(self.settings.cache_dir, self.settings.slug))

    def _changed_since(self, mark: str | None, cached: set[int]) -> tuple[set[int], str | None]:
        """PR numbers updated after ``mark`` (newest first until older than it), and a new mark."""
        changed: set[int] = set()
        after = None
        new_mark = None
        for _ in range(1000):  # bounded: 100,000 PRs
            data, _, headers = self._graphql(CHANGED_QUERY, {"after": after})
            new_mark = new_mark or _server_time(headers)
            page = data["repository"]["pullRequests"]
            older = False
            for node in page["nodes"]:
                if mark is not None and node["updatedAt"] <= mark:
                    older = True
                    break
                changed.add(node["number"])
            if mark is None:  # no mark: every cached PR is suspect, refetch them
                return set(cached), new_mark
            if older or not page["pageInfo"]["hasNextPage"]:
                return changed, new_mark
            after = page["pageInfo"]["endCursor"]
        return changed, new_mark

    def _fetch_batches(self, numbers: list[int]) -> tuple[dict[int, PrInfo], list[int], str | None]:
        """Fetch PRs 50 at a time; ``(found, missing, server time of the first answer)``."""
        found: dict[int, PrInfo] = {}
        missing: list[int] = []
        mark = None
        batches = [numbers[i : i + BATCH] for i in range(0, len(numbers), BATCH)]
        for k, batch in enumerate(batches, start=1):
            if self.settings.progress and len(batches) > 3:
                self.settings.progress(f"fetching PRs from GitHub: batch {k}/{len(batches)}")
            data, _, headers = self._graphql(batch_query(batch), {})
            mark = mark or _server_time(headers)
            repository = data["repository"]
            for number in batch:
                node = repository.get(f"pr{number}")
                if node is None:
                    missing.append(number)
                else:
                    found[number] = _pr_from_node(node)
        return found, missing, mark

    def _listing(self) -> Iterable[tuple[list[dict], dict]]:
        """Pages of every PR, most recently updated first, over REST (works without a token)."""
        url = (
            f"{self._gh.requester.base_url}/repos/{self.settings.slug}/pulls"
            "?state=all&sort=updated&direction=desc&per_page=100"
        )
        for _ in range(10_000):  # bounded: a million PRs
            status, headers, page = self._send("GET", url)
            if status == 404:
                raise ForgeError(
                    f"repository {self.settings.slug} not found on {self.settings.base_url} "
                    "(or it is private: set GITHUB_TOKEN)"
                )
            yield page or [], headers
            url = _next_link(headers.get("link", ""))
            if url is None:
                return

    def _fetch_listing(self, numbers: list[int]) -> tuple[dict[int, PrInfo], list[int], str | None]:
        """Without a token: walk the PR listing until every wanted PR is found."""
        wanted = set(numbers)
        found: dict[int, PrInfo] = {}
        mark = None
        if not wanted:
            return found, [], None
        for page, headers in self._listing():
            mark = mark or _server_time(headers)
            for item in page:
                if item["number"] in wanted:
                    found[item["number"]] = _pr_from_json(item)
            if len(found) == len(wanted):
                break
        return found, sorted(wanted - set(found)), mark

    def _changed_since_rest(
        self, mark: str | None, cached: set[int]
    ) -> tuple[set[int], str | None]:
        """:meth:`_changed_since` over the REST listing, for runs without a token."""
        if mark is None:
            return set(cached), None
        changed: set[int] = set()
        new_mark = None
        for page, headers in self._listing():
            new_mark = new_mark or _server_time(headers)
            for item in page:
                if item["updated_at"] <= mark:
                    return changed, new_mark
                changed.add(item["number"])
        return changed, new_mark

    def batches_for(self, count: int) -> int:
        """How many batch requests ``count`` uncached PRs take."""
        return math.ceil(count / BATCH)

    # -- REST: pulls, releases, statuses, comments -------------------------------

    def _repo(self):
        """The PyGithub repository object (lazy: no request until used)."""
        return self._gh.get_repo(self.settings.slug)

    def _call(self, what: str, action: Callable[[], object], *, idempotent: bool = True) -> object:
        """Run a PyGithub call, turning its exceptions into one clear ForgeError.

        5xx answers and dropped connections are retried only for ``idempotent``
        calls; a creation is reported instead, for the caller to check.
        """
        failures = 0
        while True:
            self.requests += 1
            try:
                return action()
            except GithubException as exc:
                status = exc.status
                if status == 401:
                    raise ForgeError(
                        f"GitHub rejected the token from {self.settings.token_source} "
                        f"(401 Bad credentials) while trying to {what}"
                    ) from None
                if status == 404:
                    raise ForgeError(
                        f"not found on GitHub while trying to {what} in {self.settings.slug}"
                    ) from None
                headers = {k.lower(): v for k, v in (exc.headers or {}).items()}
                wait = _rate_limit_wait(status, headers, exc.data)
                if wait is not None:
                    self._wait_rate_limit(wait)
                    continue
                retry = idempotent and failures < self.settings.retries
                if status is not None and status >= 500 and retry:
                    failures += 1
                    self._pause(self.settings.backoff * 2 ** (failures - 1), f"GitHub {status}")
                    continue
                message = exc.data.get("message") if isinstance(exc.data, dict) else exc.data
                raise ForgeError(
                    f"GitHub answered {status} while trying to {what}: {message}"
                ) from None
            except Exception as exc:
                if (
                    not _is_connection_error(exc)
                    or not idempotent
                    or failures >= self.settings.retries
                ):
                    raise ForgeError(
                        f"cannot reach GitHub while trying to {what}: {type(exc).__name__}"
                    ) from None
                failures += 1
                self._pause(self.settings.backoff * 2 ** (failures - 1), "connection dropped")

    def open_prs(self, branch: str) -> list[PrInfo]:
        """The open PRs into ``branch``."""
        return self.list_prs(base=branch)

    def list_prs(
        self, *, base: str | None = None, head: str | None = None, state: str = "open"
    ) -> list[PrInfo]:
        """PRs by base and/or head, 100 to a request; kept for the run until a write.

        ``head`` is a branch of this repository (GitHub filters on ``owner:branch``).
        """
        key = (base, head, state)
        if key not in self._listings:
            from github.PaginatedList import PaginatedList
            from github.PullRequest import PullRequest

            params: dict[str, object] = {"state": state, "per_page": 100}
            if base is not None:
                params["base"] = base
            if head is not None:
                params["head"] = f"{self.owner}:{head}"
            url = f"/repos/{self.settings.slug}/pulls"
            what = "list PRs" + (f" into {base}" if base else "")
            what += f" from {head}" if head else ""
            pulls = self._call(
                what, lambda: list(PaginatedList(PullRequest, self._gh.requester, url, params))
            )
            self._listings[key] = [_pr_from_rest(p) for p in pulls]
        return list(self._listings[key])

    def find_release(self, tag: str) -> ReleaseInfo | None:
        """The release of ``tag``, drafts included (GitHub's by-tag lookup skips drafts)."""
        releases = self._call("list releases", lambda: list(self._repo().get_releases()))
        for release in releases:
            if release.tag_name == tag:
                return _release_info(release)
        return None

    def release_bodies(self, tags: Iterable[str]) -> dict[str, str]:
        """The bodies of the published releases of ``tags``, from one listing of releases."""
        wanted = set(tags)
        releases = self._call("list releases", lambda: list(self._repo().get_releases()))
        return {r.tag_name: r.body or "" for r in releases if r.tag_name in wanted and not r.draft}

    def _release(self, release_id: int):
        """The PyGithub release object of ``release_id``.

        A release just created can answer 404 for a moment (GitHub's replicas
        catch up): that is retried a few times before it is an error.
        """
        for attempt in range(self.settings.retries + 1):
            try:
                return self._call(
                    "read a release", lambda: _loaded(self._repo().get_release(release_id))
                )
            except ForgeError as exc:
                if "not found" not in exc.message or attempt == self.settings.retries:
                    raise ForgeError(
                        f"{exc.message}; the release may still appear",
                        hint="run the release again with --resume",
                    ) from None
                self._pause(self.settings.backoff * 2**attempt, "release not visible yet")
        raise AssertionError("unreachable")  # pragma: no cover

    def create_release(
        self, tag: str, name: str, body: str, *, prerelease: bool, noop: bool = False
    ) -> ReleaseInfo | None:
        """Create a draft release of ``tag`` (``noop``: only say so)."""
        if noop:
            log.info("would create a draft release %s on %s", tag, self.settings.slug)
            return None
        created = self._call(
            f"create the release {tag}",
            lambda: self._repo().create_git_release(
                tag, for_file(name), for_file(body), draft=True, prerelease=prerelease
            ),
            idempotent=False,  # a 5xx may hide a release that was made: the caller looks it up
        )
        return _release_info(created)

    def upload_asset(
        self, release: ReleaseInfo, path: Path, *, noop: bool = False
    ) -> ReleaseInfo | None:
        """Attach ``path`` to a release."""
        if noop:
            log.info("would upload %s to release %s", Path(path).name, release.tag)
            return None
        target = self._release(release.id)

        def attempt() -> None:
            try:
                target.upload_asset(str(path))
            except GithubException as exc:
                # A retry after a lost answer finds the asset stored by the first try:
                # the caller checks the existing asset instead of failing on "422".
                if exc.status != 422 or not _already_exists(exc.data):
                    raise
                log.info("%s is already attached to %s: checking it", Path(path).name,
                         release.tag)  # fmt: skip

        self._call(f"upload {Path(path).name}", attempt)
        return _release_info(self._release(release.id))

    def delete_asset(
        self, release: ReleaseInfo, name: str, *, noop: bool = False
    ) -> ReleaseInfo | None:
        """Remove the asset ``name`` of a release."""
        if noop:
            log.info("would delete %s from release %s", name, release.tag)
            return None
        target = self._release(release.id)
        for asset in target.get_assets():
            if asset.name == name:
                self._call(f"delete {name}", asset.delete_asset)
        return _release_info(self._release(release.id))

    def publish_release(self, release: ReleaseInfo, *, noop: bool = False) -> ReleaseInfo | None:
        """Publish a draft release."""
        if noop:
            log.info("would publish release %s", release.tag)
            return None
        target = self._release(release.id)
        updated = self._call(
            f"publish the release {release.tag}",
            lambda: target.update_release(
                name=target.name, message=target.body or "", draft=False,
                prerelease=target.prerelease,
            ),
        )  # fmt: skip
        return _release_info(updated)

    def combined_status(self, sha: str) -> str:
        """The combined status of a commit (``success``, ``pending``, ``failure``, ``error``)."""
        status = self._call(
            f"read the status of {sha[:10]}",
            lambda: self._repo().get_commit(sha).get_combined_status(),
        )
        return status.state

    def comment(self, number: int, body: str, *, noop: bool = False) -> None:
        """Comment on PR ``number`` (not retried on 5xx: the caller reads the comments back)."""
        if noop:
            log.info("would comment on #%d", number)
            return
        self._call(
            f"comment on #{number}",
            lambda: self._issue(number).create_comment(body),
            idempotent=False,
        )

    def comments(self, number: int) -> list[CommentInfo]:
        """The comments of PR ``number``, oldest first (100 to a request)."""
        from github.IssueComment import IssueComment
        from github.PaginatedList import PaginatedList

        url = f"/repos/{self.settings.slug}/issues/{number}/comments"
        found = self._call(
            f"read the comments of #{number}",
            lambda: list(PaginatedList(IssueComment, self._gh.requester, url, {"per_page": 100})),
        )
        return [
            CommentInfo(
                id=c.id,
                body=c.body or "",
                author=c.user.login if c.user else None,
                created_at=_iso(c.created_at),
            )
            for c in found
        ]

    def _issue(self, number: int):
        """The PyGithub issue of PR ``number``, without a request (lazy)."""
        return self._repo().get_issue(number)

    def add_labels(self, number: int, labels: list[str], *, noop: bool = False) -> None:
        """Add ``labels`` to PR ``number``."""
        if noop:
            log.info("would label #%d with %s", number, ", ".join(labels))
            return
        self._listings.clear()
        self._call(f"label #{number}", lambda: self._issue(number).add_to_labels(*labels))

    def remove_label(self, number: int, label: str, *, noop: bool = False) -> None:
        """Remove ``label`` from PR ``number``; a label that is not there is no error."""
        if noop:
            log.info("would remove the label %s from #%d", label, number)
            return
        self._listings.clear()
        from urllib.parse import quote

        url = f"/repos/{self.settings.slug}/issues/{number}/labels/{quote(label, safe='')}"
        status, _, body = self._send("DELETE", url)
        if status == 404:
            message = body.get("message") if isinstance(body, dict) else None
            if message != "Label does not exist":
                raise ForgeError(f"PR #{number} not found on GitHub ({self.settings.slug})")

    def create_pr(
        self, base: str, head: str, title: str, body: str, *, noop: bool = False
    ) -> int | None:
        """Open a PR from ``head`` into ``base``."""
        if noop:
            log.info("would open a PR from %s into %s", head, base)
            return None
        self._listings.clear()
        pull = self._call(
            f"open a PR into {base}",
            lambda: self._repo().create_pull(base=base, head=head, title=title, body=body),
            idempotent=False,  # a lost answer may hide a PR that was made: the caller looks
        )
        return pull.number


# -- helpers --------------------------------------------------------------------


def _already_exists(data: object) -> bool:
    """Whether a 422 answer says the thing already exists (``errors[].code``)."""
    errors = data.get("errors") if isinstance(data, dict) else None
    return any(isinstance(e, dict) and e.get("code") == "already_exists" for e in errors or [])


def _json(body: str) -> object:
    """A response body as JSON (None when empty or not JSON)."""
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return None


def _path(url: str) -> str:
    """The path of a URL, for messages (never its query, which could hold secrets)."""
    from urllib.parse import urlparse

    return urlparse(url).path or url


def _unreachable(exc: BaseException) -> str | None:
    """Why a host cannot be reached at all (unknown name, refused connection), else None.

    Those fail at once: retrying a name that does not resolve or a port where
    nothing listens only makes the user wait.
    """
    import socket

    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, socket.gaierror):
            return "the host name does not resolve"
        if isinstance(current, ConnectionRefusedError):
            return "connection refused"
        todo += [current.__cause__, current.__context__, getattr(current, "reason", None)]
        todo += [arg for arg in getattr(current, "args", ()) if isinstance(arg, BaseException)]
    return None


def _is_connection_error(exc: BaseException) -> bool:
    """Whether an exception is a dropped or refused connection (worth a retry)."""
    import http.client

    import requests
    import urllib3

    kinds = (
        ConnectionError,
        http.client.RemoteDisconnected,
        http.client.IncompleteRead,
        requests.exceptions.ConnectionError,
        requests.exceptions.ChunkedEncodingError,
        requests.exceptions.Timeout,
        urllib3.exceptions.ProtocolError,
    )
    return isinstance(exc, kinds)


def _rate_limit_wait(status: int | None, headers: dict, data: object) -> float | None:
    """Seconds to wait when an answer is a (primary or secondary) rate limit, else None."""
    if status not in (403, 429):
        return None
    message = (data.get("message") or "") if isinstance(data, dict) else ""
    if "retry-after" in headers:
        try:
            return max(float(headers["retry-after"]), 0.0)
        except ValueError:
            return 60.0
    if headers.get("x-ratelimit-remaining") == "0" and "x-ratelimit-reset" in headers:
        reset = float(headers["x-ratelimit-reset"])
        return max(reset - time.time(), 0.0) + 1.0
    if "rate limit" in message.lower():
        return 60.0  # a secondary limit without Retry-After: GitHub asks for a minute
    return None


def _server_time(headers: dict) -> str | None:
    """The response's ``Date`` as an ISO 8601 UTC stamp like GitHub's ``updatedAt``, less 1s."""
    value = headers.get("date")
    if not value:
        return None
    try:
        moment = email.utils.parsedate_to_datetime(value).timestamp() - 1
    except (TypeError, ValueError):
        return None
    return datetime.fromtimestamp(moment, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _pr_from_node(node: dict) -> PrInfo:
    """A PR from a GraphQL ``PullRequest`` node."""
    return PrInfo(
        number=node["number"],
        title=node.get("title") or "",
        body=node.get("body") or "",
        labels=[label["name"] for label in (node.get("labels") or {}).get("nodes") or []],
        author=(node.get("author") or {}).get("login"),
        base=node.get("baseRefName"),
        head=node.get("headRefName"),
        merged_at=node.get("mergedAt"),
        merge_commit=(node.get("mergeCommit") or {}).get("oid"),
        updated_at=node.get("updatedAt"),
        state=node.get("state"),
        url=node.get("url"),
    )


def _loaded(obj):
    """A lazy PyGithub object, fetched now (so that errors happen here, not later)."""
    obj.update()  # one GET: PyGithub's lazy objects load on their first attribute
    return obj


def _next_link(header: str) -> str | None:
    """The ``rel="next"`` URL of an RFC 5988 ``Link`` header."""
    for part in header.split(","):
        url, _, params = part.partition(";")
        if 'rel="next"' in params:
            return url.strip().strip("<>")
    return None


def _pr_from_json(item: dict) -> PrInfo:
    """A PR from a REST pull-request JSON object."""
    return PrInfo(
        number=item["number"],
        title=item.get("title") or "",
        body=item.get("body") or "",
        labels=[label["name"] for label in item.get("labels") or []],
        author=(item.get("user") or {}).get("login"),
        base=(item.get("base") or {}).get("ref"),
        head=(item.get("head") or {}).get("ref"),
        merged_at=item.get("merged_at"),
        merge_commit=item.get("merge_commit_sha"),
        updated_at=item.get("updated_at"),
        state="MERGED" if item.get("merged_at") else (item.get("state") or "").upper() or None,
        url=item.get("html_url"),
        created_at=item.get("created_at"),
    )


def _iso(moment: datetime | None) -> str | None:
    """A PyGithub datetime as GitHub's ISO 8601 form."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _pr_from_rest(pull: github.PullRequest.PullRequest) -> PrInfo:
    """A PR from a PyGithub REST object."""
    return PrInfo(
        number=pull.number,
        title=pull.title or "",
        body=pull.body or "",
        labels=[label.name for label in pull.labels],
        author=pull.user.login if pull.user else None,
        base=pull.base.ref,
        head=pull.head.ref,
        merged_at=_iso(pull.merged_at),
        merge_commit=pull.merge_commit_sha,
        updated_at=_iso(pull.updated_at),
        state=pull.state,
        url=pull.html_url,
        created_at=_iso(pull.created_at),
    )


def _release_info(release: github.GitRelease.GitRelease) -> ReleaseInfo:
    """A release from a PyGithub object."""
    return ReleaseInfo(
        id=release.id,
        tag=release.tag_name,
        name=release.name or release.tag_name,
        draft=release.draft,
        prerelease=release.prerelease,
        url=release.html_url,
        assets={asset.name: asset.size for asset in release.assets},
    )
