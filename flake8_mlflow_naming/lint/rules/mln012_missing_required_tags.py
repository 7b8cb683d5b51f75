"""MLN012: a run is started without a tag the team requires."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..context import ModuleContext
from ..findings import Finding, NoFix
from ..mlflow_api import MISSING, BoundCall, bind, is_none_or_empty
from ..required_tags import add_tags_fix, missing_tags
from ..resolve import CallSite
from .base import Invalid, Rule, Valid

_REQUIRED = {"required-tags": ["team", "project"]}
_DEFAULTS = {**_REQUIRED, "required-tags-defaults": {"team": '"recommendations"', "project": 'os.environ["PROJECT"]'}}
#: The wrapper's contract takes start_run's keywords; only ``tags`` matters here.
_WRAPPER_TAGS_PARAMETERS = ("run_name",)
NO_DEFAULT = NoFix("required-tags-defaults has no value for {tags}; set [tool.mlflow-naming.required-tags-defaults] {example}")


class MissingRequiredTags(Rule):
    code = "MLN012"
    name = "missing-required-tags"
    #: Last names of the MLflow APIs this rule matches (the prefilter and call index use them).
    apis = ("start_run", "create_run")
    #: The rule also matches calls of the configured ``run-wrapper``.
    matches_wrapper = True
    summary = "A run is started without a tag listed in `required-tags`."
    what_it_does = """
        Only when `required-tags` is configured: reports `mlflow.start_run`,
        `MlflowClient.create_run` and the team wrapper when their `tags=` is absent or is a
        dict lacking a required key: a literal, or a name assigned a dict literal once (in the
        module or the function) that no code changes in place. Any other `tags` value (a
        parameter, a call, a dict some code adds keys to), a `**` spread in the dict, a key
        that is not a literal, or `**kwargs` passed to the call are unknown and not reported
        (MLN001 reads a tags variable the same way); a tag the `with` block sets on its run
        (`mlflow.set_tag`, `mlflow.set_tags`, before another run starts) counts as given, and
        one whose key is unknown may be any required tag; nor is resuming a run (`run_id=`), which keeps the tags it has. A wrapper
        defined in the same module without a `tags` parameter (or `**kwargs`) is not checked.
        `mlflow.run` / `mlflow.projects.run` are not checked.
    """
    why_bad = """
        Teams find and govern runs by their tags (`team`, `project`, `hypothesis`,
        `dataset`, …). A run without them drops out of every dashboard and search that
        filters on them, and `tracked_run` refuses to start it.
    """
    example = """
        with mlflow.start_run(run_name="ctr_ranker_baseline", tags={"team": "recommendations"}):
            ...
    """
    use_instead = """
        with mlflow.start_run(
            run_name="ctr_ranker_baseline", tags={"team": "recommendations", "project": "ctr_model"}
        ):
            ...
    """
    fix_safety = """
        **Unsafe**, and only when every missing key has an entry in `required-tags-defaults`
        (a table of tag → Python expression): the missing keys are added to the dict literal,
        or `tags={...}` is added to the call. The expressions are the team's; the fix does not
        add imports they need.
    """
    options = """
        - `required-tags` (list of tag names, default empty): enables the rule.
        - `required-tags-defaults` (table of tag → Python expression source, default empty):
          the values the fix writes, e.g. `{ team = '"recommendations"', project = 'os.environ["PROJECT"]' }`.
    """
    no_fix = (NO_DEFAULT,)
    VALID = [
        Valid('import mlflow\nwith mlflow.start_run(run_name="a_b"):\n    pass\n'),
        Valid(
            'import mlflow\nwith mlflow.start_run(run_name="a_b", tags={"team": "rec", "project": "ctr"}):\n    pass\n',
            config=_REQUIRED,
        ),
        Valid('import mlflow\nwith mlflow.start_run(run_name="a_b", tags=run_tags):\n    pass\n', config=_REQUIRED),
        Valid(
            'import mlflow\ndef go():\n    tags = {"team": "rec"}\n    tags["project"] = "ctr"\n'
            '    with mlflow.start_run(run_name="a_b", tags=tags):\n        pass\n',
            config=_REQUIRED,
        ),
        Valid(
            'import mlflow\ndef go():\n    tags = {"team": "rec"}\n    add_defaults(tags)\n'
            '    with mlflow.start_run(run_name="a_b", tags=tags):\n        pass\n',
            config=_REQUIRED,
        ),
        Valid('import mlflow\nwith mlflow.start_run(run_name="a_b", tags={**base, "team": "rec"}):\n    pass\n', config=_REQUIRED),
        Valid('import mlflow\ndef go(**kw):\n    with mlflow.start_run(**kw):\n        pass\n', config=_REQUIRED),
        Valid("import mlflow\nwith mlflow.start_run(run_id=previous):\n    pass\n", config=_REQUIRED),
        Valid(
            'import mlflow\nwith mlflow.start_run(run_name="a_b", tags={"team": "rec"}):\n    mlflow.set_tag("project", "ctr")\n',
            config=_REQUIRED,
        ),
        Valid('import mlflow\ndef go(config):\n    with mlflow.start_run(run_name="a_b"):\n        mlflow.set_tags(config["tags"])\n', config=_REQUIRED),
        Valid('import mlflow\nmlflow.run(".", "main", run_name="a_b")\n', config=_REQUIRED),
    ]
    INVALID = [
        Invalid(
            'import mlflow\nwith mlflow.start_run(run_name="a_b", tags={"team": "rec"}):\n    pass\n',
            config=_REQUIRED,
            message="'project'",
        ),
        Invalid(
            'import mlflow\ndef go():\n    tags = {"team": "rec"}\n    mlflow.log_params(tags)\n'
            '    with mlflow.start_run(run_name="a_b", tags=tags):\n        pass\n',
            fixed='import mlflow\ndef go():\n    tags = {"team": "rec", "project": os.environ["PROJECT"]}\n    mlflow.log_params(tags)\n'
            '    with mlflow.start_run(run_name="a_b", tags=tags):\n        pass\n',
            config=_DEFAULTS,
            unsafe=True,
            line=5,
        ),
        Invalid(
            'import mlflow\nwith mlflow.start_run(run_name="a_b", tags={"team": "rec"}):\n    pass\n',
            fixed='import mlflow\nwith mlflow.start_run(run_name="a_b", tags={"team": "rec", "project": os.environ["PROJECT"]}):\n    pass\n',
            config=_DEFAULTS,
            unsafe=True,
        ),
        Invalid(
            'import mlflow\nwith mlflow.start_run(run_name="a_b"):\n    pass\n',
            fixed='import mlflow\nwith mlflow.start_run(run_name="a_b", tags={"team": "recommendations", "project": os.environ["PROJECT"]}):\n    pass\n',
            config=_DEFAULTS,
            unsafe=True,
        ),
        Invalid(
            'import mlflow\nwith mlflow.start_run(run_name="a_b"):\n    mlflow.set_tag("team", "rec")\n',
            config=_REQUIRED,
            message="without required tag(s) 'project'",
        ),
        Invalid(
            "from mlflow import MlflowClient\nMlflowClient().create_run('0', tags={'team': 'rec'}, run_name='a_b')\n",
            config=_REQUIRED,
        ),
        Invalid(
            'import mlflow\nwith mlflow.start_run(run_name="a_b", tags=None):\n    pass\n',
            fixed='import mlflow\nwith mlflow.start_run(run_name="a_b", tags={"team": "recommendations", "project": os.environ["PROJECT"]}):\n    pass\n',
            config=_DEFAULTS,
            unsafe=True,
        ),
        Invalid(
            'from ml_platform.tracking import production_run\nwith production_run(run_name="a_b", tags={}):\n    pass\n',
            config={**_REQUIRED, "run-wrapper": "ml_platform.tracking.production_run"},
            message="'team', 'project'",
        ),
    ]

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        required = ctx.config.required_tags
        if not required:
            return
        wrapper_takes_tags = _wrapper_takes_tags(ctx)
        for site in ctx.run_starts():
            if ctx.is_wrapper(site):
                if wrapper_takes_tags:
                    yield from self._check_call(ctx, site, bind(site.node, _WRAPPER_TAGS_PARAMETERS), "the wrapper", required)
            else:
                yield from self._check_call(ctx, site, ctx.bind(site, "mlflow.start_run"), "start_run", required)
        for site in ctx.client_calls("create_run"):
            yield from self._check_call(ctx, site, ctx.bind(site, "MlflowClient.create_run"), "create_run", required)

    def _check_call(
        self, ctx: ModuleContext, site: CallSite, bound: BoundCall, what: str, required: tuple[str, ...]
    ) -> Iterator[Finding]:
        if what == "start_run":
            run_id = bound.get("run_id")
            if run_id is not MISSING and not is_none_or_empty(run_id):
                return  # resuming: the run keeps the tags it was created with
        tags = bound.get("tags")
        missing = missing_tags(ctx, site, tags, required, read_body=True)
        if not missing:
            return
        listed = ", ".join(repr(tag) for tag in missing)
        message = f"run started by {what} without required tag(s) {listed} (required-tags); add them to tags="
        fix = add_tags_fix(ctx, site, tags, missing, ctx.config.required_tags_defaults, NO_DEFAULT)
        yield ctx.report(self.code, site.node, message, fix)


def _wrapper_takes_tags(ctx: ModuleContext) -> bool:
    """False only when the wrapper is defined in this module and takes neither ``tags`` nor ``**kwargs``."""
    if not ctx.wrapper:
        return False
    function = ctx.wrapper.rsplit(".", 1)[-1]
    for node in ctx.tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == function:
            args = node.args
            names = {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)}
            return "tags" in names or args.kwarg is not None
    return True
