"""Data flows one way: each stage imports only earlier stages (an import-linter-style contract)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "scalexpert"

# Earlier stages first. A module may import modules of its own layer or of earlier layers.
LAYERS: list[set[str]] = [
    {"errors", "version", "severity", "output", "shipped", "cache", "terminal"},
    {"model"},
    {"loader", "schema"},
    {"importers", "discovery"},
    {"analysis"},
    {"facts"},
    {"knowledge_base", "config"},
    {"language"},
    {"findings"},
    {"engine"},
    {"review", "progress"},
    {"assessment"},
    {"api", "rule_testing"},
    {"reporters", "rendering", "docgen"},
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


def _imports_experta(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and not node.level and (node.module or "").split(".")[0] == "experta":
            return True
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "experta" for a in node.names):
            return True
    return False


def test_only_the_engine_imports_experta():
    """experta is touched in one place: scalexpert/engine/ (language/ compiles nothing to experta)."""
    importing = sorted(str(p.relative_to(PACKAGE.parent)) for p in PACKAGE.rglob("*.py") if _imports_experta(p))
    assert importing, "the engine no longer imports experta? update this test"
    outside = [p for p in importing if not p.startswith("scalexpert/engine/")]
    assert not outside, f"experta is imported outside scalexpert/engine/: {outside}"


def test_the_package_namespace_is_not_imported_back():
    """``from .. import x`` / ``from scalexpert import x`` inside the package would import the public
    namespace (a back-edge from every stage to the last); read the version from scalexpert.version."""
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == PACKAGE / "__init__.py":
            continue
        package_depth = len(path.relative_to(PACKAGE).parts)
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and (
                    (node.level == package_depth and node.module is None)
                    or (not node.level and node.module == "scalexpert")):
                names = [a.name for a in node.names
                         if not (PACKAGE / a.name).is_dir() and not (PACKAGE / f"{a.name}.py").is_file()]
                if names:
                    problems.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} imports {names}")
    assert not problems, problems
