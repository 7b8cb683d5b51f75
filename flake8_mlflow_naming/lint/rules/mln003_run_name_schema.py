"""MLN003: a run name literal breaks the naming schema."""

from __future__ import annotations

import ast
from typing import Iterator

from ..context import ModuleContext
from ..findings import Finding
from ..resolve import CallSite
from ..mlflow_api import (
    CLIENT_SET_TAG_PARAMETERS,
    CLIENT_UPDATE_RUN_PARAMETERS,
    CREATE_RUN_PARAMETERS,
    FLUENT_SET_TAG_PARAMETERS,
    FLUENT_SET_TAGS_PARAMETERS,
    START_RUN_PARAMETERS,
    WRAPPER_PARAMETERS,
    bind,
    is_none_or_empty,
)
from ..values import name_findings
from .base import Invalid, Rule, Valid


class RunNameSchema(Rule):
    code = "MLN003"
    name = "run-name-schema"
    #: Last names of the MLflow APIs this rule matches (the prefilter and call index use them).
    apis = ("start_run", "create_run", "set_tag", "set_tags", "update_run")
    #: The rule also matches calls of the configured ``run-wrapper``.
    matches_wrapper = True
    summary = "A run name literal does not match the team's naming schema."
    what_it_does = """
        Checks every string literal given as a run name against `run-name-regex` (full match)
        and `run-name-max-length`: `run_name=` of `start_run`, `create_run` and the team wrapper;
        `set_tag("mlflow.runName", …)`; `set_tags({"mlflow.runName": …})`;
        `tags={"mlflow.runName": …}`; `MlflowClient.set_tag(run_id, "mlflow.runName", …)`;
        `MlflowClient.update_run(run_id, name=…)`. A module-level name assigned exactly once to
        a literal counts as that literal, and is reported at the literal.

        In an f-string each replacement field may hold anything: `f"trial_{i:04d}"` is accepted
        because some value makes it match; `f"Trial {i}"` is reported because none can.
    """
    why_bad = """
        Names that drift from the schema (`{model_family}_{hypothesis}_{variant}_{date}` or
        similar) cannot be searched, sorted or parsed, and a name shaped like MLflow's generated
        ones (`clumsy-fish-158`) is indistinguishable from an unnamed run.
    """
    example = """
        with mlflow.start_run(run_name="ResNet50 v1 lr=0.01"):
            ...
    """
    use_instead = """
        with mlflow.start_run(run_name="resnet50_v1_lr_0_01"):
            ...
    """
    fix_safety = """
        **Unsafe**: a plain literal is replaced by its snake_case normalisation when that
        matches the schema (the stored name changes). f-strings and names that cannot be
        normalised have no fix.
    """
    options = """
        - `run-name-regex` (default `^[a-z][a-z0-9]*(_[a-z0-9]+)+$`: lowercase snake_case with
          at least two parts).
        - `run-name-max-length` (default 80).
    """
    VALID = [
        Valid('import mlflow\nwith mlflow.start_run(run_name="resnet50_baseline"):\n    pass\n'),
        Valid('import mlflow\nfor i in range(3):\n    with mlflow.start_run(run_name=f"trial_{i:04d}"):\n        pass\n'),
        Valid('import mlflow\nwith mlflow.start_run(run_name=f"{model}_{i}"):\n    pass\n'),
        Valid(
            'import mlflow\nwith mlflow.start_run(run_name="Exp-42"):\n    pass\n',
            config={"run-name-regex": "^[A-Z][a-z]+-[0-9]+$"},
        ),
        Valid('import mlflow\nmlflow.set_tag("team", "Vision Team")\n'),
    ]
    INVALID = [
        Invalid(
            'import mlflow\nwith mlflow.start_run(run_name="ResNet50 v1 lr=0.01"):\n    pass\n',
            fixed='import mlflow\nwith mlflow.start_run(run_name="resnet50_v1_lr_0_01"):\n    pass\n',
            unsafe=True,
        ),
        Invalid(
            'import mlflow\nfor i in range(3):\n    with mlflow.start_run(run_name=f"Trial {i}"):\n        pass\n',
            message="whatever its fields hold",
        ),
        Invalid('import mlflow\nwith mlflow.start_run(run_name=f"{model}-{i}"):\n    pass\n'),
        Invalid(
            "import mlflow\nRUN = 'clumsy-fish-158'\nwith mlflow.start_run(run_name=RUN):\n    pass\n",
            fixed="import mlflow\nRUN = 'clumsy_fish_158'\nwith mlflow.start_run(run_name=RUN):\n    pass\n",
            unsafe=True,
            line=2,  # reported at the constant's literal, where the fix edits
            message="looks like a name MLflow generates",
        ),
        Invalid(
            'import mlflow\nmlflow.set_tag("mlflow.runName", "Final Model")\n',
            fixed='import mlflow\nmlflow.set_tag("mlflow.runName", "final_model")\n',
            unsafe=True,
        ),
        Invalid(
            "from mlflow import MlflowClient\nMlflowClient().update_run(run_id, name='Nightly')\n",
            fixed="from mlflow import MlflowClient\nMlflowClient().update_run(run_id, name='nightly_run')\n",
            unsafe=True,
        ),
    ]

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        return name_findings(ctx, self.code, _run_name_values(ctx), ctx.config.schema, "run name")


def _run_name_values(ctx: ModuleContext) -> Iterator[tuple[CallSite, ast.expr]]:
    """Every expression given as a run name, with its call site."""
    for site in ctx.run_starts():
        parameters = WRAPPER_PARAMETERS if ctx.is_wrapper(site) else START_RUN_PARAMETERS
        yield from _from_arguments(ctx, site, parameters, "run_name")
    for site in ctx.client_calls("create_run"):
        yield from _from_arguments(ctx, site, CREATE_RUN_PARAMETERS, "run_name")
    for site in ctx.calls("mlflow.set_tag"):
        yield from _tag_value(ctx, site, FLUENT_SET_TAG_PARAMETERS)
    for site in ctx.client_calls("set_tag"):
        yield from _tag_value(ctx, site, CLIENT_SET_TAG_PARAMETERS)
    for site in ctx.calls("mlflow.set_tags"):
        yield from _tags_dict(ctx, site, bind(site.node, FLUENT_SET_TAGS_PARAMETERS).get("tags"))
    for site in ctx.client_calls("update_run"):
        yield from _from_arguments(ctx, site, CLIENT_UPDATE_RUN_PARAMETERS, "name")


def _from_arguments(ctx: ModuleContext, site: CallSite, parameters: tuple[str, ...], name: str):
    bound = bind(site.node, parameters)
    value = bound.get(name)
    if isinstance(value, ast.expr) and not is_none_or_empty(value):
        yield site, value
    if parameters is not CLIENT_UPDATE_RUN_PARAMETERS:
        yield from _tags_dict(ctx, site, bound.get("tags"))


def _tag_value(ctx: ModuleContext, site: CallSite, parameters: tuple[str, ...]):
    bound = bind(site.node, parameters)
    key, value = bound.get("key"), bound.get("value")
    if isinstance(key, ast.expr) and isinstance(value, ast.expr) and ctx.index.is_run_name_tag(key, site.scope):
        yield site, value


def _tags_dict(ctx: ModuleContext, site: CallSite, tags):
    if isinstance(tags, ast.Dict):
        for key, value in zip(tags.keys, tags.values):
            if key is not None and ctx.index.is_run_name_tag(key, site.scope):
                yield site, value

