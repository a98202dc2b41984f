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
import weakref
import zlib
from array import array
from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from pathlib import Path

from .. import __version__
from .index import (
    ENTRY_FIELDS,
    QUERY_STATE,
    HistoryIndex,
    Record,
    StoredEntries,
    entry_columns,
)
from .prmessages import PrMark

log = logging.getLogger(__name__)

FILE = "history-index"
MAGIC = b"release-tool history index 9\n"
KEY_SIZE = 32  # sha256
MARK_FIELDS = tuple(PrMark.__dataclass_fields__)
#: After the key: the sizes of the query, graph and marks sections, and the CRC-32 of the last two.
HEADER = struct.Struct("<QQQII")
#: What a query needs (small): loaded at once.
QUERY = ("missing_parents", *QUERY_STATE)
#: The commit graph (summaries, sweeps, the emulator's loader, extensions): read on first use.
GRAPH = ("shas", "parents", "owner", "index", "_sorted_shas")
#: What the messages said, kept for extensions only: read on first use.
MARKS = ("marks", "cherries", "times", "authors")


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
    """The key, tips and index (graph and marks deferred) of the index file open as ``fd``."""
    sections = _sections(fd)
    if sections is None:
        log.debug("history index cache: %s is not ours; rebuilding", path)
        return None
    key, (query_at, query_size), graph, marks = sections
    version, tips, state = _unpickle(fd, query_at, query_size)
    if version != __version__:
        return None
    if not isinstance(tips, list) or not all(isinstance(t, str) for t in tips):
        return None
    if not isinstance(state, dict) or set(state) != set(QUERY):
        raise ValueError("not an index")
    for at, size, crc in (graph, marks):
        if _crc(fd, at, size) != crc:
            raise ValueError("a section is damaged")
    index = HistoryIndex.__new__(HistoryIndex)
    state["entries"] = StoredEntries(_decoded(state["entries"]))
    index.__dict__.update(state)
    _defer_sections(index, fd, graph, marks)
    return key, tips, index


Section = tuple[int, int, int]  # offset, size, CRC-32


def _sections(fd: int) -> tuple[bytes, tuple[int, int], Section, Section] | None:
    """The key and the sections' places in the index file ``fd``; None if it is not one."""
    head = os.pread(fd, len(MAGIC) + KEY_SIZE + HEADER.size, 0)
    if len(head) < len(MAGIC) + KEY_SIZE + HEADER.size or not head.startswith(MAGIC):
        return None
    key = head[len(MAGIC) : len(MAGIC) + KEY_SIZE]
    query_size, graph_size, marks_size, graph_crc, marks_crc = HEADER.unpack(
        head[len(MAGIC) + KEY_SIZE :]
    )
    start = len(head)
    graph_at, marks_at = start + query_size, start + query_size + graph_size
    if os.fstat(fd).st_size != marks_at + marks_size:
        raise ValueError("truncated, or data after the index")
    return key, (start, query_size), (graph_at, graph_size, graph_crc), (
        marks_at, marks_size, marks_crc)  # fmt: skip


def _defer_sections(index: HistoryIndex, fd: int, graph: Section, marks: Section) -> None:
    """Read ``index``'s graph and marks from the file ``fd`` on first use (then close it).

    The file stays open until both sections are read, or the index is gone:
    a writer replacing the file meanwhile does not change what is read.
    """
    opened = {"graph", "marks"}
    close = weakref.finalize(index, os.close, fd)

    def section(name: str, at: int, size: int) -> object:
        try:
            return _unpickle(fd, at, size)
        finally:
            opened.discard(name)
            if not opened:
                close()

    index.defer(GRAPH, lambda: _graph(section("graph", *graph[:2])))
    _defer_prs(index)
    index.defer(MARKS, lambda: _marks(section("marks", *marks[:2])))


def _compact_graph(index: HistoryIndex) -> None:
    """Keep ``index``'s commit graph in its stored form (a string and arrays) until used.

    For an index that is not stored: most commands never read the graph,
    and its stored form takes a fifth of the memory of lists and dicts.
    """
    packed = _pack_graph(index)
    index.drop(*GRAPH)
    index.defer(GRAPH, lambda: _graph(packed))
    _defer_prs(index)


