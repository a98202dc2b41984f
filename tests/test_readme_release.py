"""The README's demo release, command by command, as written there.

The console block is read from README.md and each ``$`` line is carried out:
``release-tool demo``, the authless pypiserver (its exact arguments), the
emulator (``sandbox serve``), the checkout, and the two ``release`` commands
through the CLI with their own environment prefix (``GITHUB_TOKEN=anything``)
and no ``TWINE_*`` credentials; their output must be the README's. Only two
things differ from a shell: the paths and ports are the test's own, and the
build runs without isolation (isolation downloads hatchling from the network,
which tests never reach).
"""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

from click.testing import CliRunner

from release_tool.cli import cli
from release_tool.demo import build_demo
from release_tool.history.gitbuild import ISOLATED_ENV
from release_tool.release.rehearsal import local_index
from release_tool.sandbox import GitHubEmulator

README = Path(__file__).resolve().parents[1] / "README.md"
MARKER = "Cut a release of the demo without touching anything real"


def readme_session() -> list[tuple[str, list[str]]]:
    """The README block's commands (continuations joined), each with its expected output."""
    text = README.read_text(encoding="utf-8")
    block = text[text.index(MARKER) :]
    block = block[block.index("```console\n") + len("```console\n") :]
    block = block[: block.index("```")]
    session: list[tuple[str, list[str]]] = []
    pending = ""
    for line in block.splitlines():
        if pending:
            pending += " " + line.strip()
        elif line.startswith("$ "):
            pending = line[2:]
        else:
            session[-1][1].append(line)
            continue
        if pending.endswith("\\"):
            pending = pending[:-1].rstrip()
            continue
        session.append((re.sub(r"\s+#.*$", "", pending).strip(), []))
        pending = ""
    return session


def test_the_readme_release_example_runs_as_written(tmp_path, monkeypatch):
    session = readme_session()
    commands = [command for command, _ in session]
    assert commands[0] == "release-tool demo /tmp/demo"
    assert commands[1] == (
        "mkdir -p /tmp/demo/packages && pypi-server run -p 8080 -a . -P . /tmp/demo/packages &"
    )  # the index without authentication that local_index() starts
    assert commands[2].startswith("release-tool --repo /tmp/demo/repo sandbox serve --prs ")
    assert commands[3] == "cd /tmp/demo/repo && git checkout rel-v8r0"
    assert len(session) == 6

    import release_tool.commands.release as command

    real_builder = command.default_builder

    def builder(*args, **kwargs):  # no network in tests: hatchling from the venv
        return real_builder(*args, **{**kwargs, "isolation": False})

    monkeypatch.setattr(command, "default_builder", builder)
    monkeypatch.delenv("TWINE_USERNAME", raising=False)
    monkeypatch.delenv("TWINE_PASSWORD", raising=False)
    demo = tmp_path / "demo"
    build_demo(demo)
    repo = demo / "repo"
    with (
        local_index(demo / "packages") as index_url,
        GitHubEmulator.from_repo(repo, prs_file=demo / "prs.json") as gh,
    ):
        subprocess.run(["git", "checkout", "--quiet", "rel-v8r0"], cwd=repo, check=True,
                       env={**ISOLATED_ENV, "PATH": "/usr/bin:/bin"})  # fmt: skip
        monkeypatch.chdir(repo)
        for line, expected in session[4:]:
            words = shlex.split(line)
            while "=" in words[0]:
                key, _, value = words.pop(0).partition("=")
                monkeypatch.setenv(key, value)
            assert words[0] == "release-tool"
            args = [
                w.replace("/tmp/demo", str(demo))
                .replace("http://127.0.0.1:PORT", gh.base_url)
                .replace("http://127.0.0.1:8080", index_url)
                for w in words[1:]
            ]
            result = CliRunner().invoke(cli, args)
            assert result.exit_code == 0, result.stderr
            assert result.stdout.splitlines() == expected
        (published,) = gh.repo.releases.values()
        assert published.tag_name == "v8.0.2" and len(published.assets) == 2
    assert sorted(p.name for p in (demo / "packages").iterdir()) == [
        "diracdemo-8.0.2-py3-none-any.whl", "diracdemo-8.0.2.tar.gz"
    ]  # fmt: skip
