"""What a rule sees of one module: the resolved calls, the configuration and helpers.

Rules never resolve names or parse anything themselves; they ask this object, which is
built once per module and shared by every rule.
"""

from __future__ import annotations

import ast
import builtins
from functools import cached_property
from pathlib import PurePath
from typing import Iterable, Iterator

from ..config import Config
from .findings import Finding, Fix, Span
from .mlflow_api import CLIENT_PREFIX, START_RUN, BoundCall, VersionWindow, bind_api
from .resolve import CallSite, ModuleIndex, iter_scope_nodes

_BUILTINS = frozenset(dir(builtins))


class ModuleContext:
    """One module under analysis, shared by all rules."""

    def __init__(self, tree: ast.Module, path: str, config: Config, api_names: Iterable[str]) -> None:
        self.tree = tree
        self.path = path
        self.config = config
        #: Last names of the APIs the enabled rules match (see ``Rule.apis``): calls through
        #: other attributes are never MLflow's API we check, so they are skipped cheaply.
        self.api_names = frozenset(api_names)

    @cached_property
    def index(self) -> ModuleIndex:
        """The resolver's view of the module (built on first use)."""
        return ModuleIndex(self.tree, self.config.mlflow_aliases)

    @cached_property
    def mlflow_versions(self) -> VersionWindow:
        """The MLflow releases the code runs against (``mlflow-version``)."""
        return VersionWindow.parse(self.config.mlflow_version)

    def bind(self, site: CallSite, api: str) -> BoundCall:
        """``site``'s arguments bound to ``api``'s signatures in the configured MLflow versions."""
        return bind_api(site.node, api, self.mlflow_versions)

    @cached_property
    def wrapper(self) -> str | None:
        """The configured team wrapper's dotted name, if any."""
        return self.config.run_wrapper

    @cached_property
    def _by_name(self) -> dict[str, list[CallSite]]:
        interesting = set(self.api_names)
        interesting.update(name.rsplit(".", 1)[-1] for name in self.config.wrapper_names)
        grouped: dict[str, list[CallSite]] = {}
        for site in self.index.calls_named(interesting):
            name = self.index.call_name(site)
            if name is not None:
                grouped.setdefault(name, []).append(site)
        return grouped

    def calls(self, *names: str) -> Iterator[CallSite]:
        """Call sites resolving to any of ``names``, in source order."""
        sites: list[CallSite] = []
        for name in names:
            sites.extend(self._by_name.get(name, ()))
        if len(names) > 1:
            sites.sort(key=lambda s: (s.node.lineno, s.node.col_offset))
        return iter(sites)

    def calls_matching(self, predicate) -> Iterator[tuple[str, CallSite]]:
        """(name, site) pairs whose resolved name satisfies ``predicate``."""
        for name, sites in self._by_name.items():
            if predicate(name):
                for site in sites:
                    yield name, site

    def client_calls(self, method: str) -> Iterator[CallSite]:
        """Calls of ``MlflowClient.<method>`` on any client expression."""
        return self.calls(CLIENT_PREFIX + method)

    def run_starts(self) -> Iterator[CallSite]:
        """Calls that start a run: ``mlflow.start_run`` and the configured wrapper."""
        return self.calls(START_RUN, *self.config.wrapper_names)

    def is_wrapper(self, site: CallSite) -> bool:
        """True when ``site`` calls the configured team wrapper."""
        return self.wrapper is not None and self.index.call_name(site) in self.config.wrapper_names

    @property
    def wrapper_parameters(self) -> tuple[str, ...]:
        """The team wrapper's parameters in positional order (its learnt or declared signature)."""
        return self.config.wrapper_signature.positional_parameters

    def is_run_start(self, expr: ast.AST, scope) -> bool:
        """True when ``expr`` is a call that starts a run (start_run or the wrapper)."""
        if not isinstance(expr, ast.Call):
            return False
        name = self.index.qualified_name(expr.func, scope)
        return name == START_RUN or (name is not None and name in self.config.wrapper_names)

    @cached_property
    def identifiers(self) -> frozenset[str]:
        """Every name the module binds or uses anywhere (a name not in it is free to introduce)."""
        names: set[str] = set()
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Name):
                names.add(node.id)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
            elif isinstance(node, (ast.Global, ast.Nonlocal)):
                names.update(node.names)
            elif isinstance(node, ast.ExceptHandler) and node.name:
                names.add(node.name)
            elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
                names.add(node.name)
        return frozenset(names)

    @cached_property
    def name_uses(self) -> dict[str, tuple[tuple[int, int], ...]]:
        """Where each ``Name`` occurs in the module: (line, byte column), in any context."""
        uses: dict[str, list[tuple[int, int]]] = {}
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Name):
                uses.setdefault(node.id, []).append((node.lineno, node.col_offset))
        return {name: tuple(positions) for name, positions in uses.items()}

    def uses_of_import(self, local_name: str) -> tuple[tuple[int, int], ...]:
        """Every use of an imported ``local_name``, or () when another module could use it (``__all__``)."""
        if "__all__" in self.identifiers:
            return ()
        return self.name_uses.get(local_name, ())

    def wrapper_import_name(self) -> tuple[str, bool] | None:
        """The local name to call the wrapper by, and whether an import must be added for it.

        An existing module-level import of the wrapper is reused; a name taken by anything
        else (another import, a local definition) gets an alias, never a shadowing import.
        """
        wrapper = self.config.run_wrapper
        if not wrapper or "." not in wrapper:
            return None
        module, _, function = wrapper.rpartition(".")
        for name, bindings in self.index.module_scope.bindings.items():
            if all(b.imported in self.config.wrapper_names for b in bindings) and not self._bound_in_inner_scopes(name):
                return name, False
        candidates = [function, f"{module.split('.')[0]}_{function}"]
        candidates += [f"{candidates[1]}_{n}" for n in range(2, 100)]
        for name in candidates:
            if name not in self.identifiers and name not in _BUILTINS:
                return name, True
        return None

    def _bound_in_inner_scopes(self, name: str) -> bool:
        for node in ast.walk(self.tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Name) and inner.id == name and isinstance(inner.ctx, ast.Store):
                        return True
                    if isinstance(inner, ast.arg) and inner.arg == name:
                        return True
                    if isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and inner.name == name and inner is not node:
                        return True
                    if isinstance(inner, (ast.Import, ast.ImportFrom)) and any(
                        (a.asname or a.name).split(".")[0] == name for a in inner.names
                    ):
                        return True
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
                    return True
        return False

    @cached_property
    def module_stem(self) -> str:
        """The file's stem (``train`` for ``jobs/train.py``; ``stdin`` for ``-``)."""
        stem = PurePath(self.path).stem
        return "stdin" if stem in ("", "-") else stem

    def report(self, code: str, node: ast.AST, message: str, fix: Fix | None = None) -> Finding:
        """A finding at ``node``'s first line and column."""
        span = Span.of(node)
        return Finding(span.line, span.col, code, message, span.end_line, span.end_col, fix)


