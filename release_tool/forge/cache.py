"""An SQLite cache of PR metadata, one file per hosted repository.

Keyed by PR number with each PR's ``updated_at``, plus a sync mark: the
server time before the last sync started, so that "what changed since" is
one query. It never holds a token.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from ..errors import ReleaseToolError
from .base import PrInfo

SCHEMA = """
CREATE TABLE IF NOT EXISTS prs (number INTEGER PRIMARY KEY, updated_at TEXT, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS missing (number INTEGER PRIMARY KEY);
"""


def cache_file(directory: Path, slug: str) -> Path:
    """The cache file of repository ``slug`` in ``directory``."""
    return Path(directory) / f"github-{slug.replace('/', '--')}.sqlite"


class PrCache:
    """PR metadata of one repository on disk."""

    def __init__(self, path: Path) -> None:
        """Open (or create) the cache file at ``path``."""
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path)
            self._db.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise ReleaseToolError(
                f"cannot use the PR cache {self.path}: {reason}",
                hint="give a writable --cache-dir, or run 'release-tool cache clear'",
            ) from None

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    def get(self, numbers: Iterable[int]) -> dict[int, PrInfo]:
        """The cached PRs among ``numbers``."""
        found = {}
        numbers = list(numbers)
        for start in range(0, len(numbers), 500):
            chunk = numbers[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(f"SELECT data FROM prs WHERE number IN ({marks})", chunk)
            for (data,) in rows:
                pr = PrInfo.from_dict(json.loads(data))
                found[pr.number] = pr
        return found

    def put(self, prs: Iterable[PrInfo]) -> None:
        """Store or replace PRs."""
        rows = [(pr.number, pr.updated_at, json.dumps(pr.as_dict())) for pr in prs]
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO prs VALUES (?, ?, ?)", rows)

    def missing(self, numbers: Iterable[int]) -> set[int]:
        """The numbers among ``numbers`` that the forge said do not exist, at the last sync."""
        numbers = list(numbers)
        found: set[int] = set()
        for start in range(0, len(numbers), 500):
            chunk = numbers[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(f"SELECT number FROM missing WHERE number IN ({marks})", chunk)
            found.update(n for (n,) in rows)
        return found

    def set_missing(self, found: Iterable[int], missing: Iterable[int]) -> None:
        """Record numbers that do not exist, and forget those that now do."""
        with self._db:
            self._db.executemany("DELETE FROM missing WHERE number = ?", [(n,) for n in found])
            self._db.executemany(
                "INSERT OR REPLACE INTO missing VALUES (?)", [(n,) for n in missing]
            )

    def meta(self, key: str) -> str | None:
        """A stored value (``mark``, ``repository``...)."""
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        """Store a value."""
        with self._db:
            self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def count(self) -> int:
        """How many PRs are cached."""
        return self._db.execute("SELECT COUNT(*) FROM prs").fetchone()[0]

    def clear(self) -> int:
        """Forget everything; how many PRs were dropped."""
        count = self.count()
        with self._db:
            self._db.execute("DELETE FROM prs")
            self._db.execute("DELETE FROM meta")
            self._db.execute("DELETE FROM missing")
        return count
