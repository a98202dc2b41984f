"""Every command, fed a table of bad inputs: one line on stderr, exit 2 (1 for the machine).

Never "internal error", never a traceback. The table holds the inputs that used to end as
internal errors: versions of thousands of digits (command line, ``pep440_from``, PR data
file), non-UTF-8 input, NaN/Infinity/deep nesting and absurd times in a PR data file,
unusable cache, journal and lock directories, read-only or impossible output files,
damaged journals, URLs that are not http(s), and a terminal that cannot show the text.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from release_tool.cli import COMMANDS, cli
from release_tool.demo import build_demo
from release_tool.sandbox import GitHubEmulator

BIG = "1" + "0" * 5000
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    """The demo, built once; tests that change it work on a copy."""
    root = tmp_path_factory.mktemp("bad-input") / "demo"
    build_demo(root)
    return root


@pytest.fixture
def demo(pristine, tmp_path):
    """A copy of the demo (repository and its bare origin), on rel-v8r0."""
    root = tmp_path / "demo"
    shutil.copytree(pristine, root, symlinks=True)
    repo = root / "repo"
    subprocess.run(["git", "remote", "set-url", "origin", str(root / "origin.git")], cwd=repo,
                   check=True)  # fmt: skip
    subprocess.run(["git", "checkout", "--quiet", "rel-v8r0"], cwd=repo, check=True)
    return repo


def config(text):
    def prepare(repo: Path) -> None:
        path = repo / "pyproject.toml"
        path.write_text(path.read_text() + f"\n[tool.release-tool]\n{text}\n")

    return prepare


def hackathons(text: str):
    def prepare(repo: Path) -> None:
        (repo / "hackathons.toml").write_text(text)

    return prepare


def prs_file(content: str):
    def prepare(repo: Path) -> None:
        (repo.parent / "bad-prs.json").write_text(content)

    return prepare


def journal(content: str | None):
    """A damaged journal of v8.0.2 (None: a directory where the file should be)."""

    def prepare(repo: Path) -> None:
        path = repo / ".git" / "release-tool" / "releases" / "v8.0.2.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        if content is None:
            path.mkdir()
        else:
            path.write_bytes(content.encode("utf-8", "surrogateescape"))

    return prepare


def file_at(relative: str):
    """A plain file where the tool needs a directory (even root cannot write there)."""

    def prepare(repo: Path) -> None:
        path = repo / relative
        if path.is_dir():
            shutil.rmtree(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("not a directory\n")

    return prepare


def read_only(repo: Path) -> None:
    (repo.parent / "out.txt").write_text("kept\n")
    (repo.parent / "out.txt").chmod(0o444)


def nothing(repo: Path) -> None:
    pass


def nested(depth: int) -> list:
    """A list nested ``depth`` levels deep."""
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


PR = {"number": 1, "title": "Fix", "merge_commit": "integration"}
DEEP = "[" * 5000 + "]" * 5000
URL = ["--github-url", "http://127.0.0.1:9", "--github-repo", "o/n"]
RESUME = ["release", "-b", "rel-v8r0", "--version", "8.0.2", "--resume", "--yes"]
#: A release that stays on this machine (it stops at the first step that cannot write).
LOCAL = ["release", "-b", "rel-v8r0", "--yes", "--no-push", "--no-publish"]


def cache_is_a_directory(repo: Path) -> None:
    (repo.parent / "cache" / "github-o--n.sqlite").mkdir(parents=True)


#: (id, global options and command, stdin, preparation, expected exit code)
TABLE = [
    # versions of thousands of digits, wherever a version is read
    ("show-big", ["version", "show", BIG], None, nothing, 2),
    ("show-big-legacy", ["version", "show", f"v8r{BIG}"], None, nothing, 2),
    ("show-big-minor", ["version", "show", f"8.{BIG}"], None, nothing, 2),
    ("bump-big", ["version", "bump", BIG, "patch"], None, nothing, 2),
    ("check-big", ["version", "check", BIG, "--branch", "rel-v8r0"], None, nothing, 2),
    ("next-big-branch", ["version", "next", "--branch", f"rel-v{BIG}r0"], None, nothing, 2),
    ("lines-big-series", ["lines"], None, config(f'pep440_from = "8.{BIG}"'), 2),
    ("tags-big-series", ["tags", "audit"], None, config(f'pep440_from = "{BIG}.0"'), 2),
    ("prs-big", ["prs", "--until", f"v{BIG}"], None, nothing, 2),
    ("notes-big", ["notes", "-b", "rel-v8r0", "--version", BIG], None, nothing, 2),
    ("release-big", ["release", "-b", "rel-v8r0", "--version", BIG, "--dry-run"], None, nothing, 2),
    (
        "sandbox-big-number",
        ["sandbox", "serve", "--prs", "../bad-prs.json"],
        None,
        prs_file(f'[{{"number": {BIG}, "title": "x"}}]'),
        2,
    ),
    # non-UTF-8 input
    ("sort-latin1", ["version", "sort"], b"8.0.1\n\xe9t\xe9\n", nothing, 2),
    # (a body is checked like a file: undecodable bytes are replaced, the block is missing)
    ("lint-binary", ["notes", "lint", "--body-file", "-"], b"\xff\xfe\x00", nothing, 1),
    (
        "config-latin1",
        ["lines"],
        None,
        lambda r: (r / "pyproject.toml").write_bytes(b"[tool.release-tool]\nremote = '\xe9'\n"),
        2,
    ),
    # PR data files: NaN, Infinity, deep nesting, absurd times, bad labels
    (
        "prs-nan",
        ["sandbox", "serve", "--prs", "../bad-prs.json"],
        None,
        prs_file(json.dumps([{**PR, "merged_at": float("nan")}])),
        2,
    ),
    (
        "prs-infinity",
        ["sandbox", "serve", "--prs", "../bad-prs.json"],
        None,
        prs_file(json.dumps([{**PR, "merged_at": float("inf")}])),
        2,
    ),
    ("prs-deep", ["sandbox", "serve", "--prs", "../bad-prs.json"], None, prs_file(DEEP), 2),
    (
        "prs-deep-body",
        ["sandbox", "serve", "--prs", "../bad-prs.json"],
        None,
        prs_file(json.dumps([{**PR, "labels": nested(60)}])),
        2,
    ),
    (
        "prs-1e30",
        ["sandbox", "serve", "--prs", "../bad-prs.json"],
        None,
        prs_file(json.dumps([{**PR, "merged_at": 1e30}])),
        2,
    ),
    (
        "prs-negative",
        ["sandbox", "serve", "--prs", "../bad-prs.json"],
        None,
        prs_file(json.dumps([{**PR, "created_at": -5}])),
        2,
    ),
    (
        "prs-year",
        ["sandbox", "serve", "--prs", "../bad-prs.json"],
        None,
        prs_file(json.dumps([{**PR, "updated_at": "0001-01-01T00:00:00+14:00"}])),
        2,
    ),
    (
        "prs-color",
        ["sandbox", "serve", "--prs", "../bad-prs.json"],
        None,
        prs_file(json.dumps([{**PR, "labels": [{"name": "x", "color": 5}]}])),
        2,
    ),
    (
        "prs-number-huge",
        ["sandbox", "serve", "--prs", "../bad-prs.json"],
        None,
        prs_file(json.dumps([{**PR, "number": 2**63}])),
        2,
    ),
    # the machine: directories the tool must write in are not directories
    (
        "cache-dir",
        [*URL, "--cache-dir", "../cache-file/x", "prs", "-b", "rel-v8r0", "--with-bodies"],
        None,
        lambda r: (r.parent / "cache-file").write_text(""),
        1,
    ),
    (
        "cache-info",
        ["--cache-dir", "../cache", "--github-repo", "o/n", "cache", "info"],
        None,
        cache_is_a_directory,
        1,
    ),
    (
        "cache-clear",
        ["--cache-dir", "../cache", "--github-repo", "o/n", "cache", "clear"],
        None,
        cache_is_a_directory,
        1,
    ),
    ("journal-dir", LOCAL, None, file_at(".git/release-tool/releases"), 1),
    ("lock-dir", LOCAL, None, file_at(".git/release-tool"), 1),
    # damaged journals
    ("journal-text", RESUME, None, journal("not json {"), 2),
    ("journal-list", RESUME, None, journal("[]"), 2),
    (
        "journal-types",
        RESUME,
        None,
        journal('{"tag": 1, "branch": 2, "version": 3, "steps": 4}'),
        2,
    ),
    (
        "journal-steps",
        RESUME,
        None,
        journal(
            json.dumps(
                {"tag": "v8.0.2", "branch": "rel-v8r0", "version": "8.0.2", "steps": ["notes"]}
            )
        ),
        2,
    ),
    ("journal-bytes", RESUME, None, journal("\udcff\udcfe"), 2),
    ("journal-deep", RESUME, None, journal(DEEP), 2),
    ("journal-is-dir", RESUME, None, journal(None), 2),
    # output files
    ("output-read-only", ["notes", "-b", "rel-v8r0", "--output", "../out.txt"], None, read_only, 2),
    (
        "write-missing-dir",
        ["notes", "-b", "rel-v8r0", "--write", "no/such/dir/release.notes"],
        None,
        nothing,
        2,
    ),
    (
        "output-missing-dir",
        ["notes", "-b", "rel-v8r0", "--output", "../no/such/out.md"],
        None,
        nothing,
        2,
    ),
    ("demo-under-a-file", ["demo", "../out.txt/demo"], None, read_only, 2),
    # URLs
    ("url-file", ["--github-url", "file:///tmp/x", "prs", "--with-bodies"], None, nothing, 2),
    ("url-ftp", ["--github-url", "ftp://x", "lines"], None, nothing, 2),
    ("url-none", ["--github-url", "not-a-url", "tags", "audit"], None, nothing, 2),
    ("url-sandbox", ["--github-url", "file:///x", "sandbox", "serve"], None, nothing, 2),
    ("url-cache", ["--github-url", "file:///x", "cache", "info"], None, nothing, 2),
    ("url-demo", ["--github-url", "ftp://x", "demo"], None, nothing, 2),
    ("slug-bad", ["--github-repo", "not a slug", "cache", "info"], None, nothing, 2),
    # meeting summaries: dates, periods, output files
    ("summary-big", ["summary", "--since", BIG], None, nothing, 2),
    ("summary-bad-date", ["summary", "--since", "2023-02-30"], None, nothing, 2),
    (
        "summary-until-before",
        ["summary", "--since", "2030-01-01", "--until", "2020-01-01"],
        None,
        nothing,
        2,
    ),
    ("summary-big-period", ["summary"], None, config(f'meeting_every = "{BIG} weeks"'), 2),
    ("summary-bad-period", ["summary"], None, config('meeting_every = "fortnightly"'), 2),
    (
        "summary-read-only",
        ["summary", "--format", "html", "--output", "../out.txt"],
        None,
        read_only,
        2,
    ),
    (
        "summary-missing-dir",
        ["summary", "--format", "pptx", "--output", "../no/such/x.pptx"],
        None,
        nothing,
        2,
    ),
    ("summary-unknown-branch", ["summary", "--branch", "rel-v9r9"], None, nothing, 2),
    # hackathon records
    (
        "hackathon-add-big",
        ["hackathon", "add", "x", "--start", BIG, "--end", "2023-01-02"],
        None,
        nothing,
        2,
    ),
    (
        "hackathon-add-order",
        ["hackathon", "add", "x", "--start", "2023-01-05", "--end", "2023-01-02"],
        None,
        nothing,
        2,
    ),
    (
        "hackathon-file-latin1",
        ["hackathon", "list"],
        None,
        lambda r: (r / "hackathons.toml").write_bytes(b'[[hackathon]]\nname = "\xe9"\n'),
        2,
    ),
    (
        "hackathon-file-nan",
        ["hackathon", "list"],
        None,
        hackathons('[[hackathon]]\nname = "a"\nstart = nan\nend = 2023-01-02\n'),
        2,
    ),
    (
        "hackathon-file-year",
        ["series"],
        None,
        hackathons(
            '[[hackathon]]\nname = "a"\nstart = 0001-01-01\nend = 9999-12-31\n'
            '[[hackathon]]\nname = "a"\nstart = 2023-01-01\nend = 2023-01-02\n'
        ),
        2,
    ),
    (
        "hackathon-file-dir",
        ["hackathon", "list"],
        None,
        lambda r: (r / "hackathons.toml").mkdir(),
        2,
    ),
    ("series-big", ["series", BIG], None, nothing, 2),
    # alphas
    ("alpha-big", ["alpha", "--version", BIG, "--dry-run"], None, nothing, 2),
    ("alpha-unknown-hackathon", ["alpha", "--hackathon", "nope", "--dry-run"], None, nothing, 2),
    ("alpha-journal", ["alpha", "--resume", "--yes"], None, journal("not json {"), 2),
    # sweeps and the patch matrix
    ("sweep-big-pr", ["sweep", "--pr", BIG, "--dry-run"], None, nothing, 2),
    (
        "sweep-unknown-branch",
        ["sweep", "--pr", "8", "--to", "rel-v9r9", "--dry-run"],
        None,
        nothing,
        2,
    ),
    (
        "sweep-label-config",
        ["sweep", "--dry-run"],
        None,
        config('[tool.release-tool.sweep]\ntarget_label = "alsoTargeting"'),
        2,
    ),
    ("patches-bad-date", ["patches", "--since", "2023-02-30"], None, nothing, 2),
    ("patches-big", ["patches", "--until", BIG], None, nothing, 2),
    (
        "patches-read-only",
        ["patches", "--format", "html", "--output", "../out.txt"],
        None,
        read_only,
        2,
    ),
]


@pytest.mark.parametrize(("args", "stdin", "prepare", "code"),
                         [t[1:] for t in TABLE], ids=[t[0] for t in TABLE])  # fmt: skip
def test_bad_input_is_one_line(demo, monkeypatch, args, stdin, prepare, code):
    monkeypatch.chdir(demo)
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("GH_TOKEN", raising=False)
    prepare(demo)
    if "sandbox" in args:  # an accepted data file would serve forever: fail instead

        def serve_forever(self):
            raise AssertionError("the emulator accepted the input and started serving")

        monkeypatch.setattr(GitHubEmulator, "start", serve_forever)
    result = CliRunner().invoke(cli, args, input=stdin)
    lines = result.stderr.splitlines()
    assert result.exit_code == code, result.stderr
    # one error line, last; progress lines before it (a release reports its notes) are
    # one line each too
    errors = [line for line in lines if line.startswith("release-tool: error: ")]
    assert errors == lines[-1:], result.stderr
    assert all(line.startswith("release-tool: ") for line in lines), result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    assert len(errors[0]) < 500


def test_the_table_reaches_every_command():
    used = {t[1][next(i for i, a in enumerate(t[1]) if a in COMMANDS)] for t in TABLE}
    assert used == set(COMMANDS)


@pytest.mark.parametrize(
    "args",
    [["version", "show", "8.0.1-日本"], ["prs", "-b", "integration"],
     ["notes", "-b", "integration", "--format", "markdown"]],
    ids=lambda a: a[0],
)  # fmt: skip
def test_a_latin1_terminal(make_repo, args):
    """The real console script on a latin-1 terminal: text it cannot show is escaped."""
    repo = make_repo()
    repo.commit("Initial import")
    repo.tag("v8.0.0a1", message="v8.0.0a1")
    repo.merge_pr(1, "fix: 日本語 🚀 support", author="ünïcode")
    env = {**os.environ, "PYTHONIOENCODING": "latin-1", "PYTHONPATH": str(ROOT),
           "LC_ALL": "C", "GITHUB_TOKEN": "", "GH_TOKEN": ""}  # fmt: skip
    result = subprocess.run([sys.executable, "-m", "release_tool", "--repo", str(repo.path),
                             *args], env=env, capture_output=True)  # fmt: skip
    stderr = result.stderr.decode("latin-1")
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    if args[0] == "version":
        assert result.returncode == 2 and len(stderr.splitlines()) == 1
    else:
        assert result.returncode == 0, stderr
        assert b"\\u65e5" in result.stdout  # 日, escaped
