"""What a rule sees of one module: the resolved calls, the configuration and helpers.

Rules never resolve names or parse anything themselves; they ask this object, which is
built once per module and shared by every rule.
"""

from __future__ import annotations

import ast
from functools import cached_property
from pathlib import PurePath
from typing import Iterable, Iterator

from ..config import Config
from .findings import Finding, Fix, Span
from .mlflow_api import CLIENT_PREFIX, START_RUN, BoundCall, VersionWindow, bind_api
from .resolve import CallSite, ModuleIndex, iter_scope_nodes

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
        if self.wrapper:
            interesting.add(self.wrapper.rsplit(".", 1)[-1])
        grouped: dict[str, list[CallSite]] = {}
        for site in self.index.calls:
            func = site.node.func
            if isinstance(func, ast.Attribute) and func.attr not in interesting:
                continue
            if not isinstance(func, (ast.Name, ast.Attribute)):
                continue
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
        names = [START_RUN]
        if self.wrapper:
            names.append(self.wrapper)
        return self.calls(*names)

    def is_wrapper(self, site: CallSite) -> bool:
        """True when ``site`` calls the configured team wrapper."""
        return self.wrapper is not None and self.index.call_name(site) == self.wrapper

    def is_run_start(self, expr: ast.AST, scope) -> bool:
        """True when ``expr`` is a call that starts a run (start_run or the wrapper)."""
        if not isinstance(expr, ast.Call):
            return False
        name = self.index.qualified_name(expr.func, scope)
        return name == START_RUN or (self.wrapper is not None and name == self.wrapper)

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
    passed straight into a call, or held in a local name that a later ``with`` uses (MLN005)."""
    # Judge the expression that uses the value: ``x = (a() if c else mlflow.start_run())`` is
    # the assignment's, not the conditional's.
    node, parent = site.consumer_child, site.consumer
    if site.with_item is not None or isinstance(parent, ast.withitem):
        return True
    if isinstance(parent, (ast.Return, ast.Yield, ast.YieldFrom)):
        return True
    if isinstance(parent, ast.keyword) or (isinstance(parent, ast.Call) and node is not parent.func):
        return True
    target = _assigned_name(node, parent)
    return target is not None and _name_managed_later(site, target)


def _assigned_name(node: ast.Call, parent: ast.AST) -> str | None:
    if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name):
        return parent.targets[0].id
    if isinstance(parent, ast.AnnAssign) and isinstance(parent.target, ast.Name):
        return parent.target.id
    if isinstance(parent, ast.NamedExpr):
        return parent.target.id
    return None


def _name_managed_later(site: CallSite, name: str) -> bool:
    """True when a later ``with``, ``return`` or ``yield`` in the same scope uses ``name``."""
    start = (site.node.lineno, site.node.col_offset)
    for node in iter_scope_nodes(site.scope.node):
        if isinstance(node, (ast.With, ast.AsyncWith)) and (node.lineno, node.col_offset) > start:
            if any(_is_name(item.context_expr, name) for item in node.items):
                return True
        elif isinstance(node, (ast.Return, ast.Yield, ast.YieldFrom)) and _is_name(node.value, name):
            if (node.lineno, node.col_offset) > start:
                return True
    return False


def _is_name(node: ast.AST | None, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name
