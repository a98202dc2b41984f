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
import struct
import tempfile
import weakref
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from .. import __version__
from .index import HistoryIndex, Record, StoredEntries, entry_rows

log = logging.getLogger(__name__)

FILE = "history-index"
MAGIC = b"release-tool history index 4\n"
KEY_SIZE = 32  # sha256
#: After the key: the lengths of the query and graph sections, and the graph section's CRC-32.
HEADER = struct.Struct("<QQI")
#: What a query needs (small): loaded at once. The graph (every commit) is read on first use.
QUERY = ("missing_parents", "points", "point_bit", "pr_bits", "point_bits", "entries")
GRAPH = ("shas", "parents", "owner", "marks", "cherries", "times", "authors")


def cache_key(tips: Iterable[str], points: Iterable[str]) -> bytes:
    """A digest of what an index is built from: tips, points (in order), tool version."""
    digest = hashlib.sha256(f"{__version__}\n".encode())
    digest.update(" ".join(sorted(set(tips))).encode() + b"\n")
    digest.update(" ".join(points).encode())
    return digest.digest()


def load(directory: Path, key: bytes) -> HistoryIndex | None:
    """The index stored under ``directory`` if it was built for ``key``; else None."""
    stored = load_any(directory)
    return stored[2] if stored is not None and stored[0] == key else None


def load_any(directory: Path) -> tuple[bytes, list[str], HistoryIndex] | None:
    """``(key, tips, index)`` of the stored index, whatever it was built for; or None.

    Only the query section is unpacked: a range of a release needs the
    points' bitsets and the PR entries, not the commit graph. The graph
    section is checked (its CRC) now and unpacked on first use, from the
    file as it was opened: a writer replacing the file meanwhile does not
    change what this index reads.
    """
    path = Path(directory) / FILE
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        stored = _read(fd, path)
    except Exception as exc:  # truncated or corrupt: never trusted, rebuilt
        log.debug("history index cache: %s unreadable (%s); rebuilding", path, exc)
        stored = None
    if stored is None:
        os.close(fd)
    return stored


def _read(fd: int, path: Path) -> tuple[bytes, list[str], HistoryIndex] | None:
    """The key, tips and index (graph section deferred) of the index file open as ``fd``."""
    head = os.pread(fd, len(MAGIC) + KEY_SIZE + HEADER.size, 0)
    if len(head) < len(MAGIC) + KEY_SIZE + HEADER.size or not head.startswith(MAGIC):
        log.debug("history index cache: %s is not ours; rebuilding", path)
        return None
    key = head[len(MAGIC) : len(MAGIC) + KEY_SIZE]
    query_size, graph_size, graph_crc = HEADER.unpack(head[len(MAGIC) + KEY_SIZE :])
    start = len(head)
    if os.fstat(fd).st_size != start + query_size + graph_size:
        raise ValueError("truncated, or data after the index")
    version, tips, state = _unpickle(fd, start, query_size)
    if version != __version__:
        return None
    if not isinstance(tips, list) or not all(isinstance(t, str) for t in tips):
        return None
    if not isinstance(state, dict) or set(state) != set(QUERY):
        raise ValueError("not an index")
    crc = 0
    for chunk in _chunks(fd, start + query_size, graph_size):
        crc = zlib.crc32(chunk, crc)
    if crc != graph_crc:
        raise ValueError("graph section damaged")
    index = HistoryIndex.__new__(HistoryIndex)
    state["entries"] = StoredEntries(state["entries"])
    index.__dict__.update(state)
    graph_at = start + query_size
    close = weakref.finalize(index, os.close, fd)  # the file stays open until then

    def graph() -> dict:
        try:
            data = _unpickle(fd, graph_at, graph_size)
        finally:
            close()
        if not isinstance(data, dict) or set(data) != set(GRAPH):
            raise ValueError("history index cache: graph section is not an index's")
        return _derived(data, index.entries)

    index.defer_graph(graph)
    return key, tips, index


def _derived(graph: dict, entries: list) -> dict:
    """The graph attributes, with those not stored (rebuilt from the rest) added."""
    shas = graph["shas"]
    graph["index"] = where = {sha: i for i, sha in enumerate(shas)}
    graph["prs"] = {where[pr.commit]: pr for pr in reversed(entries)}  # newest first, as built
    graph["_sorted_shas"] = None
    return graph


