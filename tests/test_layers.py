"""Data flows one way: each stage imports only earlier stages (an import-linter-style contract)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "scalexpert"

# Earlier stages first. A module may import modules of its own layer or of earlier layers.
LAYERS: list[set[str]] = [
    {"errors", "_compat", "output", "shipped"},
    {"model"},
    {"loader", "schema"},
    {"importers"},
    {"analysis"},
    {"facts"},
    {"knowledge_base", "config"},
    {"language", "rete"},
    {"engine"},
    {"findings"},
    {"explain", "suppressions", "score", "baseline", "diff", "config_files", "progress"},
    {"api", "rule_testing"},
    {"reporters", "docgen"},
    {"cli", "__main__"},
]


def _layer(module: str) -> int:
    for index, names in enumerate(LAYERS):
        if module in names:
            return index
    return -1


def _top(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0]


def _imports(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text("utf-8"))
    package_parts = path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package_parts[: len(package_parts) - node.level + 1])
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names = [target] if node.module or not node.level else [f"{target}.{a.name}" for a in node.names]
            for name in names:
                if name.startswith("scalexpert."):
                    found.append((name.split(".")[1], node.lineno))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("scalexpert."):
                    found.append((alias.name.split(".")[1], node.lineno))
    return found


def test_every_module_has_a_layer():
    unknown = sorted({_top(p) for p in PACKAGE.rglob("*.py") if _layer(_top(p)) < 0 and _top(p) != "__init__"})
    assert not unknown, f"add these modules to LAYERS in {__file__}: {unknown}"


def test_no_stage_imports_a_later_stage():
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        top = _top(path)
        if top == "__init__":
            continue
        for imported, line in _imports(path):
            if _layer(imported) > _layer(top):
                problems.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports scalexpert.{imported}")
    assert not problems, "\n".join(problems)
