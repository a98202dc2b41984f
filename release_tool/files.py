"""Replacing a file the user owns (notes files, ``--output``): deliberately, atomically.

* the target must be a regular file or not exist yet: a directory, a device
  (``/dev/full``, ``/dev/zero``), a FIFO or a socket is refused before anything
  is read from it;
* a symbolic link is refused, never followed and never replaced by a file: the
  message names its target, to be given instead. (Following it could write
  outside the repository; replacing it would silently break the link.);
* a read-only file (no write permission bit, or not writable by us) is
  refused, never silently replaced;
* its directory must exist;
* the new content goes to a temporary file in the same directory which then
  replaces the target atomically, with the target's permission bits (a new
  file gets ``0666`` less the umask, as ``open`` would give it).

Every refusal is an :class:`~release_tool.errors.InputError` (exit 2); an
operating-system failure while writing (a full disk, a directory we may not
write in) is a :class:`~release_tool.errors.ReleaseToolError` (exit 1).
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from .errors import InputError, ReleaseToolError


def _umask() -> int:
    """The process's umask (read without changing it for good)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def check_target(path: Path) -> os.stat_result | None:
    """The status of the file ``path`` will replace (None: a new file), or why not."""
    path = Path(path)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise InputError(f"cannot use {path}: {exc.strerror}") from None
    if info is not None:
        if stat.S_ISLNK(info.st_mode):
            raise InputError(
                f"{path} is a symbolic link (to {os.readlink(path)}): "
                "give the file it points to instead"
            )
        if not stat.S_ISREG(info.st_mode):
            kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            raise InputError(f"{path} is {kind}: give a regular file")
        if not info.st_mode & 0o222 or not os.access(path, os.W_OK):
            raise InputError(f"{path} is read-only: make it writable first")
    parent = path.parent
    if not parent.is_dir():
        raise InputError(f"cannot write {path}: the directory {parent} does not exist")
    return info


def read_target(path: Path) -> bytes:
    """The current content of the file ``path`` will replace (``b""`` for a new file)."""
    info = check_target(path)
    if info is None:
        return b""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ReleaseToolError(f"cannot read {path}: {exc.strerror}") from None


def replace_file(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Put ``data`` into ``path`` atomically, keeping its permission bits (see the module).

    ``data`` may come in pieces (an iterable of bytes), written as they come:
    if making them fails, the exception propagates and ``path`` is left as
    it was.
    """
    path = Path(path)
    info = check_target(path)
    mode = stat.S_IMODE(info.st_mode) if info is not None else 0o666 & ~_umask()
    try:
        import tempfile  # here: a command that writes nothing does not load it

        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    except OSError as exc:
        raise ReleaseToolError(f"cannot write {path}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            for piece in [data] if isinstance(data, bytes) else data:
                handle.write(piece)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
        os.replace(tmp, path)
    except BaseException as exc:  # the pieces' own errors too: no temporary file left behind
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise ReleaseToolError(f"cannot write {path}: {exc.strerror}") from None
        raise
