"""The emulator's HTTP side: a real server on 127.0.0.1, GitHub's headers, faults and counts.

One :class:`GitHubEmulator` serves one :class:`~release_tool.sandbox.state.State`
under both of GitHub's URL layouts at once:

============  ==============================  ==================================
layout        REST                            GraphQL
============  ==============================  ==================================
github.com    ``http://127.0.0.1:PORT/...``   ``http://127.0.0.1:PORT/graphql``
Enterprise    ``.../api/v3/...``              ``.../api/graphql``
============  ==============================  ==================================

Release assets upload to ``.../api/uploads/repos/{owner}/{repo}/releases/{id}/assets``
(the release's ``upload_url``) and download from their ``browser_download_url``.
Every answer carries GitHub's rate-limit headers; GET answers carry an ``ETag``
and a matching ``If-None-Match`` gets ``304 Not Modified`` (free with a token,
as on GitHub). Any token is accepted and none is needed for reads; the server
records *whether* a request had one, never the token itself.

Control endpoints (not counted, never faulted): ``GET /_sandbox/requests``
(the counts), ``DELETE /_sandbox/requests`` (reset them), ``POST
/_sandbox/faults`` (``{"kind": "fail", "n": 3, "status": 502}``; kinds are
the fault methods below) and ``DELETE /_sandbox/faults``.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import itertools
import json
import logging
import math
import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ..errors import ReleaseToolError
from . import graphql_api, rest
from .shapes import Urls
from .state import Repository, State

log = logging.getLogger(__name__)

KINDS = ("rest", "graphql", "uploads", "web")
GRAPHQL_AUTH_DOCS = (
    "https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql"
)
RATE_DOCS = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
SECONDARY_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
)
_REASONS = {500: "Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


@dataclass
class Fault:
    """An injected failure: what, for how many requests or until when, and for which requests."""

    kind: str
    n: int | None = None
    until: float | None = None
    status: int | None = None
    seconds: float = 0.0
    path: str | None = None
    scope: str | None = None

    def active(self, now: float) -> bool:
        """Whether the fault still applies."""
        return (self.n is None or self.n > 0) and (self.until is None or now < self.until)

    def matches(self, kind: str, path: str) -> bool:
        """Whether a request of ``kind`` on ``path`` is concerned."""
        return (self.scope is None or self.scope == kind) and (
            self.path is None or path.startswith(self.path)
        )


@dataclass
class Answer:
    """What goes back on the wire."""

    status: int
    headers: dict[str, str]
    body: bytes = b""


def _empty_counts() -> dict[str, Any]:
    """Zeroed request counts."""
    counts: dict[str, Any] = {"total": 0, **dict.fromkeys(KINDS, 0)}
    counts.update(with_token=0, without_token=0, faulted=0, not_modified=0, by_route={})
    return counts


class GitHubEmulator:
    """A stateful GitHub API emulator on a real HTTP server; a context manager.

    ``with GitHubEmulator.from_repo(path) as gh: Github(base_url=gh.base_url)``.
    """

    def __init__(self, state: State, *, host: str = "127.0.0.1", port: int = 0) -> None:
        """Serve ``state`` on ``host:port`` (port 0: a free one) once :meth:`start` is called."""
        self.state = state
        self.host = host
        self._port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._faults: list[Fault] = []
        self._meta = threading.Lock()
        self._counts = _empty_counts()
        self._log: deque[dict] = deque(maxlen=10_000)
        self._ids = itertools.count(1)

    # -- construction and lifetime ------------------------------------------------------------

    @classmethod
    def from_repo(
        cls,
        path: str | Path,
        prs_file: str | Path | None = None,
        name: str | None = None,
        *,
        port: int = 0,
    ) -> GitHubEmulator:
        """An emulator of the git repository at ``path`` (see :mod:`.loader`), not started."""
        from .loader import load_state

        return cls(load_state(path, prs_file, name), port=port)

    @classmethod
    def from_pulls(
        cls, pulls: list[dict], name: str = "octo/sandbox", *, default_branch: str = "main"
    ) -> GitHubEmulator:
        """An emulator of one repository without git: PRs given as data-file entries."""
        from .data import parse_prs
        from .loader import add_specs, check_name

        state = State()
        repo = state.add_repository(check_name(name), default_branch=default_branch)
        repo.branches[default_branch] = "0" * 40
        add_specs(repo, parse_prs(pulls))
        return cls(state)

    def start(self) -> GitHubEmulator:
        """Start serving in a background thread; returns self."""
        if self._server is not None:
            return self
        try:
            self._server = _Server((self.host, self._port), self)
        except OSError as exc:
            raise ReleaseToolError(
                f"cannot serve on {self.host}:{self._port}: {exc.strerror or exc}"
            ) from None
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="github-sandbox",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, close open connections and wait for the server thread."""
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> GitHubEmulator:
        """Start the server."""
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        """Stop the server."""
        self.stop()

    # -- addresses ----------------------------------------------------------------------------

    @property
    def port(self) -> int:
        """The port served on (after :meth:`start`)."""
        if self._server is None:
            raise RuntimeError("the emulator is not running")
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        """The github.com-layout API root, ``http://127.0.0.1:PORT``."""
        return f"http://{self.host}:{self.port}"

    @property
    def enterprise_url(self) -> str:
        """The GitHub Enterprise-layout API root, ``http://127.0.0.1:PORT/api/v3``."""
        return f"{self.base_url}/api/v3"

    @property
    def graphql_url(self) -> str:
        """The GraphQL endpoint of the github.com layout."""
        return f"{self.base_url}/graphql"

    @property
    def repo(self) -> Repository:
        """The main repository of the state (for seeding in tests)."""
        return self.state.repo

    # -- faults -------------------------------------------------------------------------------

    def _add(self, fault: Fault) -> Fault:
        """Register a fault."""
        with self._meta:
            self._faults.append(fault)
        return fault

    def rate_limit(
        self,
        seconds: float = 60.0,
        *,
        secondary: bool = False,
        status: int | None = None,
        n: int | None = None,
        path: str | None = None,
        kind: str | None = None,
    ) -> Fault:
        """Answer as rate-limited for ``seconds`` (or ``n`` requests, whichever ends first).

        Primary (default): 403 with ``X-RateLimit-Remaining: 0`` and
        ``X-RateLimit-Reset`` at the end (GraphQL: 200 with a ``RATE_LIMIT``
        error, as GitHub). ``secondary``: 403 (or ``status=429``) with
        ``Retry-After`` and GitHub's secondary-limit message.
        """
        until = time.time() + seconds
        name = "secondary_rate_limit" if secondary else "rate_limit"
        return self._add(Fault(name, n, until, status, seconds, path, kind))

    def fail(
        self, n: int = 1, status: int = 502, *, path: str | None = None, kind: str | None = None
    ) -> Fault:
        """Answer the next ``n`` requests with ``status`` (a 5xx by default 502)."""
        return self._add(Fault("fail", n, None, status, 0.0, path, kind))

    def lose(
        self, n: int = 1, status: int = 502, *, path: str | None = None, kind: str | None = None
    ) -> Fault:
        """Carry out the next ``n`` requests, then answer ``status`` (the real answer is lost)."""
        return self._add(Fault("lose", n, None, status, 0.0, path, kind))

    def slow(
        self,
        seconds: float,
        n: int | None = None,
        *,
        path: str | None = None,
        kind: str | None = None,
    ) -> Fault:
        """Delay answers by ``seconds``: the next ``n`` requests, or all until cleared."""
        return self._add(Fault("slow", n, None, None, seconds, path, kind))

    def reset(self, n: int = 1, *, path: str | None = None, kind: str | None = None) -> Fault:
        """Reset the connection of the next ``n`` requests without answering."""
        return self._add(Fault("reset", n, None, None, 0.0, path, kind))

    def bad_credentials(
        self, n: int | None = None, *, path: str | None = None, kind: str | None = None
    ) -> Fault:
        """Answer ``401 Bad credentials``: the next ``n`` requests, or all until cleared."""
        return self._add(Fault("bad_credentials", n, None, 401, 0.0, path, kind))

    def clear_faults(self) -> None:
        """Remove every injected fault."""
        with self._meta:
            self._faults.clear()

    def _take_faults(self, kind: str, path: str) -> tuple[float, Fault | None]:
        """The delay and the failing fault that apply to one request (counting them down)."""
        now = time.time()
        delay, failing = 0.0, None
        with self._meta:
            self._faults = [f for f in self._faults if f.active(now)]
            for fault in self._faults:
                if not fault.matches(kind, path):
                    continue
                if fault.kind == "slow":
                    delay += fault.seconds
                elif failing is None:
                    failing = fault
                else:
                    continue
                if fault.n is not None:
                    fault.n -= 1
        return delay, failing

    # -- counts -------------------------------------------------------------------------------

    def counts(self) -> dict[str, Any]:
        """Requests served since the last reset: total, by kind, by route, with/without token."""
        with self._meta:
            return copy.deepcopy(self._counts)

    def reset_counts(self) -> None:
        """Zero the counts and forget the request log."""
        with self._meta:
            self._counts = _empty_counts()
            self._log.clear()

    def requests(self) -> list[dict]:
        """The last requests: method, path (no query), kind, route, authenticated, status."""
        with self._meta:
            return list(self._log)

    def _count(self, kind: str, route: str, authenticated: bool) -> dict:
        """Count a request; return its log record."""
        record = {"kind": kind, "route": route, "authenticated": authenticated, "status": None}
        with self._meta:
            counts = self._counts
            counts["total"] += 1
            counts[kind] += 1
            counts["with_token" if authenticated else "without_token"] += 1
            counts["by_route"][route] = counts["by_route"].get(route, 0) + 1
            self._log.append(record)
        return record

    # -- answering ----------------------------------------------------------------------------

    def handle(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes
    ) -> Answer | None:
        """Answer one HTTP request; None means: reset the connection without an answer."""
        split = urlsplit(target)
        path = split.path
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        for prefix in ("/_sandbox/", "/api/v3/_sandbox/"):
            if path.startswith(prefix):
                return self._control(method, path[len(prefix) :], body)
        kind, api_prefix, route_path = _classify(method, path)
        authenticated = bool(headers.get("Authorization", "").strip())
        found = rest.find(kind, method, route_path) if kind != "graphql" else None
        name = f"{method} (unmatched)"
        if kind == "graphql" and method == "POST":
            name = f"POST {path}"
        elif found is not None:
            name = f"{method} {'/api/uploads' if kind == 'uploads' else ''}{found[0].template}"
        record = self._count(kind, name, authenticated)
        record.update(method=method, path=path)
        delay, fault = self._take_faults(kind, route_path)
        if delay:
            time.sleep(delay)
        if fault is not None:
            with self._meta:
                self._counts["faulted"] += 1
            if fault.kind == "reset":
                record["status"] = "reset"
                return None
            answer = self._fault_answer(fault, kind, authenticated)
        if fault is None or fault.kind == "lose":
            host = headers.get("Host") or f"{self.host}:{self.port}"
            urls = Urls(f"http://{host}", f"http://{host}{api_prefix}")
            ctx = rest.Ctx(
                self.state, method, route_path, query, headers, body, urls, authenticated
            )
            done = self._answer(ctx, kind, found)
            answer = done if fault is None else answer  # "lose": done, but the answer is lost
        record["status"] = answer.status
        if answer.status == 304:
            with self._meta:
                self._counts["not_modified"] += 1
        return answer

    def _answer(self, ctx: rest.Ctx, kind: str, found) -> Answer:
        """Serve a request that no fault took: rate limit, dispatch, ETag."""
        resource = "graphql" if kind == "graphql" else "core"
        if kind == "graphql" and not ctx.authenticated:
            body = {
                "message": "This endpoint requires you to be authenticated.",
                "documentation_url": GRAPHQL_AUTH_DOCS,
            }
            return self._finish(ctx, resource, rest.Reply(body, 401), free=True)
        free = found is not None and found[0].template == "/rate_limit"
        with self.state.lock:
            if not free and not self.state.rate.spend(resource, ctx.authenticated):
                return self._finish(ctx, resource, _primary_limited(kind, ctx), free=True)
            try:
                if kind == "graphql":
                    if ctx.method != "POST":
                        raise rest.not_found()
                    reply = rest.Reply(
                        graphql_api.run(self.state, ctx.urls, ctx.authenticated, ctx.json())
                    )
                elif found is None:
                    raise rest.not_found()
                else:
                    reply = found[0].handler(ctx, **found[1])
            except rest.ApiError as exc:
                reply = rest.Reply(exc.body(), exc.status, exc.headers)
            except Exception:
                log.exception("sandbox: %s %s failed", ctx.method, ctx.path)
                reply = rest.Reply({"message": "Server Error"}, 500)
            return self._finish(ctx, resource, reply, free=free)

    def _finish(self, ctx: rest.Ctx, resource: str, reply: rest.Reply, *, free: bool) -> Answer:
        """Encode a reply with GitHub's headers; 304 for a matching ``If-None-Match``."""
        if isinstance(reply.body, bytes):
            body = reply.body
        elif reply.body is None:
            body = b""
        else:
            body = json.dumps(reply.body).encode()
        headers = {"Content-Type": reply.content_type, **reply.headers}
        status = reply.status
        if ctx.method == "GET" and status == 200:
            etag = 'W/"' + hashlib.sha256(body).hexdigest()[:40] + '"'
            headers["ETag"] = etag
            if _etag_matches(ctx.headers.get("If-None-Match"), etag):
                status, body = 304, b""
                if ctx.authenticated and not free:
                    self.state.rate.refund(resource, True)
        headers.update(self._common_headers(resource, ctx.authenticated))
        return Answer(status, headers, body)

    def _common_headers(self, resource: str, authenticated: bool) -> dict[str, str]:
        """Rate-limit and GitHub headers of every answer."""
        with self.state.lock:
            snapshot = self.state.rate.snapshot(resource, authenticated)
        headers = {
            "X-RateLimit-Limit": str(snapshot["limit"]),
            "X-RateLimit-Remaining": str(snapshot["remaining"]),
            "X-RateLimit-Reset": str(snapshot["reset"]),
            "X-RateLimit-Used": str(snapshot["used"]),
            "X-RateLimit-Resource": resource,
            "X-GitHub-Media-Type": "github.v3; format=json",
            "X-GitHub-Api-Version-Selected": "2022-11-28",
            "X-GitHub-Request-Id": f"SANDBOX:{next(self._ids):08X}",
            "Vary": "Accept, Authorization, Cookie, X-GitHub-OTP",
        }
        if authenticated:
            headers["X-OAuth-Scopes"] = "repo"
        return headers

    def _fault_answer(self, fault: Fault, kind: str, authenticated: bool) -> Answer:
        """The answer of an injected fault."""
        resource = "graphql" if kind == "graphql" else "core"
        headers = self._common_headers(resource, authenticated)
        if fault.kind == "rate_limit":
            limit = headers["X-RateLimit-Limit"]
            reset = str(math.ceil(fault.until or time.time()))
            headers.update({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset})
            headers["X-RateLimit-Used"] = limit
            status = fault.status or (200 if kind == "graphql" else 403)
            body: dict = _limited_body(kind, authenticated, status)
        elif fault.kind == "secondary_rate_limit":
            left = max((fault.until or 0) - time.time(), 0)
            headers["Retry-After"] = str(max(math.ceil(left), 1))
            status = fault.status or 403
            body = {"message": SECONDARY_MESSAGE, "documentation_url": RATE_DOCS}
        elif fault.kind == "bad_credentials":
            status = 401
            body = {"message": "Bad credentials", "documentation_url": rest.DOCS, "status": "401"}
        else:  # fail, lose
            status = fault.status or 502
            body = {"message": _REASONS.get(status, "Server Error")}
        headers["Content-Type"] = "application/json; charset=utf-8"
        return Answer(status, headers, json.dumps(body).encode())

    # -- control endpoints ----------------------------------------------------------------------

    def _control(self, method: str, name: str, body: bytes) -> Answer:
        """``/_sandbox/requests`` and ``/_sandbox/faults``."""
        json_type = {"Content-Type": "application/json; charset=utf-8"}
        if name == "requests" and method == "GET":
            return Answer(200, json_type, json.dumps(self.counts()).encode())
        if name == "requests" and method == "DELETE":
            self.reset_counts()
            return Answer(204, {})
        if name == "faults" and method == "DELETE":
            self.clear_faults()
            return Answer(204, {})
        if name == "faults" and method == "POST":
            try:
                spec = json.loads(body or b"{}")
                kind = spec.pop("kind")
                action = {
                    "rate_limit": self.rate_limit,
                    "secondary_rate_limit": lambda **kw: self.rate_limit(secondary=True, **kw),
                    "fail": self.fail,
                    "lose": self.lose,
                    "slow": self.slow,
                    "reset": self.reset,
                    "bad_credentials": self.bad_credentials,
                }[kind]
                if "scope" in spec:
                    spec["kind"] = spec.pop("scope")
                fault = action(**spec)
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                message = {"message": f"bad fault: {exc!r}"}
                return Answer(400, json_type, json.dumps(message).encode())
            return Answer(201, json_type, json.dumps({"kind": fault.kind}).encode())
        return Answer(404, json_type, json.dumps({"message": "Not Found"}).encode())


