"""Map the names in one module to the dotted names of what they refer to.

One pass over the tree records every binding (imports, defs, assignments, loop targets…)
per scope, and every call with the context rules need (enclosing ``with`` blocks, loops,
function). Rules then match calls on *resolved* names such as ``mlflow.start_run`` or
``MlflowClient.create_run``, never on spelling, so ``import mlflow as mf``,
``from mlflow import start_run as sr`` and ``self.client = mlflow.MlflowClient()`` all work,
while ``from hydraflow import start_run`` or a local ``def start_run`` do not match.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from .mlflow_api import CLIENT_CLASS, CLIENT_PREFIX, RUN_NAME_TAG, RUN_NAME_TAG_CONSTANT, canonical


@dataclass
class Binding:
    """One place that binds a name: what kind of binding, where, and what it binds to."""

    position: tuple[int, int]
    imported: str | None = None  # dotted name for imports
    value: ast.expr | None = None  # assigned value for ``name = value``
    annotation: ast.expr | None = None  # for annotated parameters
    fallback: bool = False  # made in an ``except`` handler (``except ImportError: mlflow = None``)
    #: For imports, the statement's form: (module, imported object or None, alias or None).
    import_form: tuple[str, str | None, str | None] | None = None


@dataclass
class Scope:
    """A module, class, function, lambda or comprehension scope."""

    kind: str
    node: ast.AST
    parent: Scope | None
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    global_names: set[str] = field(default_factory=set)
    star_imports: list[str] = field(default_factory=list)

    def bind(self, name: str, binding: Binding) -> None:
        self.bindings.setdefault(name, []).append(binding)


@dataclass(frozen=True)
class CallSite:
    """A call with the context rules need, recorded once during the walk."""

    node: ast.Call
    parent: ast.AST
    scope: Scope
    #: ``with`` statements (same function) whose body contains the call, outermost first.
    enclosing_withs: tuple[ast.With | ast.AsyncWith, ...]
    #: The ``with`` statement and item index when the call is an item's context expression
    #: (or the value of one's walrus, ``with (run := mlflow.start_run()):``).
    with_item: tuple[ast.With | ast.AsyncWith, int] | None
    #: ``for`` loops (same function) whose body contains the call, outermost first.
    loops: tuple[ast.For | ast.AsyncFor, ...]
    function: str | None
    class_name: str | None
    #: The nearest ancestor that uses the call's value, past ``a if c else b`` and ``a or b``
    #: (whose branches hand their value on), and the child of it on the way to the call.
    consumer: ast.AST = None  # type: ignore[assignment]
    consumer_child: ast.AST = None  # type: ignore[assignment]


#: Expressions that pass a branch's value on to their own parent.
_PASS_THROUGH = (ast.IfExp, ast.BoolOp)


class ModuleIndex:
    """Everything the rules know about one parsed module."""

    def __init__(self, tree: ast.Module, mlflow_aliases: tuple[str, ...] = ()) -> None:
        self.tree = tree
        #: Modules that re-export mlflow (``mlflow-aliases``): ``mlflow_extend.x`` is ``mlflow.x``.
        self.mlflow_aliases = tuple(mlflow_aliases)
        self.module_scope = Scope("module", tree, None)
        #: One tuple of :class:`CallSite`'s fields per call, in walk order: a module has
        #: hundreds of calls and the rules ask for a few, so sites are built on demand.
        self._call_records: list[tuple[Any, ...]] = []  # CallSite's fields, in order
        self._call_sites: dict[int, CallSite] = {}
        self._all_calls: list[CallSite] | None = None
        #: Local name -> the last parts of what imports (or ``importlib.import_module``…) bind
        #: it to, anywhere: ``sr`` -> {``start_run``} for ``from mlflow import start_run as sr``.
        #: A call of a bare name resolves to one of these (or, through an mlflow star import,
        #: to the name itself).
        self.imported_names: dict[str, set[str]] = {}
        #: Scopes holding a ``from … import *``.
        self._star_scopes: list[Scope] = []
        #: Parents of ``IfExp``/``BoolOp`` nodes, to find what consumes a call inside one.
        self.pass_through_parents: dict[int, ast.AST] = {}
        self.client_attributes: set[str] = set()
        #: Names some function declares ``nonlocal``: an outer function's single binding of
        #: such a name is not its only value.
        self.nonlocal_names: set[str] = set()
        _Walker(self).walk(tree)
        self._call_names: dict[int, str | None] = {}

    # --- calls ---------------------------------------------------------------------------

    @property
    def calls(self) -> list[CallSite]:
        """Every call in the module, in walk order (pre-order: a call before the calls in its arguments)."""
        if self._all_calls is None:
            self._all_calls = [self._site(number) for number in range(len(self._call_records))]
        return self._all_calls

    def _site(self, number: int) -> CallSite:
        site = self._call_sites.get(number)
        if site is None:
            site = self._call_sites[number] = CallSite(*self._call_records[number])
        return site

    def calls_named(self, last_names: frozenset[str] | set[str]) -> Iterator[CallSite]:
        """The calls, in walk order, that can resolve to a dotted name ending in one of ``last_names``.

        ``x.<last>(…)`` for an attribute in ``last_names``, and a bare name an import binds to
        something ending in one of them (``sr()`` after ``from mlflow import start_run as
        sr``). Only these are built and resolved: the rules ask for a few APIs by name
        (``Rule.apis``), and a module makes hundreds of other calls.
        """
        bare = {name for name, lasts in self.imported_names.items() if not lasts.isdisjoint(last_names)}
        if self._has_mlflow_star_import():
            bare.update(last_names)  # ``from mlflow import *`` supplies every unbound name
        if "mlflow" in last_names:
            bare.add("mlflow")  # a notebook's bare ``mlflow``
        for number, record in enumerate(self._call_records):
            func = record[0].func
            cls = type(func)
            if cls is ast.Attribute:
                if func.attr in last_names:
                    yield self._site(number)
            elif cls is ast.Name and func.id in bare:
                yield self._site(number)

    def _has_mlflow_star_import(self) -> bool:
        return any(self._star_import(site_scope) is not None for site_scope in self._star_scopes)

    # --- names ---------------------------------------------------------------------------

    def lookup(self, name: str, scope: Scope, position: tuple[int, int]) -> Binding | None:
        """The binding ``name`` refers to when used at ``position`` inside ``scope``."""
        current: Scope | None = scope
        first = True
        while current is not None:
            if first or current.kind != "class":
                candidates = current.bindings.get(name)
                if candidates:
                    return _choose(candidates, position if first else None)
            first = False
            current = current.parent
        return None

    def qualified_name(self, expr: ast.expr, scope: Scope) -> str | None:
        """The canonical dotted name of a ``Name``/``Attribute`` chain, or None if unknown."""
        attributes: list[str] = []
        while isinstance(expr, ast.Attribute):
            attributes.append(expr.attr)
            expr = expr.value
        if not isinstance(expr, ast.Name):
            return None
        base = self._name_target(expr, scope)
        if base is None:
            return None
        return canonical(".".join([base, *reversed(attributes)]))

    def _name_target(self, name: ast.Name, scope: Scope) -> str | None:
        binding = self.lookup(name.id, scope, (name.lineno, name.col_offset))
        if binding is not None:
            return binding.imported
        star = self._star_import(scope)
        if star is not None:
            return f"{star}.{name.id}"
        # Notebooks and ``%run`` includes use ``mlflow`` without importing it.
        return "mlflow" if name.id == "mlflow" else None

    def _star_import(self, scope: Scope | None) -> str | None:
        while scope is not None:
            for module in scope.star_imports:
                if module == "mlflow" or module.startswith("mlflow."):
                    return module
            scope = scope.parent
        return None

    def import_behind(self, expr: ast.expr, scope: Scope) -> tuple[str, str | None, str | None] | None:
        """The import statement form (module, object, alias) that the root name of ``expr`` comes from."""
        while isinstance(expr, ast.Attribute):
            expr = expr.value
        if not isinstance(expr, ast.Name):
            return None
        binding = self.lookup(expr.id, scope, (expr.lineno, expr.col_offset))
        return binding.import_form if binding is not None else None

    def is_client(self, expr: ast.expr, scope: Scope, depth: int = 0) -> bool:
        """True when ``expr`` evaluates to an ``MlflowClient`` (constructed, held in a name or attribute)."""
        if depth > 5:
            return False
        if isinstance(expr, ast.Call):
            return self.qualified_name(expr.func, scope) == CLIENT_CLASS
        if isinstance(expr, ast.Attribute):
            return expr.attr in self.client_attributes
        if isinstance(expr, ast.Name):
            binding = self.lookup(expr.id, scope, (expr.lineno, expr.col_offset))
            if binding is None:
                return False
            if binding.value is not None:
                return self.is_client(binding.value, scope, depth + 1)
            if binding.annotation is not None:
                return self._annotation_is_client(binding.annotation, scope)
        return False

    def _annotation_is_client(self, annotation: ast.expr, scope: Scope) -> bool:
        if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
            return annotation.value.rsplit(".", 1)[-1] == "MlflowClient"
        return self.qualified_name(annotation, scope) == CLIENT_CLASS

    def call_name(self, site: CallSite) -> str | None:
        """``mlflow.start_run``, ``MlflowClient.create_run``, ``other.pkg.func``… or None."""
        key = id(site.node)
        if key not in self._call_names:
            self._call_names[key] = self._resolve_call(site)
        return self._call_names[key]

    def _resolve_call(self, site: CallSite) -> str | None:
        func = site.node.func
        if isinstance(func, ast.Attribute) and self.is_client(func.value, site.scope):
            return CLIENT_PREFIX + func.attr
        return self.qualified_name(func, site.scope)

    def module_constant(self, name: ast.Name, scope: Scope) -> ast.expr | None:
        """The value of a module-level name assigned exactly once, when ``name`` refers to it."""
        binding = self.lookup(name.id, scope, (name.lineno, name.col_offset))
        candidates = self.module_scope.bindings.get(name.id, [])
        if binding is None or len(candidates) != 1 or candidates[0] is not binding:
            return None
        return binding.value

    def local_constant(self, name: ast.Name, scope: Scope) -> tuple[ast.expr, Scope] | None:
        """The value and scope of a function-local name assigned exactly once, before ``name`` uses it."""
        current: Scope | None = scope
        while current is not None and current.kind == "comprehension":
            if name.id in current.bindings:
                return None
            current = current.parent
        if current is None or current.kind != "function":
            return None
        candidates = current.bindings.get(name.id, [])
        if len(candidates) != 1 or name.id in current.global_names or name.id in self.nonlocal_names:
            return None
        binding = candidates[0]
        if binding.value is None or binding.imported is not None or binding.position >= (name.lineno, name.col_offset):
            return None
        return binding.value, current

    def constant_value(self, name: ast.Name, scope: Scope) -> tuple[ast.expr, Scope] | None:
        """What ``name`` holds when it is assigned exactly once: a module constant or a function
        local (see :meth:`module_constant`, :meth:`local_constant`), with the scope it lives in."""
        value = self.module_constant(name, scope)
        if value is not None:
            return value, self.module_scope
        return self.local_constant(name, scope)

    def as_mlflow(self, dotted: str) -> str:
        """``dotted`` with a configured alias package read as ``mlflow`` (``mlflow_extend.mlflow`` → ``mlflow``)."""
        for alias in self.mlflow_aliases:
            if dotted == alias or dotted.startswith(alias + "."):
                dotted = "mlflow" + dotted[len(alias) :]
                if dotted == "mlflow.mlflow" or dotted.startswith("mlflow.mlflow."):
                    dotted = dotted[len("mlflow.") :]
                return dotted
        return dotted

    def dynamic_import(self, value: ast.expr, scope: Scope) -> str | None:
        """The mlflow module a call imports at run time, or None.

        ``importlib.import_module("mlflow.sklearn")``, ``pytest.importorskip("mlflow")``, and a
        lazy loader: any callee whose last name contains ``Lazy``/``lazy`` given a string
        literal naming an mlflow module (``LazyLoader("mlflow", globals(), "mlflow")``).
        """
        if not isinstance(value, ast.Call):
            return None
        strings = [
            self.as_mlflow(arg.value)
            for arg in [*value.args, *(k.value for k in value.keywords)]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
        ]
        modules = [s for s in strings if s == "mlflow" or s.startswith("mlflow.")]
        if not modules:
            return None
        func = value.func
        last = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if "lazy" in last.lower():
            return modules[-1]
        first = value.args[0] if value.args else None
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            return None
        module = self.as_mlflow(first.value)
        if module not in modules:
            return None
        callee = self.qualified_name(func, scope) if isinstance(func, (ast.Name, ast.Attribute)) else None
        if callee in _DYNAMIC_IMPORTERS:
            return module
        if callee is None and isinstance(func, ast.Name) and func.id == "__import__" and self.lookup("__import__", scope, (0, 0)) is None:
            return module.split(".", 1)[0]  # __import__("mlflow.sklearn") returns the top package
        return None

    def is_run_name_tag(self, expr: ast.expr, scope: Scope) -> bool:
        """True for ``"mlflow.runName"`` or MLflow's ``MLFLOW_RUN_NAME`` constant."""
        if isinstance(expr, ast.Constant):
            return expr.value == RUN_NAME_TAG
        return self.qualified_name(expr, scope) == RUN_NAME_TAG_CONSTANT


