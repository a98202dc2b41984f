"""hackathon add/list, series, lines --json and alpha on a repository with three hackathons.

The repository (real git, a bare origin) has PRs merged one second outside,
exactly on and inside the windows, a PR labelled for a hackathon but merged
after it (its label lives on the GitHub emulator), and one merged after every
window. The builder and uploader of ``alpha`` are recording stand-ins here;
tests/test_alpha_bot.py runs the real ones against a pypiserver.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from release_tool.cli import cli
from release_tool.demo import _DemoBuilder, write_prs_file
from release_tool.history.gitbuild import ISOLATED_ENV
from release_tool.sandbox import GitHubEmulator

SLUG = "diracgrid/threehack"
PYPROJECT = '[project]\nname = "threehack"\nversion = "0"\n'


def stamp(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def git(path: Path, *args: str) -> str:
    import os

    env = {**os.environ, **ISOLATED_ENV}
    out = subprocess.run(["git", *args], cwd=path, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


@dataclass
class FakeArtifact:
    path: Path
    sha256: str
    size: int


def build_three(directory: Path) -> dict:
    """The repository with three hackathons: A (passed), B (passed), C (planned)."""
    repo = _DemoBuilder(directory / "repo", branch="integration")
    repo.commit("Initial import", {"pyproject.toml": PYPROJECT})
    repo.merge_pr(1, "Before A", author="alice")  # merged one hour before A
    repo.merge_pr(2, "On A's first second", author="bob")
    a_start = repo.clock
    repo.merge_pr(3, "On A's last second", author="carol")
    a_end = repo.clock
    repo.tag("v8.1.0a1", message="v8.1.0a1")
    repo.merge_pr(4, "Between A and B", author="dave")
    b_start = repo.clock + 1
    repo.merge_pr(5, "Inside B", author="erin")
    b_end = repo.clock + 60
    repo.tag("v8.1.0a2", message="v8.1.0a2")
    repo.merge_pr(6, "Labelled for A, merged after it", author="alice")
    repo.merge_pr(7, "After every window", author="bob")
    records = f"""\
# three hackathons of the test project

[[hackathon]]
name = "A"
start = {stamp(a_start)}
end = {stamp(a_end)}
url = "https://indico.example.invalid/event/a"

[[hackathon]]
name = "B"
start = {stamp(b_start)}
end = {stamp(b_end)}
series = "8.1"

