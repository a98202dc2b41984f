"""Summaries of a real history: WebAppDIRAC, with its maintainers' release notes.

The window 2021-10-21 .. 2021-11-04 holds one patch release of each of two
lines (v4r2p12 and v4r3p8 = v4.3.8) and no new alpha: it must read like the
hand-written slide. The history carries no file contents, so the notes are
given with ``--notes-file``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import corpus_file

from release_tool.history.history_import import import_history, load_jsonl

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def webapp(tmp_path_factory) -> Path:
    """WebAppDIRAC's history rebuilt into a git repository."""
    source = corpus_file("histories", "WebAppDIRAC.jsonl.gz")
    dest = tmp_path_factory.mktemp("webapp") / "WebAppDIRAC"
    import_history(load_jsonl(source), dest)
    return dest


def summary(repo: Path, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "release_tool", "--repo", str(repo), "summary", *args],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_two_patch_releases_and_no_alpha_read_like_the_slide(webapp):
    notes = corpus_file("release-notes", "WebAppDIRAC.release.notes")
    args = ("--since", "2021-10-21", "--until", "2021-11-04", "--notes-file", str(notes))
    lines = summary(webapp, *args).splitlines()
    start = lines.index("2 patch releases between 2021-10-21 and 2021-11-04")
    assert lines[start + 1] == "  v4r2p12 – new features"
    assert lines[start + 2] == "    (#585, #586) Add sweep, labeler and semantic CI configuration"
    assert lines[start + 3] == "  v4r3p8 – minor fixes"
    assert "No change for 5.0.0" in lines
    assert "  v5r0-pre2 is compiled" in lines
    data = json.loads(summary(webapp, *args, "--format", "json"))
    releases = [r for line in data["lines"] for r in line["releases"]]
    assert [(r["version"], r["tags"]) for r in releases] == [
        ("v4r2p12", ["v4r2p12"]),
        ("v4r3p8", ["v4r3p8", "v4.3.8"]),
    ]
    assert all(r["notes_source"] == str(notes) for r in releases)
    assert [len(r["entries"]) for r in releases] == [1, 3]
    branches = [line["branch"] for line in data["lines"]]
    assert "rel-v5r0" not in branches  # no merge or release of its own by then
    assert data["series_in_development"][0]["new_in_window"] == []


def test_every_format_on_the_corpus(webapp, tmp_path):
    notes = str(corpus_file("release-notes", "WebAppDIRAC.release.notes"))
    for fmt in ("text", "markdown", "json", "html"):
        assert summary(webapp, "--since", "2022-11-01", "--until", "2022-12-20",
                       "--notes-file", notes, "--format", fmt)  # fmt: skip
    out = tmp_path / "deck.pptx"
    summary(webapp, "--format", "pptx", "--output", str(out), "--since", "2023-09-01",
            "--until", "2023-12-31")  # fmt: skip
    from pptx import Presentation

    texts = [
        p.text
        for slide in Presentation(str(out)).slides
        for shape in slide.shapes
        if shape.has_text_frame
        for p in shape.text_frame.paragraphs
    ]
    assert "5.0.10 – no changes" in texts or any(t.startswith("5.0.10 – ") for t in texts)