def _classify(method: str, path: str) -> tuple[str, str, str]:
    """A request's kind, API prefix (``""`` or ``/api/v3``) and path inside the API."""
    if path in ("/graphql", "/api/graphql"):
        return "graphql", "" if path == "/graphql" else "/api/v3", path
    if path.startswith("/api/uploads/"):
        return "uploads", "/api/v3", path[len("/api/uploads") :]
    if path == "/api/v3" or path.startswith("/api/v3/"):
        return "rest", "/api/v3", path[len("/api/v3") :] or "/"
    if rest.find("rest", method, path) is None and rest.find("web", method, path):
        return "web", "", path
    return "rest", "", path


def _etag_matches(header: str | None, etag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``etag`` (weak comparison)."""
    if not header:
        return False
    bare = etag.removeprefix("W/")
    return any(
        tag.strip() == "*" or tag.strip().removeprefix("W/") == bare for tag in header.split(",")
    )


def _limited_body(kind: str, authenticated: bool, status: int = 200) -> dict:
    """GitHub's body for an exhausted primary rate limit.

    REST: 403 with a message. GraphQL: HTTP 200 with a ``RATE_LIMIT`` error
    (``code: graphql_rate_limit``) in ``errors`` and no ``data``; with another
    status forced, the REST body.
    """
    who = "user ID 1" if authenticated else "127.0.0.1"
    if kind == "graphql" and status == 200:
        message = f"API rate limit already exceeded for {who}."
        return {
            "errors": [{"type": "RATE_LIMIT", "code": "graphql_rate_limit", "message": message}]
        }
    return {"message": f"API rate limit exceeded for {who}.", "documentation_url": RATE_DOCS}


def _primary_limited(kind: str, ctx: rest.Ctx) -> rest.Reply:
    """The reply when the real bucket is empty: 403 (REST) or 200 + RATE_LIMIT (GraphQL)."""
    return rest.Reply(_limited_body(kind, ctx.authenticated), 200 if kind == "graphql" else 403)


class _Server(ThreadingHTTPServer):
    """A threading HTTP server that knows its emulator and its open connections."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], emulator: GitHubEmulator) -> None:
        """Bind to ``address``."""
        super().__init__(address, _Handler)
        self.emulator = emulator
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()

    def close_connections(self) -> None:
        """Shut every open connection (keep-alive clients would hold them otherwise)."""
        with self.connections_lock:
            for conn in list(self.connections):
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
            self.connections.clear()


class _Handler(BaseHTTPRequestHandler):
    """One connection: HTTP/1.1 with keep-alive, every method through the emulator."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms stalls
    server_version = "GitHub-Sandbox"
    sys_version = ""
    timeout = 30
    server: _Server

    def setup(self) -> None:
        """Track the connection so that :meth:`GitHubEmulator.stop` can close it."""
        super().setup()
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        """Forget the connection."""
        try:
            super().finish()
        finally:
            with self.server.connections_lock:
                self.server.connections.discard(self.connection)

    def version_string(self) -> str:
        """The ``Server`` header."""
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        """Log requests at debug level (the request line holds no credentials)."""
        log.debug("sandbox: " + format, *args)

    def _read_body(self) -> bytes:
        """The request body (``Content-Length`` or chunked)."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _serve(self) -> None:
        """Answer the request through the emulator."""
        body = self._read_body()
        answer = self.server.emulator.handle(self.command, self.path, self.headers, body)
        if answer is None:  # reset: RST instead of an answer
            self.close_connection = True
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            return
        self.send_response(answer.status)
        for key, value in answer.headers.items():
            self.send_header(key, value)
        if answer.status not in (204, 304):
            self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        if answer.status not in (204, 304):
            self.wfile.write(answer.body)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve
