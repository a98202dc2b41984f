"""The workflow files are checked by a real linter: check-jsonschema with GitHub's workflow schema.

(actionlint from the package index downloads its binary when installed, which
cannot work here; check-jsonschema ships SchemaStore's github-workflow schema.)
Besides the schema, no ``run:`` script may interpolate an expression: inputs
reach the shell through environment variables only.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

WORKFLOWS = sorted((Path(__file__).resolve().parents[1] / ".github" / "workflows").glob("*.yml"))


def lint(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
         str(path)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def load(path: Path):
    from ruamel.yaml import YAML

    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_workflow_is_valid(path):
    result = lint(path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_linter_rejects_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    text = (WORKFLOWS[0].parent / "alpha.yml").read_text()
    broken.write_text(text.replace("cancel-in-progress: false", "cancel-in-progress: sometimes"))
    assert lint(broken).returncode != 0
    missing = tmp_path / "missing.yml"
    missing.write_text(text.replace("runs-on: ubuntu-latest", "runs_on: ubuntu-latest"))
    assert lint(missing).returncode != 0


@pytest.mark.parametrize("path", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_no_expression_inside_shell_scripts(path):
    for name, job in load(path)["jobs"].items():
        for step in job.get("steps", []):
            assert "${{" not in step.get("run", ""), f"{path.name}: job {name}: {step}"


def test_alpha_bot_shape():
    workflow = load(WORKFLOWS[0].parent / "alpha.yml")
    triggers = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1: on is true
    assert "schedule" in triggers and "workflow_dispatch" in triggers
    assert workflow["concurrency"]["cancel-in-progress"] is False
    assert "inputs.branch" in workflow["concurrency"]["group"]
    alpha, publish = workflow["jobs"]["alpha"], workflow["jobs"]["publish"]
    (run_step,) = [s for s in alpha["steps"] if "release-tool alpha" in s.get("run", "")]
    assert "--if-changed --yes --no-upload" in run_step["run"]
    assert set(run_step["env"]) >= {"ALPHA_BRANCH", "ALPHA_PHASE", "ALPHA_HACKATHON"}
    assert publish["permissions"] == {"id-token": "write"}
    assert any("gh-action-pypi-publish" in s.get("uses", "") for s in publish["steps"])
