"""MLN015: a model is promoted in a module that never tags the run it came from."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..context import ModuleContext, literal_string
from ..findings import Finding
from ..mlflow_api import bind
from ..registry_calls import registry_method_calls
from ..resolve import CallSite
from .base import Invalid, Rule, Valid

_ALIAS_PARAMETERS = ("name", "alias", "version")
_TRANSITION_PARAMETERS = ("name", "version", "stage", "archive_existing_versions")
#: Calls that may set the promotion tag on a run; one with a computed key may be doing so.
_TAG_SETTERS = ("mlflow.set_tag", "MlflowClient.set_tag")
#: Aliases that name a version on its way to production, not in it: setting them promotes nothing.
PRE_PRODUCTION_ALIASES = frozenset(
    {"staging", "challenger", "candidate", "shadow", "canary", "dev", "development", "test", "testing", "qa", "experimental", "archived"}
)


class PromotionWithoutRunTag(Rule):
    code = "MLN015"
    name = "promotion-without-run-tag"
    #: Last names of the MLflow APIs this rule matches (the prefilter and call index use them).
    apis = ("set_registered_model_alias", "transition_model_version_stage", "set_tag")
    summary = "A model is promoted in a module that never tags its originating run with `promotion-tag`."
    what_it_does = """
        Reports `set_registered_model_alias(...)` (unless its alias is a literal that is not a
        production alias: with `stage-aliases` configured, anything but the `Production` alias;
        otherwise one of `staging`, `challenger`, `candidate`, `shadow`, `canary`, `dev`,
        `development`, `test`, `testing`, `qa`, `experimental`, `archived`) and
        `transition_model_version_stage(..., stage="Production")` (a literal stage, any case),
        called on any object (only MLflow's clients have these methods), in a module that
        names MLflow and where the text of `promotion-tag` (default
        `production_run`) appears in no string literal, and no `set_tag` call has a
        computed key. Setting the tag through `set_tag`, `set_tags`, `log_batch`, a constant or
        a helper that takes the tag's name all count, since each writes the literal
        somewhere in the module. A promotion done by a helper imported from elsewhere is not
        seen, and a transition to a stage in a variable is not reported.
    """
    why_bad = """
        The registry knows which run a version came from, but the run does not know it became
        the production model. Without the tag, nobody can search the tracking server for
        the runs behind production models, and an archival policy cannot protect them
        (`audit --policy` keeps runs with a protected tag such as `production_run`).
    """
    example = """
        client.set_registered_model_alias("ctr_model", "champion", version.version)
    """
    use_instead = """
        client.set_registered_model_alias("ctr_model", "champion", version.version)
        client.set_tag(version.run_id, "production_run", "true")
        client.set_tag(version.run_id, "production_model_version", f"ctr_model/{version.version}")
    """
    fix_safety = """
        No fix: the run id is rarely at hand where the alias is set (it is the model version's
        `run_id`, read from the registry), and which version to record is the team's choice.
        `mlflow-naming audit --policy` finds promoted versions whose runs lack the tags and
        `--apply` sets them.
    """
    options = """
        - `promotion-tag` (default `production_run`): the tag the originating run must get.
        - `promotion-version-tag` (default `production_model_version`): the tag `audit` writes
          with the `name/version` the run became.
    """
    VALID = [
        Valid('from mlflow import MlflowClient\nMlflowClient().set_registered_model_alias("m_x", "challenger", 3)\n'),
        Valid(
            'from mlflow import MlflowClient\nMlflowClient().set_registered_model_alias("m_x", "champion", 3)\n',
            config={"stage-aliases": {"Production": "prod"}},
        ),
        Valid(
            'from mlflow import MlflowClient\nclient = MlflowClient()\nmv = client.get_model_version("m_x", 3)\n'
            'client.set_registered_model_alias("m_x", "champion", 3)\nclient.set_tag(mv.run_id, "production_run", "true")\n'
        ),
        Valid(
            'from mlflow import MlflowClient\nclient = MlflowClient()\nclient.set_registered_model_alias("m_x", "champion", 3)\n'
            'client.set_tag(run_id, key, "true")\n'
        ),
        Valid(
            'from mlflow import MlflowClient\nclient = MlflowClient()\nclient.transition_model_version_stage("m_x", 3, "Staging")\n'
        ),
        Valid(
            'from mlflow import MlflowClient\nPROMOTED = {"promoted": "yes"}\nMlflowClient().set_registered_model_alias("m_x", "champion", 3)\n',
            config={"promotion-tag": "promoted"},
        ),
    ]
    INVALID = [
        Invalid(
            'from mlflow import MlflowClient\nclient = MlflowClient()\nclient.set_registered_model_alias("m_x", "champion", 3)\n',
            line=3,
            message="'production_run'",
        ),
        Invalid('import mlflow\ndef promote(registry, version):\n    registry.set_registered_model_alias("m_x", "champion", version)\n'),
        Invalid(
            'import mlflow\nclient = mlflow.tracking.MlflowClient()\nclient.transition_model_version_stage(name="m_x", version=3, stage="production")\n'
        ),
        Invalid(
            'from mlflow import MlflowClient\nclient = MlflowClient()\nclient.set_registered_model_alias("m_x", "champion", 3)\n'
            'client.set_tag(run_id, "production_run", "true")\n',
            config={"promotion-tag": "promoted"},
            message="'promoted'",
        ),
    ]

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        promotions = list(_promotions(ctx))
        if not promotions or _may_tag_runs(ctx):
            return
        tag = ctx.config.promotion_tag
        for site, what in promotions:
            yield ctx.report(
                self.code,
                site.node,
                f"{what} promotes a model, but this module never tags the originating run with {tag!r} (promotion-tag); "
                f"set it on the model version's run_id so the run can be traced",
            )


def _promotions(ctx: ModuleContext) -> Iterator[tuple[CallSite, str]]:
    production = {alias for stage, alias in ctx.config.stage_aliases if stage == "Production"}
    for site in registry_method_calls(ctx, "set_registered_model_alias"):
        alias = literal_string(bind(site.node, _ALIAS_PARAMETERS).get("alias"))  # type: ignore[arg-type]
        if alias is not None and (alias not in production if production else alias.lower() in PRE_PRODUCTION_ALIASES):
            continue
        yield site, "set_registered_model_alias" + (f" to {alias!r}" if alias else "")
    for site in registry_method_calls(ctx, "transition_model_version_stage"):
        stage = literal_string(bind(site.node, _TRANSITION_PARAMETERS).get("stage"))  # type: ignore[arg-type]
        if stage is not None and stage.lower() == "production":
            yield site, "transition_model_version_stage to Production"


def _may_tag_runs(ctx: ModuleContext) -> bool:
    """True when the module writes the promotion tag's name, or sets a tag whose key is computed."""
    tag = ctx.config.promotion_tag
    for node in ast.walk(ctx.tree):
        if isinstance(node, ast.Constant) and node.value == tag:
            return True
    for api in _TAG_SETTERS:
        for site in ctx.calls(api):
            key = ctx.bind(site, api).get("key")
            if isinstance(key, ast.expr) and literal_string(key) is None:
                return True
    return False
