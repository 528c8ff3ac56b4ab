"""No module of the project's packages takes part in an import cycle (issue 23: dependencies point
one way). A cycle works only while the import order happens to suit it (guide_macros' modules
used to import the package that imports them, resolving its helpers at call time), and it hides
which module is the lower layer.

Read statically with `ast`, so every import that can run counts: at the top or inside a function
(the usual way round a cycle). Imports under `if TYPE_CHECKING:` never run and do not count: a
class annotated with the type of what holds it (mockgraph.call's `mock: GraphMock`) is not a
dependency at run time. `from package import name` counts as importing the submodule when `name`
is one, else the package's __init__; a parent package's __init__, which Python runs first, is not
counted as imported by its submodules.
"""

from __future__ import annotations

import ast
from pathlib import Path

from support.paths import ROOT

PACKAGES = ("guide_data", "guide_macros", "snippets", "mockgraph")


def module_files(root: Path, packages: tuple[str, ...]) -> dict[str, Path]:
    """{dotted module name: file} for every .py file under the packages."""
    modules = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def _known(name: str, modules: dict[str, Path]) -> str | None:
    """The longest prefix of `name` that is one of the modules (a.b.func -> a.b), or None."""
    parts = name.split(".")
    while parts:
        if ".".join(parts) in modules:
            return ".".join(parts)
        parts.pop()
    return None


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(node: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement under `node` that can run (not the body of `if TYPE_CHECKING:`)."""
    if isinstance(node, ast.Import | ast.ImportFrom):
        return [node]
    children = node.orelse if isinstance(node, ast.If) and _type_checking_only(node) else ast.iter_child_nodes(node)
    return [found for child in children for found in _import_nodes(child)]


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The modules among `modules` that `module` imports, anywhere in its file."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in _import_nodes(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:  # relative: climb from this module's package
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            targets = [f"{base}.{alias.name}" for alias in node.names]
        found |= {known for target in targets if (known := _known(target, modules)) and known != module}
    return found


def import_graph(root: Path, packages: tuple[str, ...]) -> dict[str, set[str]]:
    modules = module_files(root, packages)
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def describe(component: list[str], graph: dict[str, set[str]]) -> str:
    members = set(component)
    edges = [f"{a} -> {b}" for a in component for b in sorted(graph[a] & members)]
    return "; ".join(edges)


def test_no_module_of_the_project_packages_is_in_an_import_cycle():
    graph = import_graph(ROOT, PACKAGES)
    found = cycles(graph)
    assert not found, "import cycles (move what both sides need into a module that imports neither): " + " | ".join(
        describe(c, graph) for c in found
    )


def test_the_graph_sees_the_imports_the_macros_make():
    """The check reads real edges: the macro modules' shared helpers, the package's own modules."""
    graph = import_graph(ROOT, PACKAGES)
    assert "guide_macros.markup" in graph["guide_macros.errors"]
    assert {"guide_macros.errors", "guide_macros.tables"} <= graph["guide_macros"]
    assert graph["guide_macros.markup"] == set()  # the lowest layer: imports nothing of the project


def test_a_cycle_is_found_however_it_is_written(tmp_path):
    """A two-module cycle through the package (the old guide_macros shape), a relative one inside a
    function, and a longer one; a plain chain, and a way back only under TYPE_CHECKING, are not."""
    files = {
        "pkg/__init__.py": "from pkg import helpers\n",
        "pkg/helpers.py": "def f():\n    import pkg\n",
        "pkg/sub/__init__.py": "",
        "pkg/sub/a.py": "from . import b\n",
        "pkg/sub/b.py": "def g():\n    from .a import thing\n",
        "pkg/ring/__init__.py": "",
        "pkg/ring/x.py": "from pkg.ring.y import name\n",
        "pkg/ring/y.py": "from pkg.ring import z\n",
        "pkg/ring/z.py": "import pkg.ring.x\n",
        "pkg/chain.py": "import pkg.sub.a\nfrom pkg.ring import x\nfrom pkg import typed\n",
        "pkg/typed.py": "import typing\nif typing.TYPE_CHECKING:\n    from pkg.chain import y\nelse:\n    import json\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert sorted(cycles(import_graph(tmp_path, ("pkg",)))) == [
        ["pkg", "pkg.helpers"],
        ["pkg.ring.x", "pkg.ring.y", "pkg.ring.z"],
        ["pkg.sub.a", "pkg.sub.b"],
    ]
