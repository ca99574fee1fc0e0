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


@pytest.mark.parametrize(
    "file", ["zakid_metrics/settings.py", "zakid_metrics/errors.py", "zakid_metrics/files.py"]
)
def test_the_base_layer_imports_nothing_internal(file: str) -> None:
    found = violations(file, INTERNAL)
    assert not found, f"settings, errors and files are the base of everything: {found}"


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


ERRORS_MODULE = "zakid_metrics/errors.py"


def _error_classes() -> set[str]:
    """The names of the ZakidError tree as errors.py defines it."""
    from zakid_metrics import errors

    return {
        name
        for name, value in vars(errors).items()
        if isinstance(value, type) and issubclass(value, errors.ZakidError)
    }


def derived_classes(files: list[str], bases: set[str]) -> list[str]:
    """`file:line name` of every class in `files` derived from `bases`, directly or not.

    Read from the code, not imported, so a module that no test imports is seen too.
    """
    trees = {file: ast.parse((ROOT / file).read_text(encoding="utf-8")) for file in files}
    known, found = set(bases), []
    while True:  # classes derived from classes found in the last round
        new = [
            (file, node)
            for file, tree in trees.items()
            for node in ast.walk(tree)
            if isinstance(node, ast.ClassDef)
            and node.name not in known
            and any(_base_name(base) in known for base in node.bases)
        ]
        if not new:
            return found
        known |= {node.name for _, node in new}
        found += [f"{file}:{node.lineno} {node.name}" for file, node in new]


def _base_name(base: ast.expr) -> str:
    if isinstance(base, ast.Attribute):
        return base.attr
    return base.id if isinstance(base, ast.Name) else ""


def test_the_error_rule_sees_the_error_tree() -> None:
    """Guards the rule below: read from errors.py, the tree is every error class there."""
    found = {line.split(" ")[1] for line in derived_classes([ERRORS_MODULE], {"ZakidError"})}
    assert found == _error_classes() - {"ZakidError"}


def test_no_error_class_is_defined_outside_errors() -> None:
    elsewhere = [f for f in FILES if f != ERRORS_MODULE]
    found = derived_classes(elsewhere, _error_classes())
    assert not found, f"every ZakidError subclass belongs in {ERRORS_MODULE}: {found}"


@pytest.mark.parametrize("file", FILES)
def test_error_classes_are_imported_from_errors(file: str) -> None:
    names = _error_classes()
    found = [
        f"{file}:{node.lineno} imports {alias.name} from {node.module}"
        for node in ast.walk(ast.parse((ROOT / file).read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom)
        and node.module != "zakid_metrics.errors"
        and is_within(node.module or "", *INTERNAL)
        for alias in node.names
        if alias.name in names
    ]
    assert not found, f"error classes have one home, zakid_metrics.errors: {found}"


FILES_MODULE = "zakid_metrics/files.py"
PLUMBING = ("fcntl", "fsync", "fdatasync", "flock", "renameat2")


def durable_plumbing(file: str) -> list[str]:
    """Where `file` fsyncs, takes a file lock or exchanges folders by itself.

    Any import, attribute or string (`getattr(libc, "renameat2")`) named in PLUMBING counts.
    """
    found = []
    for node in ast.walk(ast.parse((ROOT / file).read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or "", *(alias.name for alias in node.names)]
        elif isinstance(node, ast.Attribute):
            names = [node.attr]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            names = [node.value]
        else:
            continue
        found += [f"{file}:{node.lineno} {name}" for name in names if name in PLUMBING]
    return found


def test_the_plumbing_rule_sees_the_plumbing() -> None:
    """Guards the rule below against passing because it recognises nothing."""
    found = {line.split(" ", 1)[1] for line in durable_plumbing(FILES_MODULE)}
    assert found == set(PLUMBING)


@pytest.mark.parametrize("file", [f for f in NOT_TESTS if f != FILES_MODULE])
def test_fsync_locks_and_swaps_only_in_files(file: str) -> None:
    found = durable_plumbing(file)
    assert not found, f"fsync, file locks and the folder swap live in {FILES_MODULE}: {found}"
