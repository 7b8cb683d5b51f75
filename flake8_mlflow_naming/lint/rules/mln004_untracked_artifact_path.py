"""MLN004: an artifact call points at a remote path MLflow does not track."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ...uris import mask_credentials
from ..context import ModuleContext
from ..findings import Finding
from ..mlflow_api import SIGNATURES, keyword_parameters
from ..resolve import CallSite
from ..values import RemoteValue, remote_value
from .base import Invalid, Rule, Valid

#: The APIs that log one object as a file of the run's artifacts, named by ``artifact_file``.
_LOG_OBJECT_FUNCTIONS = ("log_text", "log_dict", "log_figure", "log_image", "log_table")
_NOT_FLAVORS = frozenset({"tracking", "client", "artifacts", "models"})
_ADVICE = "download it first and log the local copy, or record the source with mlflow.log_input"


class UntrackedArtifactPath(Rule):
    code = "MLN004"
    name = "untracked-artifact-path"
    #: Last names of the MLflow APIs this rule matches (the prefilter and call index use them).
    apis = ("log_artifact", "log_artifacts", "create_experiment", "save_model", "log_model", *_LOG_OBJECT_FUNCTIONS)
    summary = "An artifact call points at a remote path MLflow does not track."
    what_it_does = """
        Reports remote URIs (`s3://`, `gs://`, `abfss://`, `hdfs://`, `dbfs:/`, `http(s)://`, …;
        the scheme in any case) given as the local path or the `artifact_path` of
        `log_artifact`/`log_artifacts`, the `artifact_file` of `log_text`/`log_dict`/`log_figure`/
        `log_image`/`log_table`, the path of `mlflow.<flavor>.save_model`, the `artifact_path`/`name` of `log_model`, or the
        `artifact_location` of `create_experiment` when it lies outside `tracked-artifact-roots`.
        A literal, an f-string, `%`/`.format` formatting or `+` concatenation starting with such
        a URI, `os.path.join` starting with one, either branch of `a if c else b`, and a name
        assigned once (at module level or in the function) to such a value all count; the
        finding is at the argument.

        Which positional argument is the path comes from the flavor's own signature in the
        configured `mlflow-version` (`mlflow.openai.save_model(model, task, path)`,
        `mlflow.diffusers.log_model(adapter_path, base_model, adapter_type, artifact_path)`);
        where the version leaves the slot unclear the argument is not judged. In MLflow 3,
        `log_model`'s `name` (and the deprecated `artifact_path`) is the logged model's name;
        in 2.x, and for `mlflow.spark`, which has no `name=`, `artifact_path` is a folder inside
        the run's artifacts.
    """
    why_bad = """
        These arguments are local paths. `log_artifact("s3://…")` raises after it has already
        started a run, `log_artifacts("s3://…")` silently logs nothing, `save_model(m, "s3://…")`
        silently writes a local `./s3:/…` folder. `artifact_path` and `artifact_file` name a place
        inside the run's own artifacts: `log_artifact(local, "s3://…")` or `log_text(text,
        "s3://…/a.txt")` file the data under a folder called `s3:` in the run, never in the bucket. Model files end up where MLflow never tracks
        them, and an experiment whose artifacts live outside the team's roots is invisible to
        its retention and access rules.
    """
    example = """
        mlflow.log_artifact("s3://raw-data/train.csv")
        mlflow.sklearn.save_model(model, "s3://models/churn")
    """
    use_instead = """
        local = download("s3://raw-data/train.csv")
        mlflow.log_artifact(local)
        mlflow.sklearn.log_model(model, name="churn_model")
    """
    fix_safety = "No automatic fix: where the data should come from is a decision for a person."
    options = """
        - `mlflow-version` (default `"3"`): the signatures positional arguments are bound with.
        - `tracked-artifact-roots` (list of URI prefixes, default empty): experiment artifact
          locations under one of these are accepted. With none configured, every remote
          `artifact_location` is reported.
    """
    VALID = [
        Valid('import mlflow\nmlflow.log_artifact("outputs/model.pkl")\n'),
        Valid('import mlflow\nmlflow.log_artifact("file:///tmp/model.pkl")\n'),
        Valid('import mlflow\nmlflow.sklearn.log_model(model, name="churn_model")\n'),
        Valid('import mlflow\nmlflow.log_artifact("model.pkl", "models/churn")\n'),
        Valid('import mlflow\nmlflow.log_text(report, "reports/summary.txt")\n'),
        Valid('import mlflow\nmlflow.log_image(image, key="sample", step=1)\n'),
        Valid(
            'import mlflow\nmlflow.create_experiment("churn", artifact_location="s3://team-bucket/mlflow/churn")\n',
            config={"tracked-artifact-roots": ["s3://team-bucket/mlflow"]},
        ),
        Valid(
            'import mlflow\nmlflow.create_experiment("churn", artifact_location=f"s3://team-{env}/x")\n',
            config={"tracked-artifact-roots": ["s3://team-bucket/mlflow"]},
        ),
    ]
    INVALID = [
        Invalid('import mlflow\nmlflow.log_artifact("S3://raw-data/train.csv")\n'),
        Invalid('import mlflow\nmlflow.log_artifacts(f"gs://bucket/{run}/plots")\n'),
        Invalid('import os, mlflow\nmlflow.sklearn.save_model(model, os.path.join("s3://models", name))\n'),
        Invalid('import mlflow\nmlflow.pyfunc.save_model("dbfs:/models/x", python_model=m)\n'),
        Invalid('import mlflow\nBUCKET = "s3://models/"\nmlflow.xgboost.log_model(m, artifact_path=BUCKET + "x")\n'),
        Invalid('from mlflow import MlflowClient\nMlflowClient().log_artifact(run_id, "hdfs://nn/data.csv")\n'),
        Invalid('import mlflow\nmlflow.create_experiment("churn", "s3://somewhere-else/churn")\n'),
        Invalid('import mlflow\nmlflow.log_artifact("https://user:hunter2@host/a.csv?sig=abc")\n'),
        Invalid('import mlflow\nmlflow.log_artifact("model.pkl", "s3://models/churn")\n'),
        Invalid('import mlflow\nmlflow.log_artifacts("plots", artifact_path="gs://bucket/plots")\n'),
        Invalid('from mlflow import MlflowClient\nMlflowClient().log_artifact(run_id, "m.pkl", "s3://models/m")\n'),
        Invalid('import mlflow\nmlflow.log_text(report, "s3://reports/summary.txt")\n'),
        Invalid('import mlflow\nmlflow.log_dict(params, artifact_file="gs://cfg/params.json")\n'),
        Invalid('import mlflow\nmlflow.log_figure(fig, f"s3://plots/{run}/loss.png")\n'),
        Invalid('import mlflow\nmlflow.log_image(image, "dbfs:/images/sample.png")\n'),
        Invalid('import mlflow\nmlflow.log_table(frame, artifact_file="s3://tables/eval.json")\n'),
        Invalid('from mlflow import MlflowClient\nMlflowClient().log_text(run_id, text, "s3://reports/a.txt")\n'),
    ]

    VALID += [
        Valid('import mlflow\nmlflow.diffusers.log_model(adapter, "s3://base-model", "lora", "adapter")\n'),
        Valid('import mlflow\nmlflow.openai.save_model(model, "s3://not-the-path", "out/model")\n'),
        Valid('import mlflow\ndef go(path):\n    path = path or "s3://x"\n    mlflow.log_artifact(path)\n'),
    ]
    INVALID += [
        Invalid('import mlflow\nmlflow.openai.save_model(model, task, "s3://models/chat")\n'),
        Invalid('import mlflow\nmlflow.diffusers.log_model(adapter, base, "lora", "s3://models/adapter")\n'),
        Invalid(
            'import mlflow\nmlflow.spark.log_model(model, "s3://models/spark")\n',
            message='artifact_path="model"',
        ),
        Invalid('import mlflow\nmlflow.sklearn.log_model(model, "s3://models/churn")\n', message="logged model's name in MLflow 3"),
        Invalid(
            'import mlflow\nmlflow.sklearn.log_model(model, "s3://models/churn")\n',
            config={"mlflow-version": "2.14"},
            message="folder inside the run's artifacts",
        ),
        Invalid('import mlflow\ndef go():\n    out = "s3://bucket/run"\n    mlflow.log_artifacts(out)\n', line=4),
        Invalid('import mlflow\nmlflow.log_artifact("s3://b/x.csv" if remote else "x.csv")\n'),
        Invalid('import mlflow\nBUCKET = "s3://models"\nmlflow.log_artifacts(f"{BUCKET}/model")\n', line=3),
        Invalid('import mlflow\nmlflow.log_artifact("gs://%s/data.csv" % bucket)\n'),
        Invalid('import mlflow\nmlflow.log_artifact("gs://{}/data.csv".format(bucket))\n'),
    ]

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for site, function, names in _artifact_arguments(ctx):
            bound = ctx.bind(site, function)
            for name in names:
                argument = bound.get(name)
                if not isinstance(argument, ast.expr):
                    continue
                remote = remote_value(ctx, site, argument)
                if remote is None:
                    continue
                if name == "artifact_location":
                    message = self._location_problem(ctx, remote)
                    if message is None:
                        continue
                else:
                    message = _message(ctx, function, name, remote)
                yield ctx.report(self.code, argument, message)

    @staticmethod
    def _location_problem(ctx: ModuleContext, remote: RemoteValue) -> str | None:
        roots = ctx.config.tracked_artifact_roots
        value = _normalise_scheme(remote.prefix)
        for root in map(_normalise_scheme, roots):
            if value.startswith(root) or (not remote.complete and root.startswith(value)):
                return None
        where = f"outside tracked-artifact-roots {list(roots)}" if roots else "remote, and no tracked-artifact-roots are configured"
        return (
            f"artifact_location {_shown(remote.prefix, remote.complete)} is {where}: runs' artifacts would land "
            "where the team does not track them; use a location under a tracked root"
        )


def _message(ctx: ModuleContext, function: str, parameter: str, remote: RemoteValue) -> str:
    shown, prefix = _shown(remote.prefix, remote.complete), remote.prefix
    if function.endswith("save_model"):
        return f"{function} writes to a local folder, so {shown} becomes a local './{prefix.split(':')[0]}:/…' directory; save locally and log it, or use log_model"
    if parameter in ("artifact_path", "artifact_file") and not function.endswith("log_model"):
        kind = "folder" if parameter == "artifact_path" else "file"
        return f"{function}'s {parameter} names a {kind} inside the run's artifacts, not a URI: {shown} would be filed under a folder called '{prefix.split(':')[0]}:' in the run; pass a relative path, and copy to remote storage separately"
    if function.endswith("log_model"):
        # In MLflow 3 ``name`` (or the deprecated ``artifact_path``) names a LoggedModel; in 2.x,
        # and for spark, which never got ``name=``, artifact_path is a folder inside the run.
        takes_name = function not in _KNOWN_FLAVOR_FUNCTIONS or "name" in keyword_parameters(function, ctx.mlflow_versions)
        if ctx.mlflow_versions.major < 3 or not takes_name:
            return (
                f"{function}'s {parameter} names a folder inside the run's artifacts, not a URI: {shown} is remote; "
                'pass a relative path such as artifact_path="model"'
            )
        return (
            f"{function}'s {parameter} is the logged model's name in MLflow 3, not a URI: {shown} is remote; "
            'pass a plain name such as name="model"'
        )
    return f"{function} reads a local path, but {shown} is a remote URI MLflow does not track: {_ADVICE}"


def _shown(prefix: str, complete: bool) -> str:
    return repr(mask_credentials(prefix if complete else prefix + "…"))


def _normalise_scheme(uri: str) -> str:
    scheme, separator, rest = uri.partition(":")
    return scheme.lower() + separator + rest


def _artifact_arguments(ctx: ModuleContext) -> Iterator[tuple[CallSite, str, tuple[str, ...]]]:
    """(site, the API called, parameters that must be local/tracked)."""
    for site in ctx.calls("mlflow.log_artifact"):
        yield site, "mlflow.log_artifact", ("local_path", "artifact_path")
    for site in ctx.calls("mlflow.log_artifacts"):
        yield site, "mlflow.log_artifacts", ("local_dir", "artifact_path")
    for site in ctx.client_calls("log_artifact"):
        yield site, "MlflowClient.log_artifact", ("local_path", "artifact_path")
    for site in ctx.client_calls("log_artifacts"):
        yield site, "MlflowClient.log_artifacts", ("local_dir", "artifact_path")
    for function in _LOG_OBJECT_FUNCTIONS:
        for site in ctx.calls(f"mlflow.{function}"):
            yield site, f"mlflow.{function}", ("artifact_file",)
        for site in ctx.client_calls(function):
            yield site, f"MlflowClient.{function}", ("artifact_file",)
    for site in ctx.calls("mlflow.create_experiment"):
        yield site, "mlflow.create_experiment", ("artifact_location",)
    for site in ctx.client_calls("create_experiment"):
        yield site, "MlflowClient.create_experiment", ("artifact_location",)
    for name, site in ctx.calls_matching(_is_flavor_function):
        # Each flavor has its own signature (openai's path is third, diffusers' artifact_path
        # fourth); a flavor the tables do not know binds its keywords only.
        yield site, name, ("path",) if name.endswith(".save_model") else ("artifact_path", "name")


_KNOWN_FLAVOR_FUNCTIONS = frozenset(
    api for api in SIGNATURES if api.startswith("mlflow.") and api.endswith((".save_model", ".log_model"))
)


def _is_flavor_function(name: str) -> bool:
    parts = name.split(".")
    return len(parts) == 3 and parts[0] == "mlflow" and parts[1] not in _NOT_FLAVORS and parts[2] in ("save_model", "log_model")
