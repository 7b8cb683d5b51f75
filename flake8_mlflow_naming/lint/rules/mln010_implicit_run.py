"""MLN010: module-level logging or autolog makes MLflow start runs nobody named."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..context import ModuleContext
from ..findings import Finding
from ..mlflow_api import (
    AUTOLOG_PARAMETERS,
    IMPLICIT_RUN_FUNCTIONS,
    RUN_CREATING_AUTOLOG_FUNCTIONS,
    START_RUN,
    literal_true,
)
from ..resolve import CallSite
from .base import Invalid, Rule, Valid

_ACTIVE_RUN = "mlflow.active_run"
_EVALUATE = frozenset({"mlflow.evaluate", "mlflow.models.evaluate"})


class ImplicitRun(Rule):
    code = "MLN010"
    name = "implicit-run"
    #: Last names of the MLflow APIs this rule matches (the prefilter and call index use them).
    #: ``start_run`` and ``create_run`` are asked for too: a module that calls them is silent.
    apis = (
        *(name.rsplit(".", 1)[-1] for name in IMPLICIT_RUN_FUNCTIONS),
        "autolog",
        "start_run",
        "create_run",
    )
    #: The rule also matches calls of the configured ``run-wrapper``.
    matches_wrapper = True
    summary = "Logging with no active run makes MLflow start a run with a generated name."
    what_it_does = """
        Reports the fluent calls that make MLflow start a run when none is active —
        `log_param(s)`, `log_metric(s)`, `set_tag(s)`, `log_artifact(s)`, `log_text`,
        `log_dict`, `log_figure`, `log_image`, `log_table`, `log_input`, `mlflow.evaluate` /
        `mlflow.models.evaluate` — and `mlflow.autolog()` / `mlflow.<flavor>.autolog()` for the
        flavors whose autolog starts runs (sklearn, tensorflow, keras, pytorch, lightgbm,
        xgboost, paddle, statsmodels, pyspark.ml, fastai, gluon; the GenAI integrations such as
        `mlflow.openai.autolog()` only record traces), where no
        run can be active: in module-level code (including `if __name__ == "__main__":` blocks
        and notebook cells), outside any `with` that manages a run, in a module that never
        starts a run (no `start_run`, team wrapper or `create_run` anywhere in it).
        `mlflow.run` / `mlflow.projects.run` do not count: the run they create is never
        active in the calling process. Every such call is reported, not only the first.

        Precision comes first, so these stay silent: a script an `MLproject` file (in its
        folder or the two above) runs as an entry point (`command: python train.py`), which
        logs into the run `mlflow run` started for it; code inside functions (a caller may hold
        the run), a `with` whose context manager's name mentions a run
        (`with tracking.run_scope(...)`), code under `if mlflow.active_run(...)`, calls given
        `run_id=` or `**kwargs`, `autolog(disable=True)`, autolog whose `extra_tags` set
        `mlflow.runName`, and modules that name the run with `set_tag("mlflow.runName", …)`
        (or may: a `set_tag` key or `set_tags` dict whose keys are not known).
    """
    why_bad = """
        The first such logging call starts a run called something like `clumsy-fish-158`; the
        later calls log into it. `mlflow.evaluate` starts such a run of its own for each call
        and ends it when it returns. With autolog, every `fit()` becomes its own randomly named run.
        Nobody can find these runs again by name.
    """
    example = """
        import mlflow

        mlflow.log_param("lr", 0.01)
        mlflow.log_metric("auc", 0.91)
    """
    use_instead = """
        import mlflow

        with mlflow.start_run(run_name="ctr_ranker_baseline"):
            mlflow.log_param("lr", 0.01)
            mlflow.log_metric("auc", 0.91)
    """
    fix_safety = "No automatic fix: which code belongs in the run is a decision for a person."
    options = """
        - `run-wrapper`: a module that calls the team wrapper starts runs, so it is silent;
          the message names the wrapper.
    """
    VALID = [
        Valid('import mlflow\nwith mlflow.start_run(run_name="a_b"):\n    mlflow.log_param("lr", 0.01)\n'),
        Valid('import mlflow\ndef log_scores(scores):\n    mlflow.log_metrics(scores)\n'),
        Valid('import mlflow\nmlflow.log_metric("auc", 0.9)\nwith mlflow.start_run(run_name="a_b"):\n    pass\n'),
        Valid('import mlflow\nmlflow.log_metric("auc", 0.9, run_id=run_id)\n'),
        Valid('import mlflow\nif mlflow.active_run():\n    mlflow.log_metric("auc", 0.9)\n'),
        Valid('import mlflow\nwith tracking.run_scope("ctr"):\n    mlflow.log_metric("auc", 0.9)\n'),
        Valid('import mlflow\nmlflow.autolog(disable=True)\n'),
        Valid('import mlflow\nmlflow.openai.autolog()\nclient.chat.completions.create(model="gpt-4o", messages=m)\n'),
        Valid('import mlflow\nmlflow.run(".", "main", run_name="a_b")\n'),
        Valid('import mlflow\nmlflow.set_tag("mlflow.runName", "ctr_ranker")\nmlflow.log_metric("auc", 0.9)\n'),
        # Tags whose keys are unknown may name the run, as start_run(tags=...) may (MLN001).
        Valid('import mlflow\nmlflow.set_tags(load_tags())\nmlflow.log_metric("auc", 0.9)\n'),
        Valid(
            'from ml_platform.tracking import production_run\nimport mlflow\nmlflow.log_metric("auc", 0.9)\n'
            'with production_run(run_name="a_b"):\n    pass\n',
            config={"run-wrapper": "ml_platform.tracking.production_run"},
        ),
    ]
    INVALID = [
        Invalid('import mlflow\nmlflow.log_param("lr", 0.01)\n', line=2, message="generated name"),
        Invalid(
            'import mlflow\nif __name__ == "__main__":\n    mlflow.log_metrics({"auc": 0.9})\n',
            line=3,
        ),
        Invalid('import mlflow\nmlflow.sklearn.autolog()\nmodel.fit(X, y)\n', line=2, message="extra_tags"),
        Invalid('import mlflow\nmlflow.run(".", "main")\nmlflow.log_metric("auc", 0.9)\n', line=3),
        Invalid(
            'import mlflow.models\nresult = mlflow.models.evaluate(model, data, targets="y")\n',
            line=2,
            message="and ends it when it returns",
        ),
        Invalid('import mlflow\nmlflow.set_tags({"team": "rec"})\n', line=2, message="later calls log into it"),
    ]

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        candidates = list(ctx.calls(*IMPLICIT_RUN_FUNCTIONS))
        autologs = [(name, site) for name, site in ctx.calls_matching(_is_autolog)]
        if not candidates and not autologs:
            return
        if ctx.is_project_entry_point or _starts_or_names_a_run(ctx):
            return  # an MLflow Project's entry point logs into the run `mlflow run` started
        exposed = _ExposedCalls(ctx).find()
        advice = f"`with mlflow.start_run(run_name=...)` (or {ctx.wrapper})" if ctx.wrapper else "`with mlflow.start_run(run_name=...)`"
        findings = []
        for site in candidates:
            if id(site.node) in exposed and not _logs_to_given_run(site):
                function = ctx.index.call_name(site)
                # evaluate() starts its run in a ``with`` of its own and ends it on return
                # (models/evaluation/base.py, _start_run_or_reuse_active_run); the logging
                # functions leave theirs active, so the calls after them log into it.
                after = "ends it when it returns" if function in _EVALUATE else "later calls log into it"
                findings.append(
                    ctx.report(
                        self.code,
                        site.node,
                        f"{function} with no active run makes MLflow start a run with a generated name "
                        f"(like 'clumsy-fish-158') and {after}; wrap this code in {advice}",
                    )
                )
        for function, site in autologs:
            if id(site.node) in exposed and not _autolog_names_or_disables(ctx, site):
                findings.append(
                    ctx.report(
                        self.code,
                        site.node,
                        f"{function}() in a module that never starts a run: every fit() becomes a run with a "
                        f"generated name; start a named run around training with {advice}, or pass "
                        'extra_tags={"mlflow.runName": ...} (one fixed name for every run)',
                    )
                )
        yield from sorted(findings)


def _is_autolog(name: str) -> bool:
    return name in RUN_CREATING_AUTOLOG_FUNCTIONS


def _starts_or_names_a_run(ctx: ModuleContext) -> bool:
    """True when the module starts a run anywhere, or names the run MLflow starts for it."""
    if next(ctx.run_starts(), None) is not None or next(ctx.client_calls("create_run"), None) is not None:
        return True
    return any(ctx.sets_run_name(site) for site in ctx.calls("mlflow.set_tag", "mlflow.set_tags"))


def _logs_to_given_run(site: CallSite) -> bool:
    """True when the call names its run (``run_id=``) or may, through ``**kwargs``."""
    return any(keyword.arg in (None, "run_id") for keyword in site.node.keywords)


def _autolog_names_or_disables(ctx: ModuleContext, site: CallSite) -> bool:
    keywords = {keyword.arg: keyword.value for keyword in site.node.keywords}
    args = site.node.args
    # ``disable`` sits at index 4 or 5 (2.19 inserted log_traces): so many positionals may hold it.
    if None in keywords or len(args) > len(AUTOLOG_PARAMETERS) or any(isinstance(arg, ast.Starred) for arg in args):
        return True
    if "disable" in keywords and literal_true(keywords["disable"]) is not False:
        return True  # disable=True, or a value we cannot know
    tags = keywords.get("extra_tags")
    if tags is not None:
        known = ctx.known_dict(tags, site.scope)
        return known is None or ctx.dict_sets_run_name(known, site.scope)
    return False


class _ExposedCalls:
    """The calls in module-level code where no run can be active.

    Walks the module's statements without entering functions, classes or lambdas, and
    leaves out ``with`` blocks that manage a run and code guarded by ``mlflow.active_run()``.
    """

    def __init__(self, ctx: ModuleContext) -> None:
        self.ctx = ctx
        self.found: set[int] = set()

    def find(self) -> set[int]:
        self.statements(self.ctx.tree.body)
        return self.found

    def statements(self, body: list[ast.stmt]) -> None:
        for statement in body:
            self.statement(statement)

    def statement(self, node: ast.stmt) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return
        if isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                self.expression(item.context_expr)
            if not any(_manages_run(item.context_expr) for item in node.items):
                self.statements(node.body)
        elif isinstance(node, (ast.If, ast.While)):
            self.expression(node.test)
            if not self.asks_for_active_run(node.test):
                self.statements(node.body)
                self.statements(node.orelse)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            self.expression(node.iter)
            self.statements(node.body)
            self.statements(node.orelse)
        elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            for part in (node.body, *(h.body for h in node.handlers), node.orelse, node.finalbody):  # type: ignore[attr-defined]
                self.statements(part)
        elif type(node).__name__ == "Match":
            self.expression(node.subject)  # type: ignore[attr-defined]
            for case in node.cases:  # type: ignore[attr-defined]
                self.statements(case.body)
        else:
            self.expression(node)

    def expression(self, node: ast.AST) -> None:
        todo = [node]
        while todo:
            current = todo.pop()
            if isinstance(current, ast.Call):
                self.found.add(id(current))
            if isinstance(current, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            todo.extend(ast.iter_child_nodes(current))

    def asks_for_active_run(self, test: ast.expr) -> bool:
        scope = self.ctx.index.module_scope
        return any(
            isinstance(node, ast.Call) and self.ctx.index.qualified_name(node.func, scope) in (_ACTIVE_RUN, START_RUN)
            for node in ast.walk(test)
        )


def _manages_run(expr: ast.expr) -> bool:
    """True when a ``with`` item may hold a run: its name (or its callee's) mentions one."""
    target = expr.func if isinstance(expr, ast.Call) else expr
    name = target.attr if isinstance(target, ast.Attribute) else target.id if isinstance(target, ast.Name) else ""
    return "run" in name.lower()