def literal_string(node: ast.AST) -> str | None:
    """The value of a plain string literal, or None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def template_parts(node: ast.AST) -> list[str | None] | None:
    """An f-string's literal text and holes (None), or None if ``node`` is not an f-string."""
    if not isinstance(node, ast.JoinedStr):
        return None
    parts: list[str | None] = []
    for value in node.values:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            parts.append(value.value)
        else:
            parts.append(None)
    return parts


def is_managed_run(site: CallSite) -> bool:
    """True when the run started at ``site`` is managed: a ``with`` item, returned, yielded,
    passed straight into a call, held in a local name (or an attribute) that a later ``with``,
    ``return`` or ``yield`` in the same scope uses, or entered in a class's own ``__enter__``
    whose ``__exit__`` ends it (MLN005)."""
    # Judge the expression that uses the value: ``x = (a() if c else mlflow.start_run())`` is
    # the assignment's, not the conditional's.
    node, parent = site.consumer_child, site.consumer
    if site.with_item is not None or isinstance(parent, ast.withitem):
        return True
    if isinstance(parent, (ast.Return, ast.Yield, ast.YieldFrom)):
        return True
    if isinstance(parent, ast.keyword) or (isinstance(parent, ast.Call) and node is not parent.func):
        return True
    if _entered_by_own_context_manager(site):
        return True
    target = _assigned_target(node, parent)
    return target is not None and _target_managed_later(site, target)


def _assigned_target(node: ast.AST, parent: ast.AST) -> ast.expr | None:
    """The name or attribute chain (``run``, ``self._run``) the value is assigned to."""
    target: ast.expr | None = None
    if isinstance(parent, ast.Assign) and len(parent.targets) == 1:
        target = parent.targets[0]
    elif isinstance(parent, ast.AnnAssign):
        target = parent.target
    elif isinstance(parent, ast.NamedExpr):
        target = parent.target
    return target if target is not None and _is_reference(target) else None


def _is_reference(node: ast.AST) -> bool:
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name)


def _target_managed_later(site: CallSite, target: ast.expr) -> bool:
    """True when a later ``with``, ``return`` or ``yield`` in the same scope uses ``target``.

    A name may be entered by a later ``with``; an attribute (``self._run``) counts when the
    same method hands it back, like a returned local.
    """
    start = (site.node.lineno, site.node.col_offset)
    shape = ast.dump(target, include_attributes=False).replace("Store()", "Load()")
    is_name = isinstance(target, ast.Name)
    for node in iter_scope_nodes(site.scope.node):
        if isinstance(node, (ast.With, ast.AsyncWith)) and is_name and (node.lineno, node.col_offset) > start:
            if any(_same(item.context_expr, shape) for item in node.items):
                return True
        elif isinstance(node, (ast.Return, ast.Yield, ast.YieldFrom)) and _same(node.value, shape):
            if (node.lineno, node.col_offset) > start:
                return True
    return False


def _same(node: ast.AST | None, shape: str) -> bool:
    return node is not None and _is_reference(node) and ast.dump(node, include_attributes=False) == shape


def _entered_by_own_context_manager(site: CallSite) -> bool:
    """``self.run = mlflow.start_run(…).__enter__()`` (or the bare run) inside a class's own
    ``__enter__``, when the class's ``__exit__`` exits it (``….__exit__(…)`` or ``end_run()``)."""
    if site.function not in ("__enter__", "__aenter__") or site.scope.parent is None:
        return False
    owner = site.scope.parent
    if owner.kind != "class":
        return False
    for statement in owner.node.body:  # type: ignore[attr-defined]
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.name in ("__exit__", "__aexit__"):
            for node in iter_scope_nodes(statement):
                if isinstance(node, ast.Call) and isinstance(node.func, (ast.Attribute, ast.Name)):
                    called = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
                    if called in ("__exit__", "__aexit__", "end_run"):
                        return True
    return False
