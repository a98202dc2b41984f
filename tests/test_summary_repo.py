"""``release-tool summary`` on real repositories: the demo grown by one meeting window."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from summary_helpers import SINCE, UNTIL, grow, slide_demo

from release_tool.cli import cli


def run(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """The CLI as a user runs it."""
    result = subprocess.run(
        [sys.executable, "-m", "release_tool", "--repo", str(repo), "summary", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if check and result.returncode != 0:
        raise AssertionError(result.stderr)
    return result


@pytest.fixture(scope="module")
def slide(tmp_path_factory) -> Path:
    """The demo grown by a window holding v7r3p3 and v8.0.2, no new alpha."""
    return slide_demo(tmp_path_factory.mktemp("slide") / "demo")


def test_text_reads_like_the_slide(slide):
    text = run(slide, "--since", SINCE, "--until", UNTIL).stdout
    lines = text.splitlines()
    start = lines.index(f"2 patch releases between {SINCE} and {UNTIL}")
    assert lines[start : start + 8] == [
        f"2 patch releases between {SINCE} and {UNTIL}",
        "  v7r3p3 – no changes",
        "  8.0.2 – minor fixes",
        "    fixes in AREXCE",
        "      (#13) AREXCE: use the token file of the job",
        "      (#15) AREXCE: retry a failed delegation",
        "    fixes in RemoteRunner",
        "      (#14) RemoteRunner: HPC access through the ssh tunnel",
    ]
    assert "No change for 8.1.0" in lines
    assert "  8.1.0a2 is compiled; 2 hackathons already passed, 1 planned" in lines
    activity = next(line for line in lines if "PRs merged" in line and not line.startswith(" "))
    assert re.match(r"^(Little|Usual|Busy|No|Dev)\b.*activity: \d+ PRs? merged", activity)
    assert "  rel-v8r0: nothing waiting; next 8.0.3" in lines
    assert "  integration: 2 PRs merged, not released; next 8.1.0a3" in lines


def test_json_has_the_documented_keys(slide):
    data = json.loads(run(slide, "--since", SINCE, "--until", UNTIL, "--format", "json").stdout)
    assert data["since"] == "2020-09-30T00:00:00Z" and data["until"] == "2020-10-14T00:00:00Z"
    lines = {line["branch"]: line for line in data["lines"]}
    assert list(lines) == ["rel-v7r3", "rel-v8r0", "integration"]
    (release,) = lines["rel-v8r0"]["releases"]
    assert set(release) >= {"version", "date", "prs", "headline", "subjects", "entries"}
    assert release["version"] == "8.0.2" and release["prs"] == 4  # with #9, squashed
    assert release["headline"] == "minor fixes"
    assert [s["name"] for s in release["subjects"]] == ["AREXCE", "RemoteRunner"]
    assert release["notes_source"] == "release.notes at v8.0.2"
    assert lines["rel-v7r3"]["releases"][0]["headline"] == "no changes"
    assert lines["rel-v7r3"]["releases"][0]["prs"] == 1  # the FTS3 typo fix, not in the notes
    assert lines["integration"]["next_version"] == "8.1.0a3"
    assert [p["ref"] for p in lines["integration"]["pending"]] == ["#12", "#16"]
    (series,) = data["series_in_development"]
    assert series["series"] == "8.1" and series["latest"] == "8.1.0a2"
    assert series["new_in_window"] == [] and series["hackathons_passed"] == 2
    activity = data["activity"]
    assert activity["merged"] == 4 and len(activity["previous"]) == 6
    assert set(activity["weekly"]) == {"rel-v7r3", "rel-v8r0", "integration"}


def test_markdown_links_prs_and_escapes_titles(tmp_path):
    repo = slide_demo(tmp_path / "demo", hackathons=False)
    builder = grow(repo)
    builder.clock += 86400
    builder.checkout("integration")
    builder.merge_pr(17, "<script>alert(1)</script> [x](javascript:alert(1)) *bold*", head="evil")
    subprocess.run(["git", "-C", str(repo), "remote", "set-url", "origin",
                    "https://github.com/diracgrid/diracdemo.git"], check=True)  # fmt: skip
    text = run(repo, "--since", SINCE, "--until", "2020-10-20", "--format", "markdown").stdout
    assert "[#13](https://github.com/diracgrid/diracdemo/pull/13)" in text
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert r"\[x\](javascript:alert(1))" in text and r"\*bold\*" in text
    html = run(repo, "--since", SINCE, "--until", "2020-10-20", "--format", "html").stdout
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="https://github.com/diracgrid/diracdemo/pull/17"' in html


def test_html_is_self_contained_and_prints_a_section_per_page(slide):
    html = run(slide, "--since", SINCE, "--until", UNTIL, "--format", "html").stdout
    assert html.startswith("<!DOCTYPE html>")
    assert html.count("<svg") == 2  # the timeline and the weekly chart, inline
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", html.split("<body>")[0])
    assert not re.search(r"""<(img|script|link|iframe)\b""", html)
    assert "@import" not in html and "url(" not in html.replace("url(#", "")
    assert "@media print" in html and "break-after: page" in html
    assert html.count("<section") == 4


def test_pptx_reads_back(slide, tmp_path):
    from pptx import Presentation

    out = tmp_path / "status.pptx"
    run(slide, "--since", SINCE, "--until", UNTIL, "--format", "pptx", "--output", str(out))
    deck = Presentation(io.BytesIO(out.read_bytes()))
    slides = list(deck.slides)
    assert slides[0].shapes.title.text == "repo: release status"
    status = slides[1]
    assert status.shapes.title.text == "Release status"
    paragraphs = [(p.level, p.text) for p in status.placeholders[1].text_frame.paragraphs]
    assert (0, f"2 patch releases between {SINCE} and {UNTIL}") in paragraphs
    assert (1, "8.0.2 – minor fixes") in paragraphs
    assert (2, "fixes in AREXCE") in paragraphs
    assert (3, "(#13) AREXCE: use the token file of the job") in paragraphs
    assert (0, "No change for 8.1.0") in paragraphs
    pictures = [s for slide in slides for s in slide.shapes if s.shape_type == 13]
    assert len(pictures) == 2
    titles = [s.shapes.title.text for s in slides]
    assert titles == ["repo: release status", "Release status", "Pending",
                      "Development activity", "Release timeline"]  # fmt: skip


def test_empty_window_is_one_clear_line(slide):
    text = run(slide, "--since", "2021-01-01", "--until", "2021-01-15").stdout
    assert "No release between 2021-01-01 and 2021-01-15" in text.splitlines()
    data = json.loads(
        run(slide, "--since", "2021-01-01", "--until", "2021-01-15", "--format", "json").stdout
    )
    assert all(line["releases"] == [] for line in data["lines"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "2020-02-30"], "not a valid date: '2020-02-30'"),
        (["--since", "yesterday"], "--since 'yesterday' is neither a date"),
        (["--until", "no-such-ref"], "--until 'no-such-ref' is neither a date"),
        (["--since", "2020-10-14", "--until", "2020-09-30"], "no window: --since 2020-10-14"),
        (["--format", "pptx"], "--format pptx writes a file: give --output FILE"),
        (["--branch", "feature-x"], "branch 'feature-x' is not a release line"),
        (["--notes-file", "/nonexistent/notes"], "--notes-file /nonexistent/notes"),
    ],
)
def test_bad_input_is_one_line(slide, args, message):
    result = (
        run(slide, "--since", SINCE, "--until", UNTIL, *args, check=False)
        if ("--since" not in args and "--until" not in args)
        else run(slide, *args, check=False)
    )
    assert result.returncode == 2, result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith("release-tool: error: ") and message in line
    assert "internal error" not in line and "Traceback" not in result.stderr


def test_refs_mean_their_commit_time(slide):
    data = json.loads(run(slide, "--since", "v7r3p2", "--until", "v8.0.2", "--format",
                          "json").stdout)  # fmt: skip
    versions = {r["version"] for line in data["lines"] for r in line["releases"]}
    assert "v7r3p2" not in versions  # the window starts after --since
    assert {"v7r3p3", "8.0.2", "8.0.1", "8.1.0a2"} <= versions  # and ends with --until


def test_override_file_and_config(slide, tmp_path):
    (slide / "summary.toml").write_text(
        '[headlines]\n"8.0.2" = { headline = "fixes for AREX CE and Remote Runner",'
        ' subjects = ["AREXCE"] }\n',
        encoding="utf-8",
    )
    try:
        text = run(slide, "--since", SINCE, "--until", UNTIL).stdout
    finally:
        (slide / "summary.toml").unlink()
    assert "  8.0.2 – fixes for AREX CE and Remote Runner" in text
    assert "    fixes in RemoteRunner" not in text and "    fixes in AREXCE" in text


def test_notes_file_option_and_generated_notes(tmp_path):
    repo = slide_demo(tmp_path / "demo", hackathons=False)
    extra = tmp_path / "CHANGELOG.md"
    extra.write_text("# Changes\n\n## 8.0.1\n\n### Bug Fixes\n\n* **DMS:** cache (#8)\n")
    data = json.loads(
        run(repo, "--since", "2020-09-13", "--until", UNTIL, "--format", "json",
            "--notes-file", str(extra)).stdout
    )  # fmt: skip
    releases = {r["version"]: r for line in data["lines"] for r in line["releases"]}
    assert releases["8.0.1"]["notes_source"] == str(extra)
    assert releases["8.0.1"]["subjects"][0]["name"] == "DMS"
    # no notes file at 8.0.0's tag, no GitHub: generated from its PRs' titles
    assert releases["8.0.0"]["notes_source"] == "generated from PRs"
    assert releases["8.0.0"]["headline"] == "no changes"


def test_cli_registers_summary():
    assert "summary" in cli.list_commands(None)


def test_pre_releases_only(slide):
    text = run(slide, "--since", "v8.0.1", "--until", "v8.1.0a2").stdout
    lines = text.splitlines()
    assert lines[2].startswith("No final release between 2020-09-14")
    assert "8.1.0a1, 8.1.0a2 released" in lines


def test_the_history_index_is_freed_once_the_summary_is_made(slide, monkeypatch):
    """The charts of html and pptx are drawn after the history index is let go."""
    import gc
    import weakref

    from click.testing import CliRunner

    from release_tool.commands import summary as command
    from release_tool.summary import collect
    from release_tool.summary import render as render_module

    seen = []
    original = collect.Collector.build

    def build(self, request):
        made = original(self, request)
        seen.append(weakref.ref(self.discovery.index()))
        return made

    def render(summary, fmt):
        gc.collect()
        seen.append(seen[0]() is None)
        return render_module.render(summary, fmt)

    monkeypatch.setattr(collect.Collector, "build", build)
    monkeypatch.setattr(command, "render", render)
    args = ["--repo", str(slide), "summary", "--since", SINCE, "--until", UNTIL]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.stderr
    assert seen[1] is True
