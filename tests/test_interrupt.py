"""Ctrl-C at any moment is one line and exit 130, even while the libraries are loading."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

INTERRUPT_IMPORT = textwrap.dedent(
    """
    import builtins, sys
    real_import = builtins.__import__

    def interrupted(name, *args, **kwargs):
        if name.split(".")[0] == {module!r}:
            raise KeyboardInterrupt
        return real_import(name, *args, **kwargs)

    builtins.__import__ = interrupted
    sys.argv = ["release-tool", "version", "show", "8.0.1"]
    from release_tool.__main__ import main
    main()
    """
)


def run_python(code: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)


@pytest.mark.parametrize("module", ["click", "packaging"])  # what "version show" imports
def test_ctrl_c_while_importing_is_one_line(module):
    """A KeyboardInterrupt raised by the first import of ``module`` (where Ctrl-C lands)."""
    result = run_python(INTERRUPT_IMPORT.format(module=module))
    assert result.returncode == 130, result.stderr
    assert result.stderr == "release-tool: error: interrupted\n"


def test_the_entry_point_imports_nothing_heavy():
    """The console script's module loads no third-party library before the handler."""
    result = run_python(
        "import sys, release_tool.__main__\n"
        "print(sorted(m for m in ('click', 'git', 'github', 'packaging', 'jinja2') "
        "if m in sys.modules))"
    )
    assert result.stdout.strip() == "[]", result.stderr
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert 'release-tool = "release_tool.__main__:main"' in pyproject


def test_python_dash_m_still_runs():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "release_tool", "version", "show", "8.0.1"],
                            env=env, capture_output=True, text=True)  # fmt: skip
    assert result.returncode == 0 and "8.0.1" in result.stdout
