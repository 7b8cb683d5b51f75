"""MLN003: a run name literal breaks the naming schema."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..context import ModuleContext
from ..findings import Finding
from ..mlflow_api import RUN_TAG_CLASSES, RUN_TAG_PARAMETERS, Argument, BoundCall, bind, is_none_or_empty
from ..resolve import CallSite
from ..values import NOT_NORMALISABLE, name_findings
from .base import Invalid, Rule, Valid


class RunNameSchema(Rule):
    code = "MLN003"
    name = "run-name-schema"
    #: Last names of the MLflow APIs this rule matches (the prefilter and call index use them).
    apis = ("start_run", "create_run", "set_tag", "set_tags", "update_run", "log_batch")
    #: The rule also matches calls of the configured ``run-wrapper``.
    matches_wrapper = True
    summary = "A run name literal does not match the team's naming schema."
    what_it_does = """
        Checks every string literal given as a run name against `run-name-regex` (full match)
        and `run-name-max-length`: `run_name=` of `start_run`, `create_run` and the team wrapper;
        `set_tag("mlflow.runName", …)`; `set_tags({"mlflow.runName": …})`;
        `tags={"mlflow.runName": …}`; `MlflowClient.set_tag(run_id, "mlflow.runName", …)`;
        `MlflowClient.update_run(run_id, status, name)`;
        `MlflowClient.log_batch(run_id, tags=[RunTag("mlflow.runName", …)])`.

        A name assigned exactly once (at module level, or in the function that uses it) counts
        as its value and is reported there; both branches of `a if c else b` are judged.

        In an f-string, `"…%s…" % x`, `"…{}…".format(x)` or a `+` concatenation, each unknown
        field may hold anything: `f"trial_{i:04d}"` is accepted because some value makes it
        match; `f"Trial {i}"` is reported because none can. A field that is a known constant
        counts with its value (`f"{PREFIX}_{i}"`), and one holding a `bool` or a comparison is
        judged as both its texts (`f"autolog_{flag}"` can be `autolog_True`): a name holding
        a comparison or a `bool` literal, a parameter annotated `bool`, or a parameter of a
        module-level function that every call in the module passes a `bool` literal.
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
        matches the schema (the stored name changes). Every name fix splits words the same way:
        at separators and CamelCase humps, acronyms whole (`HTTPServer` → `http_server`),
        digits with their word (`ResNet50` → `resnet50`) and brands one word (`PyTorch`,
        `XGBoost`, `MLflow`; see `naming.KNOWN_WORDS`). f-strings and names that cannot be
        normalised have no fix.
    """
    options = """
        - `mlflow-version` (default `"3"`): positional arguments are bound with that release's
          signatures; a slot the covered releases disagree on is not judged.
        - `run-name-regex` (default `^[a-z][a-z0-9]*(_[a-z0-9]+)+$`: lowercase snake_case with
          at least two parts).
        - `run-name-max-length` (default 80).
    """
    no_fix = (NOT_NORMALISABLE,)
    VALID = [
        Valid('import mlflow\nwith mlflow.start_run(run_name="resnet50_baseline"):\n    pass\n'),
        Valid('import mlflow\nfor i in range(3):\n    with mlflow.start_run(run_name=f"trial_{i:04d}"):\n        pass\n'),
        Valid('import mlflow\nwith mlflow.start_run(run_name=f"{model}_{i}"):\n    pass\n'),
        Valid(
            'import mlflow\nwith mlflow.start_run(run_name="Exp-42"):\n    pass\n',
            config={"run-name-regex": "^[A-Z][a-z]+-[0-9]+$"},
        ),
        Valid('import mlflow\nmlflow.set_tag("team", "Vision Team")\n'),
        Valid('import mlflow\ndef go(kind):\n    name = "resnet_%s" % kind\n    with mlflow.start_run(run_name=name):\n        pass\n'),
        Valid('import mlflow\nwith mlflow.start_run(run_name="sweep_{}_{}".format(a, b)):\n    pass\n'),
        Valid('import mlflow\nPREFIX = "resnet"\nwith mlflow.start_run(run_name=f"{PREFIX}_{i}"):\n    pass\n'),
        Valid('import mlflow\ndef go(name):\n    name = name or "x"\n    with mlflow.start_run(run_name=name):\n        pass\n'),
        Valid('import mlflow\nwith mlflow.start_run(run_name="a_b" if fast else None):\n    pass\n'),
        Valid(
            'import mlflow\ndef _tune(kind):\n    with mlflow.start_run(run_name=f"tune_{kind}"):\n'
            '        pass\n_tune(True)\n_tune("text")\n'
        ),
    ]
    INVALID = [
        Invalid(
            'import mlflow\nwith mlflow.start_run(run_name="ResNet50 v1 lr=0.01"):\n    pass\n',
            fixed='import mlflow\nwith mlflow.start_run(run_name="resnet50_v1_lr_0_01"):\n    pass\n',
            unsafe=True,
        ),
        Invalid(
            'import mlflow\nwith mlflow.start_run(run_name="XGBoostModel HTTPServer myBERTModel"):\n    pass\n',
            fixed='import mlflow\nwith mlflow.start_run(run_name="xgboost_model_http_server_my_bert_model"):\n    pass\n',
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

    INVALID += [
        Invalid(
            'import mlflow\ndef go():\n    name = "Nightly Run"\n    with mlflow.start_run(run_name=name):\n        pass\n',
            fixed='import mlflow\ndef go():\n    name = "nightly_run"\n    with mlflow.start_run(run_name=name):\n        pass\n',
            unsafe=True,
        ),
        Invalid(
            'import mlflow\nwith mlflow.start_run(run_name="resnet_base" if fast else "ResNet Full"):\n    pass\n',
            fixed='import mlflow\nwith mlflow.start_run(run_name="resnet_base" if fast else "resnet_full"):\n    pass\n',
            unsafe=True,
        ),
        Invalid('import mlflow\nwith mlflow.start_run(run_name="Trial %d" % i):\n    pass\n'),
        Invalid('import mlflow\nwith mlflow.start_run(run_name="Trial-{}".format(i)):\n    pass\n'),
        Invalid('import mlflow\nPREFIX = "ResNet"\nwith mlflow.start_run(run_name=f"{PREFIX}_{i}"):\n    pass\n'),
        Invalid('import mlflow\ndef go():\n    base = "Exp"\n    with mlflow.start_run(run_name=base + "_" + tag):\n        pass\n'),
        Invalid(
            'import mlflow\ndef go(is_autolog: bool):\n    with mlflow.start_run(run_name=f"autolog_{is_autolog}"):\n        pass\n',
            message="autolog_True",
        ),
        Invalid(
            'import mlflow\ndef _tune(is_autolog):\n    with mlflow.start_run(run_name=f"tune_autolog_{is_autolog}"):\n'
            "        pass\n_tune(is_autolog=True)\n_tune(False)\n",
            message="tune_autolog_True",
        ),
        Invalid('import mlflow\nAUTOLOG = False\nwith mlflow.start_run(run_name=f"autolog_{AUTOLOG}"):\n    pass\n'),
        Invalid('import mlflow\nwith mlflow.start_run(run_name=f"lr_small_{lr < 0.1}"):\n    pass\n'),
        Invalid(
            'from mlflow import MlflowClient\nMlflowClient().update_run(rid, "FINISHED", "Bad Name")\n',
            fixed='from mlflow import MlflowClient\nMlflowClient().update_run(rid, "FINISHED", "bad_name")\n',
            unsafe=True,
        ),
        Invalid(
            "from mlflow import MlflowClient\nfrom mlflow.entities import RunTag\n"
            'MlflowClient().log_batch(rid, tags=[RunTag("mlflow.runName", "Bad Name")])\n',
            fixed="from mlflow import MlflowClient\nfrom mlflow.entities import RunTag\n"
            'MlflowClient().log_batch(rid, tags=[RunTag("mlflow.runName", "bad_name")])\n',
            unsafe=True,
        ),
        Invalid(
            'import mlflow\nwith mlflow.start_run():\n    mlflow.set_tag("mlflow.runName", "Final Model")\n',
            fixed='import mlflow\nwith mlflow.start_run():\n    mlflow.set_tag("mlflow.runName", "final_model")\n',
            unsafe=True,
        ),
    ]

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        return name_findings(ctx, self.code, _run_name_values(ctx), ctx.config.schema, "run name")


def _run_name_values(ctx: ModuleContext) -> Iterator[tuple[CallSite, ast.expr]]:
    """Every expression given as a run name, with its call site."""
    for site in ctx.run_starts():
        bound = bind(site.node, ctx.wrapper_parameters) if ctx.is_wrapper(site) else ctx.bind(site, "mlflow.start_run")
        yield from _from_arguments(ctx, site, bound, "run_name")
    for site in ctx.client_calls("create_run"):
        yield from _from_arguments(ctx, site, ctx.bind(site, "MlflowClient.create_run"), "run_name")
    for site in ctx.calls("mlflow.set_tag"):
        yield from _tag_value(ctx, site, ctx.bind(site, "mlflow.set_tag"))
    for site in ctx.client_calls("set_tag"):
        yield from _tag_value(ctx, site, ctx.bind(site, "MlflowClient.set_tag"))
    for site in ctx.calls("mlflow.set_tags"):
        yield from _tags_dict(ctx, site, ctx.bind(site, "mlflow.set_tags").get("tags"))
    for site in ctx.client_calls("update_run"):
        yield from _from_arguments(ctx, site, ctx.bind(site, "MlflowClient.update_run"), "name", tags=False)
    for site in ctx.client_calls("log_batch"):
        yield from _run_tags(ctx, site, ctx.bind(site, "MlflowClient.log_batch").get("tags"))


def _from_arguments(ctx: ModuleContext, site: CallSite, bound: BoundCall, name: str, tags: bool = True) -> Iterator[tuple[CallSite, ast.expr]]:
    value = bound.get(name)
    if isinstance(value, ast.expr) and not is_none_or_empty(value):
        yield site, value
    if tags:
        yield from _tags_dict(ctx, site, bound.get("tags"))


def _tag_value(ctx: ModuleContext, site: CallSite, bound: BoundCall) -> Iterator[tuple[CallSite, ast.expr]]:
    key, value = bound.get("key"), bound.get("value")
    if isinstance(key, ast.expr) and isinstance(value, ast.expr) and ctx.index.is_run_name_tag(key, site.scope):
        yield site, value


def _tags_dict(ctx: ModuleContext, site: CallSite, tags: Argument) -> Iterator[tuple[CallSite, ast.expr]]:
    if isinstance(tags, ast.Dict):
        for key, value in zip(tags.keys, tags.values):
            if key is not None and ctx.index.is_run_name_tag(key, site.scope):
                yield site, value


def _run_tags(ctx: ModuleContext, site: CallSite, tags: Argument) -> Iterator[tuple[CallSite, ast.expr]]:
    """``RunTag("mlflow.runName", value)`` items of a list or tuple literal (``log_batch(tags=[…])``)."""
    if not isinstance(tags, (ast.List, ast.Tuple)):
        return
    for item in tags.elts:
        if isinstance(item, ast.Call) and ctx.index.qualified_name(item.func, site.scope) in RUN_TAG_CLASSES:
            yield from _tag_value(ctx, site, bind(item, RUN_TAG_PARAMETERS))
