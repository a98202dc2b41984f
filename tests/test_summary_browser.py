"""The HTML summary in a real browser: headless Chromium renders it offline, and prints it.

Chromium runs with every request sent through a recording proxy on
127.0.0.1 (loopback included) that answers each with 403, so nothing leaves
the machine at all; the page must have asked for nothing: the only requests
allowed in the record are Chromium's own calls to Google's browser services
(component updater, accounts), which it makes on any page. A control page
with one remote image proves the recorder sees the page's requests. The
screenshot must not be blank and must show the timeline: its window shade
(a colour only the timeline uses) with release marks inside.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import threading
from pathlib import Path

import pytest
from summary_helpers import SINCE, UNTIL, slide_demo

from release_tool.summary.charts import RELEASE_COLOUR, WINDOW_COLOUR

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (.ci/run installs Debian's chromium)"
)
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--hide-scrollbars", "--disable-domain-reliability",
    "--disable-client-side-phishing-detection", "--no-default-browser-check",
    "--disable-features=NetworkTimeServiceQuerying,OptimizationHints,Translate,MediaRouter,"
    "AutofillServerCommunication,CertificateTransparencyComponentUpdater,SigninInterceptBubble,"
    "ComponentUpdater,CalculateNativeWinOcclusion",
    "--disable-extensions", "--disable-sync-preferences", "--google-api-key=no",
    "--component-updater=disable",
]  # fmt: skip


class Recorder:
    """A TCP listener on 127.0.0.1 that records the first line of every connection."""

    def __init__(self) -> None:
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(16)
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.requests: list[str] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.server.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(2)
                try:
                    first = conn.recv(4096).split(b"\r\n", 1)[0]
                except OSError:
                    first = b"?"
                self.requests.append(first.decode("latin-1"))
                conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")

    def close(self) -> None:
        self.stop.set()
        self.thread.join(5)
        self.server.close()


def chromium(tmp_path: Path, page: Path, proxy: int, *action: str) -> None:
    """Run headless Chromium on ``page`` with a fresh profile, every request through ``proxy``."""
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}",
         f"--proxy-server=http://127.0.0.1:{proxy}", "--proxy-bypass-list=<-loopback>",
         *action, page.as_uri()],
        capture_output=True, timeout=180, check=True, stdin=subprocess.DEVNULL,
    )  # fmt: skip


#: Hosts Chromium itself calls whatever the page (updates, time, accounts).
BROWSER_SERVICES = re.compile(r"^(?:[\w-]+\.)*(?:google\.com|googleapis\.com|gvt1\.com)$")


def page_requests(requests: list[str]) -> list[str]:
    """The recorded requests that Chromium did not make for itself."""
    found = []
    for line in requests:
        parts = line.split()
        target = parts[1] if len(parts) > 1 else line
        host = re.sub(r"^\w+://", "", target).split("/")[0].rsplit(":", 1)[0]
        if not BROWSER_SERVICES.match(host):
            found.append(line)
    return found


def rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    """The HTML summary of the demo's meeting window."""
    from release_tool.cli import cli

    base = tmp_path_factory.mktemp("browser")
    repo = slide_demo(base / "demo")
    out = base / "summary.html"
    with pytest.raises(SystemExit) as done:
        cli.main(["--repo", str(repo), "summary", "--since", SINCE, "--until", UNTIL,
                  "--format", "html", "--output", str(out)])  # fmt: skip
    assert done.value.code == 0
    return out


def test_page_renders_offline_with_the_timeline(page, tmp_path):
    from PIL import Image

    recorder = Recorder()
    try:
        shot = tmp_path / "shot.png"
        chromium(tmp_path, page, recorder.port, "--window-size=1200,1600", f"--screenshot={shot}")
        control = tmp_path / "control.html"
        control.write_text('<img src="http://summary-test.invalid/x.png"><p>control</p>')
        before = page_requests(recorder.requests)
        chromium(tmp_path, control, recorder.port, f"--screenshot={tmp_path / 'c.png'}")
        after = page_requests(recorder.requests)
    finally:
        recorder.close()
    assert before == [], f"the summary page made requests: {before}"
    assert any("summary-test.invalid" in line for line in after), after  # the recorder works

    image = Image.open(shot).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50  # not a blank page
    white = sum(count for count, colour in colours if colour == (255, 255, 255))
    assert white < 0.97 * image.width * image.height
    shade = rgb(WINDOW_COLOUR)
    pixels = image.load()
    spots = [
        (x, y) for y in range(0, image.height, 2) for x in range(0, image.width, 2)
        if pixels[x, y] == shade
    ]  # fmt: skip
    assert len(spots) > 500, "the timeline's window shade is not on the screenshot"
    xs, ys = [x for x, _ in spots], [y for _, y in spots]
    box = (min(xs), min(ys), max(xs) + 1, max(ys) + 1)
    marks = rgb(RELEASE_COLOUR)
    inside = sum(
        1 for y in range(box[1], box[3]) for x in range(box[0], box[2]) if pixels[x, y] == marks
    )
    assert inside > 20, "no release mark inside the shaded window"


def test_page_prints_one_section_per_page(page, tmp_path):
    recorder = Recorder()
    try:
        pdf = tmp_path / "summary.pdf"
        chromium(tmp_path, page, recorder.port, "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
    finally:
        recorder.close()
    assert page_requests(recorder.requests) == []
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf.read_bytes()))
    sections = page.read_text().count("<section")
    assert pages == sections == 4