#: Functions that return the module named by their first argument.
_DYNAMIC_IMPORTERS = frozenset({"importlib.import_module", "pytest.importorskip"})
#: Decorators that make a method's return value readable as an attribute.
_PROPERTY_DECORATORS = frozenset({"property", "functools.cached_property", "cached_property"})


def _choose(candidates: list[Binding], position: tuple[int, int] | None) -> Binding:
    """Pick the binding in effect: the last one before the use (fallback bindings lose)."""
    primary = [b for b in candidates if not b.fallback] or candidates
    if position is None:
        return primary[-1]
    before = [b for b in primary if b.position < position]
    return before[-1] if before else primary[0]


#: Fields that never lead to a call or a binding: expression contexts and operator singletons.
_INERT_FIELDS = frozenset({"ctx", "op", "ops", "type_comment", "kind"})
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def _child_fields(cls: type) -> tuple[str, ...]:
    """The fields of ``cls`` worth walking, computed once per node type."""
    fields = _CHILD_FIELDS.get(cls)
    if fields is None:
        fields = _CHILD_FIELDS[cls] = tuple(f for f in cls._fields if f not in _INERT_FIELDS)  # type: ignore[attr-defined]
    return fields


#: What the walk never descends into: names and constants (a third of all nodes) and the
#: plain values of fields (identifiers, numbers, None).
_LEAVES = frozenset({ast.Name, ast.Constant, str, int, bool, type(None)})
#: Node type -> a function giving its walkable fields' values, last field first (the order
#: an explicit stack pushes them), as a tuple; built once per type.
_FIELD_GETTERS: dict[type, Callable[[ast.AST], tuple[Any, ...]]] = {}


