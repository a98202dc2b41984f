"""The persistent history index: ``.git/release-tool/history-index``.

Building the PR index reads the whole history (seconds on DIRAC); a run
whose refs are those of the previous run loads it instead. The file holds
a key made of everything the index was built from (the tip commits, the
points and the shallow boundary, with the tool's version and this file's
format) and the index itself. A run whose key differs (new commits, a new
or deleted tag, a rewritten branch) rebuilds the index and replaces the
file; a file that is truncated, corrupt or not ours is ignored and
replaced. Writes go to a temporary file renamed over the old one, so a
concurrent reader sees either file whole, and two writers leave one of
them, each with its own key. The cache never changes an answer: at worst
it is not used.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path

from .. import __version__
from .index import HistoryIndex

log = logging.getLogger(__name__)

FILE = "history-index"
MAGIC = b"release-tool history index 1\n"


def cache_key(tips: Iterable[str], points: Iterable[str]) -> bytes:
    """A digest of what an index is built from: tips, points (in order), tool version."""
    digest = hashlib.sha256(f"{__version__}\n".encode())
    digest.update(" ".join(sorted(set(tips))).encode() + b"\n")
    digest.update(" ".join(points).encode())
    return digest.digest()


def load(directory: Path, key: bytes) -> HistoryIndex | None:
    """The index stored under ``directory`` if it was built for ``key``; else None."""
    path = Path(directory) / FILE
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head = MAGIC + key
    if not data.startswith(head):
        log.debug("history index cache: %s is stale or not ours; rebuilding", path)
        return None
    try:
        index = pickle.loads(zlib.decompress(data[len(head) :]))
    except Exception as exc:  # truncated or corrupt: never trusted, rebuilt
        log.debug("history index cache: %s unreadable (%s); rebuilding", path, exc)
        return None
    if not isinstance(index, HistoryIndex):
        return None
    index.index = {sha: i for i, sha in enumerate(index.shas)}
    index._sorted_shas = None
    return index


def store(directory: Path, key: bytes, index: HistoryIndex) -> None:
    """Write ``index`` for ``key`` atomically; a failure only costs the next run a rebuild."""
    directory = Path(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        state = dict(index.__dict__)
        state.pop("ref_positions", None)  # cached properties are rebuilt on demand
        state.pop("index", None)  # rebuilt from the hashes on load: a smaller file
        state["_sorted_shas"] = None
        blob = MAGIC + key + zlib.compress(pickle.dumps(_bare(index, state), protocol=5), 1)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{FILE}.")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(blob)
            os.replace(tmp, directory / FILE)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        log.debug("history index cache: not written (%s)", exc)


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


def cached_index(
    directory: Path | None, tips: list[str], points: list[str], build: Callable[[], HistoryIndex]
) -> HistoryIndex:
    """The index for ``tips`` and ``points``: from the cache when it matches, else built."""
    if directory is None:
        return build()
    key = cache_key(tips, points)
    index = load(directory, key)
    if index is None:
        index = build()
        store(directory, key, index)
    return index