def _chunks(fd: int, offset: int, size: int, step: int = 1 << 16) -> Iterator[bytes]:
    """``size`` bytes of file ``fd`` from ``offset``, in chunks; short data raises."""
    end = offset + size
    while offset < end:
        chunk = os.pread(fd, min(step, end - offset), offset)
        if not chunk:
            raise ValueError("truncated")
        offset += len(chunk)
        yield chunk


def _unpickle(fd: int, offset: int, size: int):
    """The object pickled and deflated in ``size`` bytes at ``offset`` of ``fd``, checked whole."""
    reader = _Inflating(_chunks(fd, offset, size))
    buffered = io.BufferedReader(reader, 1 << 16)
    value = pickle.load(buffered)
    if buffered.read(1):
        raise ValueError("data after the index")
    reader.check_end()  # the checksum at the end of the stream, and nothing after it
    return value


def store(directory: Path, key: bytes, index: HistoryIndex, tips: Iterable[str] = ()) -> None:
    """Write ``index`` for ``key`` atomically; a failure only costs the next run a rebuild."""
    directory = Path(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        query = {name: getattr(index, name) for name in QUERY}
        query["entries"] = entry_rows(query["entries"])
        graph = {name: getattr(index, name) for name in GRAPH}
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{FILE}.")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(MAGIC + key + HEADER.pack(0, 0, 0))
                query_size, _ = _pickle(handle, (__version__, sorted(set(tips)), query))
                graph_size, crc = _pickle(handle, graph)
                handle.seek(len(MAGIC) + KEY_SIZE)
                handle.write(HEADER.pack(query_size, graph_size, crc))
            os.replace(tmp, directory / FILE)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        log.debug("history index cache: not written (%s)", exc)


def _pickle(handle, value) -> tuple[int, int]:
    """Pickle and deflate ``value`` into ``handle``; the bytes written and their CRC-32."""
    writer = _Compressing(handle)  # pickled frame by frame: no copy in memory
    pickler = pickle.Pickler(writer, protocol=5)
    # No memo: it would hold an entry for each of the million objects of a long
    # history while pickling. The index has no cycles, and what it shares
    # (a PR's title in its mark and its entry) is written twice, not lost.
    pickler.fast = True
    pickler.dump(value)
    writer.finish()
    return writer.size, writer.crc


class _Inflating(io.RawIOBase):
    """A binary reader inflating deflated ``chunks`` as it is read: no copy of the whole."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        """Read the deflated bytes of ``chunks``."""
        self.chunks = chunks
        self.inflate = zlib.decompressobj()
        self.pending = b""
        self.rest = False  # compressed input left over after the stream's end

    def readable(self) -> bool:
        """A reader."""
        return True

    def readinto(self, buffer) -> int:
        """Fill ``buffer`` with inflated bytes; 0 at the end of the stream."""
        while not self.pending:
            if self.inflate.eof:
                return 0
            chunk = next(self.chunks, None)
            if chunk is None:
                return 0
            self.pending = self.inflate.decompress(chunk)
        n = min(len(buffer), len(self.pending))
        buffer[:n] = self.pending[:n]
        self.pending = self.pending[n:]
        return n

    def check_end(self) -> None:
        """Raise unless the stream ended whole (checksum verified) with nothing after it."""
        if self.readinto(bytearray(1)):
            raise ValueError("data after the index")
        if not self.inflate.eof or self.inflate.unused_data or next(self.chunks, None):
            raise ValueError("incomplete or trailing data")


class _Compressing:
    """A binary writer that deflates what it is given into ``handle``, counting what it wrote."""

    def __init__(self, handle) -> None:
        """Write compressed data to ``handle``."""
        self.handle = handle
        self.deflate = zlib.compressobj(1)
        self.size = self.crc = 0

    def write(self, data) -> int:
        """Compress ``data`` on its way to the file."""
        self._out(self.deflate.compress(data))
        return len(data)

    def finish(self) -> None:
        """Write what the compressor still holds."""
        self._out(self.deflate.flush())

    def _out(self, data: bytes) -> None:
        self.handle.write(data)
        self.size += len(data)
        self.crc = zlib.crc32(data, self.crc)


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
