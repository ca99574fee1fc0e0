"""DESIGN.md's dependency rules, enforced by reading every module's imports."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parent.parent
SKIP_DIRS = {".venv", ".git", "data", "node_modules", "__pycache__", ".ruff_cache"}
INTERNAL = ("zakid_metrics", "pipelines")


class Import(NamedTuple):
    module: str
    line: int


def python_files() -> list[str]:
    """Every .py file of the project, relative to the root, outside virtualenv and data."""
    return sorted(
        path.relative_to(ROOT).as_posix()
        for path in ROOT.rglob("*.py")
        if not SKIP_DIRS & set(path.relative_to(ROOT).parts)
    )


def module_name(file: str) -> str:
    parts = file.removesuffix(".py").split("/")
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(file: str) -> list[Import]:
    """Every module `file` imports, anywhere in it; `from a import b` counts as a and a.b."""
    tree = ast.parse((ROOT / file).read_text(encoding="utf-8"), filename=file)
    name = module_name(file)
    package = (name if file.endswith("__init__.py") else name.rpartition(".")[0]).split(".")
    found: list[Import] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [Import(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: level 1 is the file's package, 2 its parent, ...
                anchor = package[: len(package) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            found.append(Import(base, node.lineno))
            found += [Import(f"{base}.{alias.name}", node.lineno) for alias in node.names]
    return found


def is_within(module: str, *packages: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def violations(file: str, forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{file}:{imp.line} imports {imp.module}"
        for imp in imports(file)
        if is_within(imp.module, *forbidden)
    ]


FILES = python_files()
NOT_TESTS = [f for f in FILES if not f.startswith("tests/")]
CORE = [f for f in FILES if f.startswith("zakid_metrics/")]
DASHBOARD = "zakid_metrics.dashboard"


def test_the_walker_sees_imports() -> None:
    """Guards the rules below against passing because nothing was found."""
    assert "app.py" in FILES and "zakid_metrics/settings.py" in FILES
    found = {imp.module for imp in imports("app.py")}
    assert {"streamlit", "zakid_metrics.dashboard.navigation", "zakid_metrics.i18n.t"} <= found


@pytest.mark.parametrize("file", ["zakid_metrics/settings.py", "zakid_metrics/errors.py"])
def test_settings_and_errors_import_nothing_internal(file: str) -> None:
    found = violations(file, INTERNAL)
    assert not found, f"settings and errors are the base of everything: {found}"


@pytest.mark.parametrize("file", CORE)
def test_zakid_metrics_never_imports_pipelines(file: str) -> None:
    found = violations(file, ("pipelines",))
    assert not found, f"zakid_metrics must not depend on the writing side: {found}"


@pytest.mark.parametrize("file", NOT_TESTS)
def test_only_app_and_dashboard_import_streamlit(file: str) -> None:
    if file == "app.py" or file.startswith("zakid_metrics/dashboard/"):
        return
    found = violations(file, ("streamlit",))
    assert not found, f"only app.py and zakid_metrics/dashboard may import streamlit: {found}"


@pytest.mark.parametrize("file", NOT_TESTS)
def test_nothing_but_app_imports_the_dashboard(file: str) -> None:
    if file == "app.py" or file.startswith("zakid_metrics/dashboard/"):
        return
    found = violations(file, (DASHBOARD,))
    assert not found, f"only app.py may import zakid_metrics.dashboard: {found}"


@pytest.mark.parametrize("file", ["zakid_metrics/charts.py"])
def test_charts_import_nothing_internal(file: str) -> None:
    if not (ROOT / file).exists():
        pytest.skip(f"{file} does not exist yet")
    found = violations(file, INTERNAL)
    assert not found, f"charts are pure builders (data in, figure out): {found}"
