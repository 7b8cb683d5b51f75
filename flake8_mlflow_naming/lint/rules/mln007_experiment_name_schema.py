"""MLN007: an experiment name breaks the team's experiment naming schema."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..context import ModuleContext
from ..findings import Finding
from ..mlflow_api import CLIENT_PREFIX, DEFAULT_EXPERIMENT_NAME
from ..resolve import CallSite
from ..values import NOT_NORMALISABLE, name_findings
from .base import Invalid, Rule, Valid


class ExperimentNameSchema(Rule):
    code = "MLN007"
    name = "experiment-name-schema"
    #: Last names of the MLflow APIs this rule matches (the prefilter and call index use them).
    apis = ("set_experiment", "create_experiment", "rename_experiment")
    #: Renaming an experiment or registered model splits its history: not part of ``migrate``.
    migrates = False
    summary = "An experiment name does not match the team's experiment naming schema."
    what_it_does = """
        Checks the names given to `mlflow.set_experiment(experiment_name)`,
        `mlflow.create_experiment(name)`, `MlflowClient.create_experiment(name)` and
        `MlflowClient.rename_experiment(experiment_id, new_name)` against
        `experiment-name-regex` (full match). Names are judged exactly as MLN003 judges run
        names: a literal or a module constant as it is (reported at the literal), an f-string
        only when no filling of its fields could match. `set_experiment(experiment_id=...)`
        sets an experiment by id, which is not a name, and is not checked, nor is `"Default"`:
        the experiment every tracking store creates, named by MLflow (`audit` exempts it too).
    """
    why_bad = """
        Experiments are the folders every run lives in. `'nyc-taxi-experiment'`,
        `'Social NLP Experiments'` and `'churn-prediction-v2'` side by side cannot be listed,
        searched or permissioned by team and project; a `{team}/{project}/{quarter}` path can.
    """
    example = """
        mlflow.set_experiment("Churn Prediction v2")
    """
    use_instead = """
        mlflow.set_experiment("recommendations/churn_model/2024q4")
    """
    fix_safety = """
        **Unsafe**, and `migrate` leaves it out unless `--select` names this rule: a plain literal is replaced by its normalised form (each `/` segment in
        snake_case, words split as in every name fix, see MLN003) when that matches the schema.
        A Databricks workspace path (`/Users/…/`, `/Shared/`, `/Workspace/…`, `/Repos/…`)
        keeps its folders as written and only its last component is normalised
        (`/Users/ana@corp.com/Churn Model` → `/Users/ana@corp.com/churn_model`): the folders
        exist in the workspace, and Databricks refuses an experiment whose folder does not.
        Runs then go to a different experiment (a new one if none has that name). f-strings
        have no fix.
    """
    options = """
        - `experiment-name-regex` (default
          `^[a-z][a-z0-9]*(_[a-z0-9]+)*(/[a-z0-9]+(_[a-z0-9]+)*)*$`: lowercase snake_case
          segments joined by `/`, such as `recommendations/ctr_model/2024q4` or
          `explorer_history`).

        On Databricks experiment names are workspace paths; allow them under the team's
        folders, for example:

        ```toml
        [tool.mlflow-naming]
        experiment-name-regex = "^/(Users/[^/]+|Shared/[a-z_]+)/[a-z][a-z0-9_]*(/[a-z0-9_]+)*$"
        ```
    """
    no_fix = (NOT_NORMALISABLE,)
    VALID = [
        Valid('import mlflow\nmlflow.set_experiment("recommendations/ctr_model/2024q4")\n'),
        Valid('import mlflow\nmlflow.set_experiment("Default")\n'),
        Valid('import mlflow\nEXPERIMENT = "Default"\nmlflow.set_experiment(experiment_name=EXPERIMENT)\n'),
        Valid('import mlflow\nmlflow.set_experiment("explorer_history")\n'),
        Valid("import mlflow\nmlflow.set_experiment(experiment_id='42')\n"),
        Valid('import mlflow\nmlflow.set_experiment(f"recommendations/{model}/{quarter}")\n'),
        Valid(
            'import mlflow\nmlflow.set_experiment("/Users/ana@corp.com/churn")\n',
            config={"experiment-name-regex": "^/Users/[^/]+/[a-z_]+$"},
        ),
        Valid('import mlflow\nmlflow.log_param("experiment", "Churn Prediction")\n'),
    ]
    INVALID = [
        Invalid(
            'import mlflow\nmlflow.set_experiment("churn-prediction-v2")\n',
            fixed='import mlflow\nmlflow.set_experiment("churn_prediction_v2")\n',
            unsafe=True,
            message="experiment-name-regex",
        ),
        Invalid(
            "import mlflow\nEXPERIMENT = 'Social NLP Experiments'\nmlflow.create_experiment(EXPERIMENT)\n",
            fixed="import mlflow\nEXPERIMENT = 'social_nlp_experiments'\nmlflow.create_experiment(EXPERIMENT)\n",
            unsafe=True,
            line=2,
        ),
        Invalid(
            'from mlflow import MlflowClient\nMlflowClient().create_experiment(name="Team/Churn Model")\n',
            fixed='from mlflow import MlflowClient\nMlflowClient().create_experiment(name="team/churn_model")\n',
            unsafe=True,
        ),
        Invalid(
            'from mlflow import MlflowClient\nclient = MlflowClient()\nclient.rename_experiment("7", "NYC Taxi")\n',
            fixed='from mlflow import MlflowClient\nclient = MlflowClient()\nclient.rename_experiment("7", "nyc_taxi")\n',
            unsafe=True,
        ),
        Invalid('import mlflow\nmlflow.set_experiment(f"Team {team}/churn")\n'),
        Invalid(
            'import mlflow\nmlflow.set_experiment("DEFAULT")\n',
            fixed='import mlflow\nmlflow.set_experiment("default")\n',
            unsafe=True,
        ),
        Invalid(
            'import mlflow\nmlflow.set_experiment("nyc-taxi-123")\n',
            fixed='import mlflow\nmlflow.set_experiment("nyc_taxi_123")\n',
            unsafe=True,
            message="experiment name 'nyc-taxi-123' does not match experiment-name-regex `^",
        ),
        Invalid(
            'import mlflow\nmlflow.set_experiment("/Users/ana@corp.com/Churn Model")\n',
            fixed='import mlflow\nmlflow.set_experiment("/Users/ana@corp.com/churn_model")\n',
            config={"experiment-name-regex": "^/(Users/[^/]+|Shared)/[a-z][a-z0-9_]*$"},
            unsafe=True,
        ),
        Invalid('import mlflow\nmlflow.set_experiment("/Shared/Churn Model")\n'),  # "shared/churn_model" would leave the workspace

    ]

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        return name_findings(
            ctx,
            self.code,
            _experiment_names(ctx),
            ctx.config.experiment_schema,
            "experiment name",
            accepted=(DEFAULT_EXPERIMENT_NAME,),
        )


#: The parameters that take an experiment name.
_EXPERIMENT_NAME_PARAMETERS = (
    ("mlflow.set_experiment", "experiment_name"),
    ("mlflow.create_experiment", "name"),
    (CLIENT_PREFIX + "create_experiment", "name"),
    (CLIENT_PREFIX + "rename_experiment", "new_name"),
)


def _experiment_names(ctx: ModuleContext) -> Iterator[tuple[CallSite, ast.expr]]:
    """Every expression given as an experiment name, with its call site."""
    return ctx.arguments_passed(_EXPERIMENT_NAME_PARAMETERS)
