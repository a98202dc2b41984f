"""Notes are never empty, partial or overwritten in silence (issue 10, items 5-10).

On the demo repository: counts on stderr, the review section in every
format, curated sections of released versions kept, PRs another line
released first left out in DIRAC-style repositories, titles not used there.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import corpus_file

from release_tool.cli import cli
from release_tool.demo import build_demo
from release_tool.errors import ConfigError
from release_tool.notes import Entry, ReleaseNotes, Section, notes_config_from_mapping
from release_tool.notes.coverage import coverage
from release_tool.notes.style import asks_for_notes_block, has_dirac_shape, notes_style
from release_tool.sandbox import GitHubEmulator

DIRAC_TEMPLATE = """\
Please describe your change.

BEGINRELEASENOTES

*Subsystem
NEW:

ENDRELEASENOTES
"""

CURATED = """\
[v8.0.1]

*WorkloadManagement

FIX: (#7118) a curated entry, written by hand
NEW: (#8) another one

[v8.0.0]

*Core

NEW: first final
"""


def run(*args: str, env: dict | None = None):
    """Invoke the CLI in-process (stdout and stderr apart)."""
    return CliRunner().invoke(cli, list(args), env=env)


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    """No token in the environment unless a test sets one."""
    for name in ("GITHUB_TOKEN", "GH_TOKEN", "RELEASE_TOOL_GITHUB_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def generic(tmp_path_factory):
    """The demo as built: no PR template, no notes file (titles give notes)."""
    root = tmp_path_factory.mktemp("generic") / "demo"
    return build_demo(root), root / "prs.json"


@pytest.fixture(scope="module")
def dirac(tmp_path_factory):
    """The demo with DIRAC's PR template: a DIRAC-style repository."""
    root = tmp_path_factory.mktemp("dirac") / "demo"
    repo = build_demo(root)
    (repo / ".github").mkdir()
    (repo / ".github" / "pull_request_template.md").write_text(DIRAC_TEMPLATE)
    return repo, root / "prs.json"


def gh_args(gh) -> list[str]:
    """The global options that point at the emulator."""
    return ["--github-url", gh.base_url, "--github-repo", "o/demo"]


# --------------------------------------------------------------------------- item 5


def test_offline_notes_say_what_is_missing(generic):
    repo, _ = generic
    result = run("--repo", str(repo), "notes", "--until", "v8.1.0a1")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        "release-tool: notes of v8.1.0a1: 3 PR(s): 1 noted, 2 unclassified, 0 excluded",
        "release-tool: 2 of 3 PRs have no notes: bodies were not fetched; "
        "set GITHUB_TOKEN (or --token-file), or pass --source github",
        "release-tool: unclassified: #8, #10 (see them with --review)",
    ]
    assert "FIX: (#9) retry failed transfers" in result.stdout


def test_offline_notes_from_titles_only_are_said_too(generic):
    repo, _ = generic
    result = run("--repo", str(repo), "notes", "--branch", "rel-v8r0")
    assert result.stderr.splitlines()[1] == (
        "release-tool: PR bodies were not read, notes come from titles; "
        "set GITHUB_TOKEN (or --token-file), or pass --source github"
    )


def test_notes_with_bodies_say_only_the_counts(generic):
    repo, prs = generic
    with GitHubEmulator.from_repo(repo, prs_file=prs, name="o/demo") as gh:
        result = run("--repo", str(repo), *gh_args(gh), "notes", "--until", "v8.1.0a1",
                     env={"GITHUB_TOKEN": "t0ken"})  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        "release-tool: notes of v8.1.0a1: 3 PR(s): 3 noted, 0 unclassified, 0 excluded"
    ]


# --------------------------------------------------------------------------- item 7


@pytest.mark.parametrize("fmt", ["dirac", "markdown", "rst", "json"])
def test_review_in_every_format(generic, fmt):
    repo, _ = generic
    plain = run("--repo", str(repo), "notes", "--until", "v8.1.0a1", "--format", fmt)
    review = run("--repo", str(repo), "notes", "--until", "v8.1.0a1", "--format", fmt, "--review")
    assert review.exit_code == 0, review.stderr
    for title in ("Fix the StorageElement cache", "Add token support to the pilot"):
        assert title not in plain.stdout and title in review.stdout


