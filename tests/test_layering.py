"""The layering rules: commands never import another command module; nothing below imports them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from release_tool.forge.base import FetchResult
from release_tool.forge.fill import fill_from_forge

PACKAGE = Path(__file__).resolve().parent.parent / "release_tool"
#: Modules of release_tool/commands/ that any command may import.
SHARED = {"release_tool.commands", "release_tool.commands.options"}
#: The demo walks through the other commands on purpose.
WALKTHROUGH = {"release_tool.commands.demo"}


def imports(path: Path) -> set[str]:
    """The absolute names of the modules ``path`` imports."""
    module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            name = node.module or ""
            full = name if node.level == 0 else ".".join(p for p in (base, name) if p)
            found.add(full)
            found.update(f"{full}.{alias.name}" for alias in node.names)
    return found


def modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts), path


@pytest.mark.parametrize("name,path", list(modules()), ids=lambda v: str(v))
def test_command_modules_are_imported_by_no_other_module(name, path):
    if name in WALKTHROUGH or name == "release_tool.cli":
        return
    commands = {
        m for m in imports(path)
        if m.startswith("release_tool.commands.") and m.count(".") == 2
        and (PACKAGE / "commands" / f"{m.rsplit('.', 1)[1]}.py").is_file()
    }  # fmt: skip
    assert commands <= SHARED, f"{name} imports {sorted(commands - SHARED)}"


class _Pr:
    def __init__(self, number: int, ref: str) -> None:
        self.number, self.ref = number, ref


class _List:
    def __init__(self, *prs: _Pr) -> None:
        self.prs, self.details = list(prs), None


class _Forge:
    def __init__(self) -> None:
        self.asked: list[set[int]] = []

    def fetch_prs(self, numbers):
        self.asked.append(set(numbers))
        return FetchResult(prs={1: "one"}, missing=[2])


def test_fill_from_forge_fetches_once_and_warns_of_missing_prs():
    lists = [_List(_Pr(1, "#1")), _List(_Pr(2, "#2"), _Pr(3, "abc1234"))]
    forge, warnings = _Forge(), []
    fill_from_forge(forge, lists, warn=warnings.append)
    assert forge.asked == [{1, 2}]
    assert all(r.details == {1: "one"} for r in lists)
    assert warnings == ["release-tool: warning: 1 PR(s) not found on GitHub: #2"]
