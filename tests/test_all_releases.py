"""prs --all-releases and notes --all-releases: every release's own list, one walk."""

from __future__ import annotations

import importlib
import json

import pytest
from click.testing import CliRunner

from release_tool import proc
from release_tool.cli import cli
from release_tool.core.versions import parse
from release_tool.demo import build_demo

render_module = importlib.import_module("release_tool.notes.render")


def run_cli(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return build_demo(tmp_path_factory.mktemp("allrel") / "demo")


def releases_of(repo) -> list[str]:
    tags = proc.run(["git", "tag"], cwd=repo).stdout.split()
    found: dict = {}
    for tag in tags:
        try:
            version = parse(tag)
        except Exception:
            continue
        if not version.is_dev:
            commit = proc.run(["git", "rev-parse", f"{tag}^{{}}"], cwd=repo).stdout.strip()
            found.setdefault((version.pep, commit), []).append((version.scheme != "legacy", tag))
    return [min(found[key])[1] for key in sorted(found, reverse=True)]  # legacy tag first


def test_prs_all_releases_equals_each_until(demo, monkeypatch):
    walks = []
    real = proc.stream
    monkeypatch.setattr(proc, "stream", lambda a, **k: (walks.append(a[1]), real(a, **k))[1])
    result = run_cli("--repo", str(demo), "prs", "--all-releases", "--json")
    assert result.exit_code == 0, result.stderr
    assert walks.count("log") + walks.count("rev-list") == 1
    entries = json.loads(result.stdout)
    monkeypatch.setattr(proc, "stream", real)
    expected = []
    order = []
    for release in releases_of(demo):
        one = run_cli("--repo", str(demo), "prs", "--until", release, "--json")
        assert one.exit_code == 0, one.stderr
        expected += json.loads(one.stdout)
        order.append(release)
    assert entries == expected
    assert {e["release"] for e in entries} <= set(order)
    text = run_cli("--repo", str(demo), "prs", "--all-releases").stdout
    headers = [line for line in text.splitlines() if line.endswith("PRs)")]
    assert len(headers) == len(order)
    assert [h.split("..")[1].split(" ")[0] for h in headers] == order  # newest first


def test_prs_all_releases_of_one_line(demo):
    result = run_cli("--repo", str(demo), "prs", "--all-releases", "-b", "rel-v8r0", "--json")
    assert result.exit_code == 0, result.stderr
    assert {e["line"] for e in json.loads(result.stdout)} == {"rel-v8r0"}
    bad = run_cli("--repo", str(demo), "prs", "--all-releases", "--until", "v8.0.1")
    assert bad.exit_code == 2 and "--all-releases" in bad.stderr


def test_notes_all_releases_one_environment(demo, monkeypatch):
    render_module.cached_environment.cache_clear()
    made = []
    real = render_module.make_environment
    monkeypatch.setattr(render_module, "make_environment", lambda *a: made.append(a) or real(*a))
    result = run_cli("--repo", str(demo), "notes", "--all-releases", "--source", "git")
    assert result.exit_code == 0, result.stderr
    assert len(made) == 1
    headings = [line for line in result.stdout.splitlines() if line.startswith("[")]
    assert headings[0] == "[v8.1.0a2]" and "[v8.0.1]" in headings and headings[-1] == "[v7r3-pre1]"
    one = run_cli("--repo", str(demo), "notes", "--until", "v8.1.0a1", "--source", "git")
    assert one.stdout.strip() in result.stdout
    data = json.loads(
        run_cli("--repo", str(demo), "notes", "--all-releases", "--format", "json").stdout
    )
    assert [d["version"] for d in data] == [h.strip("[]") for h in headings]


def test_the_collector_pause_restores_its_state():
    import gc

    from release_tool.collector import collector_paused

    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        assert not gc.isenabled()
        raise RuntimeError
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # left as it was
    finally:
        gc.enable()


def test_the_command_collects_cycles_less_often_but_still_collects():
    """The console script raises the collector's thresholds; the collector stays on."""
    import subprocess
    import sys

    code = (
        "import gc, sys\n"
        "from release_tool import __main__ as m\n"
        "sys.argv = ['release-tool', 'version', 'show', '8.0.1']\n"
        "try:\n"
        "    m.main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(gc.get_threshold(), gc.isenabled())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    from release_tool.collector import THRESHOLDS

    assert out.stdout.splitlines()[-1] == f"{THRESHOLDS} True"


def test_the_answered_index_is_freed_before_the_notes_are_made(demo):
    """``notes --all-releases`` lets go of the history index once every range is answered."""
    import gc
    import weakref

    from release_tool.core.config import Config
    from release_tool.history.discovery import Discovery
    from release_tool.history.gitrepo import GitRepo
    from release_tool.history.inventory import Inventory

    discovery = Discovery(Inventory(GitRepo(demo), Config()))
    results = discovery.answer(discovery.for_all_releases([]))
    expected = [[pr.ref for pr in r.prs] for r in results]
    gone = weakref.ref(discovery.index())
    enabled = gc.isenabled()
    gc.disable()
    try:
        discovery.forget_index()
        assert gone() is None  # nothing holds it (no cycle either)
    finally:
        if enabled:
            gc.enable()
    assert [[pr.ref for pr in r.prs] for r in results] == expected  # the answers stay whole
    again = discovery.answer(discovery.for_all_releases([]))  # a later question reads again
    assert [[pr.ref for pr in r.prs] for r in again] == expected