def _reread(index: HistoryIndex, fd: int) -> None:
    """Drop a just-stored ``index``'s graph and marks: they are read from ``fd`` when needed.

    A cold run then carries no more than a warm one into its next steps.
    """
    try:
        sections = _sections(fd)
    except (OSError, ValueError):
        sections = None
    if sections is None:
        os.close(fd)
        index.forget_marks()
        return
    index.drop(*GRAPH, *MARKS)
    _defer_sections(index, fd, sections[2], sections[3])


#: The PR entry columns of few values (how each PR came in, who merged it): stored as
#: tables (see :func:`_table`).
FEW_VALUED = ("kind", "author")


def _table(values: Iterable) -> tuple[list, bytes]:
    """``values`` as the list of the distinct ones and each value's number in it.

    Written without a memo, a column of few values (every PR's kind, its
    author) would come back as an object per row: tens of thousands of
    copies of "merge". As a table they come back as one object per value,
    and fast (:func:`_untable`).
    """
    number: dict = {}
    codes = array("I", [number.setdefault(value, len(number)) for value in values])
    return list(number), codes.tobytes()


def _untable(stored: tuple[list, bytes]) -> list:
    """The values :func:`_table` stored, equal ones one object."""
    values, codes = stored
    return list(map(values.__getitem__, _ints("I", codes)))


def _encoded(columns: list[list]) -> list:
    """``columns`` to store, with each :data:`FEW_VALUED` one as a :func:`_table`."""
    encoded: list = list(columns)  # not the live index's own list
    for name in FEW_VALUED:
        n = ENTRY_FIELDS.index(name)
        encoded[n] = _table(columns[n])
    return encoded


def _decoded(stored: object) -> list[list]:
    """The entry columns :func:`_encoded` stored."""
    if not isinstance(stored, list) or len(stored) != len(ENTRY_FIELDS):
        raise ValueError("not an index's PR entries")
    columns = list(stored)
    for name in FEW_VALUED:
        n = ENTRY_FIELDS.index(name)
        columns[n] = _untable(columns[n])
    return columns


def _ints(typecode: str, data: bytes) -> array:
    """The array of ``typecode`` whose bytes are ``data``."""
    found = array(typecode)
    found.frombytes(data)
    return found


def _crc(fd: int, offset: int, size: int) -> int:
    """The CRC-32 of ``size`` bytes of ``fd`` at ``offset``."""
    crc = 0
    for chunk in _chunks(fd, offset, size):
        crc = zlib.crc32(chunk, crc)
    return crc


# -- the graph and the marks, compactly --------------------------------------------
#
# A long history has a million small objects in its graph: a hash, a list of
# parents and an owner per commit. They are stored as one string and flat
# arrays, and read back sharing one int object per commit number, so the
# graph of 200,000 commits costs tens of megabytes, not hundreds.


def _pack_graph(index: HistoryIndex) -> dict:
    """The stored form of the commit graph."""
    counts = array("I", map(len, index.parents))
    flat = array("i", chain.from_iterable(index.parents))
    return {
        "shas": "\n".join(index.shas),
        "counts": counts.tobytes(),
        "parents": flat.tobytes(),
        "owner": array("i", index.owner).tobytes(),
    }


def _graph(stored: object) -> dict:
    """The graph attributes of a stored index, with those derived from them."""
    if not isinstance(stored, dict) or set(stored) != {"shas", "counts", "parents", "owner"}:
        raise ValueError("history index cache: the graph section is not an index's")
    shas = stored["shas"].split("\n") if stored["shas"] else []
    numbers = list(range(len(shas)))  # one int object per commit, shared below
    counts = _ints("I", stored["counts"])
    flat, owner = _ints("i", stored["parents"]), _ints("i", stored["owner"])
    if not len(counts) == len(owner) == len(shas) or sum(counts) != len(flat):
        raise ValueError("history index cache: the graph section is inconsistent")
    parents, pos = [], 0
    for count in counts:
        parents.append([numbers[p] for p in flat[pos : pos + count]])
        pos += count
    where = dict(zip(shas, numbers, strict=True))
    return {
        "shas": shas,
        "parents": parents,
        "owner": [numbers[o] if o >= 0 else o for o in owner],
        "index": where,
        "_sorted_shas": None,
    }


