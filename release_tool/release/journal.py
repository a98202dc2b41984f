"""The release journal: which steps of a release are done and what they produced.

One JSON file per release tag under ``.git/release-tool/releases/``, written
atomically after every step, so a release interrupted anywhere (a crash, a
kill, a network error) can be resumed from its first incomplete step. It
holds commit hashes, file names, digests and URLs, never a token.

A step skipped on purpose (publishing, with ``--no-publish``) is recorded
as *deferred*: the release is then not interrupted but parked, blocks no
new release of its line, and ``release --resume --publish`` finishes it.
A dual-tagged release (``v7r3p39`` and ``v7.3.39``) lists every tag in
``tags``; the file is named after the first.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError

#: The steps of a release, in order.
STEPS = ("preflight", "notes", "tag", "build", "push", "forge", "index")


@dataclass
class Journal:
    """The state of one release on disk."""

    path: Path
    tag: str
    branch: str
    version: str
    steps: dict[str, dict] = field(default_factory=dict)
    #: Every tag of the release, ``tag`` first (empty in journals of one tag).
    tags: list[str] = field(default_factory=list)

    @property
    def tag_names(self) -> list[str]:
        """Every tag name of the release, the primary one first."""
        return list(self.tags) or [self.tag]

    @classmethod
    def location(cls, git_dir: Path, tag: str) -> Path:
        """Where the journal of ``tag`` lives."""
        safe = tag.replace("/", "_")
        return Path(git_dir) / "release-tool" / "releases" / f"{safe}.json"

    @classmethod
    def load(cls, path: Path) -> Journal | None:
        """The journal at ``path``, or None when there is none."""
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            journal = cls(path, data["tag"], data["branch"], data["version"], data["steps"],
                          list(data.get("tags") or []))  # fmt: skip
        except OSError as exc:
            raise InputError(f"cannot read the release journal {path}: {exc.strerror}") from None
        except (ValueError, KeyError, TypeError, RecursionError) as exc:
            raise InputError(f"the release journal {path} is damaged: {exc!r}") from None
        texts = (journal.tag, journal.branch, journal.version)
        steps = journal.steps
        well_formed = all(isinstance(t, str) for t in texts) and isinstance(steps, dict)
        if not well_formed or not all(isinstance(v, dict) for v in steps.values()):
            raise InputError(f"the release journal {path} is damaged: unexpected structure")
        return journal

    def save(self) -> None:
        """Write the journal atomically (a crash leaves the old or the new file, never half)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"tag": self.tag, "branch": self.branch, "version": self.version,
                "steps": self.steps}  # fmt: skip
        if len(self.tag_names) > 1:
            data["tags"] = self.tag_names
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".journal-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)

    def done(self, step: str) -> bool:
        """Whether ``step`` completed (a deferred step did not)."""
        return step in self.steps and "deferred" not in self.steps[step]

    def deferred(self, step: str) -> bool:
        """Whether ``step`` was skipped on purpose, to be run later."""
        return "deferred" in self.steps.get(step, {})

    def defer(self, step: str, reason: str) -> None:
        """Record ``step`` as skipped on purpose (``reason``: the option that skipped it)."""
        self.steps[step] = {"deferred": reason}
        self.save()

    def record(self, step: str, **produced: object) -> None:
        """Mark ``step`` complete with what it produced, and save."""
        self.steps[step] = dict(produced)
        self.save()

    def forget(self, *steps: str) -> None:
        """Mark steps incomplete again (after undoing them), and save."""
        for step in steps:
            self.steps.pop(step, None)
        self.save()

    @property
    def next_step(self) -> str | None:
        """The first incomplete step, or None when the release is complete."""
        return next((s for s in STEPS if not self.done(s)), None)

    @property
    def complete(self) -> bool:
        """Whether every step is done."""
        return self.next_step is None

    @property
    def parked(self) -> bool:
        """Whether the release stopped only at deferred steps (not interrupted)."""
        left = [s for s in STEPS if not self.done(s)]
        return bool(left) and all(self.deferred(s) for s in left)
