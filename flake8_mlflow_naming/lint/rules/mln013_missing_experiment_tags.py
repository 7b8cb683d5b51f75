"""MLN013: an experiment is created without a tag the team requires (ownership on a shared server)."""

from __future__ import annotations

from collections.abc import Iterator

from ..context import ModuleContext
from ..findings import Finding, NoFix
from ..mlflow_api import CLIENT_PREFIX
from ..required_tags import add_tags_fix, missing_tags
from .base import Invalid, Rule, Valid

_REQUIRED = {"required-experiment-tags": ["owner_team", "owner_lead"]}
_DEFAULTS = {
    **_REQUIRED,
    "required-experiment-tags-defaults": {"owner_team": '"recommendations"', "owner_lead": 'os.environ["USER"]'},
}

NO_DEFAULT = NoFix(
    "required-experiment-tags-defaults has no value for {tags}; "
    "set [tool.mlflow-naming.required-experiment-tags-defaults] {example}"
)


class MissingExperimentTags(Rule):
    code = "MLN013"
    name = "missing-experiment-tags"
    #: Last names of the MLflow APIs this rule matches (the prefilter and call index use them).
    apis = ("create_experiment",)
    no_fix = (NO_DEFAULT,)
    summary = "An experiment is created without a tag listed in `required-experiment-tags`."
    what_it_does = """
        Only when `required-experiment-tags` is configured: reports
        `mlflow.create_experiment(name, artifact_location, tags)` and
        `MlflowClient.create_experiment(name, artifact_location, tags)` when `tags` is absent,
        `None`, or a dict literal lacking a required key. Tags are read exactly as MLN012 reads
        a run's: a `tags` variable, a `**` spread, a computed key or `**kwargs` passed to the
        call are unknown and not reported. `set_experiment`, which creates a missing
        experiment without tags, is not reported: it also selects existing experiments, and
        ownership tags are set where experiments are created on purpose.
    """
    why_bad = """
        On a tracking server shared by teams, an experiment nobody owns cannot be cleaned up,
        permissioned or asked about. Tags such as `owner_team` and `owner_lead` say who to
        ask, and dashboards and archival jobs filter on them.
    """
    example = """
        experiment_id = mlflow.create_experiment("recommendations/ctr_model")
    """
    use_instead = """
        experiment_id = mlflow.create_experiment(
            "recommendations/ctr_model", tags={"owner_team": "recommendations", "owner_lead": "ana"}
        )
    """
    fix_safety = """
        **Unsafe**, and only when every missing key has an entry in
        `required-experiment-tags-defaults` (tag → Python expression): the missing keys are
        added to the dict literal, or `tags={...}` is added to the call. The expressions are
        the team's; the fix adds no imports they need. The tags are stored on the new
        experiment, which is what the rule asks, but a script that compared tags would see them.
    """
    options = """
        - `required-experiment-tags` (list of tag names, default empty): enables the rule; the
          gate checks the same tags when an experiment is created (see `gate-mode`).
        - `required-experiment-tags-defaults` (table of tag → Python expression source,
          default empty): the values the fix writes.
    """
    VALID = [
        Valid('import mlflow\nmlflow.create_experiment("ctr_model")\n'),
        Valid(
            'import mlflow\nmlflow.create_experiment("ctr_model", tags={"owner_team": "rec", "owner_lead": "ana"})\n',
            config=_REQUIRED,
        ),
        Valid('import mlflow\nmlflow.create_experiment("ctr_model", tags=owner_tags)\n', config=_REQUIRED),
        Valid('import mlflow\nmlflow.create_experiment("ctr_model", tags={**base, "owner_team": "rec"})\n', config=_REQUIRED),
        Valid('import mlflow\nmlflow.set_experiment("ctr_model")\n', config=_REQUIRED),
        Valid('import mlflow\ndef make(**kw):\n    return mlflow.create_experiment("ctr_model", **kw)\n', config=_REQUIRED),
        Valid('import mlflow\nmlflow.create_experiment("ctr_model", None, {"owner_team": "r", "owner_lead": "a"})\n', config=_REQUIRED),
    ]
    INVALID = [
        Invalid('import mlflow\nmlflow.create_experiment("ctr_model")\n', config=_REQUIRED, message="'owner_team', 'owner_lead'"),
        Invalid(
            'import mlflow\nmlflow.create_experiment("ctr_model", tags={"owner_team": "rec"})\n',
            fixed='import mlflow\nmlflow.create_experiment("ctr_model", tags={"owner_team": "rec", "owner_lead": os.environ["USER"]})\n',
            config=_DEFAULTS,
            unsafe=True,
        ),
        Invalid(
            'from mlflow import MlflowClient\nMlflowClient().create_experiment("ctr_model", "s3://bucket/ctr")\n',
            fixed='from mlflow import MlflowClient\nMlflowClient().create_experiment("ctr_model", "s3://bucket/ctr", tags={"owner_team": "recommendations", "owner_lead": os.environ["USER"]})\n',
            config=_DEFAULTS,
            unsafe=True,
        ),
        Invalid('import mlflow\nmlflow.create_experiment("ctr_model", tags=None)\n', config=_REQUIRED, message="'owner_lead'"),
        Invalid(
            'from mlflow.tracking import MlflowClient\nclient = MlflowClient()\nclient.create_experiment(name="x_y", tags={"owner_lead": "ana"})\n',
            config=_REQUIRED,
            message="'owner_team'",
            line=3,
        ),
    ]

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        required = ctx.config.required_experiment_tags
        if not required:
            return
        for api in ("mlflow.create_experiment", CLIENT_PREFIX + "create_experiment"):
            for site in ctx.calls(api):
                tags = ctx.bind(site, api).get("tags")
                missing = missing_tags(ctx, site, tags, required)
                if not missing:
                    continue
                listed = ", ".join(repr(tag) for tag in missing)
                message = (
                    f"experiment created without required tag(s) {listed} (required-experiment-tags); "
                    "add them to tags= so the experiment has an owner"
                )
                fix = add_tags_fix(ctx, site, tags, missing, ctx.config.required_experiment_tags_defaults, NO_DEFAULT)
                yield ctx.report(self.code, site.node, message, fix)
