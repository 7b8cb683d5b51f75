"""The package's layers (docs/architecture.md): imports point down, never up, and never in a cycle.

Every import counts, also those inside functions: a lazy import hides a cycle from Python,
not from this test. Only third-party modules are exempt, which is what lets ``fix/`` import
libcst lazily and the runtime import mlflow lazily.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from .helpers import REPO

PACKAGE = "flake8_mlflow_naming"

#: Bottom to top. A module may import from its own layer or any layer below.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("__init__", "codes", "flake8_options", "uris", "patterns", "template_match", "naming", "wrapper_signature", "lifecycle_settings", "schema_inference", "text_diff"),
    ("config",),
    ("lint",),
    ("sources",),
    ("check", "workers", "cache"),
    ("fix", "audit", "runtime", "gate", "adopt"),
    ("plugin", "cli", "lsp"),
)

#: Inside ``config/``, bottom to top: the typed object reads no file, validation builds on it,
#: the wrapper's source is read in one module, and only loading finds and reads config files.
CONFIG_LAYERS = ("config.model", "config.validation", "config.wrapper_files", "config.loading", "config")

#: Third-party modules only these parts of the package may import (at any depth).
RESTRICTED_IMPORTS = {
    "libcst": ("fix",),
    "mlflow": ("runtime", "cli.audit", "cli.audit_policy", "cli.init", "gate.store"),
    "pygls": ("lsp",),
    "lsprotocol": ("lsp",),
}


def module_name(root: Path, path: Path) -> str:
    """``lint/rules/base.py`` → ``lint.rules.base``; ``lint/__init__.py`` → ``lint``."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def imports_of(root: Path, path: Path) -> tuple[set[str], set[str]]:
    """(package modules, third-party top-level names) that ``path`` imports anywhere in its body."""
    name = module_name(root, path)
    is_package = path.name == "__init__.py"
    here = name.split(".") if is_package else name.split(".")[:-1]
    if name == "__init__":
        here = []
    internal, external = set(), set()
    for node in ast.walk(ast.parse(path.read_bytes())):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == root.name or alias.name.startswith(root.name + "."):
                    internal.add(alias.name[len(root.name) + 1 :] or "__init__")
                else:
                    external.add(alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                module = node.module or ""
                if module == root.name or module.startswith(root.name + "."):
                    base = module[len(root.name) + 1 :]
                else:
                    external.add(module.split(".")[0])
                    continue
            else:
                anchor = here[: len(here) - (node.level - 1)] if node.level > 1 else here
                base = ".".join([*anchor, *(node.module.split(".") if node.module else [])])
            for alias in node.names:
                candidate = f"{base}.{alias.name}" if base else alias.name
                internal.add(candidate if _exists(root, candidate) else (base or "__init__"))
    return internal, external


def _exists(root: Path, dotted: str) -> bool:
    target = root.joinpath(*dotted.split("."))
    return target.with_suffix(".py").is_file() or (target / "__init__.py").is_file()


def layer_of(module: str) -> int:
    """The index in :data:`LAYERS` of the top-level part of ``module``."""
    top = module.split(".")[0]
    for index, layer in enumerate(LAYERS):
        if top in layer:
            return index
    raise AssertionError(f"module {module!r} is in no layer: add it to LAYERS and docs/architecture.md")


def layering_problems(root: Path) -> list[str]:
    """Every upward import, restricted third-party import and import cycle in the package at ``root``."""
    graph: dict[str, set[str]] = {}
    problems = []
    for path in sorted(root.rglob("*.py")):
        name = module_name(root, path)
        internal, external = imports_of(root, path)
        graph[name] = {m for m in internal if m != name}
        for imported in sorted(graph[name]):
            if layer_of(imported) > layer_of(name):
                problems.append(f"{name} imports {imported}, which is in a higher layer")
        for third_party, allowed in RESTRICTED_IMPORTS.items():
            if third_party in external and not any(name == a or name.startswith(a + ".") for a in allowed):
                problems.append(f"{name} imports {third_party}, which only {', '.join(allowed)} may")
    problems.extend(f"import cycle: {' -> '.join(cycle)}" for cycle in _cycles(graph))
    return problems


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected group of modules (iterative depth-first search)."""
    found, state = [], {}
    for start in sorted(graph):
        if start in state:
            continue
        stack = [(start, iter(sorted(graph.get(start, ()))))]
        path, state[start] = [start], "open"
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                state[node] = "done"
            elif state.get(child) == "open":
                found.append(path[path.index(child) :] + [child])
            elif child not in state and child in graph:
                state[child] = "open"
                path.append(child)
                stack.append((child, iter(sorted(graph.get(child, ())))))
    return found


def test_the_package_has_no_upward_import_and_no_cycle():
    assert layering_problems(REPO / PACKAGE) == []


def _fake_package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / PACKAGE
    for relative, text in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return root


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # config importing the rule registry: the cycle issue 11 removed.
        (
            {
                "__init__.py": "",
                "config.py": "def f():\n    from .lint.rules import X\n",
                "lint/__init__.py": "",
                "lint/rules.py": "from ..config import f\nX = 1\n",
            },
            ["config imports lint.rules, which is in a higher layer", "import cycle: config -> lint.rules -> config"],
        ),
        # a cycle inside one layer, hidden in a function.
        (
            {
                "__init__.py": "",
                "lint/__init__.py": "",
                "lint/a.py": "from .b import y\nx = 1\n",
                "lint/b.py": "def g():\n    from . import a\ny = 2\n",
            },
            ["import cycle: lint.a -> lint.b -> lint.a"],
        ),
        # libcst outside fix/.
        (
            {"__init__.py": "", "lint/__init__.py": "", "lint/engine.py": "def f():\n    import libcst\n"},
            ["lint.engine imports libcst, which only fix may"],
        ),
    ],
)
def test_the_check_finds_a_deliberately_added_cycle_or_upward_import(tmp_path, files, expected):
    assert layering_problems(_fake_package(tmp_path, files)) == expected


def test_config_modules_import_only_downwards_within_config():
    root = REPO / PACKAGE
    found = {module_name(root, path) for path in (root / "config").rglob("*.py")}
    assert found == set(CONFIG_LAYERS), "add the new config module to CONFIG_LAYERS and docs/architecture.md"
    for name in CONFIG_LAYERS:
        path = root.joinpath(*name.split(".")).with_suffix(".py")
        if not path.is_file():
            path = root / "config" / "__init__.py"
        internal, _ = imports_of(root, path)
        above = [m for m in internal if m in CONFIG_LAYERS and CONFIG_LAYERS.index(m) > CONFIG_LAYERS.index(name)]
        assert not above, f"{name} imports {above}, which are above it in config/"


def test_the_config_object_never_touches_the_file_system():
    """``Config`` is built from data: ``config/model.py`` opens, reads and parses nothing."""
    tree = ast.parse((REPO / PACKAGE / "config" / "model.py").read_bytes())
    readers = {"open", "read_text", "read_bytes", "is_file", "exists", "stat", "iterdir", "load", "loads", "parse"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            called = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            assert called not in readers, f"config/model.py line {node.lineno} calls {called}()"


def test_lint_modules_never_touch_the_file_system():
    """``lint/`` is pure: no ``open``, ``os`` or ``pathlib`` I/O (``PurePath`` is arithmetic, not I/O)."""
    for path in sorted((REPO / PACKAGE / "lint").rglob("*.py")):
        tree = ast.parse(path.read_bytes())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "open":
                pytest.fail(f"{path}: calls open()")
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                assert not any(n in ("os", "shutil", "tempfile", "subprocess") for n in names), f"{path} imports {names}"
