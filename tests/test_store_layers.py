"""The store's place in the architecture: it depends only on loading and text.

Every import in ``brandscan/store/`` counts, those inside functions included (a lazy
import is still a dependency, and a lazy cycle is still a cycle).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

STORE = Path(__file__).resolve().parents[1] / "brandscan" / "store"

#: The store's modules from the bottom up: each may import only those before it.
ORDER = ("db", "keys", "ingest", "query", "terms", "upkeep", "workflow")

#: What the store may use outside itself.
ALLOWED_PREFIXES = ("brandscan.load", "brandscan.text")
ALLOWED_MODULES = {"brandscan", "brandscan.errors", "brandscan.schema", "brandscan.window",
                   "brandscan.config", "brandscan.parallel", "brandscan.files"}


def brandscan_imports(path: Path) -> set[str]:
    """Every brandscan module ``path`` imports, at any depth of its code."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "brandscan")
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and (
                node.module.split(".")[0] == "brandscan"):
            # "from brandscan.store import db" imports brandscan.store.db
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if (STORE.parent.parent / Path(*sub.split("."))).with_suffix(
                    ".py").exists() else node.module)
    return found


def test_every_store_module_has_a_place_in_the_order() -> None:
    modules = {p.stem for p in STORE.glob("*.py")} - {"__init__"}
    assert modules == set(ORDER)


@pytest.mark.parametrize("name", ORDER)
def test_store_modules_import_only_loading_text_and_lower_store_modules(name: str) -> None:
    below = {f"brandscan.store.{m}" for m in ORDER[:ORDER.index(name)]}
    imports = brandscan_imports(STORE / f"{name}.py")
    outside = {m for m in imports if not m.startswith("brandscan.store")}
    assert {m for m in outside if m not in ALLOWED_MODULES
            and not m.startswith(ALLOWED_PREFIXES)} == set()
    assert {m for m in imports if m.startswith("brandscan.store")} <= below


def test_no_store_module_is_over_800_lines() -> None:
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines())
             for p in STORE.glob("*.py")}
    assert max(sizes.values()) <= 800, sizes


def test_production_code_carries_no_test_hooks() -> None:
    package = STORE.parent
    for path in package.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "_BRANDSCAN_TEST" not in text and "test_hook" not in text, path
