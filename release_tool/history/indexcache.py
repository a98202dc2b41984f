"""The persistent history index: ``.git/release-tool/history-index``.

Building the PR index reads the whole history (seconds on DIRAC); a run
whose refs are those of the previous run loads it instead. The file holds
a key made of everything the index was built from (the tip commits, the
points and the shallow boundary, with the tool's version and this file's
format), the tips, and the index itself.

A run whose key differs extends the stored index when its tips are all
still in history (new commits on a branch, a new tag, a branch or tag
removed while its commits stay reachable): only ``git log NEW --not OLD``
is read, and the index's passes run again over the old commits' kept
data. Anything else rebuilds it from a full read: a stored tip no longer
reachable (a rewritten or deleted branch), a shallow clone, new commits
that :meth:`HistoryIndex.extended` cannot place exactly, another tool
version. A file that is truncated, corrupt or not ours is ignored and
replaced. Writes go to a temporary file renamed over the old one, so a
concurrent reader sees either file whole, and two writers leave one of
them, each with its own key and tips. The cache never changes an answer:
at worst it is not used.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import pickle
import tempfile
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path

from .. import __version__
from .index import HistoryIndex, Record

log = logging.getLogger(__name__)

FILE = "history-index"
MAGIC = b"release-tool history index 2\n"
KEY_SIZE = 32  # sha256


def cache_key(tips: Iterable[str], points: Iterable[str]) -> bytes:
    """A digest of what an index is built from: tips, points (in order), tool version."""
    digest = hashlib.sha256(f"{__version__}\n".encode())
    digest.update(" ".join(sorted(set(tips))).encode() + b"\n")
    digest.update(" ".join(points).encode())
    return digest.digest()


def load(directory: Path, key: bytes) -> HistoryIndex | None:
    """The index stored under ``directory`` if it was built for ``key``; else None."""
    stored = load_any(directory, key)
    return stored[2] if stored is not None and stored[0] == key else None


def load_any(
    directory: Path, key: bytes | None = None
) -> tuple[bytes, list[str], HistoryIndex] | None:
    """``(key, tips, index)`` of the stored index, whatever it was built for; or None.

    With ``key``, a file built for another key is not unpacked when only
    that key would do (see :func:`load`).
    """
    path = Path(directory) / FILE
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + KEY_SIZE:
        log.debug("history index cache: %s is not ours; rebuilding", path)
        return None
    stored_key = data[len(MAGIC) : len(MAGIC) + KEY_SIZE]
    try:
        reader = _Inflating(memoryview(data)[len(MAGIC) + KEY_SIZE :])
        buffered = io.BufferedReader(reader, 1 << 16)
        version, tips, index = pickle.load(buffered)
        if buffered.read(1):
            raise ValueError("data after the index")
        reader.check_end()  # the checksum at the end of the stream, and nothing after it
    except Exception as exc:  # truncated or corrupt: never trusted, rebuilt
        log.debug("history index cache: %s unreadable (%s); rebuilding", path, exc)
        return None
    if version != __version__ or not isinstance(index, HistoryIndex):
        return None
    if not isinstance(tips, list) or not all(isinstance(t, str) for t in tips):
        return None
    index.index = {sha: i for i, sha in enumerate(index.shas)}
    index._sorted_shas = None
    return stored_key, tips, index


def store(directory: Path, key: bytes, index: HistoryIndex, tips: Iterable[str] = ()) -> None:
    """Write ``index`` for ``key`` atomically; a failure only costs the next run a rebuild."""
    directory = Path(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        state = dict(index.__dict__)
        state.pop("ref_positions", None)  # cached properties are rebuilt on demand
        state.pop("index", None)  # rebuilt from the hashes on load: a smaller file
        state["_sorted_shas"] = None
        payload = (__version__, sorted(set(tips)), _bare(index, state))
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{FILE}.")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(MAGIC + key)
                writer = _Compressing(handle)  # pickled frame by frame: no copy in memory
                pickle.dump(payload, writer, protocol=5)
                writer.finish()
            os.replace(tmp, directory / FILE)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        log.debug("history index cache: not written (%s)", exc)


class _Inflating(io.RawIOBase):
    """A binary reader inflating ``data`` as it is read: no second copy of the index."""

    def __init__(self, data: memoryview) -> None:
        """Read the deflated bytes of ``data``."""
        self.data, self.pos = data, 0
        self.inflate = zlib.decompressobj()
        self.pending = b""

    def readable(self) -> bool:
        """A reader."""
        return True

    def readinto(self, buffer) -> int:
        """Fill ``buffer`` with inflated bytes; 0 at the end of the stream."""
        while not self.pending:
            if self.inflate.eof or self.pos >= len(self.data):
                return 0
            chunk = self.data[self.pos : self.pos + (1 << 16)]
            self.pos += len(chunk)
            self.pending = self.inflate.decompress(chunk)
        n = min(len(buffer), len(self.pending))
        buffer[:n] = self.pending[:n]
        self.pending = self.pending[n:]
        return n

    def check_end(self) -> None:
        """Raise unless the stream ended whole (checksum verified) with nothing after it."""
        if self.readinto(bytearray(1)):
            raise ValueError("data after the index")
        if not self.inflate.eof or self.inflate.unused_data or self.pos < len(self.data):
            raise ValueError("incomplete or trailing data")


class _Compressing:
    """A binary writer that deflates what it is given into ``handle``."""

    def __init__(self, handle) -> None:
        """Write compressed data to ``handle``."""
        self.handle = handle
        self.deflate = zlib.compressobj(1)

    def write(self, data) -> int:
        """Compress ``data`` on its way to the file."""
        self.handle.write(self.deflate.compress(data))
        return len(data)

    def finish(self) -> None:
        """Write what the compressor still holds."""
        self.handle.write(self.deflate.flush())


def _bare(index: HistoryIndex, state: dict) -> HistoryIndex:
    """A copy of ``index`` holding only ``state`` (no cached properties)."""
    copy = HistoryIndex.__new__(HistoryIndex)
    copy.__dict__.update(state)
    return copy


def clear(directory: Path) -> bool:
    """Remove the stored index; whether there was one."""
    path = Path(directory) / FILE
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True


#: Reads the records of ``git log NEW --not OLD``: ``(new tips, old tips) -> records``.
ReadNew = Callable[[list[str], list[str]], Iterable[Record]]
#: Whether every commit of the first list is an ancestor of one of the second.
AllReachable = Callable[[list[str], list[str]], bool]


def cached_index(
    directory: Path | None,
    tips: list[str],
    points: list[str],
    build: Callable[[], HistoryIndex],
    *,
    read_new: ReadNew | None = None,
    all_reachable: AllReachable | None = None,
) -> HistoryIndex:
    """The index for ``tips`` and ``points``: from the cache when it matches, else built.

    With ``read_new`` and ``all_reachable`` (leave them out on a shallow
    clone), a stored index built for other refs is extended when it can
    be (see the module's docstring).
    """
    if directory is None:
        return build()
    key = cache_key(tips, points)
    stored = load_any(directory)
    if stored is not None and stored[0] == key:
        return stored[2]
    index = None
    if stored is not None and read_new is not None and all_reachable is not None:
        index = _extend(stored[1], stored[2], tips, points, read_new, all_reachable)
    if index is None:
        index = build()
    store(directory, key, index, tips)
    return index


def _extend(
    old_tips: list[str],
    old: HistoryIndex,
    tips: list[str],
    points: list[str],
    read_new: ReadNew,
    all_reachable: AllReachable,
) -> HistoryIndex | None:
    """``old`` extended to ``tips`` from the new commits only; None when a rebuild is due."""
    gone = sorted(set(old_tips) - set(tips))
    if not all_reachable(gone, tips):  # rewritten or deleted history
        log.debug("history index cache: %d stored tip(s) left history; rebuilding", len(gone))
        return None
    index = HistoryIndex.extended(old, read_new(tips, old_tips), points)
    if index is None:
        log.debug("history index cache: new commits do not extend the stored index; rebuilding")
    return index
