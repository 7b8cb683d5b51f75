"""MLN011: a model is loaded straight from object storage instead of the registry."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ...uris import mask_credentials
from ..context import ModuleContext
from ..findings import Finding
from ..mlflow_api import LOAD_MODEL_PARAMETERS, SIGNATURES, BoundCall, bind, flavor_of
from ..resolve import CallSite
from ..values import remote_value
from .base import Invalid, Rule, Valid

_GET_MODEL_INFO = "mlflow.models.get_model_info"
_SPARK_UDF = "mlflow.pyfunc.spark_udf"


class ModelFromRawStorage(Rule):
    code = "MLN011"
    name = "model-from-raw-storage"
    #: Last names of the MLflow APIs this rule matches (the prefilter and call index use them).
    apis = ("load_model", "spark_udf", "get_model_info")
    summary = "A model is loaded from raw object storage instead of from the model registry."
    what_it_does = """
        Reports a remote storage URI (`s3://`, `gs://`, `dbfs:/`, `wasbs://`, `abfss://`,
        `hdfs://`, `https://`, …, the scheme in any case) given as the `model_uri` of
        `mlflow.<flavor>.load_model`, `mlflow.pyfunc.load_model`,
        `mlflow.pyfunc.spark_udf(spark, model_uri)` or `mlflow.models.get_model_info`. The URI
        is recognised as MLN004 recognises one: a literal, a module constant, an f-string, a
        `+` concatenation or an `os.path.join` that starts with such a scheme. `models:/`,
        `runs:/` and local paths are fine.
    """
    why_bad = """
        A model loaded from `s3://bucket/…/artifacts/model/` has no version history, no
        alias to roll back to and no lineage to the run and data that produced it; when the
        bucket is cleaned up or the path changes, serving breaks silently.
    """
    example = """
        model = mlflow.pyfunc.load_model("s3://ml-artifacts/12/3f2a/artifacts/model/")
    """
    use_instead = """
        model = mlflow.pyfunc.load_model("models:/recommendations_ctr_ranker@champion")
    """
    fix_safety = "No automatic fix: which registered model and alias the path stands for is known only to a person."
    VALID = [
        Valid('import mlflow\nmodel = mlflow.pyfunc.load_model("models:/recommendations_ctr_ranker@champion")\n'),
        Valid('import mlflow\nmodel = mlflow.sklearn.load_model(f"runs:/{run_id}/model")\n'),
        Valid('import mlflow\nmodel = mlflow.pytorch.load_model("outputs/model")\n'),
        Valid('import mlflow\nudf = mlflow.pyfunc.spark_udf(spark, "models:/churn_model/3")\n'),
        Valid('import mlflow\nmlflow.log_artifact("model.pkl")\nlocal = download("s3://bucket/model")\n'),
    ]
    INVALID = [
        Invalid(
            'import mlflow\nmodel = mlflow.pyfunc.load_model("s3://ml-artifacts/12/3f2a/artifacts/model/")\n',
            message="models:/<name>@<alias>",
        ),
        Invalid('import mlflow\nBUCKET = "gs://models/"\nmodel = mlflow.sklearn.load_model(BUCKET + "churn")\n', line=3),
        Invalid('import mlflow\nudf = mlflow.pyfunc.spark_udf(spark, model_uri=f"dbfs:/models/{name}")\n'),
        Invalid('import os, mlflow\ninfo = mlflow.models.get_model_info(os.path.join("wasbs://c@acct/models", name))\n'),
        Invalid('import mlflow.keras\nmodel = mlflow.keras.load_model("HTTPS://host/models/cnn")\n'),
    ]

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for function, site in _model_loads(ctx):
            argument = _bound(ctx, site, function).get("model_uri")
            if not isinstance(argument, ast.expr):
                continue
            remote = remote_value(ctx, site, argument)
            if remote is None:
                continue
            shown = repr(mask_credentials(remote.prefix if remote.complete else remote.prefix + "…"))
            yield ctx.report(
                self.code,
                argument,
                f"{function} loads a model straight from storage ({shown}): no version history, rollback or "
                "lineage; register the model and load models:/<name>@<alias> (or runs:/<run_id>/<path>)",
            )


def _model_loads(ctx: ModuleContext) -> Iterator[tuple[str, CallSite]]:
    """(function, site) of every call that loads a model by URI."""
    for name, site in ctx.calls_matching(lambda n: flavor_of(n, "load_model") is not None or n == _GET_MODEL_INFO):
        yield name, site
    for site in ctx.calls(_SPARK_UDF):
        yield _SPARK_UDF, site


def _bound(ctx: ModuleContext, site: CallSite, function: str) -> BoundCall:
    """The call bound with the configured versions' signatures; a flavor the tables do not
    know (a newer one) takes ``model_uri`` first like every flavor they do know."""
    if function in SIGNATURES:
        return ctx.bind(site, function)
    return bind(site.node, LOAD_MODEL_PARAMETERS)
