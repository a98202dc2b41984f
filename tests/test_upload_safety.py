"""The index upload never reads another index's page as its own, and checks what it uploaded.

A real pypiserver on 127.0.0.1 with its default fallback (redirect unknown
projects to a "public index", here a second loopback server that lists the
very files being released), and tiny local indexes that redirect or lie.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from release_tool.demo import build_demo
from release_tool.release.artifacts import build_artifacts, sha256
from release_tool.release.rehearsal import local_index
from release_tool.release.upload import UploadError, published_files, upload

Route = Callable[[BaseHTTPRequestHandler], tuple[int, dict[str, str], bytes]]


@contextmanager
def http_server(get: Route, post: Route | None = None) -> Iterator[str]:
    """A small HTTP server on 127.0.0.1 answering GET (and POST) with ``get``/``post``."""

    class Handler(BaseHTTPRequestHandler):
        def _reply(self, route: Route) -> None:
            status, headers, body = route(self)
            self.send_response(status)
            for key, value in {**headers, "Content-Length": str(len(body))}.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            self._reply(get)

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self._reply(post or (lambda handler: (405, {}, b"")))

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def simple_page(paths: list[Path]) -> bytes:
    """A PEP 503 project page listing ``paths`` with their real digests."""
    links = "".join(
        f'<a href="../../packages/{p.name}#sha256={sha256(p)}">{p.name}</a><br>' for p in paths
    )
    return f"<html><body>{links}</body></html>".encode()


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory) -> list[Path]:
    """The demo's sdist and wheel of 8.0.0."""
    tmp = tmp_path_factory.mktemp("built")
    repo = build_demo(tmp / "demo")
    built = build_artifacts(repo, tmp / "dist", source_date_epoch=1_600_000_000,
                            expected_version="8.0.0", isolation=False)  # fmt: skip
    return sorted(a.path for a in built)


def test_pypiserver_fallback_to_a_public_index_is_not_presence(tmp_path, artifacts):
    """pypiserver redirects the unknown project to a public index that lists these very files."""
    public_hits = []

    def public(handler):
        public_hits.append(handler.path)
        return 200, {"Content-Type": "text/html"}, simple_page(artifacts)

    with http_server(public) as public_url, local_index(
        tmp_path / "packages", fallback_url=f"{public_url}/simple/"
    ) as url:  # fmt: skip
        outcome = upload(artifacts, url, username="any", password="any", sleep=lambda s: None)
    assert sorted(outcome["uploaded"]) == sorted(p.name for p in artifacts)
    assert sorted(p.name for p in (tmp_path / "packages").iterdir()) == sorted(
        p.name for p in artifacts
    )
    assert public_hits == []  # the public index's page was never read


def test_redirect_to_another_host_is_not_there(artifacts):
    def elsewhere(handler):
        return 302, {"Location": "http://127.0.0.2:9/simple/diracdemo/"}, b""

    with http_server(elsewhere) as url:
        assert published_files(f"{url}/simple/", "diracdemo") == {}


def test_redirect_within_the_index_is_followed(artifacts):
    def index(handler):
        if handler.path == "/simple/diracdemo/":
            return 301, {"Location": "/pages/diracdemo/"}, b""
        return 200, {"Content-Type": "text/html"}, simple_page(artifacts)

    with http_server(index) as url:
        files = published_files(f"{url}/simple/", "diracdemo")
    assert files == {p.name: sha256(p) for p in artifacts}


def test_upload_fails_unless_the_index_reads_back_every_file(artifacts):
    """An index that accepts the upload (200) but then lists nothing: the release fails."""
    waits = []
    moved = (302, {"Location": "http://127.0.0.2:9/simple/diracdemo/"}, b"")
    accepted = (200, {"Content-Type": "text/plain"}, b"OK")
    with (
        http_server(lambda h: moved, post=lambda h: accepted) as url,
        pytest.raises(UploadError, match="does not hold what was built") as failure,
    ):
        upload(artifacts, url, username="u", password="p", sleep=waits.append)
    assert all(p.name + " is missing" in str(failure.value) for p in artifacts)
    assert len(waits) == 3  # re-read a few times, bounded


def test_upload_fails_when_the_index_serves_another_digest(artifacts):
    """The index takes the upload but serves a different file under the same name."""
    state = {"posted": False}

    def page(handler):
        if not state["posted"]:
            return 404, {}, b""
        links = "".join(f'<a href="/p/{p.name}#sha256={"0" * 64}">x</a>' for p in artifacts)
        return 200, {"Content-Type": "text/html"}, links.encode()

    def accept(handler):
        state["posted"] = True
        return 200, {}, b"OK"

    with (
        http_server(page, post=accept) as url,
        pytest.raises(UploadError, match="has sha256 000000000000"),
    ):
        upload(artifacts, url, username="u", password="p", sleep=lambda s: None)


def test_anonymous_upload_refused_says_which_credentials(artifacts, monkeypatch):
    """No credentials: the upload is anonymous; an index that wants some says so in one line."""
    monkeypatch.delenv("TWINE_USERNAME", raising=False)
    monkeypatch.delenv("TWINE_PASSWORD", raising=False)
    with (
        http_server(lambda h: (404, {}, b""), post=lambda h: (403, {}, b"Forbidden")) as url,
        pytest.raises(UploadError, match="403") as failure,
    ):
        upload(artifacts, url, retries=0, sleep=lambda s: None)
    assert "set TWINE_USERNAME and TWINE_PASSWORD" in str(failure.value)
    assert "Credential not found" not in str(failure.value)
