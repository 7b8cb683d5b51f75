"""MLN009: a LoggedModel name holds a character MLflow 3 refuses at run time."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from ...naming import replace_characters
from ..context import ModuleContext, literal_string, template_parts
from ..findings import Applicability, Edit, Finding, Fix, PositionalToKeyword, RenameKeyword, ReplaceString, Span
from ..mlflow_api import (
    CLIENT_PREFIX,
    LOG_MODEL_ARTIFACT_PATH_INDEX,
    LOG_MODEL_WITHOUT_NAME,
    LOGGED_MODEL_NAME_FORBIDDEN,
    SIGNATURES,
    flavor_of,
)
from ..resolve import CallSite
from ..values import name_nodes, remote_value
from .base import Invalid, Rule, Valid

_SHOWN = " ".join(LOGGED_MODEL_NAME_FORBIDDEN)


@dataclass(frozen=True)
class _NameArgument:
    """One expression MLflow 3 uses as a LoggedModel name, and how it was passed."""

    site: CallSite
    function: str
    value: ast.expr
    #: "name" (already ``name=`` or the function's own name parameter), "artifact_path"
    #: (by keyword) or "positional" (log_model's artifact_path slot).
    passed_as: str
    #: For "positional": the parameter names up to the slot, ending with ``name``.
    slot_parameters: tuple[str, ...] = ()


class InvalidLoggedModelName(Rule):
    code = "MLN009"
    name = "invalid-logged-model-name"
    #: Last names of the MLflow APIs this rule matches (the prefilter and call index use them).
    apis = ("log_model", "initialize_logged_model", "create_external_model", "set_active_model", "create_logged_model")
    summary = "A LoggedModel name contains a character MLflow 3 rejects at run time."
    what_it_does = """
        From MLflow 3.0 on, the `name` (or the deprecated `artifact_path`) of
        `mlflow.<flavor>.log_model` names a LoggedModel, and MLflow raises when that name
        contains `/ : . % " '`. The rule checks `name=`, `artifact_path=` and the positional
        artifact-path slot of every flavor's `log_model` (except `mlflow.spark.log_model`,
        which still takes a path), `mlflow.initialize_logged_model(name)`,
        `mlflow.create_external_model(name)`, `mlflow.set_active_model(name=)` and
        `MlflowClient.create_logged_model(experiment_id, name)`. Literals, module constants and
        the literal parts of f-strings are checked; f-string fields are unknown.

        With `mlflow-version` 2 or 2.x nothing is reported: there the argument is a path
        inside the run's artifacts, where `/` is legal.
    """
    why_bad = """
        `mlflow.sklearn.log_model(model, "models/churn")` was fine in MLflow 2. In MLflow 3 it
        raises `Invalid model name ('models/churn') provided. Model name must not contain any of
        the following characters: ['/', ':', '.', '%', '"', "'"]` — after training has
        finished, so the model of a long job is lost.
    """
    example = """
        mlflow.sklearn.log_model(model, "models/churn.v2")
    """
    use_instead = """
        mlflow.sklearn.log_model(model, name="churn_v2")
    """
    fix_safety = """
        Each run of forbidden characters is replaced with one `_` (`models/churn.v2` →
        `models_churn_v2`), exactly as the gate renames a LoggedModel. **Safe** when the argument is already
        `name=` (the call could only raise before). **Unsafe** otherwise, because
        `artifact_path=` (or the positional slot) is turned into `name=` too, which moves the
        model to a new place in the artifacts; and whenever the name is a module constant that
        other code may read. f-strings have no fix.
    """
    options = """
        - `mlflow-version` (default `"3"`, the newest 3.x): the MLflow the code runs on. Every
          3.x release rejects all six characters (the set has not changed since 3.0.0rc0);
          2.x versions report nothing.
    """
    VALID = [
        Valid('import mlflow\nmlflow.sklearn.log_model(model, name="churn_v2")\n'),
        Valid('import mlflow\nmlflow.spark.log_model(model, "models/churn")\n'),
        Valid('import mlflow\nmlflow.sklearn.log_model(model, "models/churn")\n', config={"mlflow-version": "2.22"}),
        Valid('import mlflow\nmlflow.pytorch.log_model(model, name=f"{arch}_{epoch}")\n'),
        Valid('import mlflow\nmlflow.log_artifact("models/churn.pkl", "models/churn")\n'),
    ]
    INVALID = [
        Invalid(
            'import mlflow\nmlflow.sklearn.log_model(model, name="models/churn")\n',
            fixed='import mlflow\nmlflow.sklearn.log_model(model, name="models_churn")\n',
            message="'/'",
        ),
        Invalid(
            'import mlflow\nmlflow.sklearn.log_model(model, name="churn_model_/v2")\n',
            fixed='import mlflow\nmlflow.sklearn.log_model(model, name="churn_model_v2")\n',
        ),
        Invalid(
            'import mlflow\nmlflow.xgboost.log_model(model, artifact_path="model.v1")\n',
            fixed='import mlflow\nmlflow.xgboost.log_model(model, name="model_v1")\n',
            unsafe=True,
        ),
        Invalid(
            'import mlflow\nmlflow.sklearn.log_model(model, "models/churn")\n',
            fixed='import mlflow\nmlflow.sklearn.log_model(model, name="models_churn")\n',
            unsafe=True,
        ),
        Invalid(
            'import mlflow\nmlflow.pyfunc.log_model("agent:v1", python_model=agent)\n',
            fixed='import mlflow\nmlflow.pyfunc.log_model(name="agent_v1", python_model=agent)\n',
            unsafe=True,
        ),
        Invalid(
            "import mlflow\nmlflow.set_active_model(name=\"chatbot's model\")\n",
            fixed="import mlflow\nmlflow.set_active_model(name=\"chatbot_s model\")\n",
            message="\"'\"",
        ),
        Invalid(
            'import mlflow\nmlflow.initialize_logged_model("100% recall")\n',
            fixed='import mlflow\nmlflow.initialize_logged_model("100_ recall")\n',
            config={"mlflow-version": "3.5"},
        ),
        Invalid(
            'from mlflow import MlflowClient\nMlflowClient().create_logged_model("0", "ranker.onnx")\n',
            fixed='from mlflow import MlflowClient\nMlflowClient().create_logged_model("0", "ranker_onnx")\n',
        ),
        Invalid('import mlflow\nmlflow.keras.log_model(model, name=f"checkpoints/{epoch}")\n'),
    ]

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        if ctx.mlflow_versions.major < 3:
            return  # 2.x: the argument is a path in the run's artifacts, where '/' is legal
        reported: set[int] = set()
        for argument in _name_arguments(ctx):
            if remote_value(ctx, argument.site, argument.value) is not None:
                continue  # a storage URI where a name belongs: MLN004 reports it, once
            for node in name_nodes(ctx, argument.site, argument.value):
                if id(node) in reported:
                    continue
                finding = _finding(ctx, self.code, argument, node)
                if finding is not None:
                    reported.add(id(node))
                    yield finding


def _finding(ctx: ModuleContext, code: str, argument: _NameArgument, node: ast.expr) -> Finding | None:
    text = literal_string(node)
    parts = template_parts(node)
    known = text if text is not None else "".join(p for p in parts or () if p is not None)
    bad = [character for character in LOGGED_MODEL_NAME_FORBIDDEN if character in known]
    if not bad:
        return None
    listed = ", ".join(repr(character) for character in bad)
    if text is None:
        shown = "".join("{…}" if p is None else p for p in parts or ())
        message = f'LoggedModel name f"{shown}" contains {listed}: MLflow 3 raises in {argument.function} for any of {_SHOWN}'
        return ctx.report(code, node, message)
    better = replace_characters(text, LOGGED_MODEL_NAME_FORBIDDEN)
    message = f"LoggedModel name {text!r} contains {listed}: MLflow 3 raises in {argument.function} for any of {_SHOWN}; use name={better!r}"
    edits: list[Edit] = [ReplaceString(Span.of(node), better)]
    call = Span.of(argument.site.node)
    if argument.passed_as == "artifact_path":
        edits.append(RenameKeyword(call, "artifact_path", "name"))
    elif argument.passed_as == "positional" and len(argument.site.node.args) == len(argument.slot_parameters):
        edits.append(PositionalToKeyword(call, argument.slot_parameters, len(argument.slot_parameters) - 1))
    safe = argument.passed_as == "name" and node is argument.value
    fix = Fix(f"Use name={better!r}", Applicability.SAFE if safe else Applicability.UNSAFE, tuple(edits))
    return ctx.report(code, node, message, fix)


def _name_arguments(ctx: ModuleContext) -> Iterator[_NameArgument]:
    """Every expression MLflow 3 turns into a LoggedModel name."""
    for function, site in ctx.calls_matching(lambda n: flavor_of(n, "log_model") is not None):
        flavor = flavor_of(function, "log_model")
        if flavor in LOG_MODEL_WITHOUT_NAME:
            continue
        call = site.node
        for keyword in call.keywords:
            if keyword.arg in ("name", "artifact_path"):
                yield _NameArgument(site, function, keyword.value, keyword.arg)
        index = _artifact_path_slot(ctx, site, function, flavor)  # type: ignore[arg-type]
        if index is not None:
            slot = (*(f"_{position}" for position in range(index)), "name")
            yield _NameArgument(site, function, call.args[index], "positional", slot)
    for function in (
        "mlflow.initialize_logged_model",
        "mlflow.create_external_model",
        "mlflow.set_active_model",
        CLIENT_PREFIX + "create_logged_model",
    ):
        for site in ctx.calls(function):
            value = ctx.bind(site, function).get("name")
            if isinstance(value, ast.expr):
                yield _NameArgument(site, function, value, "name")


def _artifact_path_slot(ctx: ModuleContext, site: CallSite, function: str, flavor: str) -> int | None:
    """The index the call passes ``artifact_path`` at positionally, or None.

    From the configured versions' signatures when the tables know the flavor; otherwise from
    the index every 3.x flavor keeps (1; pyfunc 0, openai 2, diffusers 3).
    """
    if function in SIGNATURES:
        return ctx.bind(site, function).position_of("artifact_path")
    index = LOG_MODEL_ARTIFACT_PATH_INDEX.get(flavor, 1)
    args = site.node.args
    if index is None or index >= len(args) or any(isinstance(a, ast.Starred) for a in args[: index + 1]):
        return None
    return index
