"""The alpha bot's exact command sequence against the demo, with every real part.

The demo's integration line, its bare origin, the GitHub emulator, a real
``build`` and a real pypiserver. Each bot run is what .github/workflows/alpha.yml
does: ``release-tool alpha --branch integration --if-changed --yes --no-upload``
(GITHUB_OUTPUT and GITHUB_STEP_SUMMARY set), then, when it published, the
upload of the files named by its ``dist`` output with skip-existing (trusted
publishing's part, done here with twine against the local index).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from release_tool.cli import cli
from release_tool.demo import build_demo
from release_tool.history.gitbuild import ISOLATED_ENV
from release_tool.release.rehearsal import local_index
from release_tool.release.upload import upload
from release_tool.sandbox import GitHubEmulator

SLUG = "diracgrid/diracdemo"
USER, PASSWORD = "bot", "s3cret-bot-password"
BOT = ["alpha", "--branch", "integration", "--if-changed", "--yes", "--no-upload"]


def git(path: Path, *args: str) -> str:
    env = {**os.environ, **ISOLATED_ENV}
    return subprocess.run(["git", *args], cwd=path, env=env, check=True, capture_output=True,
                          text=True).stdout.strip()  # fmt: skip


@pytest.fixture
def bot(tmp_path, monkeypatch):
    """The demo on integration (building offline), the emulator and a real index."""
    from passlib.apache import HtpasswdFile

    repo = build_demo(tmp_path / "demo")
    git(repo, "checkout", "--quiet", "integration")
    pyproject = repo / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "build_isolation = false\n")
    git(repo, "commit", "--quiet", "-am", "build without isolation in tests")
    git(repo, "push", "--quiet", "origin", "integration")
    htpasswd = HtpasswdFile(str(tmp_path / "htpasswd"), new=True)
    htpasswd.set_password(USER, PASSWORD)
    htpasswd.save()
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_alphabottoken0123456789")
    with GitHubEmulator.from_repo(repo, prs_file=tmp_path / "demo" / "prs.json", name=SLUG) as gh, \
            local_index(tmp_path / "packages", tmp_path / "htpasswd") as index:  # fmt: skip
        yield {"repo": repo, "gh": gh, "index": index, "packages": tmp_path / "packages",
               "tmp": tmp_path, "origin": tmp_path / "demo" / "origin.git"}  # fmt: skip


def common(world, repo: Path | None = None) -> list[str]:
    return ["--repo", str(repo or world["repo"]), "--github-url", world["gh"].base_url,
            "--github-repo", SLUG]  # fmt: skip


def bot_run(world, monkeypatch, repo: Path | None = None) -> dict:
    """One run of the workflow: the alpha step, then the publish job when it published."""
    output, summary = world["tmp"] / "github_output", world["tmp"] / "step_summary"
    output.write_text("")
    summary.write_text("")
    monkeypatch.setenv("GITHUB_OUTPUT", str(output))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = CliRunner().invoke(cli, [*common(world, repo), *BOT])
    assert result.exit_code == 0, result.stderr
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    if outputs["published"] == "true":
        files = sorted(Path(outputs["dist"]).iterdir())
        upload(files, world["index"], username=USER, password=PASSWORD)
    return {"stdout": result.stdout.strip(), "outputs": outputs, "summary": summary.read_text()}


def merge_new_pr(world, number: int, repo: Path | None = None) -> None:
    """A developer's PR merged into integration on the origin."""
    repo = repo or world["repo"]
    git(repo, "checkout", "--quiet", "-b", f"feature-{number}", "integration")
    (repo / f"feature{number}.txt").write_text(f"feature {number}\n")
    git(repo, "add", f"feature{number}.txt")
    git(repo, "commit", "--quiet", "-m", f"Add feature {number}")
    git(repo, "checkout", "--quiet", "integration")
    git(repo, "merge", "--quiet", "--no-ff", "-m",
        f"Merge pull request #{number} from dev/feature-{number}\n\nAdd feature {number}",
        f"feature-{number}")  # fmt: skip
    git(repo, "push", "--quiet", "origin", "integration")


