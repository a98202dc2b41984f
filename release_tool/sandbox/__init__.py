"""A local, stateful GitHub API emulator for tests, demos, benchmarks and rehearsals.

``GitHubEmulator`` serves a repository's PRs, labels, comments, releases,
tags, statuses, check runs and milestones over GitHub's REST and GraphQL
APIs on a real HTTP server on 127.0.0.1, so that PyGithub is exercised for
real; it counts requests and injects GitHub's failure modes on demand::

    with GitHubEmulator.from_repo("path/to/repo") as gh:
        client = Github(base_url=gh.base_url, auth=Auth.Token("anything"))
        client.get_repo(gh.repo.full_name).get_pull(1)
        gh.fail(2)                      # the next two requests get 502
        assert gh.counts()["rest"] == 2

State is loaded by :mod:`.loader` (from git, plus an optional PR data file
described in :mod:`.data`); the wire behaviour is in :mod:`.server`.
"""

from .server import Fault, GitHubEmulator
from .state import State

__all__ = ["Fault", "GitHubEmulator", "State"]
