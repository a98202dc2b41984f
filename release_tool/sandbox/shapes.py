"""GitHub's REST JSON objects, built from the emulator's model.

Each function returns the object as GitHub's REST API (2022-11-28) writes
it, with every field the OpenAPI description marks required, so responses
validate against ``api.github.com.json`` and PyGithub finds what it reads.
URLs use the layout of the request: :class:`Urls` holds its roots.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from urllib.parse import quote

from .state import (
    Asset,
    CheckRun,
    Comment,
    CommitInfo,
    Label,
    Milestone,
    PullRequest,
    Release,
    Repository,
    Status,
    iso,
    node_id,
    user_id,
)


@dataclass(frozen=True)
class Urls:
    """The roots of one request: web pages, the REST API (``/api/v3`` or not), uploads."""

    web: str
    api: str

    @property
    def uploads(self) -> str:
        """Where release assets are uploaded (GitHub Enterprise's layout on both)."""
        return f"{self.web}/api/uploads"

    def repo(self, repo: Repository) -> str:
        """The API URL of a repository."""
        return f"{self.api}/repos/{repo.full_name}"

    def html(self, repo: Repository) -> str:
        """The web URL of a repository."""
        return f"{self.web}/{repo.full_name}"


def user(urls: Urls, login: str) -> dict:
    """A ``simple-user``."""
    api = f"{urls.api}/users/{login}"
    return {
        "login": login,
        "id": user_id(login),
        "node_id": node_id("U", login),
        "avatar_url": f"{urls.web}/avatars/{login}",
        "gravatar_id": "",
        "url": api,
        "html_url": f"{urls.web}/{login}",
        "followers_url": f"{api}/followers",
        "following_url": f"{api}/following{{/other_user}}",
        "gists_url": f"{api}/gists{{/gist_id}}",
        "starred_url": f"{api}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{api}/subscriptions",
        "organizations_url": f"{api}/orgs",
        "repos_url": f"{api}/repos",
        "events_url": f"{api}/events{{/privacy}}",
        "received_events_url": f"{api}/received_events",
        "type": "Bot" if login.endswith("[bot]") else "User",
        "user_view_type": "public",
        "site_admin": False,
    }


def viewer(urls: Urls, login: str, public_repos: int) -> dict:
    """The token's user as ``GET /user`` shows it (a ``public-user``)."""
    return {
        **user(urls, login),
        "name": None,
        "company": None,
        "blog": None,
        "location": None,
        "email": None,
        "hireable": None,
        "bio": None,
        "public_repos": public_repos,
        "public_gists": 0,
        "followers": 0,
        "following": 0,
        "created_at": iso(0),
        "updated_at": iso(0),
    }


_REPO_LINKS = {
    "archive_url": "/{archive_format}{/ref}",
    "assignees_url": "/assignees{/user}",
    "blobs_url": "/git/blobs{/sha}",
    "branches_url": "/branches{/branch}",
    "collaborators_url": "/collaborators{/collaborator}",
    "comments_url": "/comments{/number}",
    "commits_url": "/commits{/sha}",
    "compare_url": "/compare/{base}...{head}",
    "contents_url": "/contents/{+path}",
    "contributors_url": "/contributors",
    "deployments_url": "/deployments",
    "downloads_url": "/downloads",
    "events_url": "/events",
    "forks_url": "/forks",
    "git_commits_url": "/git/commits{/sha}",
    "git_refs_url": "/git/refs{/sha}",
    "git_tags_url": "/git/tags{/sha}",
    "hooks_url": "/hooks",
    "issue_comment_url": "/issues/comments{/number}",
    "issue_events_url": "/issues/events{/number}",
    "issues_url": "/issues{/number}",
    "keys_url": "/keys{/key_id}",
    "labels_url": "/labels{/name}",
    "languages_url": "/languages",
    "merges_url": "/merges",
    "milestones_url": "/milestones{/number}",
    "notifications_url": "/notifications{?since,all,participating}",
    "pulls_url": "/pulls{/number}",
    "releases_url": "/releases{/id}",
    "stargazers_url": "/stargazers",
    "statuses_url": "/statuses/{sha}",
    "subscribers_url": "/subscribers",
    "subscription_url": "/subscription",
    "tags_url": "/tags",
    "teams_url": "/teams",
    "trees_url": "/git/trees{/sha}",
}


def repository(urls: Urls, repo: Repository) -> dict:
    """A ``full-repository`` (also a valid ``repository`` and ``minimal-repository``)."""
    api, html = urls.repo(repo), urls.html(repo)
    host = urls.web.split("://", 1)[-1]
    created = iso(repo.created_at)
    open_count = sum(1 for pr in repo.pulls.values() if pr.state == "open")
    data = {
        "id": repo.id,
        "node_id": node_id("R", repo.id),
        "name": repo.name,
        "full_name": repo.full_name,
        "owner": user(urls, repo.owner),
        "private": repo.private,
        "visibility": "private" if repo.private else "public",
        "html_url": html,
        "description": repo.description,
        "fork": False,
        "url": api,
        **{key: api + suffix for key, suffix in _REPO_LINKS.items()},
        "git_url": f"git://{host}/{repo.full_name}.git",
        "ssh_url": f"git@{host.split(':')[0]}:{repo.full_name}.git",
        "clone_url": f"{html}.git",
        "svn_url": html,
        "mirror_url": None,
        "homepage": None,
        "language": "Python",
        "size": 0,
        "default_branch": repo.default_branch,
        "topics": [],
        "is_template": False,
        "has_issues": True,
        "has_projects": False,
        "has_wiki": False,
        "has_pages": False,
        "has_downloads": True,
        "has_discussions": False,
        "archived": False,
        "disabled": False,
        "allow_forking": True,
        "web_commit_signoff_required": False,
        "license": None,
        "forks": 0,
        "forks_count": 0,
        "stargazers_count": 0,
        "watchers": 0,
        "watchers_count": 0,
        "subscribers_count": 0,
        "network_count": 0,
        "open_issues": open_count,
        "open_issues_count": open_count,
        "pushed_at": created,
        "created_at": created,
        "updated_at": created,
    }
    return data


def label(urls: Urls, repo: Repository, item: Label) -> dict:
    """A ``label``."""
    return {
        "id": item.id,
        "node_id": node_id("LA", item.id),
        "url": f"{urls.repo(repo)}/labels/{quote(item.name, safe='')}",
        "name": item.name,
        "color": item.color,
        "default": item.default,
        "description": item.description,
    }


def _pr_labels(urls: Urls, repo: Repository, pr: PullRequest) -> list[dict]:
    """The labels of a PR, as PR objects embed them (``description`` is never null there)."""
    found = [repo.label(name) for name in pr.labels]
    return [dict(label(urls, repo, item), description=item.description or "") for item in found]


def milestone(urls: Urls, repo: Repository, item: Milestone) -> dict:
    """A ``milestone``, with its issue counts."""
    api = f"{urls.repo(repo)}/milestones/{item.number}"
    issues = [pr for pr in repo.pulls.values() if pr.milestone == item.number]
    return {
        "url": api,
        "html_url": f"{urls.html(repo)}/milestone/{item.number}",
        "labels_url": f"{api}/labels",
        "id": item.id,
        "node_id": node_id("MI", item.id),
        "number": item.number,
        "state": item.state,
        "title": item.title,
        "description": item.description,
        "creator": user(urls, item.creator),
        "open_issues": sum(1 for pr in issues if pr.state == "open"),
        "closed_issues": sum(1 for pr in issues if pr.state != "open"),
        "created_at": iso(item.created_at),
        "updated_at": iso(item.updated_at),
        "closed_at": iso(item.closed_at),
        "due_on": iso(item.due_on),
    }


def _branch(urls: Urls, repo: Repository, ref: str, sha: str) -> dict:
    """The ``head`` or ``base`` of a PR (same-repository branches only)."""
    return {
        "label": f"{repo.owner}:{ref}",
        "ref": ref,
        "sha": sha,
        "user": user(urls, repo.owner),
        "repo": repository(urls, repo),
    }


def pull(urls: Urls, repo: Repository, pr: PullRequest, *, full: bool = True) -> dict:
    """A ``pull-request`` (``full``) or a ``pull-request-simple`` (in lists)."""
    api = f"{urls.repo(repo)}/pulls/{pr.number}"
    html = f"{urls.html(repo)}/pull/{pr.number}"
    issue = f"{urls.repo(repo)}/issues/{pr.number}"
    links = {
        "self": api,
        "html": html,
        "issue": issue,
        "comments": f"{issue}/comments",
        "review_comments": f"{api}/comments",
        "review_comment": f"{urls.repo(repo)}/pulls/comments{{/number}}",
        "commits": f"{api}/commits",
        "statuses": f"{urls.repo(repo)}/statuses/{pr.head_sha}",
    }
    data = {
        "url": api,
        "id": pr.id,
        "node_id": node_id("PR", repo.id, pr.number),
        "html_url": html,
        "diff_url": f"{html}.diff",
        "patch_url": f"{html}.patch",
        "issue_url": issue,
        "commits_url": links["commits"],
        "review_comments_url": links["review_comments"],
        "review_comment_url": links["review_comment"],
        "comments_url": links["comments"],
        "statuses_url": links["statuses"],
        "number": pr.number,
        "state": pr.state,
        "locked": False,
        "title": pr.title,
        "user": user(urls, pr.author),
        "body": pr.body,
        "labels": _pr_labels(urls, repo, pr),
        "milestone": _milestone_of(urls, repo, pr),
        "active_lock_reason": None,
        "created_at": iso(pr.created_at),
        "updated_at": iso(pr.updated_at),
        "closed_at": iso(pr.closed_at),
        "merged_at": iso(pr.merged_at),
        "merge_commit_sha": pr.merge_commit_sha,
        "assignee": None,
        "assignees": [],
        "requested_reviewers": [],
        "requested_teams": [],
        "head": _branch(urls, repo, pr.head, pr.head_sha),
        "base": _branch(urls, repo, pr.base, pr.base_sha),
        "_links": {key: {"href": href} for key, href in links.items()},
        "author_association": "OWNER" if pr.author == repo.owner else "CONTRIBUTOR",
        "auto_merge": None,
        "draft": pr.draft,
    }
    if full:
        data.update(
            merged=pr.merged,
            mergeable=None if pr.state == "open" else False,
            rebaseable=None,
            mergeable_state="unknown",
            merged_by=user(urls, repo.owner) if pr.merged else None,
            comments=len(pr.comments),
            review_comments=0,
            maintainer_can_modify=False,
            commits=1,
            additions=0,
            deletions=0,
            changed_files=0,
        )
    return data


def _milestone_of(urls: Urls, repo: Repository, pr: PullRequest) -> dict | None:
    """The milestone of a PR, or None."""
    found = repo.milestones.get(pr.milestone) if pr.milestone is not None else None
    return milestone(urls, repo, found) if found else None


def issue(urls: Urls, repo: Repository, pr: PullRequest) -> dict:
    """The ``issue`` side of a PR (labels, comments and milestones live there)."""
    api = f"{urls.repo(repo)}/issues/{pr.number}"
    html = f"{urls.html(repo)}/pull/{pr.number}"
    return {
        "id": pr.id,
        "node_id": node_id("PR", repo.id, pr.number),
        "url": api,
        "repository_url": urls.repo(repo),
        "labels_url": f"{api}/labels{{/name}}",
        "comments_url": f"{api}/comments",
        "events_url": f"{api}/events",
        "html_url": html,
        "number": pr.number,
        "state": pr.state,
        "state_reason": "completed" if pr.state == "closed" else None,
        "title": pr.title,
        "body": pr.body,
        "user": user(urls, pr.author),
        "labels": [label(urls, repo, repo.label(name)) for name in pr.labels],
        "assignee": None,
        "assignees": [],
        "milestone": _milestone_of(urls, repo, pr),
        "locked": False,
        "active_lock_reason": None,
        "comments": len(pr.comments),
        "pull_request": {
            "url": f"{urls.repo(repo)}/pulls/{pr.number}",
            "html_url": html,
            "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch",
            "merged_at": iso(pr.merged_at),
        },
        "closed_at": iso(pr.closed_at),
        "created_at": iso(pr.created_at),
        "updated_at": iso(pr.updated_at),
        "author_association": "OWNER" if pr.author == repo.owner else "CONTRIBUTOR",
    }


def comment(urls: Urls, repo: Repository, pr: PullRequest, item: Comment) -> dict:
    """An ``issue-comment``."""
    return {
        "id": item.id,
        "node_id": node_id("IC", item.id),
        "url": f"{urls.repo(repo)}/issues/comments/{item.id}",
        "html_url": f"{urls.html(repo)}/pull/{pr.number}#issuecomment-{item.id}",
        "issue_url": f"{urls.repo(repo)}/issues/{pr.number}",
        "body": item.body,
        "user": user(urls, item.user),
        "created_at": iso(item.created_at),
        "updated_at": iso(item.updated_at),
        "author_association": "OWNER" if item.user == repo.owner else "CONTRIBUTOR",
    }


def asset(urls: Urls, repo: Repository, release: Release, item: Asset) -> dict:
    """A ``release-asset``."""
    tag = quote(release.tag_name, safe="")
    return {
        "url": f"{urls.repo(repo)}/releases/assets/{item.id}",
        "browser_download_url": (
            f"{urls.html(repo)}/releases/download/{tag}/{quote(item.name, safe='')}"
        ),
        "id": item.id,
        "node_id": node_id("RA", item.id),
        "name": item.name,
        "label": item.label,
        "state": "uploaded",
        "content_type": item.content_type,
        "size": len(item.data),
        "digest": "sha256:" + hashlib.sha256(item.data).hexdigest(),
        "download_count": item.download_count,
        "created_at": iso(item.created_at),
        "updated_at": iso(item.created_at),
        "uploader": user(urls, item.uploader),
    }


def release(urls: Urls, repo: Repository, item: Release) -> dict:
    """A ``release`` with its assets; drafts have no archives and no ``published_at``."""
    api = f"{urls.repo(repo)}/releases/{item.id}"
    tag = quote(item.tag_name, safe="")
    archives = not item.draft
    return {
        "url": api,
        "html_url": f"{urls.html(repo)}/releases/tag/{tag}",
        "assets_url": f"{api}/assets",
        "upload_url": (
            f"{urls.uploads}/repos/{repo.full_name}/releases/{item.id}/assets{{?name,label}}"
        ),
        "tarball_url": f"{urls.repo(repo)}/tarball/{tag}" if archives else None,
        "zipball_url": f"{urls.repo(repo)}/zipball/{tag}" if archives else None,
        "id": item.id,
        "node_id": node_id("RE", item.id),
        "tag_name": item.tag_name,
        "target_commitish": item.target_commitish,
        "name": item.name,
        "body": item.body,
        "draft": item.draft,
        "prerelease": item.prerelease,
        "immutable": False,
        "created_at": iso(item.created_at),
        "published_at": iso(item.published_at),
        "updated_at": iso(item.published_at or item.created_at),
        "author": user(urls, item.author),
        "assets": [asset(urls, repo, item, a) for a in item.assets],
    }


def tag(urls: Urls, repo: Repository, name: str, sha: str) -> dict:
    """A ``tag`` of the tags list."""
    quoted = quote(name, safe="")
    return {
        "name": name,
        "commit": {"sha": sha, "url": f"{urls.repo(repo)}/commits/{sha}"},
        "zipball_url": f"{urls.repo(repo)}/zipball/refs/tags/{quoted}",
        "tarball_url": f"{urls.repo(repo)}/tarball/refs/tags/{quoted}",
        "node_id": node_id("REF", repo.id, name),
    }


def status(urls: Urls, repo: Repository, item: Status, *, creator: bool = True) -> dict:
    """A ``status``, or a ``simple-commit-status`` without ``creator``."""
    data = {
        "url": f"{urls.repo(repo)}/statuses/{item.sha}",
        "avatar_url": f"{urls.web}/avatars/{item.creator}",
        "id": item.id,
        "node_id": node_id("SC", item.id),
        "state": item.state,
        "description": item.description,
        "target_url": item.target_url,
        "context": item.context,
        "created_at": iso(item.created_at),
        "updated_at": iso(item.created_at),
    }
    if creator:
        data["creator"] = user(urls, item.creator)
    return data


def combined_status(urls: Urls, repo: Repository, sha: str, statuses: list[Status]) -> dict:
    """A ``combined-commit-status`` of the latest status of each context."""
    states = {s.state for s in statuses}
    if states & {"error", "failure"}:
        state = "failure"
    elif not statuses or "pending" in states:
        state = "pending"
    else:
        state = "success"
    return {
        "state": state,
        "statuses": [status(urls, repo, s, creator=False) for s in statuses],
        "sha": sha,
        "total_count": len(statuses),
        "repository": repository(urls, repo),
        "commit_url": f"{urls.repo(repo)}/commits/{sha}",
        "url": f"{urls.repo(repo)}/commits/{sha}/status",
    }


def commit(urls: Urls, repo: Repository, info: CommitInfo) -> dict:
    """A ``commit`` (no GitHub users are known for git identities: author and committer null)."""
    api = f"{urls.repo(repo)}/commits/{info.sha}"

    def person(who: tuple[str, str, int]) -> dict:
        """A git identity as ``name``, ``email``, ``date``."""
        return {"name": who[0], "email": who[1], "date": iso(who[2])}

    return {
        "url": api,
        "sha": info.sha,
        "node_id": node_id("C", repo.id, info.sha),
        "html_url": f"{urls.html(repo)}/commit/{info.sha}",
        "comments_url": f"{api}/comments",
        "commit": {
            "url": f"{urls.repo(repo)}/git/commits/{info.sha}",
            "author": person(info.author),
            "committer": person(info.committer),
            "message": info.message.rstrip("\n"),
            "comment_count": 0,
            "tree": {"sha": info.tree, "url": f"{urls.repo(repo)}/git/trees/{info.tree}"},
            "verification": {
                "verified": False,
                "reason": "unsigned",
                "payload": None,
                "signature": None,
                "verified_at": None,
            },
        },
        "author": None,
        "committer": None,
        "parents": [
            {
                "sha": p,
                "url": f"{urls.repo(repo)}/commits/{p}",
                "html_url": f"{urls.html(repo)}/commit/{p}",
            }
            for p in info.parents
        ],
        "stats": {"additions": 0, "deletions": 0, "total": 0},
        "files": [],
    }


def check_run(urls: Urls, repo: Repository, item: CheckRun) -> dict:
    """A ``check-run``, with the open PRs whose head it ran on."""
    api = f"{urls.repo(repo)}/check-runs/{item.id}"
    prs = [pr for pr in repo.pulls.values() if pr.head_sha == item.head_sha and pr.state == "open"]
    mini_repo = {"id": repo.id, "url": urls.repo(repo), "name": repo.name}
    return {
        "id": item.id,
        "head_sha": item.head_sha,
        "node_id": node_id("CR", item.id),
        "external_id": "",
        "url": api,
        "html_url": f"{urls.html(repo)}/runs/{item.id}",
        "details_url": item.details_url,
        "status": item.status,
        "conclusion": item.conclusion,
        "started_at": iso(item.started_at),
        "completed_at": iso(item.completed_at),
        "output": {
            "title": item.title,
            "summary": item.summary,
            "text": None,
            "annotations_count": 0,
            "annotations_url": f"{api}/annotations",
        },
        "name": item.name,
        "check_suite": {"id": item.id},
        "app": None,
        "pull_requests": [
            {
                "id": pr.id,
                "number": pr.number,
                "url": f"{urls.repo(repo)}/pulls/{pr.number}",
                "head": {"ref": pr.head, "sha": pr.head_sha, "repo": mini_repo},
                "base": {"ref": pr.base, "sha": pr.base_sha, "repo": mini_repo},
            }
            for pr in prs
        ],
    }
