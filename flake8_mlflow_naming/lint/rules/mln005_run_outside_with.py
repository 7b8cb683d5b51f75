"""MLN005: a run is started outside a ``with`` block."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..context import ModuleContext, is_managed_run
from ..findings import Applicability, Finding, Fix, NoFix, Span, WrapInWith
from ..mlflow_api import END_RUN, MISSING, START_RUN, is_none_or_empty
from ..resolve import CallSite, Scope, iter_scope_nodes
from .base import Invalid, Rule, Valid

NOT_ENDED_IN_CLASS = NoFix("the run is started in {method}() and no method of {owner} ends it")
NOT_A_STATEMENT = NoFix("the run is started inside an expression, not as a statement of its own")
NOT_A_NAME = NoFix("the run is held in {target}, not a local name a `with` can bind")
END_IN_ANOTHER_BLOCK = NoFix(
    "the mlflow.end_run() {at} is in another block, so no `with` can replace the pair; end the run in a `finally:`"
)
NO_END_RUN = NoFix("no plain mlflow.end_run() follows it in the same block of {where}, so where the run ends is not known")
END_WITH_STATUS = NoFix("the mlflow.end_run() {at} is given a status, which a `with` block would decide instead")
LEAVES_BLOCK = NoFix("the statement {at} can leave the block before mlflow.end_run() (return, yield, break or continue)")
ANOTHER_END = NoFix("another mlflow.end_run() {at} comes before the last one")
SHARES_A_LINE = NoFix("the start or the mlflow.end_run() {at} shares its line with another statement")


class RunOutsideWith(Rule):
    code = "MLN005"
    name = "run-outside-with"
    #: Last names of the MLflow APIs this rule matches (the prefilter and call index use them).
    apis = ("start_run",)
    summary = "A run is started outside a `with` block."
    what_it_does = """
        Reports `mlflow.start_run(...)` whose result is not managed by a `with` statement: not
        a `with` item (multi-item `with` blocks count, and so does the walrus
        `with (run := mlflow.start_run()):`), not returned or yielded (directly or through a
        local name), not passed straight into another call
        (`stack.enter_context(mlflow.start_run())`), and not assigned to a local name that a
        later `with` in the same scope uses. A branch of `x if c else y` or `a or b` counts as
        whatever uses the whole expression. `self.run = mlflow.start_run()` is reported, unless
        the same method returns `self.run` (the caller gets the run, as with a returned local)
        or the class manages it itself: started in its own `__enter__`
        (`self.run = mlflow.start_run().__enter__()`) and exited in its `__exit__`.

        A run started in one method of a class and ended in another (`mlflow.end_run()`,
        `MlflowClient.set_terminated`, `….__exit__(…)` in `close()`, `on_train_end`, an error
        hook) is not reported: framework callbacks and trackers (kedro hooks, accelerate,
        ignite, composer loggers) cannot hold a `with` across the calls their framework makes.
        A method that starts a run no method of its class ends is reported, and says so,
        unless it resumes one (`run_id=`): it restores a run whose owner ends it.
    """
    why_bad = """
        A run started without `with` is ended only by an explicit `end_run()`. When the code
        raises before it, MLflow's exit hook ends the run as FINISHED, so failed runs look
        successful; a `with` block ends it FAILED. (A killed process leaves the run RUNNING
        either way.)
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
        `end_run()` goes. An exception between them now ends the run FAILED instead of letting
        the exit hook mark it FINISHED, which is the point, but changes behaviour. Names assigned inside the block
        stay visible after it, so only control flow matters: the fix declines when a statement
        between can leave the block (`return`, `yield`, or `break`/`continue` of an enclosing
        loop), when another `end_run()` sits between, when `end_run()` is given a status, when
        the two are in different notebook cells, or when they share a line with other
        statements; the message then says which line stands in the way. Under a
        `run-wrapper`, MLN002 then rewrites the `with` onto the wrapper.
    """
    no_fix = (NOT_ENDED_IN_CLASS, NOT_A_STATEMENT, NOT_A_NAME, END_IN_ANOTHER_BLOCK, NO_END_RUN, END_WITH_STATUS, LEAVES_BLOCK, ANOTHER_END, SHARES_A_LINE)
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
    VALID += [
        Valid('import mlflow\nwith (run := mlflow.start_run(run_name="a_b")):\n    print(run.info.run_id)\n'),
        Valid('import contextlib, mlflow\nwith contextlib.nullcontext() as n, (run := mlflow.start_run(run_name="a_b")):\n    pass\n'),
        # A callback class: the framework calls the hook that starts the run and the one that ends it.
        Valid(
            "import mlflow\nclass MlflowHook:\n    def before_pipeline_run(self, run_params):\n"
            '        mlflow.start_run(run_name=run_params["name"])\n'
            "    def on_pipeline_error(self, error):\n        mlflow.end_run(mlflow.entities.RunStatus.to_string(mlflow.entities.RunStatus.FAILED))\n"
        ),
        Valid("import mlflow\nclass AutoML:\n    def fit(self):\n        mlflow.start_run(run_id=self.parent_run_id)\n"),
        Valid(
            "import mlflow\nclass Tracker:\n    def __init__(self, name):\n        self.active = mlflow.start_run(run_name=name)\n"
            "    def close(self):\n        self.active.__exit__(None, None, None)\n"
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
        Invalid(
            'import mlflow\ndef job(flag):\n    mlflow.start_run(run_name="a_b")\n    if flag:\n        return\n    mlflow.end_run()\n',
            message="no fix: the statement on line 4 can leave the block before mlflow.end_run()",
        ),
        Invalid(
            'import mlflow\nclass Job:\n    def begin(self):\n        self.run = mlflow.start_run(run_name="a_b")\n',
            message="no fix: the run is started in begin() and no method of Job ends it",
        ),
        Invalid(
            'import mlflow\ndef job():\n    mlflow.start_run(run_name="a_b")\n    train()\n    mlflow.end_run("KILLED")\n',
            message="the mlflow.end_run() on line 5 is given a status",
        ),
        Invalid(
            'import mlflow\nmlflow.start_run(run_name="a_b")\nif flag:\n    mlflow.end_run()\n',
            path="explore.ipynb",
            message="the mlflow.end_run() further down in the notebook is in another block",
        ),
        Invalid(
            'import mlflow\ndef job():\n    mlflow.start_run(run_name="a_b")\n    train()\n',
            message="FINISHED instead of FAILED",
        ),
        Invalid(
            'import mlflow\ndef job(flag):\n    if flag:\n        mlflow.start_run(run_name="a_b")\n    train()\n    mlflow.end_run()\n',
            message="the mlflow.end_run() on line 6 is in another block",
        ),
        Invalid('import mlflow\nrun = mlflow.start_run(run_name="a_b")\nprint(run.info.run_id)\n'),
        Invalid('import mlflow\nrun = mlflow.start_run(run_name="a_b") if tracking else None\nprint(run)\n'),
    ]

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for site in ctx.calls(START_RUN):
            if is_managed_run(site):
                continue
            method = _method_scope(site)
            ended_here = method is None or any(_ends_a_run(ctx, node, site.scope) for node in iter_scope_nodes(method.node))
            if not ended_here and (_ended_by_another_method(ctx, site) or _resumes(ctx, site)):
                # Hooks or close() own the run: no ``with`` can span methods. A method that
                # resumes a run (``run_id=``) and leaves it active restores its owner's run.
                continue
            if ctx.path.endswith(".ipynb"):
                # The kernel outlives a failing cell: the run stays active until it stops.
                message = (
                    "run started outside a with block: if a cell raises before end_run(), the run stays active "
                    "(the next start_run() raises 'already active') and ends FINISHED with the kernel; "
                    "use `with mlflow.start_run(...):` in one cell"
                )
            else:
                message = (
                    "run started outside a with block: if the code raises before end_run(), MLflow's exit hook "
                    "marks the run FINISHED instead of FAILED; use `with mlflow.start_run(...):`"
                )
            if ended_here:
                yield ctx.report(self.code, site.node, message, _with_block_fix(ctx, site))
            else:
                message += f", or end it with mlflow.end_run() in a method of {site.class_name} that always runs"
                yield ctx.report(self.code, site.node, message, NOT_ENDED_IN_CLASS.because(method=site.function, owner=site.class_name))


def _resumes(ctx: ModuleContext, site: CallSite) -> bool:
    """True when the call resumes an existing run (``run_id=`` given, not None)."""
    run_id = ctx.bind(site, START_RUN).get("run_id")
    return run_id is not MISSING and not is_none_or_empty(run_id)


def _at(ctx: ModuleContext, line: int) -> str:
    """Where ``line`` is, as a message says it: a notebook's module lines are not the lines
    its reader sees in a cell, so there only the direction is given."""
    return "further down in the notebook" if ctx.path.endswith(".ipynb") else f"on line {line}"


def _method_scope(site: CallSite) -> Scope | None:
    """The scope of the method ``site`` is in (a function directly in a class), or None."""
    owner = site.scope.parent
    if site.scope.kind == "function" and owner is not None and owner.kind == "class":
        return site.scope
    return None


def _ended_by_another_method(ctx: ModuleContext, site: CallSite) -> bool:
    """True when another method of the class that starts the run at ``site`` ends a run.

    Callback classes (framework hooks, trackers, loggers) start a run in one method and end
    it in another (``on_train_end``, ``close``, ``__exit__``, an error hook): no ``with`` can
    span them, and the framework's protocol decides when each runs, so the run is theirs to
    manage and is not reported. A run no method of its class ends is reported with that reason.
    """
    owner = site.scope.parent
    for statement in owner.node.body:  # type: ignore[union-attr]
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement is not site.scope.node:
            scope = _scope_of(ctx, statement) or site.scope
            if any(_ends_a_run(ctx, node, scope) for node in ast.walk(statement)):
                return True
    return False


#: Calls that end a run: MLflow's fluent ``end_run``, the client's ``set_terminated``, and a
#: context manager's ``__exit__`` (``self._run.__exit__(...)``).
_RUN_ENDERS = frozenset({END_RUN, "MlflowClient.set_terminated"})


def _ends_a_run(ctx: ModuleContext, node: ast.AST, scope: Scope) -> bool:
    """True for a call that ends a run (see ``_RUN_ENDERS``), resolved in ``scope``."""
    if not isinstance(node, ast.Call) or not isinstance(node.func, (ast.Name, ast.Attribute)):
        return False
    if isinstance(node.func, ast.Attribute) and node.func.attr in ("__exit__", "__aexit__", "set_terminated"):
        return True
    return ctx.index.qualified_name(node.func, scope) in _RUN_ENDERS


def _scope_of(ctx: ModuleContext, function: ast.AST) -> Scope | None:
    """The resolver's scope of ``function`` (one of its calls knows it), or None."""
    return next((other.scope for other in ctx.index.calls if other.scope.node is function), None)