def _no_fields(node: ast.AST) -> tuple[Any, ...]:
    return ()


def _field_getter(cls: type) -> Callable[[ast.AST], tuple[Any, ...]]:
    """The getter of :data:`_FIELD_GETTERS` for ``cls`` (one C-level call per node)."""
    fields = tuple(reversed(_child_fields(cls))) if issubclass(cls, ast.AST) else ()
    getter: Callable[[ast.AST], tuple[Any, ...]]
    if not fields:
        getter = _no_fields
    elif len(fields) == 1:
        single = attrgetter(fields[0])

        def getter(node: ast.AST) -> tuple[Any, ...]:
            return (single(node),)
    else:
        getter = attrgetter(*fields)
    _FIELD_GETTERS[cls] = getter
    return getter


_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
#: What :meth:`_Walker.enter` saves and :meth:`_Walker.leave` restores.
_Saved = tuple[
    Scope,
    tuple[ast.With | ast.AsyncWith, ...],
    tuple[ast.With | ast.AsyncWith, int] | None,
    tuple[ast.For | ast.AsyncFor, ...],
    str | None,
    str | None,
    bool,
]


class _Walker:
    """The single pass that fills a :class:`ModuleIndex`."""

    def __init__(self, index: ModuleIndex) -> None:
        self.index = index
        self.scope = index.module_scope
        self.withs: tuple[ast.With | ast.AsyncWith, ...] = ()
        self.with_item: tuple[ast.With | ast.AsyncWith, int] | None = None
        self.loops: tuple[ast.For | ast.AsyncFor, ...] = ()
        self.function: str | None = None
        self.class_name: str | None = None
        self.fallback = False

    def walk(self, tree: ast.Module) -> None:
        for statement in tree.body:
            self.visit(statement, tree)

    def visit(self, node: ast.AST, parent: ast.AST) -> None:
        cls = type(node)
        handler = _DISPATCH.get(cls)
        if handler is not None:
            handler(self, node, parent)
        elif cls not in _LEAVES:
            if cls is ast.IfExp or cls is ast.BoolOp:
                self.index.pass_through_parents[id(node)] = parent
            self.children(node)

    def children(self, node: ast.AST) -> None:
        # Nodes without a handler are walked with an explicit stack, in the same pre-order
        # as recursion would, so long expressions (``a + a + ...``, hundreds of terms) that
        # Python itself compiles do not exhaust the recursion limit here.
        dispatch = _DISPATCH
        getters = _FIELD_GETTERS
        leaves = _LEAVES
        pass_through = self.index.pass_through_parents
        stack: list[tuple[ast.AST, ast.AST]] = []
        push = stack.append
        pop = stack.pop
        current = node
        while True:
            cls = type(current)
            getter = getters.get(cls) or _field_getter(cls)
            try:
                values = getter(current)
            except AttributeError:  # a hand-built node without some optional field
                values = tuple(getattr(current, name, None) for name in reversed(_child_fields(cls)))
            for value in values:
                kind = type(value)
                if kind is list:
                    for item in reversed(value):
                        if type(item) not in leaves:
                            push((item, current))
                elif kind not in leaves and isinstance(value, ast.AST):
                    push((value, current))
            while stack:
                current, parent = pop()
                cls = type(current)
                handler = dispatch.get(cls)
                if handler is None:
                    if cls is ast.IfExp or cls is ast.BoolOp:
                        pass_through[id(current)] = parent
                    break
                handler(self, current, parent)
            else:
                return

    # --- bindings ------------------------------------------------------------------------

    def bind(
        self,
        name: str,
        node: ast.AST,
        imported: str | None = None,
        value: ast.expr | None = None,
        annotation: ast.expr | None = None,
        import_form: tuple[str, str | None, str | None] | None = None,
        walrus: bool = False,
    ) -> None:
        scope = self.scope
        if name in scope.global_names:
            scope = self.index.module_scope
        elif walrus and scope.kind == "comprehension":
            while scope.kind == "comprehension" and scope.parent is not None:
                scope = scope.parent
        if imported is not None:
            lasts = self.index.imported_names.get(name)
            if lasts is None:
                lasts = self.index.imported_names[name] = set()
            lasts.add(imported.rpartition(".")[2])
        position = (getattr(node, "lineno", 0), getattr(node, "col_offset", 0))
        binding = Binding(position, imported, value, annotation, self.fallback, import_form)
        bindings = scope.bindings.get(name)
        if bindings is None:
            scope.bindings[name] = [binding]
        else:
            bindings.append(binding)

    def bind_target(self, target: ast.AST, value: ast.expr | None, statement: ast.AST) -> None:
        if isinstance(target, ast.Name):
            module = self.index.dynamic_import(value, self.scope) if isinstance(value, ast.Call) else None
            if module is not None:
                self.bind(target.id, statement, imported=module)
            else:
                self.bind(target.id, statement, value=value)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self.bind_target(element, None, statement)
        elif isinstance(target, ast.Starred):
            self.bind_target(target.value, None, statement)
        elif isinstance(target, ast.Attribute) and value is not None and self.index.is_client(value, self.scope):
            self.index.client_attributes.add(target.attr)

    def visit_Import(self, node: ast.Import, parent: ast.AST) -> None:
        for alias in node.names:
            form = (alias.name, None, alias.asname)
            if alias.asname:
                self.bind(alias.asname, node, imported=self.index.as_mlflow(alias.name), import_form=form)
            else:
                top = alias.name.split(".", 1)[0]
                self.bind(top, node, imported=self.index.as_mlflow(top), import_form=form)

    def visit_ImportFrom(self, node: ast.ImportFrom, parent: ast.AST) -> None:
        if node.level or not node.module:
            for alias in node.names:
                self.bind(alias.asname or alias.name, node, imported="." + alias.name)
            return
        for alias in node.names:
            if alias.name == "*":
                self.scope.star_imports.append(self.index.as_mlflow(node.module))
                self.index._star_scopes.append(self.scope)
            else:
                form = (node.module, alias.name, alias.asname)
                imported = self.index.as_mlflow(f"{node.module}.{alias.name}")
                self.bind(alias.asname or alias.name, node, imported=imported, import_form=form)

    def visit_Global(self, node: ast.Global, parent: ast.AST) -> None:
        self.scope.global_names.update(node.names)

    def visit_Nonlocal(self, node: ast.Nonlocal, parent: ast.AST) -> None:
        self.index.nonlocal_names.update(node.names)

    def visit_Assign(self, node: ast.Assign, parent: ast.AST) -> None:
        self.visit(node.value, node)
        for target in node.targets:
            self.visit_target_parts(target, node)
            self.bind_target(target, node.value if len(node.targets) == 1 else None, node)

    def visit_AnnAssign(self, node: ast.AnnAssign, parent: ast.AST) -> None:
        self.visit(node.annotation, node)
        if node.value is not None:
            self.visit(node.value, node)
        self.visit_target_parts(node.target, node)
        if isinstance(node.target, ast.Name):
            self.bind(node.target.id, node, value=node.value, annotation=node.annotation)
        else:
            self.bind_target(node.target, node.value, node)

    def visit_AugAssign(self, node: ast.AugAssign, parent: ast.AST) -> None:
        self.visit(node.value, node)
        self.visit_target_parts(node.target, node)
        self.bind_target(node.target, None, node)

    def visit_target_parts(self, target: ast.AST, statement: ast.AST) -> None:
        """Visit the expressions inside an assignment target (``a[f()] = …``, ``x.y = …``)."""
        if isinstance(target, (ast.Attribute, ast.Subscript, ast.Starred)):
            self.children(target)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self.visit_target_parts(element, statement)

    def visit_NamedExpr(self, node: ast.NamedExpr, parent: ast.AST) -> None:
        self.visit(node.value, node)
        self.bind(node.target.id, node, value=node.value, walrus=True)

    def visit_ExceptHandler(self, node: ast.ExceptHandler, parent: ast.AST) -> None:
        if node.type is not None:
            self.visit(node.type, node)
        if node.name:
            self.bind(node.name, node)
        saved, self.fallback = self.fallback, True
        for statement in node.body:
            self.visit(statement, node)
        self.fallback = saved

    def visit_MatchAs(self, node: ast.AST, parent: ast.AST) -> None:
        self.children(node)
        if getattr(node, "name", None):
            self.bind(node.name, node)  # type: ignore[attr-defined]

    visit_MatchStar = visit_MatchAs

    def visit_MatchMapping(self, node: ast.AST, parent: ast.AST) -> None:
        self.children(node)
        if getattr(node, "rest", None):
            self.bind(node.rest, node)  # type: ignore[attr-defined]

    # --- scopes --------------------------------------------------------------------------

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef, parent: ast.AST) -> None:
        for decorator in node.decorator_list:
            self.visit(decorator, node)
        self.visit_signature_defaults(node.args, node)
        if node.returns is not None:
            self.visit(node.returns, node)
        self.bind(node.name, node)
        function_scope = Scope("function", node, self.scope)
        self.bind_parameters(node.args, function_scope, node)
        saved = self.enter(function_scope, function=node.name)
        for statement in node.body:
            self.visit(statement, node)
        if self.is_property(node) and self.returns_client(node, function_scope):
            self.index.client_attributes.add(node.name)
        self.leave(saved)

    visit_AsyncFunctionDef = visit_FunctionDef

    def is_property(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
        """True for ``@property`` / ``@functools.cached_property`` methods (read as attributes)."""
        for decorator in node.decorator_list:
            if isinstance(decorator, ast.Name) and decorator.id == "property":
                return True
            if self.index.qualified_name(decorator, self.scope) in _PROPERTY_DECORATORS:
                return True
        return False

    def returns_client(self, node: ast.AST, scope: Scope) -> bool:
        """True when some ``return`` of the function ``node`` hands back an ``MlflowClient``."""
        return any(
            isinstance(child, ast.Return) and child.value is not None and self.index.is_client(child.value, scope)
            for child in iter_scope_nodes(node)
        )

    def visit_Lambda(self, node: ast.Lambda, parent: ast.AST) -> None:
        self.visit_signature_defaults(node.args, node)
        lambda_scope = Scope("function", node, self.scope)
        self.bind_parameters(node.args, lambda_scope, node)
        saved = self.enter(lambda_scope, function=self.function)
        self.visit(node.body, node)
        self.leave(saved)

    def visit_signature_defaults(self, args: ast.arguments, owner: ast.AST) -> None:
        for default in [*args.defaults, *(d for d in args.kw_defaults if d is not None)]:
            self.visit(default, owner)
        for arg in self.all_parameters(args):
            if arg.annotation is not None:
                self.visit(arg.annotation, owner)

    @staticmethod
    def all_parameters(args: ast.arguments) -> list[ast.arg]:
        parameters = [*args.posonlyargs, *args.args, *args.kwonlyargs]
        parameters.extend(a for a in (args.vararg, args.kwarg) if a is not None)
        return parameters

    def bind_parameters(self, args: ast.arguments, scope: Scope, owner: ast.AST) -> None:
        position = (getattr(owner, "lineno", 0), getattr(owner, "col_offset", 0))
        for arg in self.all_parameters(args):
            scope.bind(arg.arg, Binding(position, annotation=arg.annotation))

    def visit_ClassDef(self, node: ast.ClassDef, parent: ast.AST) -> None:
        for child in [*node.decorator_list, *node.bases, *node.keywords]:
            self.visit(child, node)
        self.bind(node.name, node)
        saved = self.enter(Scope("class", node, self.scope), function=None, class_name=node.name)
        for statement in node.body:
            self.visit(statement, node)
        self.leave(saved)

    def visit_comprehension_node(self, node: ast.AST, parent: ast.AST) -> None:
        saved = self.enter(Scope("comprehension", node, self.scope), function=self.function, keep_context=True)
        for generator in node.generators:  # type: ignore[attr-defined]
            self.visit(generator.iter, node)
            self.bind_target(generator.target, None, node)
            for condition in generator.ifs:
                self.visit(condition, node)
        for name in ("elt", "key", "value"):
            if hasattr(node, name):
                self.visit(getattr(node, name), node)
        self.leave(saved)

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = visit_comprehension_node

    def enter(self, scope: Scope, function: str | None, class_name: str | None = None, keep_context: bool = False) -> _Saved:
        saved = (self.scope, self.withs, self.with_item, self.loops, self.function, self.class_name, self.fallback)
        self.scope = scope
        if not keep_context:
            self.withs, self.loops = (), ()
            self.class_name = class_name if class_name is not None else self.class_name
            self.fallback = False
        self.with_item = None
        self.function = function
        return saved

    def leave(self, saved: _Saved) -> None:
        (self.scope, self.withs, self.with_item, self.loops, self.function, self.class_name, self.fallback) = saved

    # --- context for rules -------------------------------------------------------------

    def visit_With(self, node: ast.With | ast.AsyncWith, parent: ast.AST) -> None:
        for position, item in enumerate(node.items):
            saved_item, self.with_item = self.with_item, (node, position)
            self.visit_with_context(item.context_expr, item)
            self.with_item = saved_item
            if item.optional_vars is not None:
                self.visit_target_parts(item.optional_vars, node)
                self.bind_target(item.optional_vars, None, node)
        saved_withs, self.withs = self.withs, (*self.withs, node)
        for statement in node.body:
            self.visit(statement, node)
        self.withs = saved_withs

    visit_AsyncWith = visit_With

    def visit_with_context(self, expr: ast.expr, item: ast.withitem) -> None:
        if isinstance(expr, ast.Call):
            self.record_call(expr, item, with_item=self.with_item)
        elif isinstance(expr, ast.NamedExpr) and isinstance(expr.value, ast.Call):
            # ``with (run := mlflow.start_run()):`` enters the call's value, as ``as run`` would.
            self.record_call(expr.value, expr, with_item=self.with_item)
            self.bind(expr.target.id, expr, value=expr.value, walrus=True)
        else:
            saved, self.with_item = self.with_item, None
            self.visit(expr, item)
            self.with_item = saved

    def visit_For(self, node: ast.For | ast.AsyncFor, parent: ast.AST) -> None:
        self.visit(node.iter, node)
        self.visit_target_parts(node.target, node)
        self.bind_target(node.target, None, node)
        saved, self.loops = self.loops, (*self.loops, node)
        for statement in node.body:
            self.visit(statement, node)
        self.loops = saved
        for statement in node.orelse:
            self.visit(statement, node)

    visit_AsyncFor = visit_For

    def visit_Call(self, node: ast.Call, parent: ast.AST) -> None:
        self.record_call(node, parent, with_item=None)

    def record_call(self, node: ast.Call, parent: ast.AST, with_item: tuple[ast.With | ast.AsyncWith, int] | None) -> None:
        child, consumer = node, parent
        while isinstance(consumer, _PASS_THROUGH) and not (isinstance(consumer, ast.IfExp) and consumer.test is child):
            child, consumer = consumer, self.index.pass_through_parents.get(id(consumer))  # type: ignore[assignment]
        self.index._call_records.append(
            (node, parent, self.scope, self.withs, with_item, self.loops, self.function, self.class_name, consumer, child)
        )
        saved, self.with_item = self.with_item, None
        self.children(node)
        self.with_item = saved


#: Node type → handler, built once instead of a ``getattr`` by name for every node.
_DISPATCH = {
    getattr(ast, name[len("visit_") :]): function
    for name, function in vars(_Walker).items()
    if name.startswith("visit_") and name != "visit_target_parts" and isinstance(getattr(ast, name[len("visit_") :], None), type)
}


def iter_scope_nodes(root: ast.AST) -> Iterator[ast.AST]:
    """Walk ``root``'s subtree without entering nested functions, lambdas or classes."""
    todo = list(ast.iter_child_nodes(root))
    while todo:
        node = todo.pop()
        yield node
        if not isinstance(node, (*_FUNCTIONS, ast.Lambda, ast.ClassDef)):
            todo.extend(ast.iter_child_nodes(node))
