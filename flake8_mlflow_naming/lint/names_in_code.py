"""The names a module gives runs, experiments and registered models, and its run wrappers.

``mlflow-naming init`` learns a team's convention from these. The names are found by the very
code MLN003, MLN007 and MLN008 judge them with (the same call sites, the same argument
binding, the same view through constants and f-strings), so ``init`` learns from exactly
the names ``check`` will later judge.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from .context import ModuleContext
from .mlflow_api import START_RUN
from .resolve import CallSite

# The name rules' own collectors: one definition of "where a name is given" for check and init.
from .rules.mln003_run_name_schema import _run_name_values
from .rules.mln007_experiment_name_schema import _experiment_names
from .rules.mln008_registered_model_name_schema import _registered_names
from .values import HOLE, Template, _name_sources, text_forms

#: The kinds of name, in the order ``init`` reports them.
KINDS = ("run", "experiment", "registered_model")


@dataclass(frozen=True)
class NameInCode:
    """One text a name can hold: literal parts and :data:`~.values.HOLE` for unknown fields."""

    kind: str
    parts: Template
    path: str
    line: int
    #: The notebook cell ``line`` counts in (None outside notebooks).
    cell: int | None = None

    @property
    def location(self) -> str:
        """``path:line``, or ``path:cell N:line`` in a notebook, as ``check`` prints positions."""
        return f"{self.path}:cell {self.cell}:{self.line}" if self.cell is not None else f"{self.path}:{self.line}"

    @property
    def literal(self) -> str | None:
        """The whole name when no part of it is unknown."""
        return None if HOLE in self.parts else "".join(self.parts)  # type: ignore[arg-type]


@dataclass(frozen=True)
class WrapperInCode:
    """A function that starts a run and passes one of its parameters on as the run's name."""

    function: str
    #: The parameter that becomes ``start_run(run_name=...)``.
    run_name_parameter: str
    path: str
    line: int
    context_manager: bool


def names_in_module(ctx: ModuleContext) -> Iterator[NameInCode]:
    """Every text given as a run, experiment or registered-model name in ``ctx``'s module."""
    collectors = (("run", _run_name_values), ("experiment", _experiment_names), ("registered_model", _registered_names))
    for kind, collect in collectors:
        seen: set[int] = set()
        for site, value in collect(ctx):
            for node, scope in _name_sources(ctx, site.scope, value, 0):
                if id(node) in seen:
                    continue
                seen.add(id(node))
                for form in text_forms(ctx, scope, node) or ():
                    yield NameInCode(kind, form, ctx.path, node.lineno)


def wrappers_in_module(ctx: ModuleContext) -> Iterator[WrapperInCode]:
    """Module-level functions that call ``mlflow.start_run`` with one of their parameters as the run name."""
    for site in ctx.calls(START_RUN):
        function = site.scope.node
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or site.scope.parent is None:
            continue
        if site.scope.parent.kind != "module":
            continue  # a method or a nested function cannot be named by a dotted run-wrapper path
        parameter = _run_name_parameter(ctx, site, function)
        if parameter is not None:
            yield WrapperInCode(function.name, parameter, ctx.path, function.lineno, _is_context_manager(function))


def _run_name_parameter(ctx: ModuleContext, site: CallSite, function: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """The parameter of ``function`` that ``site`` passes as ``run_name`` (also as ``name or default``)."""
    value = ctx.bind(site, START_RUN).get("run_name")
    if not isinstance(value, ast.expr):
        return None
    arguments = function.args
    parameters = {a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)}
    for node in ast.walk(value):
        if isinstance(node, ast.Name) and node.id in parameters:
            return node.id
    return None


def _is_context_manager(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Decorated ``@contextmanager`` (any spelling) or a generator: used as ``with wrapper(...)``."""
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, (ast.Name, ast.Attribute)) and (getattr(target, "id", None) or target.attr).endswith(  # type: ignore[union-attr]
            "contextmanager"
        ):
            return True
    return any(isinstance(node, (ast.Yield, ast.YieldFrom)) for node in ast.walk(function))
