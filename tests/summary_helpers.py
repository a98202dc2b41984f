"""A demo repository grown by one meeting window: the shape of the real slide, for the tests."""

from __future__ import annotations

from pathlib import Path

from release_tool.demo import build_demo
from release_tool.history.gitbuild import RepoBuilder

#: The meeting window around the releases added to the demo (UTC).
SINCE, UNTIL = "2020-09-30", "2020-10-14"
#: 2020-10-01 00:00 UTC: the clock of the added commits.
START = 1_601_510_400

NOTES_V80 = """\
[v8.0.2]

*Resources

FIX: (#13) AREXCE: use the token file of the job
FIX: (#14) RemoteRunner: HPC access through the ssh tunnel
FIX: (#15) AREXCE: retry a failed delegation

[v8.0.1]

*DMS
FIX: (#8) the StorageElement cache
"""

NOTES_V73 = """\
[v7r3p3]

[v7r3p2]

*WMS
FIX: (#4) pilot logging of failed jobs
"""

HACKATHONS = """\
[[hackathon]]
name = "h1"
start = 2020-09-01
end = 2020-09-03
series = "8.1"

[[hackathon]]
name = "h2"
start = 2020-09-21
end = 2020-09-23
series = "8.1"

[[hackathon]]
name = "h3"
start = 2020-11-02
end = 2020-11-04
series = "8.1"
"""


def grow(repo: Path) -> RepoBuilder:
    """Open an existing repository to add commits after the demo's (clock at :data:`START`)."""
    builder = RepoBuilder(repo)
    builder.clock = START
    return builder


def slide_demo(directory: Path, *, hackathons: bool = True) -> Path:
    """The demo plus one patch release on rel-v7r3 and one on rel-v8r0, no new alpha.

    v7r3p3's notes section is empty ("no changes"); v8.0.2 fixes AREXCE twice
    and RemoteRunner once. Both notes files are committed before the tags.
    """
    path = build_demo(directory)
    repo = grow(path)
    repo.checkout("rel-v7r3")
    repo.commit("docs: Add release notes for v7r3p3", {"release.notes": NOTES_V73})
    repo.tag("v7r3p3", message="v7r3p3")
    repo.checkout("rel-v8r0")
    repo.merge_pr(13, "AREXCE: use the token file", author="alice", head="arex-token")
    repo.merge_pr(14, "RemoteRunner over ssh", author="bob", head="remote-runner")
    repo.merge_pr(15, "AREXCE: retry delegation", author="alice", head="arex-retry")
    repo.commit("docs: Add release notes for v8.0.2", {"release.notes": NOTES_V80})
    repo.tag("v8.0.2", message="v8.0.2")
    repo.checkout("integration")
    repo.merge_pr(16, "Add pilot monitoring", author="erin", head="pilot-mon")
    if hackathons:
        (path / "hackathons.toml").write_text(HACKATHONS, encoding="utf-8")
    return path
