"""What a rule sees of one module: the resolved calls, the configuration and helpers.

Rules never resolve names or parse anything themselves; they ask this object, which is
built once per module and shared by every rule.
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Callable, Iterable, Iterator
from functools import cached_property
from pathlib import PurePath

from ..config import Config
from .findings import Finding, Fix, NoFix, Span
from .mlflow_api import CLIENT_PREFIX, RUN_NAME_TAG, START_RUN, BoundCall, VersionWindow, bind_api, is_none_or_empty
from .resolve import CallSite, ModuleIndex, Scope, iter_scope_nodes

_BUILTINS = frozenset(dir(builtins))
#: ``dict`` methods that add or remove keys.
_MUTATING_METHODS = frozenset({"update", "setdefault", "pop", "popitem", "clear", "__setitem__", "__delitem__", "__ior__"})


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

    def arguments_passed(self, parameters: Iterable[tuple[str, str]]) -> Iterator[tuple[CallSite, ast.expr]]:
        """(call site, expression) for each call of an API that passes it the named parameter.

        ``parameters`` pairs an API with one of its parameters (``("mlflow.set_experiment",
        "experiment_name")``); the arguments are bound with that API's signatures in the
        configured MLflow versions. ``None`` and ``""`` pass nothing and are left out.
        """
        for api, parameter in parameters:
            for site in self.calls(api):
                value = self.bind(site, api).get(parameter)
                if isinstance(value, ast.expr) and not is_none_or_empty(value):
                    yield site, value

    def calls(self, *names: str) -> Iterator[CallSite]:
        """Call sites resolving to any of ``names``, in source order."""
        sites: list[CallSite] = []
        for name in names:
            sites.extend(self._by_name.get(name, ()))
        if len(names) > 1:
            sites.sort(key=lambda s: (s.node.lineno, s.node.col_offset))
        return iter(sites)

    def calls_matching(self, predicate: Callable[[str], bool]) -> Iterator[tuple[str, CallSite]]:
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

    def is_run_start(self, expr: ast.AST, scope: Scope) -> bool:
        """True when ``expr`` is a call that starts a run (start_run or the wrapper)."""
        if not isinstance(expr, ast.Call):
            return False
        name = self.index.qualified_name(expr.func, scope)
        return name == START_RUN or (name is not None and name in self.config.wrapper_names)

    def enters_run(self, expr: ast.expr, scope: Scope, depth: int = 0) -> bool:
        """True when a ``with`` item ``expr`` enters a run: a run start, the walrus
        ``(run := mlflow.start_run())``, either branch of ``a if c else b`` / ``a or b``, or a
        name that holds a run start where the ``with`` uses it (``run = start_run()`` … ``with run:``)."""
        if depth > 4:
            return False
        if isinstance(expr, ast.NamedExpr):
            return self.enters_run(expr.value, scope, depth + 1)
        if isinstance(expr, ast.IfExp):
            return self.enters_run(expr.body, scope, depth + 1) or self.enters_run(expr.orelse, scope, depth + 1)
        if isinstance(expr, ast.BoolOp):
            return any(self.enters_run(value, scope, depth + 1) for value in expr.values)
        if isinstance(expr, ast.Name):
            binding = self.index.lookup(expr.id, scope, (expr.lineno, expr.col_offset))
            return binding is not None and binding.value is not None and self.enters_run(binding.value, scope, depth + 1)
        return self.is_run_start(expr, scope)

    def known_dict(self, expr: object, scope: Scope) -> ast.Dict | None:
        """The dict literal ``expr`` holds, or None when its keys cannot be known.

        A dict literal itself, or a name assigned one exactly once (a module constant or a
        function local, :meth:`ModuleIndex.constant_value`) that nothing in the module changes
        in place: no ``name[key] = …``, ``del name[key]``, mutating method
        (``name.update(…)``) or use as an argument of a call outside MLflow, which could add
        keys. MLN001 (does it set ``mlflow.runName``?) and MLN012 (does it hold the
        required tags?) read tags through this one judgement.
        """
        if isinstance(expr, ast.Dict):
            return expr
        if not isinstance(expr, ast.Name) or expr.id in self._dicts_changed_in_place:
            return None
        resolved = self.index.constant_value(expr, scope)
        if resolved is None or not isinstance(resolved[0], ast.Dict):
            return None
        return resolved[0]

    def dict_sets_run_name(self, tags: ast.Dict, scope: Scope) -> bool:
        """True when a tags dict literal sets ``mlflow.runName`` (or may, through a ``**`` spread)."""
        return any(key is None or self.index.is_run_name_tag(key, scope) for key in tags.keys)

    def tags_set_in_body(self, site: CallSite) -> frozenset[str] | None:
        """The tag keys the ``with`` block that ``site`` starts sets on its run (same function,
        before any other run starts) with ``mlflow.set_tag``, ``mlflow.set_tags`` or
        ``MlflowClient.set_tag``; None when some key cannot be known (it may be any tag).
        Empty when ``site`` is not a ``with`` item. MLN001 and MLN012 read the body so."""
        if site.with_item is None:
            return frozenset()
        statement = site.with_item[0]
        inside = [other for other in self.index.calls if other.scope is site.scope and statement in other.enclosing_withs]
        inside.sort(key=lambda other: (other.node.lineno, other.node.col_offset))
        keys: set[str] = set()
        for other in inside:
            if self.is_run_start(other.node, other.scope):
                break
            name = self.index.call_name(other)
            if name in ("mlflow.set_tag", CLIENT_PREFIX + "set_tag"):
                key = self.bind(other, name).get("key")
                text = self.key_text(key, other) if isinstance(key, ast.expr) else None
                if text is None:
                    return None
                keys.add(text)
            elif name == "mlflow.set_tags":
                tags = self.bind(other, name).get("tags")
                known = self.known_dict(tags, other.scope) if isinstance(tags, ast.expr) else None
                if known is None:
                    return None
                for dict_key in known.keys:
                    text = self.key_text(dict_key, other) if dict_key is not None else None
                    if text is None:
                        return None
                    keys.add(text)
        return frozenset(keys)

    def key_text(self, key: ast.expr, site: CallSite) -> str | None:
        """The text of a tag key: a literal, ``MLFLOW_RUN_NAME``, or a name assigned a string once."""
        known = self._known_key(key, site)
        if known is not None and self.index.is_run_name_tag(known, site.scope):
            return RUN_NAME_TAG
        if isinstance(known, ast.Constant) and isinstance(known.value, str):
            return known.value
        return None

    def sets_run_name(self, site: CallSite) -> bool:
        """True for a call that names (or may name) the active or given run after it started
        (MLN001, MLN010): ``mlflow.set_tag`` / ``MlflowClient.set_tag`` whose key is
        ``mlflow.runName`` or not a known text, and ``mlflow.set_tags(tags)`` whose tags set it
        or cannot be known (read as :meth:`known_dict` reads ``start_run(tags=…)``)."""
        name = self.index.call_name(site)
        if name in ("mlflow.set_tag", CLIENT_PREFIX + "set_tag"):
            key = self.bind(site, name).get("key")
            if not isinstance(key, ast.expr):
                return False
            known_key = self._known_key(key, site)
            return known_key is None or self.index.is_run_name_tag(known_key, site.scope)
        if name == "mlflow.set_tags":
            tags = self.bind(site, name).get("tags")
            if not isinstance(tags, ast.expr):
                return False
            known = self.known_dict(tags, site.scope)
            return known is None or self.dict_sets_run_name(known, site.scope)
        return False

    def _known_key(self, key: ast.expr, site: CallSite) -> ast.expr | None:
        """The expression a tag key is known to be, or None: a literal, an imported constant
        (``MLFLOW_RUN_NAME``, ``mlflow_tags.MLFLOW_USER``), or a name assigned one once."""
        if isinstance(key, ast.Constant) or self.index.qualified_name(key, site.scope) is not None:
            return key
        if isinstance(key, ast.Name):
            resolved = self.index.constant_value(key, site.scope)
            if resolved is not None and isinstance(resolved[0], ast.Constant):
                return resolved[0]
        return None

    @cached_property
    def _dicts_changed_in_place(self) -> frozenset[str]:
        """Names some code may add keys to (see :meth:`known_dict`), anywhere in the module."""
        changed: set[str] = set()
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and not isinstance(node.ctx, ast.Load):
                changed.add(node.value.id)
        for site in self.index.calls:
            func = site.node.func
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.attr in _MUTATING_METHODS:
                changed.add(func.value.id)
            name = self.index.call_name(site) if isinstance(func, (ast.Name, ast.Attribute)) else None
            if name is not None and name.startswith(("mlflow.", CLIENT_PREFIX)):
                continue  # MLflow's functions read the dicts they are given, never change them
            for argument in [*site.node.args, *(k.value for k in site.node.keywords)]:
                inner = argument.value if isinstance(argument, ast.Starred) else argument
                if isinstance(inner, ast.Name):
                    changed.add(inner.id)
        return frozenset(changed)

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
            elif (isinstance(node, ast.ExceptHandler) and node.name) or (isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name):
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
    def is_project_entry_point(self) -> bool:
        """True when an ``MLproject`` next to (or above) the file runs it: under ``mlflow run`` a
        run is active from its first line (``MLFLOW_RUN_ID``), named by whoever launched it."""
        return PurePath(self.path).name in self.config.project_entry_points

    def report(self, code: str, node: ast.AST, message: str, fix: Fix | NoFix | None = None) -> Finding:
        """A finding at ``node``'s first line and column; a :class:`NoFix` ends the message
        with why there is no fix (every rule says it the same way)."""
        span = Span.of(node)
        if isinstance(fix, NoFix):
            message, fix = f"{message} (no fix: {fix.text})", None
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
    elif isinstance(parent, (ast.AnnAssign, ast.NamedExpr)):
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
        elif isinstance(node, (ast.Return, ast.Yield, ast.YieldFrom)) and _same(node.value, shape) and (node.lineno, node.col_offset) > start:
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
