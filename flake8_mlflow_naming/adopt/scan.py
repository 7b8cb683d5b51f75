"""Read a repository the way ``check`` does and collect the names and run wrappers in it.

Nothing is imported or run: every file is parsed with ``ast`` (notebooks through their code
cells), and a file that cannot be read or parsed is counted and left out.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..config import Config, ConfigError, ConfigSource
from ..lint.context import ModuleContext
from ..lint.findings import Finding
from ..lint.names_in_code import NameInCode, WrapperInCode, names_in_module, wrappers_in_module
from ..lint.parse import SourceError, parse
from ..lint.rules import API_NAMES
from ..sources.discovery import iter_targets
from ..sources.kinds import PythonFile, Source, open_source
from ..sources.read import read_source

#: How many wrapper candidates get their calls resolved (the rest are ranked by spelling only).
_WRAPPERS_RESOLVED = 3


@dataclass
class RepositoryNames:
    """What :func:`scan_repository` found."""

    names: list[NameInCode] = field(default_factory=list)
    wrapper: WrapperInCode | None = None
    #: The wrapper's dotted path (``pkg.tracking.tracked_run``), as ``run-wrapper`` takes it.
    wrapper_path: str | None = None
    #: How many calls of the wrapper's function name the repository makes.
    wrapper_calls: int = 0
    #: Functions that take a run name and start a run, but that no call resolves to.
    uncalled_wrappers: list[str] = field(default_factory=list)
    files: int = 0
    #: Files that could not be read or parsed: ``path: reason``.
    unreadable: list[str] = field(default_factory=list)


@dataclass
class _Parsed:
    path: str
    tree: ast.Module
    called: Counter
    kind: Source


def scan_repository(root: Path) -> RepositoryNames:
    """The names and the most used run wrapper in the Python files and notebooks under ``root``."""
    found = RepositoryNames()
    plain = Config(root=root)
    parsed: list[_Parsed] = []
    candidates: list[tuple[WrapperInCode, str]] = []
    for target in iter_targets([str(root)], ConfigSource(None)):
        if target.error is not None:
            found.unreadable.append(f"{target.path}: {target.error}")
            continue
        try:
            kind = open_source(target.path, read_source(target.path))
            python = kind.python
            if python is None:
                continue
            tree = parse(python, target.path)
        except (OSError, SourceError) as error:
            found.unreadable.append(f"{target.path}: {error}")
            continue
        found.files += 1
        relative = _relative(target.path, root)
        ctx = ModuleContext(tree, relative, plain, API_NAMES)
        found.names.extend(_placed(kind, names_in_module(ctx)))
        module = _module_path(relative)
        for wrapper in wrappers_in_module(ctx):
            if module is not None and not _is_test_file(relative):
                candidates.append((wrapper, f"{module}.{wrapper.function}"))
        parsed.append(_Parsed(relative, tree, _called_names(tree), kind))
    if candidates:
        _choose_wrapper(found, candidates, parsed, root)
    return found


def _choose_wrapper(found: RepositoryNames, candidates: list[tuple[WrapperInCode, str]], parsed: list[_Parsed], root: Path) -> None:
    """Propose the wrapper the repository calls most, and learn the run names passed to it."""
    rough: Counter = Counter()
    for item in parsed:
        rough.update(item.called)
    unique = list({dotted: (wrapper, dotted) for wrapper, dotted in candidates}.values())
    # Counting by spelling is cheap but blind to imports; resolve calls for the likeliest few.
    unique.sort(key=lambda c: (-rough[c[0].function], len(c[1]), c[1]))
    best: tuple[int, WrapperInCode, str, list] | None = None
    for wrapper, dotted in unique[:_WRAPPERS_RESOLVED]:
        try:
            config = Config(root=root, run_wrapper=dotted)
        except ConfigError:
            continue
        calls, names = 0, []
        for item in parsed:
            if wrapper.function not in item.called:
                continue
            ctx = ModuleContext(item.tree, item.path, config, API_NAMES)
            calls += sum(1 for _site in ctx.calls(*config.wrapper_names))
            names.extend(_placed(item.kind, (n for n in names_in_module(ctx) if n.kind == "run")))
        if calls and (best is None or calls > best[0]):
            best = (calls, wrapper, dotted, names)
    if best is None:
        # A run-starting function nobody calls through its dotted path is no team wrapper.
        found.uncalled_wrappers = [dotted for _wrapper, dotted in unique]
        return
    found.wrapper_calls, found.wrapper, found.wrapper_path, names = best
    known = {(n.path, n.line, n.parts) for n in found.names}
    found.names.extend(n for n in names if (n.path, n.line, n.parts) not in known)


def _placed(kind: Source, names: Iterable[NameInCode]) -> list[NameInCode]:
    """``names`` with their lines in the file itself (a notebook's lines are not its module's)."""
    if isinstance(kind, PythonFile):
        return list(names)
    placed = []
    for name in names:
        # The notebook codec moves findings; a finding is all it takes to move a line too.
        (moved,) = kind.place([Finding(name.line, 0, "MLN000", "")])
        placed.append(replace(name, line=moved.line, cell=getattr(moved, "cell", None)))
    return placed


def _called_names(tree: ast.Module) -> Counter:
    """How often each last name (``f`` of ``a.b.f(...)``) is called in ``tree``."""
    counts: Counter = Counter()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name):
                counts[node.func.id] += 1
            elif isinstance(node.func, ast.Attribute) and not _is_mlflow(node.func.value):
                counts[node.func.attr] += 1
    return counts


def _is_test_file(relative: str) -> bool:
    """A test module or a file under a ``tests`` folder: a helper there is no team wrapper."""
    path = Path(relative)
    return (
        any(part in ("test", "tests", "testing") for part in path.parts[:-1])
        or path.name.startswith("test_")
        or path.stem.endswith("_test")
        or path.name == "conftest.py"
    )


def _is_mlflow(node: ast.expr) -> bool:
    """``mlflow`` or ``mlflow.tracking…``: calls through it are MLflow's own, not a wrapper's."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name) and node.id == "mlflow"


def _relative(path: str, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()


def _module_path(relative: str) -> str | None:
    """``src/pkg/tracking.py`` → ``pkg.tracking``; None when a part is no Python identifier."""
    parts = list(Path(relative).with_suffix("").parts)
    if parts and parts[0] == "src" and len(parts) > 1:
        parts = parts[1:]
    if parts and parts[-1] == "__init__":
        parts.pop()
    if not parts or not all(p.isidentifier() for p in parts):
        return None
    return ".".join(parts)


def literal_names(names: Iterable[NameInCode], kind: str) -> list[NameInCode]:
    """The names of ``kind`` whose whole text is known."""
    return [n for n in names if n.kind == kind and n.literal is not None]
