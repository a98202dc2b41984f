"""``release-tool patches``: the patch matrix on the demo (with the emulator) and on WebAppDIRAC."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
from click.testing import CliRunner
from conftest import corpus_file
from test_corpus_prs import notes_sections

from release_tool.cli import cli
from release_tool.demo import build_demo
from release_tool.history.history_import import import_history, load_jsonl
from release_tool.sandbox import GitHubEmulator

SLUG = "diracgrid/diracdemo"


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """The demo with PRs to sweep, built once."""
    return build_demo(tmp_path_factory.mktemp("patches") / "demo", sweeps=True).parent


@pytest.fixture
def world(template, tmp_path, monkeypatch):
    """A copy of the demo and the emulator serving it."""
    shutil.copytree(template, tmp_path / "demo", symlinks=True)
    repo, origin = tmp_path / "demo" / "repo", tmp_path / "demo" / "origin.git"
    subprocess.run(["git", "remote", "set-url", "origin", str(origin)], cwd=repo, check=True)
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_patchestesttoken123")
    with GitHubEmulator.from_repo(repo, prs_file=tmp_path / "demo" / "prs.json", name=SLUG) as gh:
        yield {"repo": repo, "gh": gh}


def run(world, *args: str):
    """``release-tool ARGS`` against the world's repo and emulator."""
    common = ["--repo", str(world["repo"]), "--github-url", world["gh"].base_url,
              "--github-repo", SLUG]  # fmt: skip
    return CliRunner().invoke(cli, [*common, *args])


