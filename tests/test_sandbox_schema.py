"""The emulator checked against GitHub's own description of its API (../shared/github-api).

* every GraphQL document the tests (and the forge) send validates against
  GitHub's schema, and the schema subset the emulator ships is a true subset;
* every REST route the emulator serves exists in GitHub's OpenAPI description,
  and its responses validate against the response schemas there.

Skipped, saying why, when ../shared/github-api is absent.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import jsonschema
import pytest
import requests
from conftest import SHARED, load_github_schema
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLUnionType,
    parse,
    validate,
)
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from test_sandbox import GRAPHQL_DOCUMENTS, INVALID_QUERY, TOKEN

from release_tool.demo import build_demo
from release_tool.sandbox import GitHubEmulator, graphql_api, rest

GITHUB_API = SHARED / "github-api"
#: Routes the emulator serves that GitHub's OpenAPI description no longer lists.
#: Each maps to the documented route whose answer has the same shape.
LEGACY_ROUTES = {
    # PyGithub's Commit.get_statuses() still calls it; GitHub still answers it.
    ("GET", "/repos/{owner}/{repo}/statuses/{ref}"): "/repos/{owner}/{repo}/commits/{ref}/statuses",
}


def github_api_file(name: str) -> Path:
    """A file of ../shared/github-api, or skip saying it is absent."""
    path = GITHUB_API / name
    if not path.exists():
        pytest.skip(f"GitHub's API description is not available: {path} is absent")
    return path


@pytest.fixture(scope="module")
def github_schema():
    """GitHub's full GraphQL schema (built once; see ``load_github_schema``)."""
    return load_github_schema(github_api_file("schema.graphql"))


@pytest.fixture(scope="module")
def openapi() -> dict:
    """GitHub's REST OpenAPI description."""
    return json.loads(github_api_file("api.github.com.json").read_text(encoding="utf-8"))


def _documents() -> dict[str, str]:
    """The documents of the tests, and those of the forge when it is there."""
    documents = dict(GRAPHQL_DOCUMENTS)
    try:
        from release_tool.forge import github as forge
    except ImportError:
        return documents
    if hasattr(forge, "batch_query"):
        documents["forge batch"] = forge.batch_query([1, 2, 3])
    if hasattr(forge, "CHANGED_QUERY"):
        documents["forge changed"] = forge.CHANGED_QUERY
    return documents


# -- GraphQL --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(_documents()))
def test_documents_validate_against_github_and_the_subset(github_schema, name):
    """Each document is valid against GitHub's schema and against the emulator's subset."""
    document = parse(_documents()[name])
    assert [e.message for e in validate(github_schema, document)] == []
    assert [e.message for e in validate(graphql_api.schema(), document)] == []


def test_invalid_document_is_invalid_on_github_too(github_schema):
    """The document the tests use as invalid is invalid for GitHub as well."""
    assert validate(github_schema, parse(INVALID_QUERY))


def test_shipped_schema_is_a_subset(github_schema):
    """Every type, field, argument and enum value of the subset is GitHub's, with its type."""
    subset = graphql_api.schema()
    checked = 0
    for name, kind in subset.type_map.items():
        if name.startswith("__"):
            continue
        full = github_schema.type_map.get(name)
        assert full is not None, f"type {name} is not GitHub's"
        assert type(full) is type(kind), f"{name} is a {type(full).__name__} on GitHub"
        if isinstance(kind, (GraphQLObjectType, GraphQLInterfaceType)):
            interfaces = {i.name for i in full.interfaces}
            assert {i.name for i in kind.interfaces} <= interfaces, name
            for field_name, field in kind.fields.items():
                theirs = full.fields.get(field_name)
                assert theirs is not None, f"{name}.{field_name} is not GitHub's"
                assert str(field.type) == str(theirs.type), f"{name}.{field_name}"
                for arg_name, arg in field.args.items():
                    assert arg_name in theirs.args, f"{name}.{field_name}({arg_name})"
                    assert str(arg.type) == str(theirs.args[arg_name].type)
                    assert arg.default_value == theirs.args[arg_name].default_value
                for arg_name, arg in theirs.args.items():  # required there, present here
                    if str(arg.type).endswith("!") and arg.default_value is None:
                        assert arg_name in field.args, f"{name}.{field_name} needs {arg_name}"
                checked += 1
        elif isinstance(kind, GraphQLInputObjectType):
            for field_name, field in kind.fields.items():
                assert str(field.type) == str(full.fields[field_name].type)
            required = {n for n, f in full.fields.items() if str(f.type).endswith("!")}
            assert required <= set(kind.fields), name
        elif isinstance(kind, GraphQLEnumType):
            assert set(kind.values) <= set(full.values), name
        elif isinstance(kind, GraphQLUnionType):
            assert {t.name for t in kind.types} <= {t.name for t in full.types}, name
        else:
            assert isinstance(kind, GraphQLScalarType)
    assert checked > 50


