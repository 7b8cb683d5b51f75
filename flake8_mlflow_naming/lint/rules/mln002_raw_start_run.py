"""MLN002: ``mlflow.start_run`` is called directly where the team wrapper is required."""

from __future__ import annotations

import ast
import builtins
import re
from collections.abc import Iterator

from ..context import ModuleContext, is_managed_run
from ..findings import (
    AddImport,
    Applicability,
    Edit,
    Finding,
    Fix,
    NoFix,
    PositionalToKeyword,
    PrependArguments,
    RemoveImportIfUnused,
    ReplaceCallee,
    SetKeyword,
    Span,
)
from ..mlflow_api import START_RUN
from ..resolve import CallSite
from .base import VERSION_DEPENDENT_SLOT, WRAPPER_TAKES_NO, Invalid, Rule, Valid

_WRAPPER = {"run-wrapper": "ml_platform.tracking.production_run"}
STARRED_ARGUMENTS = NoFix("start_run(*args) cannot be matched to the wrapper's parameters")
NOT_MANAGED = NoFix("the run is not managed by a `with` block, and the wrapper starts a run only when entered (MLN005 first)")
WRAPPER_NO_KWARGS = NoFix("the wrapper {signature} takes no **kwargs")
NAME_FIRST = NoFix("the wrapper requires run_name: name the run first (MLN001)")
WRAPPER_NEEDS = NoFix(
    'the wrapper {signature} requires {parameter}, which start_run does not have: set '
    '[tool.mlflow-naming.wrapper-arguments] {parameter} = "module:expression"'
)
NO_FREE_NAME = NoFix("no free name to import the wrapper under")


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
        ones become keywords), the parameters listed in `wrapper-arguments` added, its import
        added (under an alias when the name is taken by another import or a local definition),
        and the import that reached `start_run` removed when nothing else uses it. The wrapper
        adds tags and validation, which changes behaviour. The fix never writes a call the
        wrapper's signature rejects: a required parameter without a source, or a keyword the
        wrapper does not take, leaves the finding with a message naming what to set. Only runs
        managed by a `with` block (or returned, or passed to `enter_context`) are rewritten: a
        wrapper that is a context manager starts nothing when merely called, so a bare
        `start_run()` statement first becomes a `with` block (MLN005's fix).
    """
    options = """
        - `mlflow-version` (default `"3"`): positional arguments are bound with that release's
          signatures; a slot the covered releases disagree on is not judged.
        - `run-wrapper` (dotted path, e.g. `ml_platform.tracking.production_run`, or a list of
          its names): enables the rule.
        - `run-wrapper-signature` / `wrapper-source`: the wrapper's parameters when its source
          is not found below the pyproject's folder.
        - `wrapper-arguments` (table of parameter = `"module:expression"`): what the fix passes
          that `start_run` does not have.
        - `wrapper-exempt` (globs, relative to the pyproject.toml): files where raw calls are allowed.
    """
    no_fix = (STARRED_ARGUMENTS, NOT_MANAGED, VERSION_DEPENDENT_SLOT, WRAPPER_NO_KWARGS, WRAPPER_TAKES_NO, NAME_FIRST, WRAPPER_NEEDS, NO_FREE_NAME)
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
        for site in ctx.calls(START_RUN):
            message = f"mlflow.start_run called directly; use the team wrapper {wrapper} so the run gets its standard tags"
            if any(isinstance(arg, ast.Starred) for arg in site.node.args):
                yield ctx.report(self.code, site.node, message, STARRED_ARGUMENTS)
            elif not is_managed_run(site):
                # As a context manager the wrapper starts nothing unless a ``with`` enters it.
                yield ctx.report(self.code, site.node, message, NOT_MANAGED)
            else:
                yield ctx.report(self.code, site.node, message, _wrapper_fix(ctx, site))


def _wrapper_fix(ctx: ModuleContext, site: CallSite) -> Fix | NoFix:
    """The rewrite onto the wrapper, or why not when its signature would reject the call."""
    config = ctx.config
    signature = config.wrapper_signature
    wrapper = config.run_wrapper
    assert wrapper is not None
    shown = f"{wrapper.rpartition('.')[2]}{signature.describe()}"
    names = ctx.bind(site, START_RUN).keywords_from(0) if site.node.args else ()
    if names is None:
        # The configured MLflow version leaves some positional slot ambiguous
        # (parent_run_id arrived at index 4 in 2.15): do not guess its keyword.
        return VERSION_DEPENDENT_SLOT
    passed = list(names[: len(site.node.args)])
    passed += [k.arg for k in site.node.keywords if k.arg is not None]
    spreads = any(k.arg is None for k in site.node.keywords)
    if spreads and not signature.var_keyword:
        return WRAPPER_NO_KWARGS.because(signature=shown)
    for name in passed:
        if not signature.accepts_keyword(name):
            return WRAPPER_TAKES_NO.because(signature=shown, parameter=name)
    arguments = {parameter: (module, expression) for parameter, module, expression in config.wrapper_arguments}
    for parameter in sorted(signature.required - set(passed) - set(arguments)):
        if spreads and parameter not in signature.positional_only:
            continue  # ``**kwargs`` may carry it
        if parameter == "run_name":
            return NAME_FIRST
        return WRAPPER_NEEDS.because(signature=shown, parameter=parameter)
    callee = ctx.wrapper_import_name()
    if callee is None:
        return NO_FREE_NAME
    module, _, function = wrapper.rpartition(".")
    local, needs_import = callee
    span = Span.of(site.node)
    edits: list[Edit] = []
    if site.node.args:
        edits.append(PositionalToKeyword(span, names, 0))
    taken = set(ctx.identifiers) | {local}
    positional: list[str] = []
    for parameter in (*signature.positional_only, *signature.positional, *signature.keyword_only):
        if parameter in passed or parameter not in arguments:
            continue
        source_module, expression = arguments[parameter]
        expression, import_edit = _argument_import(ctx, source_module, expression, taken)
        if import_edit is not None:
            edits.append(import_edit)
        if parameter in signature.positional_only:
            positional.append(expression)
        else:
            edits.append(SetKeyword(span, parameter, expression))
    if positional:
        edits.append(PrependArguments(span, tuple(positional)))
    edits.append(ReplaceCallee(span, local))
    if needs_import:
        edits.append(AddImport(module, function, None if local == function else local))
    import_form = ctx.index.import_behind(site.node.func, site.scope)
    if import_form is not None:
        root = site.node.func
        while isinstance(root, ast.Attribute):
            root = root.value
        assert isinstance(root, ast.Name)
        edits.append(RemoveImportIfUnused(*import_form, uses=ctx.uses_of_import(root.id)))
    return Fix(f"Call {local} instead", Applicability.UNSAFE, tuple(edits))


def _argument_import(ctx: ModuleContext, module: str, expression: str, taken: set[str]) -> tuple[str, AddImport | None]:
    """``expression`` with its leading name imported from ``module`` (aliased if that name is taken)."""
    head = re.match(r"[A-Za-z_]\w*", expression)
    assert head is not None  # checked when the configuration was read
    name = head.group(0)
    for local, bindings in ctx.index.module_scope.bindings.items():
        if all(b.imported == f"{module}.{name}" for b in bindings):
            return local + expression[len(name) :], None
    local = name
    number = 1
    while local in taken or local in dir(builtins):
        number += 1
        local = f"{module.split('.')[0]}_{name}" + (f"_{number}" if number > 2 else "")
    taken.add(local)
    return local + expression[len(name) :], AddImport(module, name, None if local == name else local)
