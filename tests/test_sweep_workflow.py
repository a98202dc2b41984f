"""The sweep workflow for users: valid for GitHub, never running code from the PR's head."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

WORKFLOW = Path(__file__).resolve().parent.parent / ".github" / "workflows" / "sweep.yml"


def _check_jsonschema() -> list[str]:
    """The check-jsonschema command (test extra), or skip."""
    found = shutil.which("check-jsonschema") or str(
        Path(sys.executable).parent / "check-jsonschema"
    )
    if not Path(found).exists():
        pytest.skip("check-jsonschema is not installed (pip install -e '.[test]')")
    return [found]


def test_workflow_validates_against_githubs_schema():
    command = [*_check_jsonschema(), "--builtin-schema", "vendor.github-workflows", str(WORKFLOW)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def load() -> dict:
    """The workflow as data (ruamel.yaml comes with check-jsonschema)."""
    yaml = pytest.importorskip("ruamel.yaml")
    return yaml.YAML(typ="safe").load(WORKFLOW.read_text(encoding="utf-8"))


def test_workflow_triggers_and_safety():
    data = load()
    triggers = data["on"]
    assert triggers["pull_request_target"]["types"] == ["closed"]
    assert "pr" in triggers["workflow_dispatch"]["inputs"]
    (job,) = data["jobs"].values()
    assert "merged == true" in job["if"] and "alsoTargeting:" in job["if"]
    checkout = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout"))
    ref = checkout["with"]["ref"]
    assert "head" not in ref and "default_branch" in ref  # never the PR's head
    text = WORKFLOW.read_text(encoding="utf-8")
    assert "github.event.pull_request.head" not in text
    for step in job["steps"]:
        if "run" in step:
            assert "${{" not in step["run"], step["run"]  # inputs only through env
    sweep = next(s for s in job["steps"] if "release-tool sweep" in s.get("run", ""))
    assert '--pr "$SWEEP_PR" --yes' in sweep["run"]
    summary = job["steps"][-1]
    assert summary["if"] == "always()" and "GITHUB_STEP_SUMMARY" in summary["run"]
    assert data["permissions"]["contents"] == "write"
