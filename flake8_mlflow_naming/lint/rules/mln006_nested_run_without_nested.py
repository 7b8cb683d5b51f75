"""MLN006: a run is started inside another active run without ``nested=True``."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..context import ModuleContext
from ..findings import Applicability, Edit, Finding, Fix, NoFix, PositionalToKeyword, SetKeyword, Span
from ..mlflow_api import END_RUN, MISSING, bind, literal_true
from ..resolve import CallSite
from .base import VERSION_DEPENDENT_SLOT, WRAPPER_TAKES_NO, Invalid, Rule, Valid


class NestedRunWithoutNested(Rule):
    code = "MLN006"
    name = "nested-run-without-nested"
    #: Last names of the MLflow APIs this rule matches (the prefilter and call index use them).
    apis = ("start_run", "end_run")
    #: The rule also matches calls of the configured ``run-wrapper``.
    matches_wrapper = True
    summary = "A run is started inside another active run without `nested=True`."
    what_it_does = """
        Reports a `start_run` (or the team wrapper) inside the body of a `with` that enters a
        run in the same function, or a second run start in the same multi-item `with`, unless it
        passes `nested=True`. A `with` enters a run through `start_run(...)` itself, the walrus
        `(run := start_run(...))`, a name holding a run start (`run = start_run()` … `with run:`),
        or an earlier `stack.enter_context(start_run(...))` in its body. `run_id=` and `parent_run_id=` do not help. A non-literal
        `nested=` value is not judged. An `mlflow.end_run()` earlier in the same block ends the
        active run, so a run started after it is not nested.
    """
    why_bad = """
        MLflow raises `Exception: Run ... is already active` when a second run starts while one
        is active without `nested=True`, typically deep inside a hyper-parameter sweep, after
        the expensive part has run.
    """
    example = """
        with mlflow.start_run(run_name="sweep_parent"):
            for lr in rates:
                with mlflow.start_run(run_name=f"sweep_lr_{lr}"):
                    ...
    """
    use_instead = """
        with mlflow.start_run(run_name="sweep_parent"):
            for lr in rates:
                with mlflow.start_run(run_name=f"sweep_lr_{lr}", nested=True):
                    ...
    """
    fix_safety = "**Safe**: adds `nested=True`; without it the call can only raise."
    options = """
        - `run-wrapper`: the team wrapper counts as a run start, inside and outside.
        - `mlflow-version` (default `"3"`): where the covered releases disagree on a later
          positional slot, the finding has no fix.
    """
    no_fix = (VERSION_DEPENDENT_SLOT, WRAPPER_TAKES_NO)
    VALID = [
        Valid(
            'import mlflow\nwith mlflow.start_run(run_name="a_b"):\n    with mlflow.start_run(run_name="c_d", nested=True):\n        pass\n'
        ),
        Valid(
            'import mlflow\nwith mlflow.start_run(run_name="a_b"):\n    with mlflow.start_run(run_name="c_d", nested=flag):\n        pass\n'
        ),
        Valid(
            'import mlflow\nwith mlflow.start_run(run_name="a_b"):\n    def later():\n        with mlflow.start_run(run_name="c_d"):\n            pass\n'
        ),
    ]
    VALID += [
        Valid(
            'import mlflow\nwith mlflow.start_run(run_name="a_b"):\n    mlflow.end_run()\n'
            '    with mlflow.start_run(run_name="c_d"):\n        pass\n'
        ),
        Valid(
            'import contextlib, mlflow\nwith contextlib.ExitStack() as stack:\n    with mlflow.start_run(run_name="c_d"):\n        pass\n'
            '    stack.enter_context(mlflow.start_run(run_name="a_b"))\n'
        ),
    ]
    INVALID = [
        Invalid(
            'import mlflow\nwith mlflow.start_run(run_name="a_b"):\n    if done:\n        mlflow.end_run()\n'
            '    with mlflow.start_run(run_name="c_d"):\n        pass\n',
            fixed='import mlflow\nwith mlflow.start_run(run_name="a_b"):\n    if done:\n        mlflow.end_run()\n'
            '    with mlflow.start_run(run_name="c_d", nested=True):\n        pass\n',
        ),
        Invalid(
            'import mlflow\nwith mlflow.start_run(run_name="a_b"):\n    with mlflow.start_run(run_name="c_d"):\n        pass\n',
            fixed='import mlflow\nwith mlflow.start_run(run_name="a_b"):\n    with mlflow.start_run(run_name="c_d", nested=True):\n        pass\n',
            line=3,  # the inner run is reported, not the outer one
            message="nested=True",
        ),
        Invalid(
            'import mlflow\nwith mlflow.start_run(run_name="a_b"), mlflow.start_run(None, None, "c_d", False):\n    pass\n',
            fixed='import mlflow\nwith mlflow.start_run(run_name="a_b"), mlflow.start_run(None, None, "c_d", nested=True):\n    pass\n',
        ),
        Invalid(
            'import mlflow\nwith mlflow.start_run(run_name="a_b"):\n    with mlflow.start_run(run_id=child_id):\n        pass\n',
            fixed='import mlflow\nwith mlflow.start_run(run_name="a_b"):\n    with mlflow.start_run(run_id=child_id, nested=True):\n        pass\n',
        ),
        Invalid(
            'import mlflow\nwith (parent := mlflow.start_run(run_name="a_b")):\n    with mlflow.start_run(run_name="c_d"):\n        pass\n',
            fixed='import mlflow\nwith (parent := mlflow.start_run(run_name="a_b")):\n    with mlflow.start_run(run_name="c_d", nested=True):\n        pass\n',
            line=3,
        ),
        Invalid(
            'import mlflow\nparent = mlflow.start_run(run_name="a_b")\nwith parent:\n    mlflow.start_run(run_name="c_d")\n',
            fixed='import mlflow\nparent = mlflow.start_run(run_name="a_b")\nwith parent:\n    mlflow.start_run(run_name="c_d", nested=True)\n',
        ),
        Invalid(
            'import contextlib, mlflow\nwith contextlib.ExitStack() as stack:\n    stack.enter_context(mlflow.start_run(run_name="a_b"))\n'
            '    with mlflow.start_run(run_name="c_d"):\n        pass\n',
            fixed='import contextlib, mlflow\nwith contextlib.ExitStack() as stack:\n    stack.enter_context(mlflow.start_run(run_name="a_b"))\n'
            '    with mlflow.start_run(run_name="c_d", nested=True):\n        pass\n',
            line=4,
        ),
        # Before 2.15 index 4 is tags, from 2.15 parent_run_id: renaming it would guess.
        Invalid(
            'import mlflow\nwith mlflow.start_run(run_name="a_b"):\n'
            '    with mlflow.start_run(None, None, "c_d", False, {"team": "a"}):\n        pass\n',
            config={"mlflow-version": "2"},
        ),
    ]

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for site in ctx.run_starts():
            bound = bind(site.node, ctx.wrapper_parameters) if ctx.is_wrapper(site) else ctx.bind(site, "mlflow.start_run")
            nested = bound.get("nested")
            if nested is not MISSING and literal_true(nested) is not False:
                continue  # nested=True, or a value only known at run time
            if not _inside_active_run(ctx, site):
                continue
            edits: list[Edit] = []
            position = bound.position_of("nested")
            names = bound.keywords_from(position) if position is not None else ()
            if position is not None and names is not None:
                edits.append(PositionalToKeyword(Span.of(site.node), names, position))
            edits.append(SetKeyword(Span.of(site.node), "nested", "True"))
            # When the version decides what the later positional arguments are, renaming
            # them would guess: report without a fix.
            fix: Fix | NoFix = Fix("Add nested=True", Applicability.SAFE, tuple(edits)) if names is not None else VERSION_DEPENDENT_SLOT
            signature = ctx.config.wrapper_signature
            if ctx.is_wrapper(site) and not signature.accepts_keyword("nested"):
                fix = WRAPPER_TAKES_NO.because(signature=signature.describe(), parameter="nested")
            yield ctx.report(
                self.code,
                site.node,
                "run started inside another active run without nested=True: MLflow raises "
                "'Run ... is already active'; pass nested=True",
                fix,
            )


def _inside_active_run(ctx: ModuleContext, site: CallSite) -> bool:
    active = [w for w in site.enclosing_withs if any(ctx.enters_run(item.context_expr, site.scope) for item in w.items)]
    active += [w for w in _stacks_holding_a_run(ctx, site) if w not in active]
    active.sort(key=lambda w: (w.lineno, w.col_offset))
    if active and len(active) > _runs_ended_before(ctx, site, active[-1]):
        return True
    if site.with_item is not None:
        statement, index = site.with_item
        return any(ctx.enters_run(item.context_expr, site.scope) for item in statement.items[:index])
    return False


def _stacks_holding_a_run(ctx: ModuleContext, site: CallSite) -> list[ast.With | ast.AsyncWith]:
    """Enclosing ``with`` blocks whose body entered a run into a stack before ``site``:
    ``stack.enter_context(mlflow.start_run())`` keeps the run active until the block ends."""
    start = (site.node.lineno, site.node.col_offset)
    found = []
    for other in ctx.run_starts():
        consumer = other.consumer
        entered = (
            isinstance(consumer, ast.Call)
            and isinstance(consumer.func, ast.Attribute)
            and consumer.func.attr in ("enter_context", "enter_async_context")
            and other.consumer_child in consumer.args
        )
        if not entered or other.scope is not site.scope or (other.node.lineno, other.node.col_offset) >= start:
            continue
        if other.enclosing_withs and other.enclosing_withs[-1] in site.enclosing_withs:
            found.append(other.enclosing_withs[-1])
    return found


def _runs_ended_before(ctx: ModuleContext, site: CallSite, innermost: ast.With | ast.AsyncWith) -> int:
    """How many ``mlflow.end_run()`` calls inside ``innermost``'s body come before ``site`` on its
    way there: each ends the active run, so a run started after it is not nested in it. One
    inside a branch or loop ``site`` is not in may not have run, and does not count."""
    start = (site.node.lineno, site.node.col_offset)
    ended = 0
    for other in ctx.calls(END_RUN):
        if other.scope is not site.scope or innermost not in other.enclosing_withs:
            continue
        if (other.node.lineno, other.node.col_offset) >= start:
            continue
        if other.loops != site.loops[: len(other.loops)] or not _unconditional_before(other, site, innermost):
            continue
        ended += 1
    return ended


def _unconditional_before(end: CallSite, site: CallSite, container: ast.AST) -> bool:
    """True when ``end`` is a statement of its own in a statement list that also holds (an
    ancestor of) ``site``, earlier than it: it runs whenever the run at ``site`` starts."""
    for block in _bodies(container):
        end_index = _index_containing(block, end.node)
        site_index = _index_containing(block, site.node)
        if end_index is None or site_index is None:
            continue
        if end_index < site_index:
            statement = block[end_index]
            return isinstance(statement, ast.Expr) and statement.value is end.node
        return end_index == site_index and _unconditional_before(end, site, block[end_index])
    return False


def _bodies(node: ast.AST) -> list[list[ast.stmt]]:
    return [getattr(node, name) for name in ("body", "orelse", "finalbody") if isinstance(getattr(node, name, None), list)]


def _index_containing(block: list[ast.stmt], target: ast.AST) -> int | None:
    for index, statement in enumerate(block):
        if any(child is target for child in ast.walk(statement)):
            return index
    return None
