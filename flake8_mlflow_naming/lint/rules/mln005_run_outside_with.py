"""MLN005: a run is started outside a ``with`` block."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..context import ModuleContext, is_managed_run
from ..findings import Applicability, Finding, Fix, Span, WrapInWith
from ..mlflow_api import END_RUN, START_RUN
from ..resolve import CallSite, iter_scope_nodes
from .base import Invalid, Rule, Valid


class RunOutsideWith(Rule):
    code = "MLN005"
    name = "run-outside-with"
    #: Last names of the MLflow APIs this rule matches (the prefilter and call index use them).
    apis = ("start_run",)
    summary = "A run is started outside a `with` block."
    what_it_does = """
        Reports `mlflow.start_run(...)` whose result is not managed by a `with` statement: not
        a `with` item (multi-item `with` blocks count), not returned or yielded (directly or
        through a local name), not passed straight into another call
        (`stack.enter_context(mlflow.start_run())`), and not assigned to a local name that a
        later `with` in the same scope uses. A branch of `x if c else y` or `a or b` counts as
        whatever uses the whole expression. `self.run = mlflow.start_run()` is reported, unless
        the same method returns `self.run` (the caller gets the run, as with a returned local)
        or the class manages it itself: started in its own `__enter__`
        (`self.run = mlflow.start_run().__enter__()`) and exited in its `__exit__`.
    """
    why_bad = """
        A run started without `with` is ended only by an explicit `end_run()`. When the process
        is killed the run stays RUNNING forever, and when the code raises, MLflow's exit hook
        marks the run FINISHED, so failed runs look successful.
    """
    example = """
        run = mlflow.start_run(run_name="resnet50_baseline")
        train()
        mlflow.end_run()
    """
    use_instead = """
        with mlflow.start_run(run_name="resnet50_baseline"):
            train()
    """
    fix_safety = """
        **Unsafe**: `x = mlflow.start_run(...)` (or a bare `mlflow.start_run(...)` statement)
        followed later in the same block of the same scope by a plain `mlflow.end_run()`
        becomes `with mlflow.start_run(...) as x:` over the statements between, and the
        `end_run()` goes. An exception between them now ends the run FAILED instead of leaving
        it RUNNING, which is the point, but changes behaviour. Names assigned inside the block
        stay visible after it, so only control flow matters: the fix declines when a statement
        between can leave the block (`return`, `yield`, or `break`/`continue` of an enclosing
        loop), when another `end_run()` sits between, when `end_run()` is given a status, when
        the two are in different notebook cells, or when they share a line with other
        statements. Under a `run-wrapper`, MLN002 then rewrites the `with` onto the wrapper.
    """
    VALID = [
        Valid('import mlflow\nwith mlflow.start_run(run_name="a_b"):\n    pass\n'),
        Valid('import mlflow\nwith open("f") as f, mlflow.start_run(run_name="a_b"):\n    pass\n'),
        Valid('import mlflow\ndef start():\n    return mlflow.start_run(run_name="a_b")\n'),
        Valid('import mlflow\ndef runs():\n    run = mlflow.start_run(run_name="a_b")\n    yield run\n'),
        Valid('import contextlib, mlflow\nwith contextlib.ExitStack() as stack:\n    stack.enter_context(mlflow.start_run(run_name="a_b"))\n'),
        Valid('import mlflow\nrun = mlflow.start_run(run_name="a_b")\nwith run:\n    pass\n'),
        Valid(
            "import contextlib, mlflow\n"
            'run_context = contextlib.nullcontext() if mlflow.active_run() else mlflow.start_run(run_name="a_b")\n'
            "with run_context:\n    pass\n"
        ),
        Valid('import contextlib, mlflow\nwith (track and mlflow.start_run(run_name="a_b")) or contextlib.nullcontext():\n    pass\n'),
    ]
    VALID += [
        Valid(
            "import mlflow\nclass Tracked:\n    def __enter__(self):\n"
            '        self.run = mlflow.start_run(run_name="a_b").__enter__()\n        return self\n'
            "    def __exit__(self, *exc):\n        return self.run.__exit__(*exc)\n"
        ),
        Valid(
            "import mlflow\nclass Job:\n    def begin(self):\n"
            '        self._run = mlflow.start_run(run_name="a_b")\n        return self._run\n'
        ),
    ]
    INVALID = [
        Invalid(
            "import mlflow\nclass Tracked:\n    def __enter__(self):\n"
            '        self.run = mlflow.start_run(run_name="a_b").__enter__()\n        return self\n'
        ),
        Invalid(
            'import mlflow\nmlflow.start_run(run_name="a_b")\nmlflow.end_run()\n',
            fixed='import mlflow\nwith mlflow.start_run(run_name="a_b"):\n    pass\n',
            unsafe=True,
        ),
        Invalid(
            'import mlflow\ndef job():\n    run = mlflow.start_run(run_name="a_b")  # go\n    mlflow.log_param("run_id", run.info.run_id)\n'
            '    for x in range(3):\n        if x:\n            break\n    # done\n    mlflow.end_run()\n    print(run.info.run_id)\n',
            fixed='import mlflow\ndef job():\n    with mlflow.start_run(run_name="a_b") as run:  # go\n        mlflow.log_param("run_id", run.info.run_id)\n'
            '        for x in range(3):\n            if x:\n                break\n        # done\n    print(run.info.run_id)\n',
            unsafe=True,
        ),
        Invalid('import mlflow\ndef job(flag):\n    mlflow.start_run(run_name="a_b")\n    if flag:\n        return\n    mlflow.end_run()\n'),
        Invalid('import mlflow\nclass Job:\n    def begin(self):\n        self.run = mlflow.start_run(run_name="a_b")\n'),
        Invalid('import mlflow\nrun = mlflow.start_run(run_name="a_b")\nprint(run.info.run_id)\n'),
        Invalid('import mlflow\nrun = mlflow.start_run(run_name="a_b") if tracking else None\nprint(run)\n'),
    ]

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for site in ctx.calls(START_RUN):
            if not is_managed_run(site):
                yield ctx.report(
                    self.code,
                    site.node,
                    "run started outside a with block: it stays RUNNING if the process dies and is marked "
                    "FINISHED after an exception; use `with mlflow.start_run(...):`",
                    _with_block_fix(ctx, site),
                )


def _with_block_fix(ctx: ModuleContext, site: CallSite) -> Fix | None:
    """The fix that turns the start and its later ``end_run()`` into a ``with`` block, if safe."""
    statement, target = site.consumer, None
    if site.consumer_child is not site.node:
        return None
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name):
        target = statement.targets[0].id
    elif not isinstance(statement, ast.Expr):
        return None
    block = _block_of(site.scope.node, statement)
    if block is None:
        return None
    start = block.index(statement)
    end = next((j for j in range(start + 1, len(block)) if _is_end_run(ctx, block[j], site)), None)
    if end is None:
        return None
    between = block[start + 1 : end]
    if any(_can_leave(s) or _calls_end_run(ctx, s, site) for s in between):
        return None
    if not (_alone_on_its_lines(block, start) and _alone_on_its_lines(block, end)):
        return None
    return Fix(
        "Manage the run with a with block",
        Applicability.UNSAFE,
        (WrapInWith(Span.of(statement), Span.of(block[end]), target),),
    )


_STATEMENT_LISTS = ("body", "orelse", "finalbody")


def _block_of(scope_node: ast.AST, statement: ast.stmt) -> list[ast.stmt] | None:
    """The statement list (of ``scope_node``'s own scope) that holds ``statement``."""
    todo: list[ast.AST] = [scope_node]
    while todo:
        node = todo.pop()
        lists: list[list[ast.stmt]] = [getattr(node, name) for name in _STATEMENT_LISTS if isinstance(getattr(node, name, None), list)]
        lists += [handler.body for handler in getattr(node, "handlers", ())]
        lists += [case.body for case in getattr(node, "cases", ())]
        for statements in lists:
            for child in statements:
                if child is statement:
                    return statements
                if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    todo.append(child)
    return None


def _is_end_run(ctx: ModuleContext, statement: ast.stmt, site: CallSite) -> bool:
    """True for a statement that is just ``mlflow.end_run()`` (no status)."""
    if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)):
        return False
    call = statement.value
    return not call.args and not call.keywords and ctx.index.qualified_name(call.func, site.scope) == END_RUN


