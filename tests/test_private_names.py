"""A module keeps its private names (`_x`) to itself: no other module imports or reads them."""

from __future__ import annotations

import ast

import pytest

from tests.test_architecture import FILES, ROOT, module_name

MODULES = {module_name(file): file for file in FILES}


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def resolve(file: str, node: ast.ImportFrom) -> str:
    """The absolute module name of a `from … import` in `file`."""
    name = module_name(file)
    package = (name if file.endswith("__init__.py") else name.rpartition(".")[0]).split(".")
    if not node.level:
        return node.module or ""
    anchor = package[: len(package) - node.level + 1]
    return ".".join([*anchor, *([node.module] if node.module else [])])


def dotted(node: ast.expr) -> str | None:
    """`a.b.c` for a chain of attributes on a name; None for anything else."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])


def private_uses(file: str, source: str) -> list[str]:
    """Every use in `source` (the text of `file`) of another project module's private name."""
    tree = ast.parse(source, filename=file)
    own = module_name(file)
    aliases: dict[str, str] = {}  # a local name → the project module it stands for
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:
                    top = alias.name.partition(".")[0]
                    aliases[top] = top
        elif isinstance(node, ast.ImportFrom):
            base = resolve(file, node)
            for alias in node.names:
                if is_private(alias.name) and base in MODULES and base != own:
                    found.append(f"{file}:{node.lineno} imports {base}.{alias.name}")
                elif f"{base}.{alias.name}" in MODULES:
                    aliases[alias.asname or alias.name] = f"{base}.{alias.name}"
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute) or not is_private(node.attr):
            continue
        chain = dotted(node.value)
        if chain is None:
            continue
        head, _, rest = chain.partition(".")
        if head not in aliases:
            continue
        module = ".".join([aliases[head], *([rest] if rest else [])])
        if module in MODULES and module != own:
            found.append(f"{file}:{node.lineno} reads {module}.{node.attr}")
    return sorted(found, key=lambda use: (int(use.split(":")[1].split()[0]), use))


PROBE = (
    "from zakid_metrics import kpis\n"
    "from zakid_metrics.dashboard import data as gateway\n"
    "import zakid_metrics.warehouse\n"
    "from zakid_metrics.settings import _hidden, Settings\n"
    "from ..zakid_metrics.i18n import _secret\n"
    "gateway._READ_LOCK, kpis._registry, zakid_metrics.warehouse._schema\n"
    "Settings._own, gateway.public, gateway.__name__\n"
)


def test_the_walker_sees_private_names() -> None:
    """Guards the rule below against passing because nothing was found."""
    assert private_uses("tests/probe.py", PROBE) == [
        "tests/probe.py:4 imports zakid_metrics.settings._hidden",
        "tests/probe.py:5 imports zakid_metrics.i18n._secret",
        "tests/probe.py:6 reads zakid_metrics.dashboard.data._READ_LOCK",
        "tests/probe.py:6 reads zakid_metrics.kpis._registry",
        "tests/probe.py:6 reads zakid_metrics.warehouse._schema",
    ]


@pytest.mark.parametrize(
    "file",
    FILES,
)
def test_no_module_uses_another_modules_private_name(file: str) -> None:
    found = private_uses(file, (ROOT / file).read_text(encoding="utf-8"))
    assert not found, f"make the name public where it is shared, or keep it in its module: {found}"