def pip_install_pre(world) -> str:
    venv = world["tmp"] / "venv"
    if not venv.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--pre",
                    "--upgrade", "--index-url", f"{world['index']}/simple/", "diracdemo"],
                   check=True)  # fmt: skip
    return subprocess.run(
        [str(python), "-c", "import importlib.metadata as m; print(m.version('diracdemo'))"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip


def origin_refs(world) -> str:
    return git(world["origin"], "for-each-ref", "--format=%(refname) %(objectname)")


def published(world) -> list[tuple[str, bool, bool]]:
    return sorted((r.tag_name, r.prerelease, r.draft) for r in world["gh"].repo.releases.values())


KILL = """
import os, sys
from release_tool.release.steps import Releaser
from release_tool.cli import cli

def die(self, done):
    if done == {step!r}:
        os._exit(137)

Releaser._checkpoint = die
cli.main(args=sys.argv[1:], prog_name="release-tool")
"""


def killed_run(world, repo: Path, step: str) -> None:
    """The bot's alpha step, killed for real right after ``step``."""
    env = {**os.environ, **ISOLATED_ENV}
    env.pop("GITHUB_OUTPUT", None)
    env.pop("GITHUB_STEP_SUMMARY", None)
    died = subprocess.run([sys.executable, "-c", KILL.format(step=step), *common(world, repo),
                           *BOT], env=env, capture_output=True, text=True)  # fmt: skip
    assert died.returncode == 137, died.stderr


def test_the_alpha_bot(bot, monkeypatch):
    # first run: 8.1.0a3, a pre-release on the emulator and on the index
    first = bot_run(bot, monkeypatch)
    assert first["stdout"] == "released v8.1.0a3 from integration"
    assert first["outputs"]["published"] == "true" and first["outputs"]["version"] == "8.1.0a3"
    assert "### Pre-release 8.1.0a3" in first["summary"] and "monitoring" in first["summary"]
    assert published(bot) == [("v8.1.0a3", True, False)]
    (release,) = bot["gh"].repo.releases.values()
    assert "Pre-release after the hackathon **monitoring**" in release.body
    assert sorted(p.name for p in bot["packages"].iterdir()) == [
        "diracdemo-8.1.0a3-py3-none-any.whl", "diracdemo-8.1.0a3.tar.gz"]  # fmt: skip
    assert pip_install_pre(bot) == "8.1.0a3"
    hackathons = CliRunner().invoke(cli, [*common(bot), "hackathon", "list", "--json"])
    assert '"released_in": "8.1.0a3"' in hackathons.stdout  # monitoring's #12 shipped

    # second run, nothing merged: nothing happens
    refs = origin_refs(bot)
    second = bot_run(bot, monkeypatch)
    assert second["stdout"] == "nothing new since 8.1.0a3"
    assert second["outputs"]["published"] == "false"
    assert origin_refs(bot) == refs and published(bot) == [("v8.1.0a3", True, False)]

    # a PR merged: the third run publishes 8.1.0a4
    merge_new_pr(bot, 13)
    third = bot_run(bot, monkeypatch)
    assert third["stdout"] == "released v8.1.0a4 from integration"
    assert published(bot)[-1] == ("v8.1.0a4", True, False)
    assert pip_install_pre(bot) == "8.1.0a4"

    # a run killed after its push: the next run (same runner) finishes it
    merge_new_pr(bot, 14)
    killed_run(bot, bot["repo"], "push")
    assert git(bot["origin"], "tag", "-l", "v8.1.0a5") == "v8.1.0a5"
    assert [r[0] for r in published(bot)] == ["v8.1.0a3", "v8.1.0a4"]
    finished = bot_run(bot, monkeypatch)
    assert finished["stdout"] == "released v8.1.0a5 from integration"
    assert published(bot)[-1] == ("v8.1.0a5", True, False)
    assert pip_install_pre(bot) == "8.1.0a5"
    assert bot_run(bot, monkeypatch)["stdout"] == "nothing new since 8.1.0a5"


def test_a_killed_run_is_finished_from_a_fresh_checkout(bot, monkeypatch):
    """A CI runner has no journal: the next run finds the pushed tag and finishes it."""
    killed_run(bot, bot["repo"], "push")
    assert published(bot) == []
    fresh = bot["tmp"] / "runner"
    git(bot["tmp"], "clone", "--quiet", "--branch", "integration", str(bot["origin"]), str(fresh))
    git(fresh, "config", "user.name", "bot")
    git(fresh, "config", "user.email", "bot@example.invalid")
    finished = bot_run(bot, monkeypatch, repo=fresh)
    assert finished["stdout"] == "released v8.1.0a3 from integration"
    assert published(bot) == [("v8.1.0a3", True, False)]
    assert pip_install_pre(bot) == "8.1.0a3"
    assert bot_run(bot, monkeypatch, repo=fresh)["stdout"] == "nothing new since 8.1.0a3"


def test_two_runs_at_once_publish_one_alpha(bot, monkeypatch):
    """A second runner starting while the first holds the branch: one alpha in the end."""
    other = bot["tmp"] / "other"
    git(bot["tmp"], "clone", "--quiet", "--branch", "integration", str(bot["origin"]), str(other))
    git(other, "config", "user.name", "bot")
    git(other, "config", "user.email", "bot@example.invalid")
    first = bot_run(bot, monkeypatch)
    assert first["stdout"] == "released v8.1.0a3 from integration"
    # the other runner checked out before the first pushed: it is refused before any change
    # (or its push is), nothing is published twice, and once up to date it has nothing new
    result = CliRunner().invoke(cli, [*common(bot, other), *BOT])
    assert result.exit_code == 1
    assert "differs from origin/integration" in result.stderr or "refused" in result.stderr
    assert published(bot) == [("v8.1.0a3", True, False)]
    git(other, "pull", "--quiet", "--ff-only", "origin", "integration")
    git(other, "fetch", "--quiet", "--tags", "origin")
    assert bot_run(bot, monkeypatch, repo=other)["stdout"] == "nothing new since 8.1.0a3"


def test_require_notes_refuses_unnoted_prs(bot):
    """The demo's #12 has no notes block: an alpha takes it (reported), --require-notes does not."""
    before = origin_refs(bot)
    result = CliRunner().invoke(cli, [*common(bot), *BOT, "--require-notes"])
    assert result.exit_code == 1 and "--allow-unnoted" in result.stderr
    assert origin_refs(bot) == before and published(bot) == []