def test_matrix_after_a_sweep(world):
    swept = run(world, "sweep", "--yes")
    assert swept.exit_code == 1  # #14 conflicts
    result = run(world, "patches", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["lines"] == ["rel-v7r3", "rel-v8r0", "integration"]
    fixes = {f["number"]: f for f in data["fixes"]}
    assert set(fixes) == {3, 4, 5, 8, 9, 13, 14}  # FIX entries only (not #15, a CHANGE)
    sweep_pr = max(world["gh"].repo.pulls)
    assert fixes[13]["cells"]["integration"] == {
        "state": "sweep-open", "version": None, "evidence": None, "via": f"#{sweep_pr}"
    }  # fmt: skip
    assert fixes[14]["cells"]["integration"]["state"] == "sweep-failed"
    assert fixes[13]["cells"]["rel-v7r3"]["state"] == "n/a"
    assert fixes[8]["cells"]["rel-v8r0"] == {
        "state": "released", "version": "v8.0.1", "evidence": "ancestry", "via": None
    }  # fmt: skip
    assert fixes[8]["merged_into"] == "rel-v8r0" and fixes[8]["merged_at"].endswith("Z")
    assert fixes[9]["cells"]["rel-v8r0"]["state"] == "merged"
    assert data["summary"]["integration"] == {"missing": 0, "failed": 1, "open": 1}
    text = run(world, "patches")
    assert "integration: 0 missing, 1 sweeps failed, 1 sweeps open" in text.stdout
    assert f"sweep open (#{sweep_pr})" in text.stdout and "SWEEP FAILED" in text.stdout
    every = json.loads(run(world, "patches", "--all", "--format", "json").stdout)
    assert {1, 6, 7, 12, 15} <= {f["number"] for f in every["fixes"]}


def test_merged_sweep_is_the_evidence(world):
    """The demo's #11 swept #8 into integration; merged into rel-v7r3 by hand: evidence sweep."""
    result = run(world, "patches", "--format", "json", "-b", "integration", "-b", "rel-v8r0")
    fixes = {f["number"]: f for f in json.loads(result.stdout)["fixes"]}
    assert fixes[8]["cells"]["integration"]["evidence"] == "ancestry"  # merged forward first
    assert list(fixes[8]["cells"]) == ["rel-v8r0", "integration"]


def test_html_is_self_contained_and_escaped(world, tmp_path):
    world["gh"].repo.pulls[13].title = '<img src=x onerror="alert(1)"> Fix & co'
    out = tmp_path / "matrix.html"
    result = run(world, "patches", "--format", "html", "--output", str(out))
    assert result.exit_code == 0, result.stderr
    page = out.read_text()
    assert (
        "<img" not in page and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; Fix &amp; co" in page
    )
    assert "<script" not in page and not re.search(r"(src|href)=\"?https?:", page)
    assert "<style>" in page and "background: #cf222e" in page
    markdown = run(world, "patches", "--format", "markdown").stdout
    assert '\\<img src=x onerror="alert(1)"\\> Fix & co' in markdown


def test_offline_and_window(world):
    result = run(world, "patches", "--offline", "--since", "v8.0.1", "--until", "rel-v8r0")
    assert result.exit_code == 0, result.stderr
    numbers = re.findall(r"^#(\d+)", result.stdout, re.M)
    assert numbers and all(int(n) >= 9 for n in numbers)
    empty = run(world, "patches", "--offline", "--since", "2030-01-01")
    assert "no fixes in the window" in empty.stdout


BAD = [
    (["-b", "rel-v9r9"], "--branch rel-v9r9: unknown branch"),
    (["--since", "yesterday"], "--since yesterday: neither a date"),
    (["--since", "2020-13-45"], "--since 2020-13-45: not a valid date"),
    (["--since", "v8.0.1", "--until", "v7r3"], "--until is before --since"),
    (["--format", "pdf"], "Invalid value for '--format'"),
]


@pytest.mark.parametrize(("args", "message"), BAD)
def test_bad_input_is_one_line(world, args, message):
    result = run(world, "patches", "--offline", *args)
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert message in line and "internal error" not in line


# -- a real history ------------------------------------------------------------------------


@pytest.mark.corpus
def test_webappdirac_matrix_agrees_with_git_and_the_release_notes(tmp_path):
    """On WebAppDIRAC's history: ancestry cells agree with git, versions with release.notes."""
    source = corpus_file("histories", "WebAppDIRAC.jsonl.gz")
    repo = tmp_path / "WebAppDIRAC"
    import_history(load_jsonl(source), repo)
    args = ["--repo", str(repo), "patches", "--offline", "--all-lines", "--all",
            "--since", "2010-01-01", "--format", "json"]  # fmt: skip
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["lines"][-1] == "integration" and "rel-v5r0" in data["lines"]
    assert len(data["fixes"]) > 300
    states = {c["state"] for f in data["fixes"] for c in f["cells"].values()}
    assert {"released", "n/a"} <= states
    # Git's own answer for a sample of cells.
    sample = data["fixes"][:: max(len(data["fixes"]) // 25, 1)]
    for fix in sample:
        for line, cell in fix["cells"].items():
            if cell["evidence"] == "ancestry" and cell["state"] == "released":
                ok = subprocess.run(["git", "merge-base", "--is-ancestor", fix["commit"],
                                     cell["version"]], cwd=repo).returncode  # fmt: skip
                assert ok == 0, (fix["number"], line, cell)
    # The maintainers' release notes: a PR is listed under the release that shipped it
    # (legacy pre-releases under their series' first final release).
    sections = notes_sections(corpus_file("release-notes", "WebAppDIRAC.release.notes"))
    listed: dict[int, set[str]] = {}
    for version, numbers in sections.items():
        for number in numbers:
            listed.setdefault(number, set()).add(version)
    agree = total = 0
    for fix in data["fixes"]:
        cell = fix["cells"][fix["merged_into"]]
        if fix["number"] in listed and cell["state"] == "released":
            total += 1
            pre = re.match(r"^(v\d+r\d+)-pre\d+$", cell["version"])
            versions = listed[fix["number"]]
            agree += cell["version"] in versions or bool(pre and pre.group(1) in versions)
    print(f"\nrelease notes agree on {agree}/{total} released fixes")
    assert total > 100 and agree / total >= 0.9


def test_help_lists_both_commands():
    result = CliRunner().invoke(cli, ["--help"])
    assert "sweep" in result.stdout and "patches" in result.stdout


def test_demo_tours_sweep_and_patches(tmp_path):
    result = CliRunner().invoke(cli, ["demo", str(tmp_path / "tour")])
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "$ release-tool ... sweep --dry-run" in out
    assert "#13 -> integration: pick: cherry-pick -x -m 1" in out and "(clean)" in out
    assert "(conflicts in README.md)" in out
    assert "integration: 2 missing, 0 sweeps failed, 0 sweeps open" in out
