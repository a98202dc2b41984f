"""PR text with control characters never reaches a terminal, a file or GitHub raw.

The class of input: every C0 control but tab and newline, DEL, every C1 control, and the
bidirectional overrides; in PR titles (offline, from git) and PR bodies (from GitHub).
"""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from release_tool.cli import cli
from release_tool.demo import build_demo
from release_tool.forge.github import GitHubForge, GitHubSettings
from release_tool.sandbox import GitHubEmulator
from release_tool.sanitize import for_file, for_json, for_terminal, one_line

UNSAFE_CHARS = (
    [chr(c) for c in range(0x20) if chr(c) not in "\t\n"]
    + [chr(c) for c in range(0x7F, 0xA0)]
    + [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]
)
UNSAFE = re.compile("[" + "".join(re.escape(c) for c in UNSAFE_CHARS) + "]")
ORDINARY = "Ünïcødé 日本語 🚀 👩‍💻 עברית café\ttab"
#: What an attacker would put in a PR: colours, an OSC 52 clipboard write, a bell, NUL,
#: a carriage return hiding the start of the line, an 8-bit CSI, a right-to-left override.
EVIL = "\x1b[31mred\x1b]52;c;ZXZpbA==\x07 bell\x00nul\r over \x9b2J \u202eabc " + ORDINARY


@pytest.mark.parametrize("char", UNSAFE_CHARS, ids=lambda c: f"U+{ord(c):04X}")
def test_every_control_character_is_neutralised(char):
    text = f"a{char}b {ORDINARY}"
    shown = for_terminal(text)
    assert not UNSAFE.search(shown)
    escape = f"\\x{ord(char):02x}" if ord(char) < 256 else f"\\u{ord(char):04x}"
    assert shown == f"a{escape}b {ORDINARY}"
    kept = for_file(text)
    assert not UNSAFE.search(kept)
    # ESC b and CSI b are whole escape sequences: dropped with their final byte
    assert kept == (f"a {ORDINARY}" if char in "\x1b\x9b" else f"ab {ORDINARY}")
    assert not UNSAFE.search(one_line(text + "\nsecond line"))
    assert "\n" not in one_line(text + "\nsecond line")
    dumped = json.dumps(text, ensure_ascii=False)
    assert not UNSAFE.search(for_json(dumped))
    assert json.loads(for_json(dumped)) == text  # the data is unchanged


def test_json_of_plain_ascii_escapes_del_too():
    assert for_json('"a\x7fb"') == '"a\\u007fb"'
    assert for_json('"plain"') == '"plain"'


def test_ordinary_unicode_is_kept():
    for function in (for_terminal, for_file, for_json, one_line):
        assert function(ORDINARY) == ORDINARY
    assert for_terminal("two\nlines\n") == "two\nlines\n"


@pytest.fixture(scope="module")
def evil_demo(tmp_path_factory):
    """The demo with a PR on integration whose title and notes are hostile."""
    root = tmp_path_factory.mktemp("evil")
    repo = build_demo(root / "demo")
    prs = root / "evil.json"
    prs.write_text(json.dumps([{
        "number": 12, "title": "fix: " + EVIL, "merge_commit": "integration", "base": "integration",
        "body": f"BEGINRELEASENOTES\n*Core\nNEW: {EVIL}\nENDRELEASENOTES",
    }]))  # fmt: skip
    with GitHubEmulator.from_repo(repo, prs_file=prs, name="o/demo") as gh:
        yield repo, gh


def strings(data) -> str:
    """Every string in a JSON document, joined."""
    if isinstance(data, dict):
        return " ".join(strings(v) for v in data.values())
    if isinstance(data, list):
        return " ".join(strings(v) for v in data)
    return data if isinstance(data, str) else ""


def run(gh, repo, *args):
    common = ["--repo", str(repo), "--github-url", gh.base_url, "--github-repo", "o/demo"]
    result = CliRunner().invoke(cli, [*common, *args], env={"GITHUB_TOKEN": "t0ken"})
    assert result.exit_code == 0, result.stderr
    return result


@pytest.mark.parametrize(
    "args",
    [
        ["prs", "-b", "integration", "--with-bodies"],
        ["prs", "-b", "integration", "--with-bodies", "--json"],
        ["notes", "-b", "integration"],
        ["notes", "-b", "integration", "--format", "markdown", "--review"],
        ["notes", "-b", "integration", "--format", "rst"],
        ["notes", "-b", "integration", "--format", "json"],
    ],
    ids=" ".join,
)
def test_printed_pr_text_has_no_control_characters(evil_demo, args):
    repo, gh = evil_demo
    out = run(gh, repo, *args).stdout
    assert not UNSAFE.search(out), repr(out)
    if args[0] == "notes" or "--json" in args:  # (the prs table shows a title's first line)
        assert "日本語 🚀" in out
    if "--json" in args or "json" in args:
        assert "\x1b[31mred" in strings(json.loads(out))  # JSON keeps the data, escaped
    else:
        assert "\\x1b" in out and "\\x07 bell" in out  # visible, not interpreted


