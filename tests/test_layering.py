"""The folder layout is the architecture: imports flow one way and never in a circle.

cli -> app -> engine -> analyze -> text -> load -> base, with the store beside the analyses
(it depends only on loading and text) and render beside the engine (it shows what the
analyses return). Every import counts, including those inside functions.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "brandscan"

BASE = "base"
#: The layer of a module: its sub-package, or base for the top-level modules.
LAYER_OF_TOP = {"config": "text"}  # the config checks brand queries with text.query
ALLOWED = {
    "base": {"base"},
    "load": {"base", "load"},
    "text": {"base", "load", "text"},
    "store": {"base", "load", "text", "store"},
    "analyze": {"base", "load", "text", "analyze"},
    "render": {"base", "load", "text", "analyze", "render"},
    "engine": {"base", "load", "text", "store", "analyze", "engine"},
    "app": {"base", "load", "text", "store", "analyze", "engine", "app"},
    "cli": {"base", "load", "text", "store", "analyze", "render", "engine", "app", "cli"},
}
#: The exact snownlp port is kept whole, function for function with snownlp's.
LONG_OK = {"brandscan.text.snowfast"}
MAX_LINES = 800


def modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def layer(name: str) -> str:
    parts = name.split(".")
    if len(parts) == 1 or parts[1] in ("__main__",):
        return "cli" if name.endswith("__main__") else BASE
    if (PACKAGE / parts[1]).is_dir():
        return parts[1]
    return LAYER_OF_TOP.get(parts[1], BASE)


def imports(path: Path, known: set[str]) -> set[str]:
    """The brandscan modules ``path`` imports, anywhere in it."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{a.name}" for a in node.names] + [node.module]
            names = [n for n in names if n in known][:1] or names[-1:]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        out.update(n for n in names if n in known)
    return out


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {name: imports(path, known) - {name} for name, path in mods.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycles() -> None:
    assert cycles(graph()) == []


def test_imports_follow_the_layers() -> None:
    wrong = [f"{src} ({layer(src)}) imports {dst} ({layer(dst)})"
             for src, dsts in sorted(graph().items()) for dst in sorted(dsts)
             if layer(dst) not in ALLOWED[layer(src)]]
    assert wrong == []


def test_no_module_is_too_long() -> None:
    long = {name: n for name, path in modules().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
            and name not in LONG_OK}
    assert long == {}


@pytest.mark.parametrize("edges, expected", [
    ({"a": {"b"}, "b": {"a"}, "c": set()}, [["a", "b"]]),
    ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
])
def test_the_cycle_check_sees_cycles(edges: dict[str, set[str]],
                                     expected: list[list[str]]) -> None:
    assert cycles(edges) == expected


def test_the_layer_check_sees_a_wrong_import() -> None:
    assert layer("brandscan.store.db") == "store"
    assert "analyze" not in ALLOWED[layer("brandscan.store.db")]
    assert layer("brandscan.errors") == BASE and layer("brandscan.config") == "text"