def _calls_end_run(ctx: ModuleContext, statement: ast.stmt, site: CallSite) -> bool:
    return any(
        isinstance(node, ast.Call) and ctx.index.qualified_name(node.func, site.scope) == END_RUN
        for node in [statement, *iter_scope_nodes(statement)]
    )


def _can_leave(statement: ast.stmt) -> bool:
    """True when ``statement`` can jump out of its block (return, yield, break/continue of an outer loop)."""
    todo: list[tuple[ast.AST, bool]] = [(statement, False)]
    while todo:
        node, in_loop = todo.pop()
        if isinstance(node, (ast.Return, ast.Yield, ast.YieldFrom)):
            return True
        if isinstance(node, (ast.Break, ast.Continue)) and not in_loop:
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        loop = isinstance(node, (ast.For, ast.AsyncFor, ast.While))
        for field_name, value in ast.iter_fields(node):
            children = value if isinstance(value, list) else [value]
            # A loop's ``else`` runs after the loop: a break there leaves the outer loop.
            inside = in_loop or (loop and field_name == "body")
            todo.extend((child, inside) for child in children if isinstance(child, ast.AST))
    return False


def _alone_on_its_lines(block: list[ast.stmt], index: int) -> bool:
    """False for ``a; b``: the fix moves whole lines."""
    statement = block[index]
    before = block[index - 1] if index > 0 else None
    after = block[index + 1] if index + 1 < len(block) else None
    if before is not None and before.end_lineno == statement.lineno:
        return False
    return after is None or after.lineno != statement.end_lineno
