"""MLN008: a registered-model name breaks the team's model naming schema."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..context import ModuleContext
from ..findings import Finding
from ..mlflow_api import CLIENT_PREFIX, REGISTERED_MODEL_NAME_FORBIDDEN, bind, flavor_of, is_none_or_empty
from ..resolve import CallSite
from ..values import NOT_NORMALISABLE, name_findings
from .base import Invalid, Rule, Valid


class RegisteredModelNameSchema(Rule):
    code = "MLN008"
    name = "registered-model-name-schema"
    #: Last names of the MLflow APIs this rule matches (the prefilter and call index use them).
    apis = ("log_model", "autolog", "register_model", "create_registered_model", "rename_registered_model", "copy_model_version")
    #: Renaming an experiment or registered model splits its history: not part of ``migrate``.
    migrates = False
    summary = "A registered-model name does not match the team's model naming schema."
    what_it_does = """
        Checks the names given to the model registry against `registered-model-name-regex`
        (full match): `registered_model_name=` of any `mlflow.<flavor>.log_model` and of any
        `mlflow.<flavor>.autolog` (which registers every model it logs under that name),
        `mlflow.register_model(model_uri, name)`, `MlflowClient.create_registered_model(name)`,
        the new name of `MlflowClient.rename_registered_model(name, new_name)` and the
        destination of `MlflowClient.copy_model_version(src_model_uri, dst_name)`. Names are
        judged exactly as MLN003 judges run names (literals, module constants, f-strings whose
        fields are wildcards), and reported at the literal.
    """
    why_bad = """
        The registry is where serving, monitoring and rollback look models up by name.
        `'ElasticnetWineModel'` next to `'training-model-psystock'` cannot be found by team or
        purpose. MLflow 3.11 and later reject a registered-model name containing `/` or `:`
        outright, so such a name fails when the model is registered, after training.
    """
    example = """
        mlflow.sklearn.log_model(model, name="model", registered_model_name="ElasticnetWineModel")
    """
    use_instead = """
        mlflow.sklearn.log_model(model, name="model", registered_model_name="wine_elasticnet")
    """
    fix_safety = """
        **Unsafe**, and `migrate` leaves it out unless `--select` names this rule: a plain literal is replaced by its normalised snake_case form
        (`ElasticnetWineModel` → `elasticnet_wine_model`, `PyTorchResNet50` →
        `pytorch_resnet50`: words split as in every name fix, see MLN003) when that matches the
        schema. A Unity Catalog `catalog.schema.` prefix is only lowercased, since Unity Catalog
        folds identifiers' case (`main.RecSys.ChurnModel` → `main.recsys.churn_model`, still
        the schema `recsys`). The model is then registered under a new name, apart from its
        earlier versions.
    """
    options = """
        - `registered-model-name-regex` (default
          `^([a-z][a-z0-9_]*\\.){0,2}[a-z][a-z0-9]*(_[a-z0-9]+)+$`: snake_case with at least two
          parts, optionally under a Unity Catalog `catalog.schema.` prefix, such as
          `recommendations_ctr_ranker` or `main.recsys.recommendations_ctr_ranker`).
    """
    no_fix = (NOT_NORMALISABLE,)
    VALID = [
        Valid('import mlflow\nmlflow.register_model("runs:/abc/model", "recommendations_ctr_ranker")\n'),
        Valid('import mlflow\nmlflow.register_model(uri, name="main.recsys.recommendations_ctr_ranker")\n'),
        Valid('import mlflow\nmlflow.sklearn.log_model(m, name="model", registered_model_name=f"{team}_ranker")\n'),
        Valid('import mlflow\nmlflow.sklearn.log_model(m, name="model", registered_model_name=None)\n'),
        Valid('from mlflow import MlflowClient\nMlflowClient().rename_registered_model("OldModel", "churn_ranker")\n'),
        Valid('import mlflow\nmlflow.autolog(log_models=True)\n'),
        Valid('from mlflow import MlflowClient\nMlflowClient().copy_model_version("models:/Old/1", dst_name="churn_ranker")\n'),
    ]
    INVALID = [
        Invalid(
            'import mlflow\nmlflow.sklearn.log_model(m, name="model", registered_model_name="ElasticnetWineModel")\n',
            fixed='import mlflow\nmlflow.sklearn.log_model(m, name="model", registered_model_name="elasticnet_wine_model")\n',
            unsafe=True,
        ),
        Invalid(
            'import mlflow\nmlflow.pytorch.log_model(m, name="model", registered_model_name="PyTorchResNet50")\n',
            fixed='import mlflow\nmlflow.pytorch.log_model(m, name="model", registered_model_name="pytorch_resnet50")\n',
            unsafe=True,
        ),
        Invalid(
            'import mlflow\nmlflow.register_model(uri, "main.RecSys.ChurnModel")\n',
            fixed='import mlflow\nmlflow.register_model(uri, "main.recsys.churn_model")\n',
            unsafe=True,
        ),
        Invalid(
            'import mlflow\nmlflow.register_model("runs:/abc/model", "training-model-psystock")\n',
            fixed='import mlflow\nmlflow.register_model("runs:/abc/model", "training_model_psystock")\n',
            unsafe=True,
        ),
        Invalid(
            'from mlflow import MlflowClient\nMlflowClient().create_registered_model("team/churn")\n',
            fixed='from mlflow import MlflowClient\nMlflowClient().create_registered_model("team_churn")\n',
            unsafe=True,
            message="MLflow 3.11 and later reject",
        ),
        Invalid(
            "from mlflow import MlflowClient\nMODEL = 'Churn'\nMlflowClient().rename_registered_model('churn', new_name=MODEL)\n",
            fixed="from mlflow import MlflowClient\nMODEL = 'churn_model'\nMlflowClient().rename_registered_model('churn', new_name=MODEL)\n",
            unsafe=True,
            line=2,
        ),
        Invalid('import mlflow\nmlflow.register_model(uri, f"models:{team}")\n', message="'/' or ':'"),
        Invalid(
            'import mlflow\nmlflow.sklearn.autolog(registered_model_name="WineModel")\n',
            fixed='import mlflow\nmlflow.sklearn.autolog(registered_model_name="wine_model")\n',
            unsafe=True,
            # The regex prints as configured: one backslash before the dot, not two.
            message="registered-model-name-regex `^([a-z][a-z0-9_]*\\.){0,2}",
        ),
        Invalid(
            "from mlflow import MlflowClient\nMlflowClient().copy_model_version(f'models:/{src}/1', 'Churn-Prod')\n",
            fixed="from mlflow import MlflowClient\nMlflowClient().copy_model_version(f'models:/{src}/1', 'churn_prod')\n",
            unsafe=True,
        ),
    ]

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        return name_findings(
            ctx, self.code, _registered_names(ctx), ctx.config.registered_model_schema, "registered model name", _forbidden
        )


def _forbidden(text: str) -> str | None:
    """The sentence about characters MLflow itself refuses, when ``text`` holds one."""
    found = [character for character in REGISTERED_MODEL_NAME_FORBIDDEN if character in text]
    if not found:
        return None
    return "MLflow 3.11 and later reject '/' or ':' in registered model names, so registering it fails"


#: The parameters that take a registered-model name (besides every flavor's ``registered_model_name``).
_REGISTERED_NAME_PARAMETERS = (
    ("mlflow.register_model", "name"),
    (CLIENT_PREFIX + "create_registered_model", "name"),
    (CLIENT_PREFIX + "rename_registered_model", "new_name"),
)


def _registered_names(ctx: ModuleContext) -> Iterator[tuple[CallSite, ast.expr]]:
    """Every expression given as a registered-model name, with its call site."""
    yield from ctx.arguments_passed(_REGISTERED_NAME_PARAMETERS)
    # ``copy_model_version(src_model_uri, dst_name)`` has had these two parameters since it came (2.8).
    for site in ctx.calls(CLIENT_PREFIX + "copy_model_version"):
        value = bind(site.node, ("src_model_uri", "dst_name")).get("dst_name")
        if isinstance(value, ast.expr) and not is_none_or_empty(value):
            yield site, value
    # ``registered_model_name`` sits deep in every flavor's list; callers pass it by keyword.
    for _, site in ctx.calls_matching(lambda n: flavor_of(n, "log_model") is not None or flavor_of(n, "autolog") is not None):
        value = bind(site.node, ()).get("registered_model_name")
        if isinstance(value, ast.expr) and not is_none_or_empty(value):
            yield site, value
