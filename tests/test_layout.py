"""The code's layout: each module imports only from the stages below it (docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "newssite"

# Lowest first. A module may import from the modules before it in this list, never after.
LAYERS = (
    "errors",
    "model",
    "urls",
    "progress",
    "levels",
    "search_merge",
    "photo_metadata",
    "output_state",
    "spool",
    "related",
    "search_parts",
    "config",
    "sources",
    "markup",
    "cache",
    "parse",
    "photo_store",
    "images",
    "jsonld",
    "templates",
    "plan",
    "feeds",
    "graph",
    "last_plan",
    "render",
    "search",
    "write",
    "freshness",
    "start",
    "update",
    "editorial",
    "review",
    "scaffold",
    "publish",
    "build",
    "serve",
    "importers",
    "cli",
)
PACKAGE_LEVEL = {"__init__", "__main__", "__version__"}


def imported_modules(path: Path) -> set[str]:
    """The newssite modules a file imports (a package counts as its first name)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            parts = node.module.split(".")
            if parts[0] != "newssite":
                continue
            if len(parts) > 1:
                found.add(parts[1])
            else:
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "newssite" and len(parts) > 1:
                    found.add(parts[1])
    return found


def module_of(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def test_every_module_has_a_place_in_the_layers() -> None:
    modules = {module_of(path) for path in PACKAGE.rglob("*.py")} - PACKAGE_LEVEL
    assert modules - set(LAYERS) == set(), "add new modules to LAYERS (docs/architecture.md)"
    assert set(LAYERS) - modules == set(), "LAYERS names modules that are gone"


def test_imports_point_downward() -> None:
    rank = {name: index for index, name in enumerate(LAYERS)}
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = module_of(path)
        if module in PACKAGE_LEVEL:
            continue
        for imported in sorted(imported_modules(path) - PACKAGE_LEVEL - {module}):
            if rank[imported] > rank[module]:
                upward.append(f"{path.relative_to(PACKAGE)} imports {imported}")
    assert upward == []