# --------------------------------------------------------------------------- item 8


def test_write_keeps_a_curated_section_of_a_released_version(generic, tmp_path):
    repo, _ = generic
    notes = tmp_path / "release.notes"
    notes.write_text(CURATED)
    args = ["--repo", str(repo), "notes", "--until", "v8.0.1", "--write", str(notes)]
    refused = run(*args)
    assert refused.exit_code == 1
    assert refused.stderr.splitlines()[-1] == (
        "release-tool: error: release.notes already has a section [v8.0.1] and v8.0.1 is "
        "released (tagged): it was left as it is (compare with 'release-tool notes --until "
        "...' and pass --force to replace it)"
    )
    assert notes.read_text() == CURATED
    # --version of a tagged release from a branch: the same protection
    by_version = run("--repo", str(repo), "notes", "-b", "rel-v8r0", "--version", "8.0.1",
                     "--write", str(notes))  # fmt: skip
    assert by_version.exit_code == 1 and notes.read_text() == CURATED
    forced = run(*args, "--force")
    assert forced.exit_code == 0, forced.stderr
    assert "updated: [v8.0.1]" in forced.stdout and "#7118" not in notes.read_text()
    assert notes.read_text().endswith("[v8.0.0]\n\n*Core\n\nNEW: first final\n")


def test_write_adds_a_missing_section_of_a_released_version(generic, tmp_path):
    repo, _ = generic
    notes = tmp_path / "release.notes"
    notes.write_text("[v8.0.0]\n\nNEW: first final\n")
    result = run("--repo", str(repo), "notes", "--until", "v8.0.1", "--write", str(notes))
    assert result.exit_code == 0, result.stderr
    assert notes.read_text().startswith("[v8.0.1]\n")


# --------------------------------------------------------------------------- item 9


def test_dirac_style_leaves_out_what_another_line_released(dirac):
    repo, prs = dirac
    with GitHubEmulator.from_repo(repo, prs_file=prs, name="o/demo") as gh:
        common = ["--repo", str(repo), *gh_args(gh), "notes", "--until", "v8.0.0a1"]
        env = {"GITHUB_TOKEN": "t0ken"}
        plain = run(*common, env=env)
        review = run(*common, "--review", env=env)
        data = json.loads(run(*common, "--review", "--format", "json", env=env).stdout)
    assert plain.exit_code == 0, plain.stderr
    # #3 and #4 shipped in v7r3p1 and v7r3p2; #5 and #6 are new work
    assert "(#3)" not in plain.stdout and "(#4)" not in plain.stdout
    assert "FIX: (#5) typo in the FTS3 agent" in plain.stdout
    assert "2 left out as already released in another line" in plain.stderr
    assert "Left out: already released in another line\n" in review.stdout
    assert "(#3) Fix proxy renewal in the JobAgent [first released in v7r3p1]" in review.stdout
    assert data["released_elsewhere"] == [
        {"refs": ["#3"], "title": "Fix proxy renewal in the JobAgent", "release": "v7r3p1"},
        {"refs": ["#4"], "title": "Fix pilot logging of failed jobs", "release": "v7r3p2"},
    ]


def test_cumulative_legacy_notes_keep_their_pre_releases(dirac):
    repo, prs = dirac
    with GitHubEmulator.from_repo(repo, prs_file=prs, name="o/demo") as gh:
        result = run("--repo", str(repo), *gh_args(gh), "notes", "--until", "v7r3",
                     env={"GITHUB_TOKEN": "t0ken"})  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "NEW: (#1) the WorkloadManagement agent" in result.stdout
    assert "NEW: (#2) a catalogue plugin" in result.stdout


def test_generic_repository_keeps_them(generic):
    repo, prs = generic
    with GitHubEmulator.from_repo(repo, prs_file=prs, name="o/demo") as gh:
        result = run("--repo", str(repo), *gh_args(gh), "notes", "--until", "v8.0.0a1",
                     env={"GITHUB_TOKEN": "t0ken"})  # fmt: skip
    assert "FIX: (#3) proxy renewal" in result.stdout


# --------------------------------------------------------------------------- item 10