def hostile_history(make_repo, monkeypatch):
    """A repository whose PR titles (from git, no GitHub) hold control characters."""
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("GH_TOKEN", raising=False)
    repo = make_repo()
    repo.commit("Initial import")
    repo.tag("v8.0.0a1", message="v8.0.0a1")
    repo.squash_pr(1, "fix: " + EVIL.replace("\x00", ""))  # git refuses NUL in messages
    repo.merge_pr(2, "Broken \x1b]0;pwned\x07 thing \u202eevil", author="mallory")
    return repo


@pytest.mark.parametrize(
    "args",
    [["prs", "--branch", "integration"], ["notes", "-b", "integration", "--review"],
     ["notes", "-b", "integration", "--format", "markdown", "--review"]],
    ids=" ".join,
)  # fmt: skip
def test_offline_titles_from_git_are_neutralised(make_repo, args, monkeypatch):
    """Without GitHub, titles come from merge commits, which may hold any byte but NUL."""
    repo = hostile_history(make_repo, monkeypatch)
    result = CliRunner().invoke(cli, ["--repo", str(repo.path), *args])
    assert result.exit_code == 0, result.stderr
    assert not UNSAFE.search(result.stdout), repr(result.stdout)
    assert "\\x1b" in result.stdout


@pytest.mark.parametrize("fmt", ["dirac", "markdown", "rst", "json"])
def test_notes_of_every_release_are_neutralised(make_repo, tmp_path, fmt, monkeypatch):
    """``notes --all-releases`` (written in pieces) neutralises like one release's notes."""
    repo = hostile_history(make_repo, monkeypatch)
    repo.tag("v8.0.0a2", message="v8.0.0a2")
    args = ["--repo", str(repo.path), "notes", "--all-releases", "--review", "--format", fmt]
    printed = CliRunner().invoke(cli, args)
    assert printed.exit_code == 0, printed.stderr
    assert not UNSAFE.search(printed.stdout), repr(printed.stdout)
    assert "日本語 🚀" in printed.stdout
    if fmt == "json":
        assert "\x1b[31mred" in strings(json.loads(printed.stdout))
    else:
        assert "\\x1b" in printed.stdout and "\\x07 bell" in printed.stdout
    target = tmp_path / f"all.{fmt}"
    written = CliRunner().invoke(cli, [*args, "--output", str(target)])
    assert written.exit_code == 0, written.stderr
    text = target.read_text(encoding="utf-8")
    assert not UNSAFE.search(text), repr(text)
    assert "日本語 🚀" in text and "v8.0.0a2" in text


@pytest.mark.parametrize("fmt", ["dirac", "markdown", "rst", "json"])
def test_output_file_has_no_control_characters(evil_demo, tmp_path, fmt):
    repo, gh = evil_demo
    target = tmp_path / f"notes.{fmt}"
    run(gh, repo, "notes", "-b", "integration", "--format", fmt, "--output", str(target))
    text = target.read_text(encoding="utf-8")
    assert not UNSAFE.search(text), repr(text)
    assert "日本語 🚀" in text


def test_notes_file_has_no_control_characters(evil_demo, tmp_path):
    repo, gh = evil_demo
    target = tmp_path / "release.notes"
    target.write_bytes(b"[v8.1.0a2]\r\n\r\nFIX: (#1) kept\r\n")
    run(gh, repo, "notes", "-b", "integration", "--write", str(target))
    data = target.read_bytes().decode("utf-8")
    assert not UNSAFE.search(data.replace("\r\n", "\n")), repr(data)
    assert "NEW: (#12) red bellnul" in data
    assert data.endswith("[v8.1.0a2]\r\n\r\nFIX: (#1) kept\r\n")  # the rest byte for byte


def test_github_release_body_has_no_control_characters(evil_demo, tmp_path):
    _, gh = evil_demo
    forge = GitHubForge(
        GitHubSettings(slug="o/demo", base_url=gh.base_url, token="t0ken", cache_dir=tmp_path)
    )
    forge.create_release("v8.0.1", "v8.0.1 \x1b]0;title\x07", f"notes {EVIL}", prerelease=False)
    (release,) = [r for r in gh.repo.releases.values() if r.tag_name == "v8.0.1"]
    assert not UNSAFE.search(release.body + release.name)
    assert release.body.endswith(ORDINARY)


def test_error_line_is_one_line_without_controls(tmp_path):
    result = CliRunner().invoke(cli, ["version", "show", "8.0\x1b[2J\nsecond"])
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1
    assert not UNSAFE.search(result.stderr.rstrip("\n"))


@pytest.mark.parametrize("args", [["tags", "audit"], ["lines"]], ids=" ".join)
def test_ref_names_in_tables_are_neutralised(make_repo, args):
    """Git allows C1 controls (as UTF-8) and bidi overrides in ref names."""
    repo = make_repo()
    repo.commit("Initial import")
    repo.tag("v8.0.0a1", message="v8.0.0a1")
    repo.tag("junk\u009b2J\u202etag")
    repo.git("branch", "rel-v8r0")
    repo.git("tag", "-a", "-m", "x", "v8.0.0", "rel-v8r0")
    result = CliRunner().invoke(cli, ["--repo", str(repo.path), *args])
    assert result.exit_code in (0, 1), result.stderr
    assert not UNSAFE.search(result.stdout), repr(result.stdout)
    if args[0] == "tags":
        assert "junk\\x9b2J\\u202etag" in result.stdout