[[hackathon]]
name = "C"
start = 2099-05-01
end = 2099-05-03
series = "8.1"
"""
    repo.commit("Record the hackathons", {"hackathons.toml": records})
    repo.make_bare_origin(directory / "origin.git", ["integration"])
    for pr in repo.prs:
        pr["body"] = f"BEGINRELEASENOTES\n*Core\nNEW: change {pr['number']}\nENDRELEASENOTES\n"
        if pr["number"] == 6:
            pr["labels"] = ["hackathon:A"]
    write_prs_file(directory / "prs.json", repo.prs)
    return {"repo": repo.path, "prs": directory / "prs.json", "origin": directory / "origin.git"}


@pytest.fixture
def three(tmp_path, monkeypatch):
    """The three-hackathon repository, its emulator, a recording builder and uploader."""
    world = build_three(tmp_path / "three")
    index: dict[str, bytes] = {}

    def builder(root, outdir, *, source_date_epoch, expected_version, isolation, **_options):
        outdir.mkdir(parents=True, exist_ok=True)
        made = []
        for name in (f"threehack-{expected_version}.tar.gz",
                     f"threehack-{expected_version}-py3-none-any.whl"):  # fmt: skip
            data = f"{name} {source_date_epoch}".encode()
            (outdir / name).write_bytes(data)
            made.append(FakeArtifact(outdir / name, hashlib.sha256(data).hexdigest(), len(data)))
        return made

    def uploader(paths, url):
        for path in paths:
            index.setdefault(path.name, path.read_bytes())
        return {"uploaded": [p.name for p in paths]}

    monkeypatch.setattr("release_tool.commands.alpha.default_builder", builder)
    monkeypatch.setattr("release_tool.commands.alpha.default_uploader", uploader)
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_hackathontesttoken123")
    with GitHubEmulator.from_repo(world["repo"], prs_file=world["prs"], name=SLUG) as gh:
        yield {**world, "gh": gh, "index": index}


def run(world, *args: str, github: bool = True):
    common = ["--repo", str(world["repo"])]
    if github:
        common += ["--github-url", world["gh"].base_url, "--github-repo", SLUG]
    return CliRunner().invoke(cli, [*common, *args])


def listing(world, **kwargs) -> dict:
    result = run(world, "hackathon", "list", "--json", **kwargs)
    assert result.exit_code == 0, result.stderr
    return {h["name"]: h for h in json.loads(result.stdout)}


def test_list_assigns_by_label_then_by_window(three):
    found = listing(three)
    assert [(h["state"], h["prs"], h["released_in"]) for h in found.values()] == [
        ("passed", [2, 3, 6], None),  # #6: labelled for A, merged after it: not in a1
        ("passed", [5], "8.1.0a2"),
        ("upcoming", [], None),
    ]
    assert found["A"]["series"] == "8.1"  # defaulted: the series developed at its start
    assert found["A"]["url"] == "https://indico.example.invalid/event/a"
    assert found["A"]["start"].endswith("Z") and found["C"]["end"] == "2099-05-03T23:59:59Z"
    text = run(three, "hackathon", "list")
    assert text.exit_code == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0].split() == ["hackathon", "dates", "series", "state", "PRs", "released", "in"]
    assert "#2, #3, #6" in lines[1] and "not yet released" in lines[1]
    assert "8.1.0a2" in lines[2] and "upcoming" in lines[3]
    assert lines[4].startswith("between hackathons") and "#4, #7" in lines[4]  # since A


def test_list_without_github_knows_no_labels(three, monkeypatch):
    monkeypatch.delenv("GITHUB_TOKEN")
    found = listing(three, github=False)
    assert found["A"]["prs"] == [2, 3] and found["A"]["released_in"] == "8.1.0a1"


def test_list_of_one_series(three):
    assert list(listing(three)) == ["A", "B", "C"]
    result = run(three, "hackathon", "list", "--series", "8.1", "--json")
    assert [h["name"] for h in json.loads(result.stdout)] == ["A", "B", "C"]


def test_series_status(three):
    result = run(three, "series")
    assert result.exit_code == 0, result.stderr
    day = git(three["repo"], "log", "-1", "--format=%cs", "v8.1.0a2")
    assert (
        result.stdout.strip()
        == f"8.1.0a2 ({day}); 2 hackathons passed, 1 planned; 2 PRs since 8.1.0a2"
    )
    data = json.loads(run(three, "series", "8.1", "--json").stdout)
    assert data == {
        "series": "8.1", "branch": "integration", "latest": "8.1.0a2", "latest_tag": "v8.1.0a2",
        "latest_date": day, "prereleases": ["8.1.0a1", "8.1.0a2"], "hackathons_passed": 2,
        "hackathons_running": 0, "hackathons_planned": 1, "prs_since_latest": 2,
    }  # fmt: skip
    lines = json.loads(run(three, "lines", "--json").stdout)
    (integration,) = [line for line in lines if line["kind"] == "integration"]
    assert integration["series_status"] == data


def test_add_then_list(three):
    path = three["repo"] / "hackathons.toml"
    before = path.read_text()
    result = run(three, "hackathon", "add", "D", "--start", "2099-01-10", "--end", "2099-01-12",
                 "--url", "https://indico.example.invalid/event/d")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "added hackathon D to hackathons.toml"
    after = path.read_text()
    assert after.startswith(before.split('[[hackathon]]\nname = "C"')[0])
    assert after.index('name = "D"') < after.index('name = "C"')  # sorted by start
    assert list(listing(three)) == ["A", "B", "D", "C"]


def test_configured_file(three):
    repo = three["repo"]
    (repo / "etc").mkdir()
    (repo / "hackathons.toml").rename(repo / "etc" / "hack.toml")
    (repo / "pyproject.toml").write_text(
        PYPROJECT + '\n[tool.release-tool]\nhackathons_file = "etc/hack.toml"\n'
    )
    assert list(listing(three)) == ["A", "B", "C"]
    assert run(three, "hackathon", "add", "E", "--start", "2099-06-01", "--end",
               "2099-06-01").exit_code == 0  # fmt: skip
    assert 'name = "E"' in (repo / "etc" / "hack.toml").read_text()


BAD_RECORDS = [
    (
        '[[hackathon]]\nname = "x"\nstart = 2023-01-05\nend = 2023-01-01\n',
        "\"x\" (entry 1): field 'end'",
    ),
    ('[[hackathon]]\nname = "x"\nstart = "someday"\nend = 2023-01-01\n', "field 'start'"),
    (
        '[[hackathon]]\nname = "x"\nstart = 2023-01-01\nend = 2023-01-02\nseries = "9.9"\n',
        "field 'series': unknown series '9.9' (known: 8.1)",
    ),
    (
        '[[hackathon]]\nname = "x"\nstart = 2023-01-01\nend = 2023-01-05\n'
        '[[hackathon]]\nname = "y"\nstart = 2023-01-05\nend = 2023-01-06\n',
        "overlaps",
    ),
    (
        '[[hackathon]]\nname = "x"\nstart = 2023-01-01\nend = 2023-01-01\n'
        '[[hackathon]]\nname = "x"\nstart = 2023-02-05\nend = 2023-02-06\n',
        "duplicate",
    ),
    ("[[hackathon]\n", "not valid TOML"),
]


@pytest.mark.parametrize(("records", "fragment"), BAD_RECORDS)
@pytest.mark.parametrize("command", [("hackathon", "list"), ("series",), ("alpha", "--dry-run")])
def test_bad_records_are_one_line_errors(three, records, fragment, command):
    (three["repo"] / "hackathons.toml").write_text(records)
    git(three["repo"], "commit", "--quiet", "-am", "bad records")
    git(three["repo"], "push", "--quiet", "origin", "integration")
    result = run(three, *command)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    (line,) = [x for x in result.stderr.splitlines() if "error" in x]  # one error line
    assert line.startswith("release-tool: error: hackathons.toml: ") and fragment in line
    assert "internal error" not in line and "Traceback" not in result.stderr


BAD_OPTIONS = [
    (("hackathon", "add", "A", "--start", "2099-01-01", "--end", "2099-01-02"), "duplicate"),
    (("hackathon", "add", "Z", "--start", "2023-13-01", "--end", "2099-01-02"), "--start"),
    (("hackathon", "add", "Z", "--start", "2099-01-03", "--end", "2099-01-02"), "before 'start'"),
    (("hackathon", "add", "Z", "--start", "2099-01-01", "--end", "x"), "--end: 'x'"),
    (
        ("hackathon", "add", "$(touch pwned)", "--start", "2099-01-01", "--end", "2099-01-02"),
        "hackathon name must be",
    ),
    (
        ("hackathon", "add", "Z", "--start", "2099-01-01", "--end", "2099-01-02", "--series", "8"),
        "field 'series'",
    ),
    (
        (
            "hackathon",
            "add",
            "Z",
            "--start",
            "2099-01-01",
            "--end",
            "2099-01-02",
            "--url",
            "ftp://x",
        ),
        "field 'url'",
    ),
    (("hackathon", "add", "Z", "--end", "2099-01-02"), "Missing option '--start'"),
    (("hackathon", "list", "--series", "eight"), "not a series: 'eight'"),
    (("hackathon", "list", "--series", "9.9"), "unknown series '9.9'"),
    (("series", "9.9"), "unknown series '9.9' (known: 8.1)"),
    (("series", "8.x"), "not a series"),
    (("alpha", "--phase", "gamma"), "'gamma' is not one of 'alpha', 'beta', 'rc'"),
    (
        ("alpha", "--hackathon", "nope", "--dry-run"),
        "no hackathon named 'nope' (hackathons: A, B, C)",
    ),
    (("alpha", "--hackathon", "C", "--dry-run"), "hackathon C has not started yet"),
    (("alpha", "--branch", "nope", "--dry-run"), "nope"),
    (("alpha", "--phase", "alpha", "--version", "8.1.0", "--dry-run"), "not a pre-release"),
]


@pytest.mark.parametrize(("args", "fragment"), BAD_OPTIONS)
def test_bad_options_are_one_line_errors(three, args, fragment):
    result = run(three, *args)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    (line,) = [x for x in result.stderr.splitlines() if "error" in x]  # one error line
    assert line.startswith("release-tool: error: ") and fragment in line
    assert "internal error" not in line and "Traceback" not in result.stderr
    assert not (three["repo"] / "pwned").exists()


def test_alpha_groups_notes_by_hackathon_and_names_it(three):
    before = git(three["repo"], "rev-parse", "HEAD")
    dry = run(three, "alpha", "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert "release v8.1.0a3 from integration" in dry.stdout
    assert git(three["repo"], "rev-parse", "HEAD") == before
    result = run(three, "alpha", "--yes")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "released v8.1.0a3 from integration"
    notes = (three["repo"] / "release.notes").read_text()
    a_heading = next(line for line in notes.splitlines() if line.startswith("Hackathon A ("))
    assert notes.index(a_heading) < notes.index("NEW: (#6) change 6")
    assert notes.index("NEW: (#6)") < notes.index("Between hackathons") < notes.index("(#7)")
    message = git(three["repo"], "tag", "-l", "--format=%(contents)", "v8.1.0a3")
    assert message.strip() == f"Release v8.1.0a3\n\n{a_heading}"
    (published,) = three["gh"].repo.releases.values()
    assert (published.tag_name, published.prerelease, published.draft) == ("v8.1.0a3", True, False)
    assert (
        "Pre-release after the hackathon [A](https://indico.example.invalid/event/a)"
        in published.body
    )
    assert f"### {a_heading}" in published.body and "### Between hackathons" in published.body
    assert sorted(three["index"]) == [
        "threehack-8.1.0a3-py3-none-any.whl",
        "threehack-8.1.0a3.tar.gz",
    ]
    # the list now shows the alpha against A (all of its PRs shipped in a3)
    assert listing(three)["A"]["released_in"] == "8.1.0a3"
    # nothing new: --if-changed touches nothing
    refs = git(three["origin"], "for-each-ref", "--format=%(refname) %(objectname)")
    again = run(three, "alpha", "--if-changed", "--yes")
    assert again.exit_code == 0 and again.stdout.strip() == "nothing new since 8.1.0a3"
    assert git(three["origin"], "for-each-ref", "--format=%(refname) %(objectname)") == refs
    assert len(three["gh"].repo.releases) == 1


def test_alpha_for_a_named_hackathon_and_phase(three):
    result = run(three, "alpha", "--yes", "--hackathon", "B", "--phase", "beta")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "released v8.1.0b1 from integration"
    message = git(three["repo"], "tag", "-l", "--format=%(contents)", "v8.1.0b1")
    assert "Hackathon B (" in message and "Hackathon A (" in message
    (published,) = three["gh"].repo.releases.values()
    assert published.prerelease and "[A](" in published.body and "**B**" in published.body


def test_alpha_ci_outputs(three, tmp_path, monkeypatch):
    output, summary = tmp_path / "output", tmp_path / "summary"
    monkeypatch.setenv("GITHUB_OUTPUT", str(output))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert run(three, "alpha", "--if-changed", "--yes").exit_code == 0
    values = dict(line.split("=", 1) for line in output.read_text().splitlines())
    assert values["published"] == "true" and values["version"] == "8.1.0a3"
    assert values["tag"] == "v8.1.0a3" and Path(values["dist"]).is_dir()
    text = summary.read_text()
    assert (
        "### Pre-release 8.1.0a3" in text and "| PRs | 2 |" in text and "| hackathon | A |" in text
    )
    output.write_text("")
    assert run(three, "alpha", "--if-changed", "--yes").exit_code == 0
    assert (
        "published=false" in output.read_text()
        and "nothing new since 8.1.0a3" in summary.read_text()
    )


def test_legacy_line_gets_pre_n(make_repo, tmp_path):
    repo = make_repo()
    repo.commit("Initial import", {"pyproject.toml": PYPROJECT})
    repo.tag("v7r2", message="v7r2")
    repo.merge_pr(1, "One")
    repo.tag("v7r3-pre1", message="v7r3-pre1")
    repo.merge_pr(2, "Two")
    repo.make_bare_origin(tmp_path / "origin.git", ["integration"])
    result = CliRunner().invoke(cli, ["--repo", str(repo.path), "alpha", "--dry-run"])
    assert result.exit_code == 0, result.stderr
    assert "release v7r3-pre2 from integration" in result.stdout
    refused = CliRunner().invoke(cli, ["--repo", str(repo.path), "alpha", "--dry-run",
                                       "--phase", "rc"])  # fmt: skip
    assert refused.exit_code == 2 and "no legacy form" in refused.stderr


def test_the_demo_has_two_passed_hackathons_and_one_planned(tmp_path, monkeypatch):
    from release_tool.demo import build_demo

    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    repo = build_demo(tmp_path / "demo")
    result = CliRunner().invoke(cli, ["--repo", str(repo), "hackathon", "list", "--json"])
    assert result.exit_code == 0, result.stderr
    found = {h["name"]: h for h in json.loads(result.stdout)}
    # #8 and #9 were merged into rel-v8r0 and arrived on integration with the forward merge
    # inside the tokens window; #11 was merged on its very last second
    assert [(h["state"], h["prs"], h["released_in"]) for h in found.values()] == [
        ("passed", [8, 9, 10, 11], "8.1.0a2"),
        ("passed", [12], None),
        ("upcoming", [], None),
    ]
    series = CliRunner().invoke(cli, ["--repo", str(repo), "series"])
    assert series.stdout.strip() == (
        "8.1.0a2 (2020-09-14); 2 hackathons passed, 1 planned; 1 PR since 8.1.0a2"
    )


def test_series_without_a_prerelease_yet(make_repo, tmp_path):
    repo = make_repo()
    repo.commit("Initial import", {"pyproject.toml": PYPROJECT})
    repo.tag("v8.0.0", message="v8.0.0")
    repo.checkout("rel-v8r0", create_from="integration")
    repo.checkout("integration")
    repo.merge_pr(1, "One")
    repo.merge_pr(2, "Two")
    result = CliRunner().invoke(cli, ["--repo", str(repo.path), "series", "--json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["series"], data["latest"], data["prereleases"]) == ("8.1", None, [])
    assert data["prs_since_latest"] == 2
    text = CliRunner().invoke(cli, ["--repo", str(repo.path), "series"]).stdout.strip()
    assert text == (
        "8.1: no pre-release yet; 0 hackathons passed, 0 planned; "
        "2 PRs since the start of the series"
    )
