"""MLN014: the deprecated model-registry stages (``Production``, ``Staging``) instead of aliases."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from ..context import ModuleContext, literal_string
from ..findings import Applicability, Finding, Fix, ReplaceString, Span
from ..mlflow_api import bind
from ..registry_calls import registry_method_calls
from .base import Invalid, Rule, Valid

#: ``models:/<name>/<stage>[/<path>]``; MLflow reads the stage case-insensitively. A digit
#: segment is a version and ``latest`` is not a stage, so neither matches. ``\0`` marks an
#: f-string's field, which may be part of the name but never the whole stage.
_STAGE_URI = re.compile(r"^models:/(?P<name>[^/@]+)/(?P<stage>production|staging|archived|none)(?P<rest>/.*)?$", re.IGNORECASE | re.DOTALL)
#: Parameters of the two stage methods (unchanged from 2.8 to 3.17).
_TRANSITION_PARAMETERS = ("name", "version", "stage", "archive_existing_versions")
_ALIASES = {"stage-aliases": {"Production": "champion", "Staging": "challenger"}}


class ModelRegistryStage(Rule):
    code = "MLN014"
    name = "model-registry-stage"
    #: Last names of the MLflow APIs this rule matches. The prefilter looks for them as text,
    #: so ``models`` keeps every file holding a ``models:/`` URI, wherever it is written.
    apis = ("transition_model_version_stage", "get_latest_versions", "models")
    summary = "A model-registry stage (deprecated since MLflow 2.9) is used instead of an alias."
    what_it_does = """
        Reports `transition_model_version_stage(...)` and `get_latest_versions(...)` (with or
        without `stages=`) called on any object in a module that names MLflow (the client is
        usually a parameter or an attribute, and no other library has these methods), and every string
        literal or f-string that is a stage model URI, `models:/<name>/<stage>[/<path>]` with
        a literal stage `Production`, `Staging`, `Archived` or `None` (any case), wherever it
        is written (`load_model`, `spark_udf`, a constant, a config dict). `models:/name/3`
        (a version), `models:/name/latest` and `models:/name@alias` are not stages.
    """
    why_bad = """
        Stages are deprecated since MLflow 2.9 and will be removed in a future major
        release; Unity Catalog registries reject them already. A registry has one fixed set of
        stages, while aliases (`set_registered_model_alias`, `models:/name@champion`) name
        exactly one version each and can be as many as deployments need.
    """
    example = """
        client.transition_model_version_stage("ctr_model", 3, "Production")
        model = mlflow.pyfunc.load_model("models:/ctr_model/Production")
    """
    use_instead = """
        client.set_registered_model_alias("ctr_model", "champion", 3)
        model = mlflow.pyfunc.load_model("models:/ctr_model@champion")
    """
    fix_safety = """
        Only model URIs are fixed, and only when `stage-aliases` maps the stage to the team's
        alias: `models:/ctr_model/Production` becomes `models:/ctr_model@champion`. The
        alias is the team's choice (MLflow has no default, and `production` is as common as
        `champion`), so there is no fix without the key. The fix is **unsafe**: the new URI
        loads whatever version carries the alias, and fails until someone sets it.

        `transition_model_version_stage` and `get_latest_versions` have no fix: their
        arguments do not map one to one (an alias names one version, while a stage may hold
        several unless `archive_existing_versions=True`; `get_latest_versions` returns a list
        per stage, `get_model_version_by_alias` one version or an error), so the change needs
        a person.
    """
    options = """
        - `stage-aliases` (table of stage → alias, default empty), e.g.
          `{ Production = "champion", Staging = "challenger" }`: enables the URI fix.
    """
    VALID = [
        Valid('import mlflow\nmodel = mlflow.pyfunc.load_model("models:/ctr_model@champion")\n'),
        Valid('import mlflow\nmodel = mlflow.pyfunc.load_model("models:/ctr_model/3")\n'),
        Valid('import mlflow\nmodel = mlflow.pyfunc.load_model("models:/ctr_model/latest")\n'),
        Valid('import mlflow\nmodel = mlflow.pyfunc.load_model(f"models:/{name}/{stage}")\n'),
        Valid('import mlflow\nclient = mlflow.MlflowClient()\nclient.set_registered_model_alias("ctr_model", "champion", 3)\n'),
        Valid('import mlflow\nprint("the Production model")\n'),
    ]
    INVALID = [
        Invalid(
            'import mlflow\nmodel = mlflow.pyfunc.load_model("models:/ctr_model/Production")\n',
            fixed='import mlflow\nmodel = mlflow.pyfunc.load_model("models:/ctr_model@champion")\n',
            config=_ALIASES,
            unsafe=True,
        ),
        Invalid('import mlflow\nmodel = mlflow.pyfunc.load_model("models:/ctr_model/Production")\n', message="stage-aliases"),
        Invalid(
            'import mlflow\nURI = "models:/ctr_model/staging/model.pkl"\n',
            fixed='import mlflow\nURI = "models:/ctr_model@challenger/model.pkl"\n',
            config=_ALIASES,
            unsafe=True,
        ),
        Invalid('import mlflow\nmodel = mlflow.sklearn.load_model(f"models:/{name}/Production")\n', config=_ALIASES),
        Invalid(
            'from mlflow import MlflowClient\nMlflowClient().transition_model_version_stage("ctr_model", 3, "Production")\n',
            config=_ALIASES,
            message="set_registered_model_alias",
        ),
        Invalid(
            'from mlflow.tracking import MlflowClient\nclient = MlflowClient()\nlatest = client.get_latest_versions("ctr_model", stages=["Staging"])\n',
            message="get_model_version_by_alias",
        ),
        Invalid(
            'import mlflow\ndef archive(client, name, version):\n    client.transition_model_version_stage(name, version, "Archived")\n',
            line=3,
        ),
    ]

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for site in registry_method_calls(ctx, "transition_model_version_stage"):
            stage = literal_string(bind(site.node, _TRANSITION_PARAMETERS).get("stage"))  # type: ignore[arg-type]
            shown = f" to {stage!r}" if stage else ""
            yield ctx.report(
                self.code,
                site.node,
                f"transition_model_version_stage{shown} uses registry stages, deprecated since MLflow 2.9; "
                "point an alias at the version with set_registered_model_alias(name, alias, version)",
            )
        for site in registry_method_calls(ctx, "get_latest_versions"):
            yield ctx.report(
                self.code,
                site.node,
                "get_latest_versions reads registry stages, deprecated since MLflow 2.9; "
                "read the version an alias names with get_model_version_by_alias(name, alias)",
            )
        for node in ast.walk(ctx.tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("models:/"):
                yield from self._check_uri(ctx, node, node.value, fixable=True)
            elif isinstance(node, ast.JoinedStr) and node.values:
                first = node.values[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str) and first.value.startswith("models:/"):
                    text = "".join(v.value if isinstance(v, ast.Constant) else "\0" for v in node.values)  # type: ignore[misc]
                    yield from self._check_uri(ctx, node, text, fixable=False)

    def _check_uri(self, ctx: ModuleContext, node: ast.expr, text: str, fixable: bool) -> Iterator[Finding]:
        match = _STAGE_URI.match(text)
        if match is None:
            return
        stage = match["stage"].capitalize()
        shown = text.replace("\0", "{…}")
        alias = dict(ctx.config.stage_aliases).get(stage)
        fix = None
        if alias is None:
            advice = "set stage-aliases to fix it" if fixable else "load models:/<name>@<alias>"
            hint = f"load models:/<name>@<alias> ({advice})" if fixable else advice
        else:
            new = f"models:/{match['name']}@{alias}{match['rest'] or ''}"
            hint = f"load {new.replace(chr(0), '{…}')!r}"
            if fixable:
                fix = Fix(f"Use alias {alias!r} for stage {stage}", Applicability.UNSAFE, (ReplaceString(Span.of(node), new),))
        yield ctx.report(
            self.code, node, f"model URI {shown!r} names the registry stage {stage}, deprecated since MLflow 2.9; {hint}", fix
        )