def _defer_prs(index: HistoryIndex) -> None:
    """Make ``index.prs`` (the PRs by commit number) from its entries when first used."""
    index.drop("prs")
    entries, commits = index.entries, index.entry_commits

    def prs() -> dict:
        # newest commit first, as a build makes it; entries are oldest first
        return {"prs": {commits[n]: entries[n] for n in range(len(commits) - 1, -1, -1)}}

    index.defer(("prs",), prs)


def _pack_marks(index: HistoryIndex) -> dict:
    """The stored form of what the messages said (PR marks, picks, times, authors)."""
    marks = index.marks.values()
    return {
        "marks": (
            array("i", index.marks).tobytes(),
            [[getattr(m, name) for m in marks] for name in MARK_FIELDS],  # columns: no tuples
        ),
        "cherries": index.cherries,
        "times": (array("i", index.times).tobytes(), array("q", index.times.values()).tobytes()),
        "authors": (array("i", index.authors).tobytes(), _table(index.authors.values())),
    }


def _marks(stored: object) -> dict:
    """The marks attributes of a stored index."""
    if not isinstance(stored, dict) or set(stored) != set(MARKS):
        raise ValueError("history index cache: the marks section is not an index's")

    def keys(data: bytes) -> list[int]:
        return _ints("i", data).tolist()

    times = _ints("q", stored["times"][1]).tolist()
    authors = _untable(stored["authors"][1])  # one string per author, not one per commit
    return {
        "marks": dict(zip(keys(stored["marks"][0]), map(PrMark, *stored["marks"][1]), strict=True)),
        "cherries": stored["cherries"],
        "times": dict(zip(keys(stored["times"][0]), times, strict=True)),
        "authors": dict(zip(keys(stored["authors"][0]), authors, strict=True)),
    }


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


def store(
    directory: Path, key: bytes, index: HistoryIndex, tips: Iterable[str] = (), *, reopen=False
) -> int | None:
    """Write ``index`` for ``key`` atomically; a failure only costs the next run a rebuild.

    With ``reopen``, the written file open for reading (a file descriptor,
    which a later replacement of the file does not change), or None.
    """
    directory = Path(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        query = {name: getattr(index, name) for name in QUERY}
        query["entries"] = _encoded(entry_columns(query["entries"]))
        import tempfile  # here: a command that writes nothing does not load it

        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{FILE}.")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(MAGIC + key + HEADER.pack(0, 0, 0, 0, 0))
                # the query section is read by every warm run: stored, not compressed
                # (inflating it took as long as unpickling it)
                query_size, _ = _pickle(handle, (__version__, sorted(set(tips)), query), level=0)
                graph_size, graph_crc = _pickle(handle, _pack_graph(index))
                marks_size, marks_crc = _pickle(handle, _pack_marks(index))
                handle.seek(len(MAGIC) + KEY_SIZE)
                handle.write(HEADER.pack(query_size, graph_size, marks_size, graph_crc, marks_crc))
            reader = os.open(tmp, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)) if reopen else None
            try:
                os.replace(tmp, directory / FILE)
            except BaseException:
                if reader is not None:
                    os.close(reader)
                raise
            return reader
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        log.debug("history index cache: not written (%s)", exc)
    return None


def _pickle(handle, value, level: int = 1) -> tuple[int, int]:
    """Pickle and deflate ``value`` into ``handle``; the bytes written and their CRC-32.

    ``level``: zlib's compression level (0: stored blocks, still checksummed).
    """
    writer = _Compressing(handle, level)  # pickled frame by frame: no copy in memory
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

    def __init__(self, handle, level: int = 1) -> None:
        """Write data compressed at ``level`` to ``handle``."""
        self.handle = handle
        self.deflate = zlib.compressobj(level)
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
        index = build()
        index.forget_marks()  # never stored: a smaller process
        _compact_graph(index)
        return index
    key = cache_key(tips, points)
    stored = load_any(directory)
    if stored is not None and stored[0] == key:
        return stored[2]
    index = None
    if stored is not None and read_new is not None and all_reachable is not None:
        index = _extend(stored[1], stored[2], tips, points, read_new, all_reachable)
    if index is None:
        index = build()
    written = store(directory, key, index, tips, reopen=True)
    if written is None:
        index.forget_marks()  # not stored: kept for nothing
    else:
        _reread(index, written)
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
    index = HistoryIndex.extended(old, read_new(tips, old_tips), points, consume=True)
    if index is None:
        log.debug("history index cache: new commits do not extend the stored index; rebuilding")
    return index
