"""How notes files (``notes --write``, ``--output``, the release's notes step) are written.

Mode kept, read-only files refused, symbolic links refused (never followed, never replaced),
non-regular files refused before anything is read from them, missing directories named.
"""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from release_tool.cli import cli
from release_tool.demo import build_demo
from release_tool.errors import InputError
from release_tool.files import check_target, replace_file
from release_tool.notes.build import write_section

SECTION = "[v8.0.2]\n\nFIX: (#9) retry failed transfers\n"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return build_demo(tmp_path_factory.mktemp("files") / "demo")


def run(repo, *args):
    result = CliRunner().invoke(cli, ["--repo", str(repo), "notes", "-b", "rel-v8r0", *args],
                                env={"GITHUB_TOKEN": "", "GH_TOKEN": ""})  # fmt: skip
    return result


@pytest.mark.parametrize("mode", [0o644, 0o664, 0o600, 0o755])
def test_mode_is_kept(tmp_path, mode):
    target = tmp_path / "release.notes"
    target.write_text("[v8.0.1]\n\nFIX: (#1) old\n")
    target.chmod(mode)
    assert write_section(target, SECTION, "v8.0.2")
    assert stat.S_IMODE(target.stat().st_mode) == mode
    assert target.read_text().startswith(SECTION)


def test_new_file_gets_the_umask_mode(tmp_path):
    old = os.umask(0o027)
    try:
        replace_file(tmp_path / "new.notes", b"x\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.notes").stat().st_mode) == 0o640


def test_read_only_file_is_refused(tmp_path, demo):
    target = tmp_path / "release.notes"
    target.write_text("[v8.0.1]\n\nkept\n")
    target.chmod(0o444)
    for args in (["--write", str(target)], ["--output", str(target)]):
        result = run(demo, *args)
        assert result.exit_code == 2, result.stderr
        assert "read-only" in result.stderr and len(result.stderr.splitlines()) == 1
    assert target.read_text() == "[v8.0.1]\n\nkept\n"


def test_symlink_is_refused_not_followed(tmp_path, demo):
    real = tmp_path / "real.notes"
    real.write_text("[v8.0.1]\n\nkept\n")
    link = tmp_path / "release.notes"
    link.symlink_to(real)
    for args in (["--write", str(link)], ["--output", str(link)]):
        result = run(demo, *args)
        assert result.exit_code == 2, result.stderr
        assert "symbolic link" in result.stderr and str(real) in result.stderr
    assert link.is_symlink() and real.read_text() == "[v8.0.1]\n\nkept\n"
    with pytest.raises(InputError, match="symbolic link"):
        write_section(link, SECTION, "v8.0.2")


def _null_node(tmp_path):
    """A character device like /dev/null, made in tmp_path (never the machine's own)."""
    path = tmp_path / "null"
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("cannot make device nodes here")
    return path


def _socket(tmp_path):
    path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    return path


# Never point these tests at the machine's /dev: code that writes by replacing would, as
# root, replace /dev/null itself. Devices are made in tmp_path; /dev/full and /dev/zero are
# checked by check_target alone, which neither reads nor writes.
@pytest.mark.parametrize(
    "make", [_null_node, lambda t: t, _socket], ids=["device", "directory", "socket"]
)
@pytest.mark.parametrize("option", ["--write", "--output"])
def test_non_regular_files_are_refused_before_reading(tmp_path, demo, make, option):
    target = make(tmp_path)
    result = run(demo, option, str(target))
    assert result.exit_code == 2, result.stderr
    assert "internal error" not in result.stderr and len(result.stderr.splitlines()) == 1
    assert not stat.S_ISREG(os.lstat(target).st_mode)  # left as it was


@pytest.mark.parametrize("device", ["/dev/full", "/dev/zero", "/dev/null"])
def test_devices_are_refused_without_reading(device):
    if not os.path.exists(device):
        pytest.skip(f"{device} does not exist here")
    with pytest.raises(InputError, match="not a regular file"):
        check_target(Path(device))


@pytest.mark.parametrize("option", ["--write", "--output"])
def test_missing_directory_is_named(tmp_path, demo, option):
    result = run(demo, option, str(tmp_path / "no" / "such" / "release.notes"))
    assert result.exit_code == 2, result.stderr
    assert "does not exist" in result.stderr and len(result.stderr.splitlines()) == 1


def test_ordinary_write_still_works(tmp_path, demo):
    target = tmp_path / "release.notes"
    target.write_text("[v8.0.1]\n\nFIX: (#8) old\n")
    target.chmod(0o644)
    assert run(demo, "--write", str(target)).exit_code == 0
    assert target.read_text().startswith("[v8.0.2]")
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    out = tmp_path / "out.md"
    assert run(demo, "--output", str(out), "--format", "markdown").exit_code == 0
    assert out.read_text().startswith("## v8.0.2")


def test_a_file_written_in_pieces_is_replaced_only_when_every_piece_is_made(tmp_path):
    target = tmp_path / "notes.txt"
    replace_file(target, (piece for piece in [b"one\n", b"two\n"]))
    assert target.read_bytes() == b"one\ntwo\n"

    def failing():
        yield b"half"
        raise InputError("template broke")

    with pytest.raises(InputError, match="template broke"):
        replace_file(target, failing())
    assert target.read_bytes() == b"one\ntwo\n"
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]  # no temporary file left


def test_every_releases_output_is_refused_before_the_history_walk(tmp_path, demo, monkeypatch):
    from release_tool import proc

    walks = []
    real = proc.stream
    monkeypatch.setattr(proc, "stream", lambda a, **k: (walks.append(a[1]), real(a, **k))[1])
    read_only = tmp_path / "all.notes"
    read_only.write_text("kept\n")
    read_only.chmod(0o444)
    for target, said in (
        (tmp_path / "no" / "all.notes", "does not exist"),
        (read_only, "read-only"),
    ):
        args = ["--repo", str(demo), "notes", "--all-releases", "--output", str(target)]
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 2, result.stderr
        assert said in result.stderr and len(result.stderr.splitlines()) == 1
    assert walks == [] and read_only.read_text() == "kept\n"
    good = CliRunner().invoke(cli, ["--repo", str(demo), "notes", "--all-releases", "--output",
                                    str(tmp_path / "all.md"), "--format", "markdown"])  # fmt: skip
    assert good.exit_code == 0, good.stderr
    assert (tmp_path / "all.md").read_text().startswith("#")