def test_dirac_style_takes_no_notes_from_titles(dirac):
    repo, _ = dirac
    result = run("--repo", str(repo), "notes", "--until", "v8.0.0a2")
    assert result.exit_code == 0, result.stderr
    assert "new matcher limits" not in result.stdout
    assert "release-tool: 1 of 1 PRs have no notes: bodies were not fetched" in result.stderr
    assert (
        "PR titles give no notes in a DIRAC-style repository (.github/pull_request_template.md "
        "asks for a BEGINRELEASENOTES block); set [tool.release-tool.notes] title_fallback = true"
    ) in result.stderr


def test_title_fallback_can_be_switched_on(tmp_path):
    repo = build_demo(tmp_path / "demo")
    (repo / ".github").mkdir()
    (repo / ".github" / "pull_request_template.md").write_text(DIRAC_TEMPLATE)
    pyproject = repo / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text() + "\n[tool.release-tool.notes]\ntitle_fallback = true\n"
    )
    result = run("--repo", str(repo), "notes", "--until", "v8.0.0a2")
    assert "NEW: (#7) new matcher limits" in result.stdout


def test_lint_rejects_the_pr_template(tmp_path):
    body = tmp_path / "body.md"
    body.write_text(DIRAC_TEMPLATE)
    result = run("notes", "lint", "--body-file", str(body))
    assert result.exit_code == 1
    assert f"{body}:5: '*Subsystem' is the PR template's placeholder" in result.stdout
    assert f"{body}:6: empty NEW entry" in result.stdout


# --------------------------------------------------------------------------- pure parts


def test_style_evidence():
    assert asks_for_notes_block(DIRAC_TEMPLATE)
    assert not asks_for_notes_block("## Checklist\n- [ ] tests\n")
    assert has_dirac_shape(CURATED)
    assert not has_dirac_shape("# Changelog\n\n## 1.0\n- fixed\n")
    style = notes_style({}, "release.notes", CURATED)
    assert style.dirac and style.reason == "release.notes has DIRAC-style sections"
    assert not notes_style({"x.md": "no block"}, "release.notes", None).dirac


def test_coverage_counts_each_pr_once_and_refuses():
    notes = ReleaseNotes(
        "v1",
        sections=[Section("Core", [Entry("FIX", ["#1", "#2"], "a fix")])],
        unclassified=[Entry(None, ["#3", "#4"], "sweeps without notes")],
        excluded=[Entry(None, ["#5"], "docs", source="title type docs")],
        released_elsewhere=[Entry(None, ["#6"], "old", source="v0r9p1")],
    )
    report = coverage(["#1", "#2", "#3", "#4", "#5", "#6"], notes, bodies_read=True)
    assert (report.total, report.noted, report.unclassified, report.excluded) == (
        6, 2, ("#3", "#4"), 1
    )  # fmt: skip
    assert report.refusal() == "2 PR(s) of v1 have no release notes: #3, #4"
    empty = coverage(["#5"], ReleaseNotes("v2", excluded=notes.excluded), bodies_read=True)
    assert empty.refusal().startswith("the notes of v2 would be empty although its range has 1")
    assert coverage([], ReleaseNotes("v3"), bodies_read=False).refusal() is None


@pytest.mark.parametrize("key", ["title_fallback", "omit_released_elsewhere"])
def test_settings_are_validated(key):
    assert getattr(notes_config_from_mapping({key: False}), key) is False
    assert getattr(notes_config_from_mapping({}), key) is None  # decided per repository
    with pytest.raises(ConfigError, match=rf"tool\.release-tool\.notes\.{key} must be true or"):
        notes_config_from_mapping({key: "yes"})


@pytest.mark.parametrize(
    ("name", "dirac"),
    [("WebAppDIRAC", True), ("COMDIRAC", True), ("VMDIRAC", True), ("ILCDIRAC", True),
     ("CTADIRAC", False)],  # CTADIRAC's entries are free-form "* XY : text"
)  # fmt: skip
def test_real_notes_files_have_the_dirac_shape(name, dirac):
    text = corpus_file("release-notes", f"{name}.release.notes").read_bytes()
    assert has_dirac_shape(text) is dirac


def test_hint_follows_the_source_option(generic):
    repo, _ = generic
    result = run("--repo", str(repo), "notes", "--until", "v8.1.0a1", "--source", "git",
                 env={"GITHUB_TOKEN": "t0ken"})  # fmt: skip
    assert "bodies were not fetched; pass --source github (or auto) to read them" in result.stderr
