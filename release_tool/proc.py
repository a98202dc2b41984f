"""The one place where release-tool starts external commands.

Every subprocess goes through :func:`run` or :func:`stream`: an argument list
(never a shell string), a timeout, ``LC_ALL=C``, an environment without the
``GIT_*`` variables a calling hook may have left behind, a debug log line and
a checked return code. Forge tokens are never passed on (:func:`clean_env`).
"""

from __future__ import annotations

import logging
import os
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from .errors import CommandError
from .secrets import is_secret

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 300.0

#: Variables a git hook or an outer git process sets; inherited, they would
#: point our git commands at another repository.
_GIT_LEAKS = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_PREFIX",
    "GIT_NAMESPACE",
    "GIT_CEILING_DIRECTORIES",
    "GIT_QUARANTINE_PATH",
)


#: Forge tokens: no child process needs them (git pushes with its own credentials, build
#: backends, pip and twine never should), and any build dependency could read them.
FORGE_TOKENS = ("GITHUB_TOKEN", "GH_TOKEN", "GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN")


def clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a child process: ours, less git's leaks and every forge token.

    Besides the variables of :data:`FORGE_TOKENS`, any variable holding a secret the tool
    has read (``--token-file``) is left out. The C locale; ``extra`` is added last.
    """
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in _GIT_LEAKS and k not in FORGE_TOKENS and not is_secret(v)
    }
    env["LC_ALL"] = "C"
    env["LANGUAGE"] = "C"
    env["GIT_TERMINAL_PROMPT"] = "0"
    if extra:
        env.update(extra)
    return env


def _describe(args: Sequence[str]) -> str:
    """A short printable form of a command, for logs and errors."""
    text = " ".join(str(a) for a in args)
    return text if len(text) <= 200 else text[:197] + "..."


def run(
    args: Sequence[str],
    *,
    cwd: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    input: str | bytes | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    check: bool = True,
    text: bool = True,
) -> subprocess.CompletedProcess:
    """Run a command to completion and return its result.

    Raises :class:`CommandError` when it cannot start, times out, or (with
    ``check``) exits non-zero; the error carries the command's stderr.
    """
    args = [str(a) for a in args]
    log.debug("run: %s (cwd=%s)", _describe(args), cwd)
    start = time.monotonic()
    try:
        result = subprocess.run(  # noqa: S603 - argument list, never a shell
            args,
            cwd=cwd,
            env=clean_env(env),
            input=input,
            capture_output=True,
            timeout=timeout,
            text=text,
            check=False,
        )
    except FileNotFoundError as exc:
        raise CommandError(f"cannot run {args[0]!r}: not found") from exc
    except subprocess.TimeoutExpired as exc:
        raise CommandError(f"{_describe(args)} did not finish within {timeout:.0f}s") from exc
    log.debug("exit %s after %.3fs", result.returncode, time.monotonic() - start)
    if check and result.returncode != 0:
        stderr = result.stderr if isinstance(result.stderr, str) else result.stderr.decode()
        raise CommandError(
            f"{_describe(args)} failed (exit {result.returncode}): {_first_line(stderr)}"
        )
    return result


def _first_line(text: str) -> str:
    """The most telling line of a command's error output."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines:
        if line.startswith(("fatal:", "error:")):
            return line
    return lines[0] if lines else "no error output"


@contextmanager
def stream(
    args: Sequence[str],
    *,
    cwd: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    stdin_data: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    chunk_size: int | None = None,
) -> Iterator[Iterator[bytes]]:
    """Start a command and yield an iterator over its stdout, line by line (bytes).

    With ``chunk_size``, the iterator yields raw chunks of up to that many
    bytes instead, for callers that split records themselves.

    The output is consumed as it is produced, so a history of any size is
    parsed with constant memory. On exit the return code is checked; a command
    that outlives ``timeout`` is killed and reported.
    """
    args = [str(a) for a in args]
    log.debug("stream: %s (cwd=%s)", _describe(args), cwd)
    start = time.monotonic()
    try:
        proc = subprocess.Popen(  # noqa: S603 - argument list, never a shell
            args,
            cwd=cwd,
            env=clean_env(env),
            stdin=subprocess.PIPE if stdin_data is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    except FileNotFoundError as exc:
        raise CommandError(f"cannot run {args[0]!r}: not found") from exc
    # stdin is fed and stderr drained from threads: a large input, output
    # and error output would otherwise block each other.
    if stdin_data is not None:

        def feed() -> None:
            try:
                proc.stdin.write(stdin_data.encode())
                proc.stdin.close()
            except (BrokenPipeError, ValueError):
                pass

        threading.Thread(target=feed, daemon=True).start()
    err_chunks: list[bytes] = []
    drain = threading.Thread(target=lambda: err_chunks.append(proc.stderr.read()), daemon=True)
    drain.start()

    def lines() -> Iterator[bytes]:
        source = (
            proc.stdout if chunk_size is None else iter(lambda: proc.stdout.read1(chunk_size), b"")
        )
        for line in source:
            if time.monotonic() - start > timeout:
                proc.kill()
                raise CommandError(f"{_describe(args)} did not finish within {timeout:.0f}s")
            yield line

    completed = False
    try:
        yield lines()
        completed = True
    finally:
        if not completed:
            proc.kill()
        proc.stdout.close()
        code = proc.wait()
        drain.join()
        proc.stderr.close()
        stderr = b"".join(err_chunks).decode(errors="replace")
        log.debug("exit %s after %.3fs", code, time.monotonic() - start)
    if code != 0:
        raise CommandError(f"{_describe(args)} failed (exit {code}): {_first_line(stderr)}")