def _with_block_fix(ctx: ModuleContext, site: CallSite) -> Fix | NoFix:
    """The fix that turns the start and its later ``end_run()`` into a ``with`` block, or why not."""
    statement, target = site.consumer, None
    if site.consumer_child is not site.node:
        return NOT_A_STATEMENT
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name):
        target = statement.targets[0].id
    elif isinstance(statement, (ast.Assign, ast.AnnAssign)):
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        return NOT_A_NAME.because(target=", ".join(ast.unparse(t) for t in targets))
    elif not isinstance(statement, ast.Expr):
        return NOT_A_STATEMENT
    block = _block_of(site.scope.node, statement)
    if block is None:
        return NOT_A_STATEMENT
    where = f"{site.function}()" if site.function else "the module"
    start = block.index(statement)
    end = next((j for j in range(start + 1, len(block)) if _is_end_run(ctx, block[j], site, any_status=True)), None)
    if end is None:
        later = [
            node.lineno
            for node in iter_scope_nodes(site.scope.node)
            if isinstance(node, ast.Call) and node.lineno > statement.lineno and _ends_a_run(ctx, node, site.scope)
        ]
        if later:
            return END_IN_ANOTHER_BLOCK.because(at=_at(ctx, min(later)))
        return NO_END_RUN.because(where=where)
    if not _is_end_run(ctx, block[end], site):
        return END_WITH_STATUS.because(at=_at(ctx, block[end].lineno))
    between = block[start + 1 : end]
    for other in between:
        if _calls_end_run(ctx, other, site):
            return ANOTHER_END.because(at=_at(ctx, other.lineno))
        if _can_leave(other):
            return LEAVES_BLOCK.because(at=_at(ctx, other.lineno))
    for index in (start, end):
        if not _alone_on_its_lines(block, index):
            return SHARES_A_LINE.because(at=_at(ctx, block[index].lineno))
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


def _is_end_run(ctx: ModuleContext, statement: ast.stmt, site: CallSite, any_status: bool = False) -> bool:
    """True for a statement that is just ``mlflow.end_run()`` (no status, unless ``any_status``)."""
    if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)):
        return False
    call = statement.value
    plain = any_status or (not call.args and not call.keywords)
    return plain and ctx.index.qualified_name(call.func, site.scope) == END_RUN


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
