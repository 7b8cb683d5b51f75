"""MLN002: ``mlflow.start_run`` is called directly where the team wrapper is required."""

from __future__ import annotations

import ast
from typing import Iterator

from ..mlflow_api import START_RUN
from ..context import ModuleContext, is_managed_run
from ..findings import AddImport, Applicability, Finding, Fix, PositionalToKeyword, RemoveImportIfUnused, ReplaceCallee, Span
from .base import Invalid, Rule, Valid

_WRAPPER = {"run-wrapper": "ml_platform.tracking.production_run"}


class RawStartRun(Rule):
    code = "MLN002"
    name = "raw-start-run"
    #: Last names of the MLflow APIs this rule matches (the prefilter and call index use them).
    apis = ("start_run",)
    summary = "`mlflow.start_run` is called directly where the team wrapper is required."
    what_it_does = """
        When `run-wrapper` is configured, reports every direct call of `mlflow.start_run`
        (whatever the import style), except in the module that defines the wrapper and in files
        matching `wrapper-exempt`.
    """
    why_bad = """
        The team wrapper stamps the git commit, data set, owner and status on every run and
        validates the name. A raw `start_run` skips all of it, so the run cannot be traced back
        to the code and data that produced it.
    """
    example = """
        import mlflow

        with mlflow.start_run(run_name="resnet50_baseline"):
            ...
    """
    use_instead = """
        from ml_platform.tracking import production_run

        with production_run(run_name="resnet50_baseline"):
            ...
    """
    fix_safety = """
        **Unsafe**: the call is rewritten to the wrapper with every argument kept (positional
        ones become keywords), its import is added, and the import that reached `start_run`
        is removed when nothing else uses it. The wrapper adds tags and validation, which
        changes behaviour. Only runs managed by a `with` block (or returned, or passed to
        `enter_context`) are rewritten: a wrapper that is a context manager starts nothing
        when merely called, so a bare `start_run()` statement needs a person (see MLN005).
    """
    options = """
        - `mlflow-version` (default `"3"`): positional arguments are bound with that release's
          signatures; a slot the covered releases disagree on is not judged.
        - `run-wrapper` (dotted path, e.g. `ml_platform.tracking.production_run`): enables the rule.
        - `wrapper-exempt` (globs, relative to the pyproject.toml): files where raw calls are allowed.
    """
    VALID = [
        Valid('import mlflow\nwith mlflow.start_run(run_name="a_b"):\n    pass\n'),
        Valid(
            'from ml_platform.tracking import production_run\nwith production_run(run_name="a_b"):\n    pass\n',
            config=_WRAPPER,
        ),
        Valid('import mlflow\nwith mlflow.start_run(run_name="a_b"):\n    pass\n', config=_WRAPPER, path="ml_platform/tracking.py"),
        Valid(
            'import mlflow\nwith mlflow.start_run(run_name="a_b"):\n    pass\n',
            config={**_WRAPPER, "wrapper-exempt": ["scripts/*"]},
            path="scripts/one_off.py",
        ),
    ]
    INVALID = [
        Invalid(
            'import mlflow\nwith mlflow.start_run(run_name="a_b"):\n    pass\n',
            fixed='from ml_platform.tracking import production_run\n\nwith production_run(run_name="a_b"):\n    pass\n',
            config=_WRAPPER,
            unsafe=True,
        ),
        Invalid(
            'import mlflow as mf\nwith mf.start_run(None, "7", "a_b"):\n    mf.log_metric("loss", 0.1)\n',
            fixed=(
                "import mlflow as mf\nfrom ml_platform.tracking import production_run\n\n"
                'with production_run(run_id=None, experiment_id="7", run_name="a_b"):\n    mf.log_metric("loss", 0.1)\n'
            ),
            config=_WRAPPER,
            unsafe=True,
        ),
        # On 2.x, index 4 is tags before 2.15 and parent_run_id after: no fix may guess.
        Invalid(
            'import mlflow\nwith mlflow.start_run(None, "1", "ok_name", False, {"team": "a"}, "desc"):\n    pass\n',
            config={**_WRAPPER, "mlflow-version": "2"},
        ),
    ]

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        wrapper = ctx.config.run_wrapper
        if not wrapper or ctx.config.is_wrapper_exempt(ctx.path):
            return
        module, _, function = wrapper.rpartition(".")
        for site in ctx.calls(START_RUN):
            message = f"mlflow.start_run called directly; use the team wrapper {wrapper} so the run gets its standard tags"
            if any(isinstance(arg, ast.Starred) for arg in site.node.args) or not is_managed_run(site):
                # The wrapper cannot take start_run's *args, and as a context manager it
                # starts nothing unless a ``with`` enters it: leave those to a person.
                yield ctx.report(self.code, site.node, message)
                continue
            edits: list = []
            names = ctx.bind(site, START_RUN).keywords_from(0) if site.node.args else ()
            if names is None:
                # The configured MLflow version leaves some positional slot ambiguous
                # (parent_run_id arrived at index 4 in 2.15): do not guess its keyword.
                yield ctx.report(self.code, site.node, message)
                continue
            if site.node.args:
                edits.append(PositionalToKeyword(Span.of(site.node), names, 0))
            edits += [ReplaceCallee(Span.of(site.node), function), AddImport(module, function)]
            import_form = ctx.index.import_behind(site.node.func, site.scope)
            if import_form is not None:
                edits.append(RemoveImportIfUnused(*import_form))
            fix = Fix(f"Call {function} instead", Applicability.UNSAFE, tuple(edits))
            yield ctx.report(self.code, site.node, message, fix)