# -- REST -----------------------------------------------------------------------------------


_ANNOTATIONS = {"nullable", "example", "examples", "discriminator", "xml", "externalDocs"}


def to_json_schema(node, base: str):
    """An OpenAPI 3.0 schema as JSON Schema 2020-12: ``nullable`` as a null type, refs rebased."""
    if isinstance(node, list):
        return [to_json_schema(item, base) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key in _ANNOTATIONS:
            continue
        if key == "properties":
            out[key] = {name: to_json_schema(sub, base) for name, sub in value.items()}
        elif key == "$ref":
            out[key] = base + value
        else:
            out[key] = to_json_schema(value, base)
    if node.get("nullable"):
        if "type" in out:
            out["type"] = [out["type"], "null"]
            if "enum" in out and None not in out["enum"]:
                out["enum"] = [*out["enum"], None]
        else:
            out = {"anyOf": [{"type": "null"}, out]}
    return out


@pytest.fixture(scope="module")
def check_response(openapi):
    """``check(method, path_template, status, body)``: validate a body against GitHub's schema."""
    base = "urn:github-openapi"
    components = to_json_schema(openapi["components"]["schemas"], base)
    resource = Resource.from_contents(
        {"components": {"schemas": components}}, default_specification=DRAFT202012
    )
    registry = Registry().with_resource(base, resource)

    @cache
    def validator(method: str, template: str, status: int):
        """The validator of one documented answer (built once)."""
        response = openapi["paths"][template][method.lower()]["responses"][str(status)]
        if "$ref" in response:
            response = openapi["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
        schema = response["content"]["application/json"]["schema"]
        return jsonschema.Draft202012Validator(to_json_schema(schema, base), registry=registry)

    def check(method: str, template: str, status: int, body) -> None:
        """Assert ``body`` is a valid answer; list the first errors otherwise."""
        errors = sorted(validator(method, template, status).iter_errors(body), key=str)
        messages = [f"{list(e.absolute_path)}: {e.message[:200]}" for e in errors[:5]]
        assert not errors, f"{method} {template} {status}: {messages}"

    return check


def test_routes_are_githubs(openapi):
    """Every REST and uploads route of the emulator is in GitHub's OpenAPI description."""

    def shape(template: str) -> str:
        """A path template with its parameter names erased."""
        return "/".join("{}" if p.startswith("{") else p for p in template.split("/"))

    known = {(m.upper(), shape(path)) for path, ops in openapi["paths"].items() for m in ops}
    for route in rest.ROUTES:
        if route.kind == "web" or (route.method, route.template) in LEGACY_ROUTES:
            continue
        assert (route.method, shape(route.template)) in known, route.template


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo repository."""
    return build_demo(tmp_path_factory.mktemp("schema-demo") / "d")


def test_rest_responses_validate(demo, check_response, tmp_path):
    """The emulator's answers for every route validate against GitHub's response schemas."""
    covered: set[tuple[str, str]] = set()
    auth = {"Authorization": f"token {TOKEN}"}

    with GitHubEmulator.from_repo(demo) as gh:
        gh.repo.branches["feature"] = gh.repo.branches["integration"]

        def call(method, template, status=200, *, url=None, json_body=None, **params):
            """Send a request, assert its status, validate its JSON answer, mark it covered."""
            path = template.format(owner="local", repo="repo", **params.pop("path", {}))
            target = url or f"{gh.base_url}{path}"
            answer = requests.request(
                method, target, json=json_body, params=params, headers=auth, timeout=10
            )
            assert answer.status_code == status, (method, path, answer.text[:300])
            body = answer.json()
            check_response(method, LEGACY_ROUTES.get((method, template), template), status, body)
            covered.add((method, template))
            return body

        repo = "/repos/{owner}/{repo}"
        call("GET", repo)
        call("GET", repo, 404, path={}, url=f"{gh.base_url}/repos/nobody/nothing")
        call("GET", "/user")
        call("GET", "/rate_limit")
        call("GET", repo + "/pulls", state="all", per_page=5)
        created = call(
            "POST",
            repo + "/pulls",
            201,
            json_body={"title": "Feature", "head": "feature", "base": "integration"},
        )
        number = {"pull_number": created["number"]}
        listed = call("GET", repo + "/pulls", base="integration", head="local:feature")
        assert [p["number"] for p in listed] == [created["number"]]
        assert listed[0]["created_at"] and listed[0]["user"]["login"]
        call("GET", repo + "/pulls/{pull_number}", path={"pull_number": 3})
        call("PATCH", repo + "/pulls/{pull_number}", path=number, json_body={"body": "More"})
        issue = {"issue_number": 3}
        call("POST", repo + "/labels", 201, json_body={"name": "alert", "color": "ff0000"})
        call("GET", repo + "/labels")
        call("GET", repo + "/labels/{name}", path={"name": "alert"})
        call("POST", repo + "/issues/{issue_number}/labels", path=issue, json_body=["bug"])
        call("PUT", repo + "/issues/{issue_number}/labels", path=issue, json_body=["a", "bug"])
        call("GET", repo + "/issues/{issue_number}/labels", path=issue)
        call("DELETE", repo + "/issues/{issue_number}/labels/{name}", path={**issue, "name": "a"})
        call("GET", repo + "/issues/{issue_number}", path=issue)
        call(
            "POST",
            repo + "/issues/{issue_number}/comments",
            201,
            path=issue,
            json_body={"body": "Hi"},
        )
        call("GET", repo + "/issues/{issue_number}/comments", path=issue)
        release = call(
            "POST", repo + "/releases", 201, json_body={"tag_name": "v9.0.0", "draft": True}
        )
        call("POST", repo + "/releases", 422, json_body={"tag_name": "v9.0.0"})
        rid = {"release_id": release["id"]}
        upload = release["upload_url"].split("{")[0]
        answer = requests.post(
            upload, params={"name": "a.txt"}, data=b"asset", headers=auth, timeout=10
        )
        assets = "/repos/{owner}/{repo}/releases/{release_id}/assets"
        check_response("POST", assets, 201, answer.json())
        covered.add(("POST", assets))
        again = requests.post(upload, params={"name": "a.txt"}, data=b"x", headers=auth, timeout=10)
        assert again.status_code == 422 and again.json()["errors"][0]["code"] == "already_exists"
        call("GET", assets, path=rid)
        call("GET", repo + "/releases/assets/{asset_id}", path={"asset_id": answer.json()["id"]})
        call("PATCH", repo + "/releases/{release_id}", path=rid, json_body={"draft": False})
        call("GET", repo + "/releases/{release_id}", path=rid)
        call("GET", repo + "/releases/tags/{tag}", path={"tag": "v9.0.0"})
        call("GET", repo + "/releases/latest")
        call("GET", repo + "/releases")
        call("GET", repo + "/tags")
        sha = {"sha": gh.repo.branches["rel-v8r0"], "ref": "rel-v8r0"}
        call("POST", repo + "/statuses/{sha}", 201, path=sha, json_body={"state": "success"})
        call("GET", repo + "/statuses/{ref}", path=sha)
        call("GET", repo + "/commits/{ref}/statuses", path=sha)
        call("GET", repo + "/commits/{ref}/status", path=sha)
        gh.repo.add_check_run(sha["sha"], "tests")
        gh.repo.add_check_run(sha["sha"], "slow", status="in_progress")
        call("GET", repo + "/commits/{ref}/check-runs", path=sha)
        call("GET", repo + "/commits/{ref}", path=sha)
        call("POST", repo + "/milestones", 201, json_body={"title": "v9", "due_on": "2030-01-01"})
        call("GET", repo + "/milestones")
        call("GET", repo + "/milestones/{milestone_number}", path={"milestone_number": 1})
        for method, template in (
            ("DELETE", repo + "/releases/assets/{asset_id}"),
            ("DELETE", repo + "/releases/{release_id}"),
        ):
            covered.add((method, template))  # 204, no body
        assert (
            requests.delete(
                f"{gh.base_url}/repos/local/repo/releases/assets/{answer.json()['id']}",
                headers=auth,
                timeout=10,
            ).status_code
            == 204
        )
        assert (
            requests.delete(
                f"{gh.base_url}/repos/local/repo/releases/{release['id']}", headers=auth, timeout=10
            ).status_code
            == 204
        )

    served = {(r.method, r.template) for r in rest.ROUTES if r.kind in ("rest", "uploads")}
    assert served - covered == set(), "routes whose answers are not checked"
