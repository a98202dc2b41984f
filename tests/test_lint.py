"""ruff keeps the code base clean: lint and format are part of the test run.

ruff runs as ``python -m ruff`` of the interpreter running the tests, so it is found in the
virtual environment the test extra installed it into, whether or not that environment's
``bin`` is on ``PATH``.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("args", [["check", "."], ["format", "--check", "."]])
def test_ruff(args):
    assert importlib.util.find_spec("ruff") is not None, (
        "ruff is not installed in this environment (pip install -e '.[test]' installs it)"
    )
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
